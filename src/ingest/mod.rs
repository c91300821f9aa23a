//! Stage 1: **ingest**. Turns the bytes of one input file into [`Ingested`]: the
//! document's visible text as lines, with the layout cues each format can give
//! (HTML heading levels, bold labels, PDF font sizes, page numbers).
//!
//! Every format ends in the same typed value, so the later stages
//! (normalise, segment, map, check) never look at formats again.

pub mod html;
pub mod pdf;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::model::{Format, Warning};

/// Cues the source format gives about a line, used by the segmenter to find headings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineCue {
    /// Structural heading level given by the format itself: HTML `h1`..`h6`, a PDF
    /// line set markedly larger than the body text (1 = largest). `None` for body text.
    pub heading_level: Option<u8>,
    /// The whole line is emphasised (bold, `<strong>`, `<b>`, `<dt>`, a bold PDF font).
    pub emphasis: bool,
    /// The line is a list item (`<li>` in HTML); its marker is not part of `text`.
    pub list_item: bool,
}

/// One line of visible text as the source gives it. An empty `text` is a paragraph break.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceLine {
    /// The text of the line, decoded to Unicode but otherwise as found.
    pub text: String,
    /// 1-based page number, for paged formats (PDF).
    pub page: Option<u32>,
    /// Layout cues for heading detection.
    pub cue: LineCue,
}

impl SourceLine {
    /// A plain line with no page and no cues.
    pub fn plain(text: impl Into<String>) -> Self {
        SourceLine {
            text: text.into(),
            ..Default::default()
        }
    }
}

/// What ingestion hands to the normaliser.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The detected input format.
    pub format: Format,
    /// The character encoding found for text and HTML (`utf-8`, `windows-1252`, `ibm850`...).
    pub encoding: Option<String>,
    /// Number of pages, for PDF.
    pub pages: Option<u32>,
    /// The visible text, line by line, in reading order.
    pub lines: Vec<SourceLine>,
    /// Problems that did not stop ingestion.
    pub warnings: Vec<Warning>,
}

/// Why a document could not be ingested at all. The message names the cause; the
/// caller adds the file name.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Serialize, Deserialize)]
pub enum IngestError {
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The bytes are not text in any encoding we know (NUL bytes, control characters).
    #[error("not a text document: {0}")]
    NotText(String),
    /// The file is larger than the configured cap.
    #[error("the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the file in bytes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// A PDF that cannot be read (damaged beyond recovery, encrypted with a password).
    #[error("unreadable PDF: {0}")]
    Pdf(String),
    /// A PDF whose pages carry no text layer.
    #[error("no text layer: the PDF needs OCR")]
    NoTextLayer,
    /// HTML that cannot be used.
    #[error("unreadable HTML: {0}")]
    Html(String),
    /// The document decoded, but holds no visible text.
    #[error("the document has no visible text")]
    NoText,
    /// Extraction ran past the document's time budget (`pipeline::Options::deadline`).
    #[error("timed out: extraction took longer than the time budget per document")]
    Timeout,
}

/// Guess the format from the file name and the first bytes.
pub fn detect_format(name: &str, bytes: &[u8]) -> Format {
    let lower = name.to_ascii_lowercase();
    let head = &bytes[..bytes.len().min(1024)];
    if lower.ends_with(".pdf") || head.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return Format::Html;
    }
    Format::Text
}

/// Ingest one document's bytes, dispatching on `format`.
pub fn ingest(format: Format, bytes: &[u8]) -> Result<Ingested, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    match format {
        Format::Text => text::ingest_text(bytes),
        Format::Html => html::ingest_html(bytes),
        Format::Pdf => pdf::ingest_pdf(bytes),
    }
}
