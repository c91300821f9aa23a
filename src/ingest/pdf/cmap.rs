//! CMap parsing: ToUnicode CMaps (`bfchar`, `bfrange` incl. the array form,
//! multi-byte codespace ranges, UTF-16 surrogate pairs) and the code/CID mappings
//! of embedded encoding CMaps (`cidchar`, `cidrange`).

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

/// Largest number of codes one `bfrange` may expand to; larger ranges are kept as ranges.
const MAX_EXPAND: u32 = 4096;

/// A parsed CMap.
#[derive(Debug, Default, Clone)]
pub struct CMap {
    /// Codespace ranges: (number of bytes, low, high).
    pub codespace: Vec<(u8, u32, u32)>,
    /// Code -> Unicode text.
    pub unicode: HashMap<u32, Rc<str>>,
    /// Large `bfrange`s not expanded: (low, high, UTF-16 of low).
    pub unicode_ranges: Vec<(u32, u32, Vec<u16>)>,
    /// Code -> CID (`cidchar`, `cidrange`).
    pub cids: HashMap<u32, u32>,
    /// Large `cidrange`s: (low, high, first CID).
    pub cid_ranges: Vec<(u32, u32, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Int(i64),
    Name(String),
    Open,
    Close,
    Word(String),
}

fn tokenize(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                i += 1;
                let mut digits = Vec::new();
                while i < data.len() && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        digits.push(data[i]);
                    }
                    i += 1;
                }
                i += 1;
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
                    .collect();
                out.push(Tok::Hex(bytes));
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Literal string: keep its bytes as a hex token (rare in CMaps).
                i += 1;
                let mut bytes = Vec::new();
                let mut depth = 1;
                while i < data.len() {
                    match data[i] {
                        b'\\' if i + 1 < data.len() => {
                            i += 1;
                            bytes.push(data[i]);
                        }
                        b'(' => {
                            depth += 1;
                            bytes.push(b'(');
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            bytes.push(b')');
                        }
                        b => bytes.push(b),
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Hex(bytes));
            }
            b'/' => {
                let start = i + 1;
                i += 1;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                out.push(Tok::Name(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                let word = String::from_utf8_lossy(&data[start..i]).into_owned();
                match word.parse::<i64>() {
                    Ok(n) => out.push(Tok::Int(n)),
                    Err(_) => out.push(Tok::Word(word)),
                }
            }
        }
    }
    out
}

fn is_delim(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | b as u32)
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|p| {
            if p.len() == 2 {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                p[0] as u16
            }
        })
        .collect()
}

fn utf16_to_string(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .filter_map(Result::ok)
        .collect()
}

impl CMap {
    /// Parse CMap stream data. Never fails: what cannot be read is skipped.
    pub fn parse(data: &[u8]) -> CMap {
        let toks = tokenize(data);
        let mut cmap = CMap::default();
        let mut i = 0;
        while i < toks.len() {
            let Tok::Word(w) = &toks[i] else {
                i += 1;
                continue;
            };
            i += 1;
            match w.as_str() {
                "begincodespacerange" => {
                    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) =
                        (toks.get(i), toks.get(i + 1))
                    {
                        let n = lo.len().clamp(1, 4) as u8;
                        cmap.codespace.push((n, code_of(lo), code_of(hi)));
                        i += 2;
                    }
                }
                "beginbfchar" => {
                    while let (Some(Tok::Hex(src)), Some(dst)) = (toks.get(i), toks.get(i + 1)) {
                        let text = match dst {
                            Tok::Hex(d) => utf16_to_string(&utf16_units(d)),
                            Tok::Name(n) => {
                                super::glyphlist::glyph_to_unicode(n).unwrap_or_default()
                            }
                            _ => break,
                        };
                        cmap.unicode.insert(code_of(src), text.into());
                        i += 2;
                    }
                }
                "beginbfrange" => {
                    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) =
                        (toks.get(i), toks.get(i + 1))
                    {
                        let (lo, hi) = (code_of(lo), code_of(hi));
                        i += 2;
                        match toks.get(i) {
                            Some(Tok::Hex(d)) => {
                                let units = utf16_units(d);
                                i += 1;
                                if hi < lo {
                                    continue;
                                }
                                if hi - lo < MAX_EXPAND {
                                    for (k, code) in (lo..=hi).enumerate() {
                                        let mut u = units.clone();
                                        if let Some(last) = u.last_mut() {
                                            *last = last.wrapping_add(k as u16);
                                        }
                                        cmap.unicode.insert(code, utf16_to_string(&u).into());
                                    }
                                } else {
                                    cmap.unicode_ranges.push((lo, hi, units));
                                }
                            }
                            Some(Tok::Open) => {
                                i += 1;
                                let mut code = lo;
                                while let Some(t) = toks.get(i) {
                                    i += 1;
                                    match t {
                                        Tok::Hex(d) => {
                                            if code <= hi {
                                                cmap.unicode.insert(
                                                    code,
                                                    utf16_to_string(&utf16_units(d)).into(),
                                                );
                                            }
                                            code = code.saturating_add(1);
                                        }
                                        Tok::Name(n) => {
                                            if let Some(s) = super::glyphlist::glyph_to_unicode(n) {
                                                cmap.unicode.insert(code, s.into());
                                            }
                                            code = code.saturating_add(1);
                                        }
                                        Tok::Close => break,
                                        _ => break,
                                    }
                                }
                            }
                            _ => break,
                        }
                    }
                }
                "begincidchar" => {
                    while let (Some(Tok::Hex(src)), Some(Tok::Int(cid))) =
                        (toks.get(i), toks.get(i + 1))
                    {
                        cmap.cids.insert(code_of(src), (*cid).max(0) as u32);
                        i += 2;
                    }
                }
                "begincidrange" => {
                    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(Tok::Int(cid))) =
                        (toks.get(i), toks.get(i + 1), toks.get(i + 2))
                    {
                        let (lo, hi, cid) = (code_of(lo), code_of(hi), (*cid).max(0) as u32);
                        if hi >= lo && hi - lo < MAX_EXPAND {
                            for code in lo..=hi {
                                cmap.cids.insert(code, cid + (code - lo));
                            }
                        } else if hi >= lo {
                            cmap.cid_ranges.push((lo, hi, cid));
                        }
                        i += 3;
                    }
                }
                _ => {}
            }
        }
        cmap
    }

    /// The Unicode text of `code`, if mapped.
    pub fn lookup(&self, code: u32) -> Option<Rc<str>> {
        if let Some(s) = self.unicode.get(&code) {
            return Some(s.clone());
        }
        for (lo, hi, units) in &self.unicode_ranges {
            if (*lo..=*hi).contains(&code) {
                let mut u = units.clone();
                if let Some(last) = u.last_mut() {
                    *last = last.wrapping_add((code - lo) as u16);
                }
                return Some(utf16_to_string(&u).into());
            }
        }
        None
    }

    /// The CID of `code` in an encoding CMap, if mapped.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(c) = self.cids.get(&code) {
            return Some(*c);
        }
        self.cid_ranges
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
            .map(|(lo, _, cid)| cid + (code - lo))
    }

    /// [`CMap::for_each_code`] collected (the tests' view).
    #[cfg(test)]
    fn split_codes(&self, bytes: &[u8], default_len: usize) -> Vec<(u32, usize)> {
        let mut out = Vec::with_capacity(bytes.len());
        self.for_each_code(bytes, default_len, |code, n| out.push((code, n)));
        out
    }

    /// Call `f(code, byte length)` for each code of `bytes`, split by the codespace
    /// ranges; without ranges, `default_len` bytes per code.
    pub fn for_each_code(&self, bytes: &[u8], default_len: usize, mut f: impl FnMut(u32, usize)) {
        let mut i = 0;
        while i < bytes.len() {
            let mut taken = None;
            for n in 1..=4usize {
                if i + n > bytes.len() {
                    break;
                }
                let code = code_of(&bytes[i..i + n]);
                if self
                    .codespace
                    .iter()
                    .any(|(len, lo, hi)| *len as usize == n && (*lo..=*hi).contains(&code))
                {
                    taken = Some((code, n));
                    break;
                }
            }
            let (code, n) = taken.unwrap_or_else(|| {
                let n = if self.codespace.is_empty() {
                    default_len
                } else {
                    self.codespace
                        .iter()
                        .map(|c| c.0 as usize)
                        .min()
                        .unwrap_or(default_len)
                };
                let n = n.clamp(1, 4).min(bytes.len() - i);
                (code_of(&bytes[i..i + n]), n)
            });
            f(code, n);
            i += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        3 beginbfchar <0003> <0020> <0010> <00E4> <0011> <D83DDE00> endbfchar\n\
        2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<0066006C> <00F6>] endbfrange\n\
        endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_and_bfrange() {
        let c = CMap::parse(CMAP);
        assert_eq!(c.lookup(0x03).as_deref(), Some(" "));
        assert_eq!(c.lookup(0x10).as_deref(), Some("ä"));
        assert_eq!(c.lookup(0x11).as_deref(), Some("😀"));
        assert_eq!(c.lookup(0x21).as_deref(), Some("B"));
        assert_eq!(c.lookup(0x22).as_deref(), Some("C"));
        assert_eq!(c.lookup(0x30).as_deref(), Some("fl"));
        assert_eq!(c.lookup(0x31).as_deref(), Some("ö"));
        assert_eq!(c.lookup(0x99), None);
    }

    #[test]
    fn codespace_split() {
        let c = CMap::parse(b"2 begincodespacerange <00> <80> <8140> <FFFF> endcodespacerange");
        assert_eq!(
            c.split_codes(&[0x41, 0x81, 0x40, 0x42], 2),
            vec![(0x41, 1), (0x8140, 2), (0x42, 1)]
        );
        let c = CMap::parse(CMAP);
        assert_eq!(c.split_codes(&[0, 3, 0, 0x10], 1), vec![(3, 2), (0x10, 2)]);
    }

    #[test]
    fn cidrange() {
        let c = CMap::parse(
            b"1 begincidrange <0000> <00FF> 10 endcidrange 1 begincidchar <0100> 7 endcidchar",
        );
        assert_eq!(c.cid(5), Some(15));
        assert_eq!(c.cid(0x100), Some(7));
    }
}
