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
//! | diff | [`diff`], [`review`] | two results or runs | field-level differences, `seloste diff` |
//! | report | [`report`] | a run's output | one HTML page, `seloste report` |
//!
//! [`pipeline::extract`] runs the stages for one document:
//!
//! ```
//! use seloste::model::{FieldKey, NoticeKind};
//! use seloste::pipeline::{extract, Options};
//!
//! let notice = "Asiakasrekisteri\n\nRekisterinpitäjä\n\nUtajärven kunta, kirjaamo(at)utajarvi.fi\n\n\
//!               Tietojen siirto EU:n tai ETA:n ulkopuolelle\n\nTietoja ei siirretä.\n";
//! let options = Options { today: "2026-11-22".into(), ..Options::default() };
//! let result = extract("notice.txt", notice.as_bytes(), &options).unwrap().results.remove(0);
//! assert_eq!(result.kind, NoticeKind::Tietosuojaseloste);
//! assert_eq!(result.title.as_deref(), Some("Asiakasrekisteri"));
//! let controller = &result.fields[&FieldKey::Controller];
//! assert_eq!(controller.values.emails, ["kirjaamo@utajarvi.fi"]);
//! assert_eq!(result.fields[&FieldKey::Transfers].values.outside_eea, Some(false));
//! // A municipality without a data protection officer: an error-level gap.
//! assert!(result.gaps.iter().any(|g| g.rule == "gdpr-13-1-b"));
//! ```

pub mod archive;
pub mod batch;
pub mod check;
pub mod cli;
pub mod dictionary;
pub mod diff;
pub mod dpv;
pub mod ingest;
pub mod laws;
pub mod map;
pub mod model;
pub mod normalise;
pub mod output;
pub mod pipeline;
pub mod prefilter;
pub mod record;
pub mod report;
pub mod review;
pub mod segment;
#[cfg(test)]
mod test_support;
pub mod values;
