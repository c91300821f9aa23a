//! Character encoding of an HTML page: byte order mark, then the `<meta>` declarations
//! a browser's prescan would find, then statistical detection (chardetng, `.fi` hint).

use std::sync::LazyLock;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;

/// How many leading bytes are searched for `<meta charset>`. Browsers look at 1024;
/// pages with long `<head>` scripts often declare later, so we look further.
const PRESCAN_BYTES: usize = 8192;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A byte order mark at the start of the file.
    Bom,
    /// `<meta charset>`, `<meta http-equiv="Content-Type">` or an XML declaration.
    Declared,
    /// No declaration: guessed from the bytes.
    Guessed,
    /// A declaration existed but the bytes are not valid in it; detection overrode it.
    Overridden,
}

/// The decoded page.
#[derive(Debug)]
pub struct Decoded {
    /// The text, BOM removed.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// How it was found.
    pub source: Source,
    /// The declared label when [`Source::Overridden`].
    pub declared: Option<&'static Encoding>,
    /// The decoder met byte sequences invalid in `encoding` (replaced with U+FFFD).
    pub had_errors: bool,
}

impl Decoded {
    /// Lowercase WHATWG name (`utf-8`, `windows-1252`).
    pub fn label(&self) -> String {
        self.encoding.name().to_ascii_lowercase()
    }
}

/// Decode `bytes` as a browser would, with the detection fallback of issue 4.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding,
            source: Source::Bom,
            declared: None,
            had_errors,
        };
    }
    if let Some(declared) = prescan(bytes) {
        let (text, had_errors) = declared.decode_without_bom_handling(bytes);
        if !had_errors {
            return Decoded {
                text: text.into_owned(),
                encoding: declared,
                source: Source::Declared,
                declared: None,
                had_errors,
            };
        }
        // The declaration is wrong (a cp1252 file labelled utf-8 is the usual case):
        // prefer a detected encoding that decodes cleanly.
        let guess = detect(bytes);
        if guess != declared {
            let (guessed_text, guess_errors) = guess.decode_without_bom_handling(bytes);
            if !guess_errors {
                return Decoded {
                    text: guessed_text.into_owned(),
                    encoding: guess,
                    source: Source::Overridden,
                    declared: Some(declared),
                    had_errors: false,
                };
            }
        }
        return Decoded {
            text: text.into_owned(),
            encoding: declared,
            source: Source::Declared,
            declared: None,
            had_errors,
        };
    }
    let guess = detect(bytes);
    let (text, had_errors) = guess.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: guess,
        source: Source::Guessed,
        declared: None,
        had_errors,
    }
}

/// chardetng's guess with the Finnish top-level domain as hint. Pure ASCII is
/// reported as UTF-8 (it decodes the same and is what such pages are today).
fn detect(bytes: &[u8]) -> &'static Encoding {
    if bytes.is_ascii() {
        return UTF_8;
    }
    // chardetng guesses UTF-8, when allowed, exactly when all the input is valid UTF-8
    // (its UTF-8 candidate fails at the first malformed sequence): no need to score
    // the other encodings over the whole page.
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    chardetng_guess(bytes)
}

/// chardetng's guess for non-ASCII `bytes` (a Finnish page, UTF-8 allowed).
fn chardetng_guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(Some(b"fi"), Utf8Detection::Allow)
}

static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").unwrap());
static META: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<meta\b[^>]*>").unwrap());
static XML_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']"#).unwrap()
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)([a-z][a-z-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#).unwrap()
});
static CHARSET_IN_CONTENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)charset\s*=\s*["']?([A-Za-z0-9._:-]+)"#).unwrap());

/// The encoding declared in the page's head, as the WHATWG prescan reads it
/// (first declaration wins; UTF-16 labels mean UTF-8 in an ASCII-compatible file;
/// `x-user-defined` means windows-1252).
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    if let Some(caps) = XML_DECL.captures(head) {
        if let Some(enc) = Encoding::for_label(&caps[1]) {
            return Some(fix_declared(enc));
        }
    }
    let head = COMMENT.replace_all(head, &b""[..]);
    for tag in META.find_iter(&head) {
        let mut charset = None;
        let mut http_equiv_ct = false;
        let mut content = None;
        for attr in ATTR.captures_iter(tag.as_bytes()) {
            let name = attr[1].to_ascii_lowercase();
            let value = attr
                .get(2)
                .or_else(|| attr.get(3))
                .or_else(|| attr.get(4))
                .map_or(&b""[..], |m| m.as_bytes());
            match name.as_slice() {
                b"charset" => charset = Some(value.to_vec()),
                b"http-equiv" => {
                    http_equiv_ct = value.trim_ascii().eq_ignore_ascii_case(b"content-type")
                }
                b"content" => content = Some(value.to_vec()),
                _ => {}
            }
        }
        let label = charset.or_else(|| {
            if !http_equiv_ct {
                return None;
            }
            let content = content?;
            CHARSET_IN_CONTENT.captures(&content).map(|c| c[1].to_vec())
        });
        if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim_ascii())) {
            return Some(fix_declared(enc));
        }
    }
    None
}

fn fix_declared(enc: &'static Encoding) -> &'static Encoding {
    match enc.name() {
        "UTF-16LE" | "UTF-16BE" => UTF_8,
        "x-user-defined" => WINDOWS_1252,
        _ => enc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UTF-8 shortcut of `detect` gives chardetng's own guess: on every bundled
    /// HTML and text file, on cp1252 re-encodings of them, and on cut-off UTF-8.
    #[test]
    fn utf8_shortcut_is_chardetngs_guess() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        let mut inputs: Vec<Vec<u8>> = vec![
            "Rekisterinpitäjä: Åbo".as_bytes().to_vec(),
            b"Rekisterinpit\xe4j\xe4".to_vec(),
            "ä".as_bytes()[..1].to_vec(),
            "x ä".as_bytes()[..3].to_vec(),
        ];
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            let ext = entry.path().extension().and_then(|e| e.to_str());
            if matches!(ext, Some("txt" | "md" | "html")) {
                let bytes = std::fs::read(entry.path()).unwrap();
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(text);
                    inputs.push(cp1252.into_owned());
                    inputs.push(bytes[..bytes.len() * 2 / 3].to_vec());
                }
                inputs.push(bytes);
            }
        }
        for bytes in inputs.iter().filter(|b| !b.is_ascii()) {
            assert_eq!(
                detect(bytes),
                chardetng_guess(bytes),
                "{} bytes",
                bytes.len()
            );
        }
    }

    #[test]
    fn bom_wins() {
        let d = decode(b"\xEF\xBB\xBF<meta charset=windows-1252><p>\xC3\xA4</p>");
        assert_eq!(d.source, Source::Bom);
        assert_eq!(d.label(), "utf-8");
        assert!(d.text.contains('ä'));
        assert!(!d.text.starts_with('\u{feff}'));
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        assert_eq!(
            prescan(b"<meta charset=\"ISO-8859-1\">"),
            Some(WINDOWS_1252)
        );
        assert_eq!(
            prescan(b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=utf-8'>"),
            Some(UTF_8)
        );
        assert_eq!(
            prescan(b"<meta content=\"text/html; charset=utf-8\">"),
            None
        );
        assert_eq!(prescan(b"<!-- <meta charset=latin1> --><p>x"), None);
        assert_eq!(prescan(b"<meta charset=utf-16le>"), Some(UTF_8));
    }

    #[test]
    fn undeclared_latin1_is_guessed() {
        let d = decode("<p>Rekisterinpitäjä ja henkilötietojen käsittely</p>".as_bytes());
        assert_eq!(d.source, Source::Guessed);
        assert_eq!(d.label(), "utf-8");
        let (bytes, _, _) = WINDOWS_1252.encode("<p>Rekisterinpitäjä ja säilytysaika</p>");
        let d = decode(&bytes);
        assert_eq!(d.source, Source::Guessed);
        assert_eq!(d.label(), "windows-1252");
        assert!(d.text.contains("Rekisterinpitäjä"));
    }

    #[test]
    fn wrong_declaration_is_overridden() {
        let (bytes, _, _) =
            WINDOWS_1252.encode("<meta charset=utf-8><p>Rekisterinpitäjä ja säilytysaika</p>");
        let d = decode(&bytes);
        assert_eq!(d.source, Source::Overridden);
        assert_eq!(d.label(), "windows-1252");
    }
}
