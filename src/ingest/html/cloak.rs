//! E-mail addresses: `mailto:` links and Joomla's e-mail cloaking.
//!
//! Joomla 1.5-3 replaces every address with a `<span id="cloak<hash>">` holding a
//! "protected from spambots" sentence, followed by a script that rebuilds the
//! address from quoted pieces:
//! `var addy<hash> = 'name' + '&#64;'; addy<hash> = addy<hash> + 'example' + '&#46;' + 'fi';`.
//! Joomla 4 writes `<joomla-hidden-mail first="base64(name)" last="base64(domain)">`.
//! We evaluate those assignments (string literals and earlier variables only).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// An address rebuilt from a cloaking script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloaked {
    /// The e-mail address (`addy<hash>`).
    pub address: String,
    /// The link text the script would show (`addy_text<hash>`), if different.
    pub text: Option<String>,
}

static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:\bvar\s+)?\b(addy(?:_text)?)([0-9A-Za-z]+)\s*=\s*((?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^;'"])*);"#,
    )
    .unwrap()
});
static TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(addy[0-9A-Za-z_]+)"#).unwrap()
});

/// Whether a text is a cloaking placeholder sentence ("…protected from spambots…",
/// "…suojattu spamboteilta…", "…skyddas mot spambots…").
pub fn is_cloak_sentence(text: &str) -> bool {
    // As `text.to_lowercase().contains("spambot")`, without lower-casing every text
    // node of the page: no character outside ASCII lower-cases to one of these letters.
    text.as_bytes()
        .windows(SPAMBOT.len())
        .any(|w| w.eq_ignore_ascii_case(SPAMBOT))
}

const SPAMBOT: &[u8] = b"spambot";

/// Evaluate the `addy` assignments of one script. Returns hash → address.
pub fn parse_script(script: &str, out: &mut HashMap<String, Cloaked>) {
    if !script.contains("addy") {
        return;
    }
    let mut vars: HashMap<String, String> = HashMap::new();
    for caps in ASSIGN.captures_iter(script) {
        let name = format!("{}{}", &caps[1], &caps[2]);
        let mut value = String::new();
        for term in TERM.captures_iter(&caps[3]) {
            if let Some(lit) = term.get(1).or_else(|| term.get(2)) {
                value.push_str(&unescape_js(lit.as_str()));
            } else if let Some(var) = term.get(3) {
                value.push_str(vars.get(var.as_str()).map_or("", String::as_str));
            }
        }
        vars.insert(name, value);
    }
    for (name, value) in &vars {
        let Some(hash) = name.strip_prefix("addy") else {
            continue;
        };
        if hash.starts_with("_text") {
            continue;
        }
        let address = decode_entities(value);
        if !address.contains('@') {
            continue;
        }
        let text = vars
            .get(&format!("addy_text{hash}"))
            .map(|t| decode_entities(t))
            .filter(|t| !t.is_empty() && *t != address);
        out.insert(hash.to_string(), Cloaked { address, text });
    }
}

/// The address of a Joomla 4 `<joomla-hidden-mail first=… last=…>` element.
pub fn joomla4_address(first: &str, last: &str) -> Option<String> {
    let name = String::from_utf8(base64_decode(first)?).ok()?;
    let domain = String::from_utf8(base64_decode(last)?).ok()?;
    (!name.is_empty() && !domain.is_empty()).then(|| format!("{name}@{domain}"))
}

/// The address of a `mailto:` URL: scheme, `?subject=…` and percent-escapes removed.
pub fn mailto_address(href: &str) -> Option<String> {
    let href = href.trim();
    let rest = href
        .get(..7)?
        .eq_ignore_ascii_case("mailto:")
        .then(|| &href[7..])?;
    let rest = rest.split('?').next().unwrap_or("");
    let address = percent_decode(rest).trim().to_string();
    address.contains('@').then_some(address)
}

fn unescape_js(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decode numeric and the common named character references (`&#64;`, `&#x40;`, `&amp;`).
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let Some(end) = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = if let Some(num) = entity.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            code.and_then(char::from_u32)
        } else {
            match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.trim().bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloak_sentence_is_a_case_blind_spambot() {
        for text in [
            "This email address is being protected from spambots.",
            "Sähköpostiosoite on suojattu SPAMBOTEILTA.",
            "skyddas mot SpamBots",
            "spambot",
        ] {
            assert!(is_cloak_sentence(text), "{text}");
        }
        for text in ["", "spam bot", "spambo", "Tietosuojaseloste", "ſpambot"] {
            assert!(!is_cloak_sentence(text), "{text}");
        }
    }

    #[test]
    fn joomla3_script() {
        let script = "document.getElementById('cloak5ce1').innerHTML = '';
            var prefix = '&#109;a' + 'i&#108;' + '&#116;o';
            var path = 'hr' + 'ef' + '=';
            var addy5ce1 = 'r&#111;&#111;t' + '&#64;';
            addy5ce1 = addy5ce1 + '&#101;x&#97;mpl&#101;' + '&#46;' + 'f&#105;';
            var addy_text5ce1 = 'r&#111;&#111;t' + '&#64;' + '&#101;x&#97;mpl&#101;' + '&#46;' + 'f&#105;';";
        let mut out = HashMap::new();
        parse_script(script, &mut out);
        assert_eq!(
            out.get("5ce1"),
            Some(&Cloaked {
                address: "root@example.fi".into(),
                text: None
            })
        );
    }

    #[test]
    fn joomla3_link_text() {
        let script = "var addy9 = 'a' + '&#64;' + 'b' + '&#46;' + 'fi'; var addy_text9 = 'L\\'\u{e4}het\u{e4}';";
        let mut out = HashMap::new();
        parse_script(script, &mut out);
        assert_eq!(out["9"].address, "a@b.fi");
        assert_eq!(out["9"].text.as_deref(), Some("L'\u{e4}het\u{e4}"));
    }

    #[test]
    fn joomla4_and_mailto() {
        assert_eq!(
            joomla4_address("aW5mbw==", "ZXhhbXBsZS5maQ=="),
            Some("info@example.fi".into())
        );
        assert_eq!(
            mailto_address("MAILTO:tieto%2Esuoja@hel.fi?subject=x"),
            Some("tieto.suoja@hel.fi".into())
        );
        assert_eq!(mailto_address("https://x"), None);
        assert_eq!(mailto_address("mailto:%"), None);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&#64;b&#x2E;fi &amp; &bogus; &"),
            "a@b.fi & &bogus; &"
        );
    }
}
