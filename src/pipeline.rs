//! One document through every stage: ingest, normalise, segment, map, check.

use sha2::{Digest, Sha256};

use crate::ingest::{self, IngestError};
use crate::model::{NoticeResult, Source, SCHEMA_VERSION};
use crate::normalise::{self, NormText};
use crate::{check, map, segment};

/// Options that change extraction.
#[derive(Debug, Clone)]
pub struct Options {
    /// Today's date (`YYYY-MM-DD`) for the future-date check.
    pub today: String,
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            today: jiff::Zoned::now().date().to_string(),
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A document's result and the normalised text its spans point into.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The result.
    pub result: NoticeResult,
    /// The normalised text.
    pub norm: NormText,
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Run the pipeline over one document. `path` is the path to report (relative to the
/// input root); the format is decided from its name and the bytes.
pub fn extract(path: &str, bytes: &[u8], options: &Options) -> Result<Extraction, IngestError> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit: options.max_bytes,
        });
    }
    let format = ingest::detect_format(path, bytes);
    let ingested = ingest::ingest(format, bytes)?;
    let mut warnings = ingested.warnings.clone();
    let norm = normalise::normalise(&ingested, &mut warnings);
    if norm.text.trim().is_empty() {
        return Err(IngestError::NoText);
    }
    let segmented = segment::segment(&norm);
    let mapped = map::map(&norm, &segmented);
    let gaps = check::gaps(&norm, &mapped);
    let conflicts = check::conflicts(&norm, &mapped, &options.today);
    warnings.extend(mapped.warnings.iter().cloned());
    let result = NoticeResult {
        schema_version: SCHEMA_VERSION.to_string(),
        source: Source {
            path: path.to_string(),
            format,
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
            encoding: ingested.encoding.clone(),
            pages: ingested.pages,
        },
        language: mapped.language,
        title: mapped.title,
        kind: mapped.kind,
        dates: mapped.dates,
        fields: mapped.fields,
        sections: mapped.sections,
        gaps,
        conflicts,
        warnings,
    };
    Ok(Extraction { result, norm })
}
