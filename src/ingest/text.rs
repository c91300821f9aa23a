//! Plain-text ingestion: decode the bytes of a `.txt` or `.md` file into Unicode.
//!
//! Order of decisions: a byte-order mark (UTF-8, UTF-16 LE/BE) wins; valid UTF-8 is
//! UTF-8; text with NUL bytes in every other position is UTF-16 without a BOM (a
//! guess); any other NUL or a high share of control characters means binary data.
//! Otherwise the bytes are single-byte text: `chardetng` guesses the legacy encoding,
//! and because it reads DOS code page 850 as windows-1252 without complaint
//! (`Rekisterinpit„j„`), [`looks_like_cp850`] checks for code page 850's Finnish
//! letters first. Every guess adds an `encoding-guessed` warning.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::{IngestError, Ingested, SourceLine};
use crate::model::{Format, Warning};

/// The longest line a notice may have. A longer line means the file is not a
/// readable notice (a dump, minified data or a corrupted file).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Code page 850 (DOS Latin-1), bytes 0x80..=0xFF. encoding_rs has no DOS code pages.
const CP850_HIGH: [char; 128] = [
    '\u{00c7}', '\u{00fc}', '\u{00e9}', '\u{00e2}', '\u{00e4}', '\u{00e0}', '\u{00e5}', '\u{00e7}',
    '\u{00ea}', '\u{00eb}', '\u{00e8}', '\u{00ef}', '\u{00ee}', '\u{00ec}', '\u{00c4}', '\u{00c5}',
    '\u{00c9}', '\u{00e6}', '\u{00c6}', '\u{00f4}', '\u{00f6}', '\u{00f2}', '\u{00fb}', '\u{00f9}',
    '\u{00ff}', '\u{00d6}', '\u{00dc}', '\u{00f8}', '\u{00a3}', '\u{00d8}', '\u{00d7}', '\u{0192}',
    '\u{00e1}', '\u{00ed}', '\u{00f3}', '\u{00fa}', '\u{00f1}', '\u{00d1}', '\u{00aa}', '\u{00ba}',
    '\u{00bf}', '\u{00ae}', '\u{00ac}', '\u{00bd}', '\u{00bc}', '\u{00a1}', '\u{00ab}', '\u{00bb}',
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{00c1}', '\u{00c2}', '\u{00c0}',
    '\u{00a9}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255d}', '\u{00a2}', '\u{00a5}', '\u{2510}',
    '\u{2514}', '\u{2534}', '\u{252c}', '\u{251c}', '\u{2500}', '\u{253c}', '\u{00e3}', '\u{00c3}',
    '\u{255a}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256c}', '\u{00a4}',
    '\u{00f0}', '\u{00d0}', '\u{00ca}', '\u{00cb}', '\u{00c8}', '\u{0131}', '\u{00cd}', '\u{00ce}',
    '\u{00cf}', '\u{2518}', '\u{250c}', '\u{2588}', '\u{2584}', '\u{00a6}', '\u{00cc}', '\u{2580}',
    '\u{00d3}', '\u{00df}', '\u{00d4}', '\u{00d2}', '\u{00f5}', '\u{00d5}', '\u{00b5}', '\u{00fe}',
    '\u{00de}', '\u{00da}', '\u{00db}', '\u{00d9}', '\u{00fd}', '\u{00dd}', '\u{00af}', '\u{00b4}',
    '\u{00ad}', '\u{00b1}', '\u{2017}', '\u{00be}', '\u{00b6}', '\u{00a7}', '\u{00f7}', '\u{00b8}',
    '\u{00b0}', '\u{00a8}', '\u{00b7}', '\u{00b9}', '\u{00b3}', '\u{00b2}', '\u{25a0}', '\u{00a0}',
];

/// Text decoded from bytes, with the name of the encoding and whether it was a guess.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The decoded text.
    pub text: String,
    /// WHATWG-style lowercase name (`utf-8`, `windows-1252`), or `ibm850`.
    pub encoding: String,
    /// True when no BOM or declaration said what the encoding is.
    pub guessed: bool,
    /// Byte sequences that were not valid in the encoding and became U+FFFD.
    pub replaced: usize,
}

/// Ingest a plain-text or Markdown file.
pub fn ingest_text(bytes: &[u8]) -> Result<Ingested, IngestError> {
    let decoded = decode_bytes(bytes)?;
    let mut warnings = Vec::new();
    if decoded.guessed {
        warnings.push(Warning::new(
            "encoding-guessed",
            format!(
                "no byte-order mark and not valid UTF-8: the encoding was guessed as {}",
                decoded.encoding
            ),
        ));
    }
    if decoded.replaced > 0 {
        warnings.push(Warning::new(
            "invalid-utf8",
            format!(
                "the file is UTF-8 with {} invalid byte sequence(s), shown as U+FFFD",
                decoded.replaced
            ),
        ));
    }
    if let Some(longest) = decoded.text.split('\n').map(str::len).max() {
        if longest > MAX_LINE_BYTES {
            return Err(IngestError::NotText(format!(
                "a line of {longest} bytes with no line break (limit {MAX_LINE_BYTES})"
            )));
        }
    }
    let lines: Vec<SourceLine> = split_lines(&decoded.text).map(SourceLine::plain).collect();
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(IngestError::NoText);
    }
    Ok(Ingested {
        format: Format::Text,
        encoding: Some(decoded.encoding),
        pages: None,
        lines,
        warnings,
    })
}

/// Split text into lines on `\n`, `\r\n`, a lone `\r`, and the Unicode line and
/// paragraph separators.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match rest.find(['\n', '\r', '\u{2028}', '\u{2029}', '\u{000b}', '\u{000c}']) {
            Some(i) => {
                let line = &rest[..i];
                let ch = rest[i..].chars().next().unwrap_or('\n');
                let mut next = i + ch.len_utf8();
                if ch == '\r' && rest[next..].starts_with('\n') {
                    next += 1;
                }
                rest = &rest[next..];
                Some(line)
            }
            None => {
                done = true;
                Some(rest)
            }
        }
    })
}

/// Decode bytes of unknown encoding; see the module documentation for the order.
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors && encoding == UTF_8 {
            return Err(IngestError::NotText(
                "a UTF-8 byte-order mark followed by bytes that are not UTF-8".into(),
            ));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: encoding.name().to_ascii_lowercase(),
            guessed: false,
            replaced: 0,
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        check_control_share(text)?;
        return Ok(Decoded {
            text: text.to_string(),
            encoding: "utf-8".into(),
            guessed: false,
            replaced: 0,
        });
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        check_control_share(&text)?;
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: encoding.name().to_ascii_lowercase(),
            guessed: true,
            replaced: 0,
        });
    }
    if bytes.contains(&0) {
        return Err(IngestError::NotText(
            "binary data (NUL bytes) and no byte-order mark".into(),
        ));
    }
    if let Some(replaced) = mostly_utf8(bytes) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        check_control_share(&text)?;
        return Ok(Decoded {
            text,
            encoding: "utf-8".into(),
            guessed: false,
            replaced,
        });
    }
    if looks_like_cp850(bytes) {
        let text = decode_cp850(bytes);
        check_control_share(&text)?;
        return Ok(Decoded {
            text,
            encoding: "ibm850".into(),
            guessed: true,
            replaced: 0,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let mut encoding = detector.guess(Some(b"fi"), chardetng::Utf8Detection::Allow);
    // Finnish text is Latin-script: a guess outside the Latin-1 family on Finnish
    // letters is far less likely than windows-1252 (chardetng has no ISO-8859-15).
    if !is_latin_single_byte(encoding) {
        encoding = WINDOWS_1252;
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    check_control_share(&text)?;
    let mut name = encoding.name().to_ascii_lowercase();
    if encoding == WINDOWS_1252 && looks_like_iso_8859_15(bytes) {
        name = "iso-8859-15".into();
        return Ok(Decoded {
            text: decode_iso_8859_15(bytes),
            encoding: name,
            guessed: true,
            replaced: 0,
        });
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: name,
        guessed: true,
        replaced: 0,
    })
}

/// UTF-8 with a few damaged bytes (a file cut and pasted together, one byte flipped):
/// valid multi-byte sequences and no more invalid sequences than valid
/// ones. Read as a legacy single-byte encoding, every `ä` of such a file would turn into
/// `Ã¤`; read as UTF-8, only the damaged bytes are lost. Returns how many invalid
/// sequences there are.
fn mostly_utf8(bytes: &[u8]) -> Option<usize> {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (invalid > 0 && valid_multibyte >= 4 && invalid <= valid_multibyte).then_some(invalid)
}

fn is_latin_single_byte(encoding: &'static Encoding) -> bool {
    [
        WINDOWS_1252,
        encoding_rs::ISO_8859_15,
        encoding_rs::WINDOWS_1257,
        encoding_rs::ISO_8859_2,
        encoding_rs::WINDOWS_1250,
    ]
    .contains(&encoding)
}

/// Reject text in which control characters (other than tab, line feed, carriage
/// return and form feed) are more than 1 % of the characters: no encoding explains it.
fn check_control_share(text: &str) -> Result<(), IngestError> {
    if !has_counted_control(text.as_bytes()) {
        return Ok(());
    }
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if is_counted_control(c) {
            control += 1;
        }
    }
    if total > 0 && control * 100 > total {
        return Err(IngestError::NotText(format!(
            "{control} control characters in {total}: the bytes are not text in any known encoding"
        )));
    }
    Ok(())
}

/// A control character that [`check_control_share`] counts: any but tab, line feed,
/// vertical tab, form feed and carriage return.
fn is_counted_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{000c}' | '\u{000b}')
}

/// Whether UTF-8 `bytes` hold a control character that [`check_control_share`] counts
/// (C0 but tab to carriage return, DEL, and C1, `C2 80` to `C2 9F`); without one, the
/// text need not be read a character at a time. Each 64 bytes are first read without
/// branching (which the compiler vectorises); only a piece with a `C2` byte, such as
/// that of `§` or a no-break space, is read again for what follows it.
fn has_counted_control(bytes: &[u8]) -> bool {
    const PIECE: usize = 64;
    let c0_or_delete = |b: u8| (b < 0x20 && !(0x09..=0x0d).contains(&b)) || b == 0x7f;
    bytes.chunks(PIECE).enumerate().any(|(n, piece)| {
        let (mut control, mut c2) = (false, false);
        for &b in piece {
            control |= c0_or_delete(b);
            c2 |= b == 0xc2;
        }
        control
            || (c2
                && piece.iter().enumerate().any(|(i, &b)| {
                    b == 0xc2 && matches!(bytes.get(n * PIECE + i + 1), Some(0x80..=0x9f))
                }))
    })
}

/// UTF-16 without a BOM: NUL in nearly every odd (LE) or even (BE) byte of ASCII-heavy text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let zero_high = sample.chunks(2).filter(|p| p[1] == 0 && p[0] != 0).count();
    let zero_low = sample.chunks(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    if zero_high * 10 >= pairs * 7 {
        Some(UTF_16LE)
    } else if zero_low * 10 >= pairs * 7 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Code page 850 puts ä ö å Ä Ö Å at 0x84 0x94 0x86 0x8E 0x99 0x8F, where windows-1252
/// has punctuation (`„ ” † Ž ™`). Those bytes between two letters are Finnish letters.
pub fn looks_like_cp850(bytes: &[u8]) -> bool {
    const FINNISH_850: [u8; 6] = [0x84, 0x94, 0x86, 0x8e, 0x99, 0x8f];
    const FINNISH_1252: [u8; 6] = [0xe4, 0xf6, 0xe5, 0xc4, 0xd6, 0xc5];
    let is_letter = |b: u8| b.is_ascii_alphabetic() || FINNISH_850.contains(&b);
    let mut inside_word = 0usize;
    let mut latin1_letters = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if FINNISH_1252.contains(&b) {
            latin1_letters += 1;
        }
        if FINNISH_850.contains(&b) {
            let before = i > 0 && is_letter(bytes[i - 1]);
            let after = i + 1 < bytes.len() && is_letter(bytes[i + 1]);
            if before && after || before && i + 1 < bytes.len() && bytes[i + 1].is_ascii() {
                inside_word += 1;
            }
        }
    }
    inside_word >= 2 && inside_word > latin1_letters
}

/// Decode code page 850.
pub fn decode_cp850(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                CP850_HIGH[(b - 0x80) as usize]
            }
        })
        .collect()
}

/// ISO-8859-15 has `€` at 0xA4 where Latin-1 has `¤`; a 0xA4 after a digit and a
/// space, or before digits, is a euro sign, which Finnish notices use for fees.
fn looks_like_iso_8859_15(bytes: &[u8]) -> bool {
    let c1 = bytes.iter().any(|&b| (0x80..0xa0).contains(&b));
    if c1 {
        return false;
    }
    bytes.windows(3).any(|w| {
        (w[0].is_ascii_digit() && w[1] == b' ' && w[2] == 0xa4)
            || (w[0].is_ascii_digit() && w[1] == 0xa4)
            || (w[0] == 0xa4 && w[1] == b' ' && w[2].is_ascii_digit())
    })
}

fn decode_iso_8859_15(bytes: &[u8]) -> String {
    let (text, _) = encoding_rs::ISO_8859_15.decode_without_bom_handling(bytes);
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Rekisterinpitäjä\nÄänekosken kaupunki, Öljytie 5, Åbo\n";

    /// Whether `text` has a character that [`check_control_share`] counts, a character
    /// at a time: the reference for [`has_counted_control`].
    fn has_counted_control_by_chars(text: &str) -> bool {
        text.chars().any(is_counted_control)
    }

    #[test]
    fn counted_controls_are_found_anywhere_in_a_piece() {
        for control in [
            '\0', '\u{8}', '\u{e}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}',
        ] {
            for at in [0, 1, 62, 63, 64, 65, 127, 128, 200] {
                let mut text = "a§\u{a0}b".repeat(60);
                let at = crate::values::floor_char_boundary(&text, at);
                text.insert(at, control);
                assert!(has_counted_control(text.as_bytes()), "{control:?} at {at}");
            }
        }
        for quiet in ["", "\t\n\r\u{b}\u{c}", "§ ja\u{a0}¤ \u{a0}", "\u{a0}\u{bf}"] {
            assert!(
                !has_counted_control(quiet.repeat(40).as_bytes()),
                "{quiet:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn has_counted_control_agrees_with_the_characters(
            text in "[a-z \t\n\r\u{0}-\u{1f}\u{7f}-\u{a7}äö€]{0,200}"
        ) {
            proptest::prop_assert_eq!(
                has_counted_control(text.as_bytes()),
                has_counted_control_by_chars(&text)
            );
        }
    }

    #[test]
    fn utf8_plain_and_with_bom() {
        let d = decode_bytes(SAMPLE.as_bytes()).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, "utf-8");
        assert!(!d.guessed);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode_bytes(&with_bom).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert!(!d.guessed);
    }

    #[test]
    fn utf16_with_bom_both_orders() {
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for unit in SAMPLE.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode_bytes(&le).unwrap().text, SAMPLE);
        assert_eq!(decode_bytes(&le).unwrap().encoding, "utf-16le");
        assert_eq!(decode_bytes(&be).unwrap().text, SAMPLE);
        assert_eq!(decode_bytes(&be).unwrap().encoding, "utf-16be");
    }

    #[test]
    fn utf16_without_bom_is_a_guess() {
        let mut le = Vec::new();
        for unit in SAMPLE.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode_bytes(&le).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert!(d.guessed);
    }

    #[test]
    fn damaged_utf8_stays_utf8() {
        let mut bytes = "Rekisterinpitäjä ja säilytysaika, käsittelyn tarkoitus\n"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"lasku\x80tus \xc3 \xc0\xaf.\n");
        let d = decode_bytes(&bytes).unwrap();
        assert_eq!(d.encoding, "utf-8");
        assert!(d.text.starts_with("Rekisterinpitäjä"));
        assert!(d.replaced >= 2);
        // A windows-1252 file with Finnish letters is not taken for damaged UTF-8.
        let (latin, _, _) = WINDOWS_1252.encode(SAMPLE);
        assert_eq!(decode_bytes(&latin).unwrap().replaced, 0);
    }

    #[test]
    fn windows_1252_is_detected() {
        let (bytes, _, _) = WINDOWS_1252.encode(SAMPLE);
        let d = decode_bytes(&bytes).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.guessed);
    }

    #[test]
    fn cp850_is_recognised_not_taken_for_windows_1252() {
        let bytes: Vec<u8> = SAMPLE
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    c as u8
                } else {
                    0x80 + CP850_HIGH.iter().position(|&h| h == c).unwrap() as u8
                }
            })
            .collect();
        let d = decode_bytes(&bytes).unwrap();
        assert_eq!(d.encoding, "ibm850");
        assert_eq!(d.text, SAMPLE);
    }

    #[test]
    fn iso_8859_15_euro_sign() {
        let text = "Maksu 10 € vuodessa, tarkastusoikeus on maksuton.";
        let (bytes, _, _) = encoding_rs::ISO_8859_15.encode(text);
        let d = decode_bytes(&bytes).unwrap();
        assert_eq!(d.encoding, "iso-8859-15");
        assert_eq!(d.text, text);
    }

    #[test]
    fn binary_and_empty_are_errors() {
        assert_eq!(decode_bytes(b""), Err(IngestError::Empty));
        let binary: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 251) as u8).collect();
        assert!(matches!(
            decode_bytes(&binary),
            Err(IngestError::NotText(_))
        ));
        let controls = vec![0x01u8; 500];
        assert!(matches!(
            decode_bytes(&controls),
            Err(IngestError::NotText(_))
        ));
    }

    #[test]
    fn line_endings_are_all_split() {
        let lines: Vec<&str> = split_lines("a\r\nb\rc\nd\u{2028}e").collect();
        assert_eq!(lines, ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn one_huge_line_is_rejected() {
        let text = "a".repeat(MAX_LINE_BYTES + 1);
        assert!(matches!(
            ingest_text(text.as_bytes()),
            Err(IngestError::NotText(_))
        ));
    }
}
