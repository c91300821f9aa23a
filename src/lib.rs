//! `seloste`: extracts Finnish privacy notices (rekisteriseloste, tietosuojaseloste)
//! from PDF, HTML and text into one schema, and reports their gaps and conflicts.
//!
//! The pipeline, one module per stage, each passing a typed value to the next:
//!
//! | stage | module | from | to |
//! |---|---|---|---|
//! | ingest | [`ingest`] | bytes | [`ingest::Ingested`] lines with layout cues |
//! | normalise | [`normalise`] | lines | [`normalise::NormText`] |
//! | segment | [`segment`] | normalised text | [`segment::Segmented`] sections |
//! | map | [`map`] | sections | fields, title, kind, dates ([`map::Mapped`]) |
//! | check | [`check`] | mapped notice | gaps and conflicts |
//! | output | [`output`] | result | JSON files, run record |
//! | diff | [`diff`] | two results | field-level differences |
//!
//! [`pipeline::extract`] runs the stages for one document.

pub mod check;
pub mod cli;
pub mod dictionary;
pub mod diff;
pub mod ingest;
pub mod laws;
pub mod map;
pub mod model;
pub mod normalise;
pub mod output;
pub mod pipeline;
pub mod segment;
pub mod values;
