//! PDF ingestion (not yet supported).

use super::{IngestError, Ingested};

/// Ingest a PDF document.
pub fn ingest_pdf(_bytes: &[u8]) -> Result<Ingested, IngestError> {
    Err(IngestError::Pdf("PDF input is not supported yet".into()))
}
