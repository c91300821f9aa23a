//! Byte decoding (BOM, UTF-8, UTF-16 without BOM, CP850, legacy guesses) and text
//! ingestion. Decoded text must be valid and non-empty when decoding succeeds.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = seloste::ingest::text::decode_bytes(data) {
        assert!(!d.encoding.is_empty());
    }
    let _ = seloste::ingest::text::ingest_text(data);
});
