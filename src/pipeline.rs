//! One document through every stage: ingest, normalise, segment, map, check.

use sha2::{Digest, Sha256};

use crate::ingest::{self, IngestError};
use crate::model::{NoticeIndex, NoticeResult, Source, SCHEMA_VERSION};
use crate::normalise::{self, NormText};
use crate::{check, map, segment};

/// Options that change extraction.
#[derive(Debug, Clone)]
pub struct Options {
    /// Today's date (`YYYY-MM-DD`) for the future-date check.
    pub today: String,
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
    /// When extraction must stop: checked between stages, past it `extract` returns
    /// [`IngestError::Timeout`]. `None`: no time budget.
    pub deadline: Option<std::time::Instant>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            today: jiff::Zoned::now().date().to_string(),
            max_bytes: 64 * 1024 * 1024,
            deadline: None,
        }
    }
}

/// A document's results (one per notice it holds, usually one) and the normalised
/// text their spans point into.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// One result per notice, in document order; never empty.
    pub results: Vec<NoticeResult>,
    /// The normalised text.
    pub norm: NormText,
}

impl Extraction {
    /// The first (usually the only) notice.
    pub fn first(&self) -> &NoticeResult {
        &self.results[0]
    }
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `bytes` as lower-case hexadecimal digits.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        hex.push(HEX[usize::from(b >> 4)] as char);
        hex.push(HEX[usize::from(b & 15)] as char);
    }
    hex
}

/// `Err(Timeout)` once the deadline has passed (a cooperative check between stages).
fn check_deadline(options: &Options) -> Result<(), IngestError> {
    match options.deadline {
        Some(d) if std::time::Instant::now() >= d => Err(IngestError::Timeout),
        _ => Ok(()),
    }
}

/// Run the pipeline over one document. `path` is the path to report (relative to the
/// input root); the format is decided from its name and the bytes.
pub fn extract(path: &str, bytes: &[u8], options: &Options) -> Result<Extraction, IngestError> {
    extract_hashed(path, bytes, &sha256_hex(bytes), options)
}

/// [`extract`] for a caller that has hashed the bytes already: `sha256` is their
/// [`sha256_hex`].
pub fn extract_hashed(
    path: &str,
    bytes: &[u8],
    sha256: &str,
    options: &Options,
) -> Result<Extraction, IngestError> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit: options.max_bytes,
        });
    }
    check_deadline(options)?;
    let format = ingest::detect_format(path, bytes);
    let ingested = ingest::ingest(format, bytes)?;
    let mut warnings = ingested.warnings.clone();
    check_deadline(options)?;
    let norm = normalise::normalise(&ingested, &mut warnings);
    if norm.text.trim().is_empty() {
        return Err(IngestError::NoText);
    }
    check_deadline(options)?;
    let segmented = segment::segment(&norm);
    let notices = segment::split_notices(&norm, &segmented);
    let count = notices.len();
    let mut results = Vec::with_capacity(count);
    for (index, notice) in notices.iter().enumerate() {
        check_deadline(options)?;
        let mapped = map::map(&norm, notice);
        check_deadline(options)?;
        let (gaps, conflicts) = check::check(&norm, &mapped, &options.today);
        let mut notice_warnings = warnings.clone();
        notice_warnings.extend(mapped.warnings.iter().cloned());
        results.push(NoticeResult {
            schema_version: SCHEMA_VERSION.to_string(),
            source: Source {
                path: path.to_string(),
                format,
                sha256: sha256.to_string(),
                bytes: bytes.len() as u64,
                encoding: ingested.encoding.clone(),
                pages: ingested.pages,
                notice: (count > 1).then_some(NoticeIndex {
                    index: index + 1,
                    count,
                    span: notice.range,
                }),
            },
            language: mapped.language,
            title: mapped.title,
            kind: mapped.kind,
            dates: mapped.dates,
            fields: mapped.fields,
            sections: mapped.sections,
            gaps,
            conflicts,
            warnings: notice_warnings,
        });
    }
    Ok(Extraction { results, norm })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_hex_is_the_lowercase_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
