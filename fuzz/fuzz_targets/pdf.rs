//! PDF ingestion must never panic, abort, hang or blow up memory on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seloste::ingest::pdf::ingest_pdf(data);
});
