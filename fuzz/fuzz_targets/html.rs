//! HTML ingestion (charset detection, nesting cap, content finding, rendering).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = seloste::ingest::html::ingest_html(data);
});
