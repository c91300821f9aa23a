//! Property tests for hostile inputs (issue 8): arbitrary markup and mutated PDFs
//! never panic, and whatever comes out keeps the span invariants.
//!
//! The other invariants (sections tile the text, spans on char boundaries,
//! determinism, encoding round trips, business ID check digits, arbitrary bytes as
//! text) are in `tests/properties.rs`.

use std::path::Path;

use proptest::prelude::*;
use seloste::ingest::{html::ingest_html, pdf::ingest_pdf, text::decode_bytes};
use seloste::pipeline::{extract, Extraction, Options};

fn options() -> Options {
    Options {
        today: "2026-11-22".into(),
        ..Options::default()
    }
}

/// Spans fall on character boundaries of the normalised text, and the sections of
/// each notice follow each other without overlapping.
fn assert_spans(x: &Extraction) {
    let text = &x.norm.text;
    for r in &x.results {
        let mut last = 0;
        for s in &r.sections {
            assert!(s.span.start <= s.span.end && s.span.end <= text.len());
            assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
            assert!(s.span.start >= last, "sections overlap");
            last = s.span.end;
        }
    }
}

/// Pieces of tag soup: unbalanced, misnested, with odd attributes, comments, CDATA,
/// scripts, charset declarations, entities and Finnish text.
fn markup_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<b>".to_string()),
        Just("</i>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("</td></table>".to_string()),
        Just("<li>".to_string()),
        Just("<ul>".to_string()),
        Just("<h2>".to_string()),
        Just("</h2>".to_string()),
        Just("<h1 class=\"title\">".to_string()),
        Just("<br>".to_string()),
        Just("<pre>".to_string()),
        Just("<dl><dt>".to_string()),
        Just("<dd>".to_string()),
        Just("<a href=\"mailto:x@y.fi\">".to_string()),
        Just("<nav>".to_string()),
        Just("<header>".to_string()),
        Just("<footer>".to_string()),
        Just("<main>".to_string()),
        Just("<article>".to_string()),
        Just("<script>var a = '</div>';</script>".to_string()),
        Just("<style>p{}</style>".to_string()),
        Just("<!-- kommentti".to_string()),
        Just("-->".to_string()),
        Just("<![CDATA[x]]>".to_string()),
        Just("<meta charset=\"iso-8859-1\">".to_string()),
        Just(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-16\">".to_string()
        ),
        Just("&auml;&#228;&#x0;&#xD800;&bogus;".to_string()),
        Just("<span style=\"display:none\">".to_string()),
        Just("<template>".to_string()),
        Just("<svg><foreignObject>".to_string()),
        Just("<noscript>".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("\u{0}".to_string()),
        Just("\n".to_string()),
        Just("Rekisterinpitäjä".to_string()),
        Just("Tietojen säilytysaika".to_string()),
        "[a-zåäö .,:@]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn html_never_panics_on_arbitrary_markup(pieces in prop::collection::vec(markup_piece(), 0..200)) {
        let html = pieces.concat();
        let _ = ingest_html(html.as_bytes());
        if let Ok(x) = extract("x.html", html.as_bytes(), &options()) {
            assert_spans(&x);
        }
    }

    #[test]
    fn html_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4000)) {
        let _ = ingest_html(&bytes);
    }

    #[test]
    fn decoding_never_panics_and_utf8_is_kept(bytes in prop::collection::vec(any::<u8>(), 0..4000)) {
        if let Ok(d) = decode_bytes(&bytes) {
            let utf8 = std::str::from_utf8(&bytes).ok();
            // Valid UTF-8 without a BOM or UTF-16 look decodes to itself.
            if let Some(s) = utf8 {
                if d.encoding == "utf-8" && !s.starts_with('\u{feff}') {
                    prop_assert_eq!(d.text.as_str(), s);
                }
            }
        }
    }
}

fn sample_pdfs() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pdf");
    [
        "micro__tj_real.pdf",
        "probe__form_xobject.pdf",
        "multi__rl_helv_hf.pdf",
    ]
    .iter()
    .map(|n| std::fs::read(dir.join(n)).unwrap())
    .collect()
}

/// A mutation of a PDF: flip bits, overwrite bytes with PDF delimiters, cut, or
/// duplicate a slice.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Cut(usize),
    Repeat(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let delim = prop::sample::select(b"[]<>()/%{}0123456789 \nRobjstreamendTJTf".to_vec());
    prop_oneof![
        4 => (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, 1 << b)),
        2 => (any::<usize>(), delim).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => any::<usize>().prop_map(Mutation::Cut),
        1 => (any::<usize>(), 1usize..200).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let len = bytes.len();
        match *m {
            Mutation::Flip(i, bit) => bytes[i % len] ^= bit,
            Mutation::Set(i, b) => bytes[i % len] = b,
            Mutation::Cut(i) => bytes.truncate(i % len),
            Mutation::Repeat(i, n) => {
                let start = i % len;
                let end = (start + n).min(len);
                let slice = bytes[start..end].to_vec();
                bytes.splice(start..start, slice);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pdf_never_panics_on_mutated_samples(
        which in 0usize..3,
        mutations in prop::collection::vec(mutation(), 1..12),
    ) {
        let pdfs = sample_pdfs();
        let bytes = apply(pdfs[which].clone(), &mutations);
        let _ = ingest_pdf(&bytes);
        // The later stages on whatever text a damaged PDF gives.
        if let Ok(x) = extract("x.pdf", &bytes, &options()) {
            assert_spans(&x);
        }
    }
}
