//! Property tests for the parsers: text decoding, segmentation and business IDs.

use proptest::prelude::*;
use seloste::ingest::text::decode_bytes;
use seloste::pipeline::{extract, Options};
use seloste::values::business_id_check_digit;

fn notice_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("Rekisterinpitäjä".to_string()),
        Just("## 3. Rekisterin nimi".to_string()),
        Just("Tietojen säilytysajat:".to_string()),
        Just("- henkilötunnus, nimi".to_string()),
        Just(String::new()),
        Just("Sivu 2/3".to_string()),
        "[a-zåäöA-ZÅÄÖ0-9 .,:()\u{00a0}\u{200b}\u{00ad}-]{0,60}",
    ];
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sections_tile_the_text_and_spans_fall_on_char_boundaries(text in notice_text()) {
        let options = Options { today: "2026-11-22".into(), ..Options::default() };
        if let Ok(x) = extract("p.txt", text.as_bytes(), &options) {
            let norm = &x.norm.text;
            for r in &x.results {
                let end = r.source.notice.map_or(norm.len(), |n| n.span.end);
                let mut pos = r.sections.first().map_or(end, |s| s.span.start);
                for s in &r.sections {
                    prop_assert_eq!(s.span.start, pos);
                    prop_assert!(norm.is_char_boundary(s.span.start) && norm.is_char_boundary(s.span.end));
                    pos = s.span.end;
                }
                prop_assert_eq!(pos, end);
            }
            // Same input, same output.
            let again = extract("p.txt", text.as_bytes(), &options).unwrap();
            prop_assert_eq!(again.results, x.results);
        }
    }

    #[test]
    fn utf8_and_utf16_round_trip(text in "[a-zåäöA-ZÅÄÖ .,\n]{1,200}") {
        prop_assume!(text.chars().any(|c| !c.is_whitespace()));
        prop_assert_eq!(decode_bytes(text.as_bytes()).unwrap().text, text.clone());
        let mut le = vec![0xff, 0xfe];
        for u in text.encode_utf16() { le.extend_from_slice(&u.to_le_bytes()); }
        prop_assert_eq!(decode_bytes(&le).unwrap().text, text);
    }

    #[test]
    fn windows_1252_round_trips(text in "[a-zåäöA-ZÅÄÖ .,\n]{1,200}") {
        prop_assume!(text.chars().any(|c| matches!(c, 'ä' | 'ö' | 'å' | 'Ä' | 'Ö' | 'Å')));
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        prop_assert_eq!(decode_bytes(&bytes).unwrap().text, text);
    }

    #[test]
    fn business_id_check_digit_detects_any_single_digit_change(body in "[0-9]{7}", pos in 0usize..7, delta in 1u8..10) {
        if let Some(check) = business_id_check_digit(&body) {
            let mut changed = body.clone().into_bytes();
            changed[pos] = b'0' + (changed[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(changed).unwrap();
            prop_assert_ne!(business_id_check_digit(&changed), Some(check));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let options = Options { today: "2026-11-22".into(), ..Options::default() };
        let _ = extract("x.txt", &bytes, &options);
    }
}
