//! Glyph names to Unicode: the Adobe Glyph List names that occur in Latin text,
//! `uniXXXX` / `uXXXX[XX]` names, and a few TeX names.

include!("glyphlist_table.rs");

/// The Unicode text of a glyph name, or `None` for an unknown name.
///
/// Handles AGL names (`adieresis`, `fi`, `quotedblright`), `uniXXXX` (one or more
/// four-digit groups), `uXXXX`..`uXXXXXX`, and suffixed variants (`a.sc`, `f_i`).
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    if let Ok(i) = GLYPHS.binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes())) {
        return char::from_u32(GLYPHS[i].1).map(String::from);
    }
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|k| u16::from_str_radix(&hex[k * 4..k * 4 + 4], 16).ok())
                .collect();
            let s: String = char::decode_utf16(units).filter_map(Result::ok).collect();
            if !s.is_empty() {
                return Some(s);
            }
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    // `a.sc`, `one.oldstyle`: strip the suffix. `f_i`: a ligature of components.
    if let Some((base, _)) = name.split_once('.') {
        if !base.is_empty() {
            return glyph_to_unicode(base);
        }
    }
    if name.contains('_') {
        let mut out = String::new();
        for part in name.split('_') {
            out.push_str(&glyph_to_unicode(part)?);
        }
        return Some(out);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(GLYPHS
            .windows(2)
            .all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
    }

    #[test]
    fn names() {
        assert_eq!(glyph_to_unicode("adieresis").as_deref(), Some("ä"));
        assert_eq!(glyph_to_unicode("Aring").as_deref(), Some("Å"));
        assert_eq!(glyph_to_unicode("fi").as_deref(), Some("\u{FB01}"));
        assert_eq!(glyph_to_unicode("uni00E4").as_deref(), Some("ä"));
        assert_eq!(glyph_to_unicode("uni00F600E4").as_deref(), Some("öä"));
        assert_eq!(glyph_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode("Euro").as_deref(), Some("€"));
        assert_eq!(glyph_to_unicode("section").as_deref(), Some("§"));
        assert_eq!(glyph_to_unicode("f_f_i").as_deref(), Some("\u{FB03}"));
        assert_eq!(glyph_to_unicode("f_k").as_deref(), Some("fk"));
        assert_eq!(glyph_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode("g123"), None);
    }
}
