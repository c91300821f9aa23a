//! Fonts: how the bytes of a shown string become codes, Unicode text and widths.

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object};

use super::cmap::CMap;
use super::encoding::{standard14_width, type1_builtin_encoding, BaseEncoding};
use super::glyphlist::glyph_to_unicode;
use super::{deref, stream_data, Budget};

/// One code of a shown string.
#[derive(Debug, Clone)]
pub struct Code {
    /// The character code.
    pub code: u32,
    /// Bytes the code took in the string (1 for simple fonts).
    pub len: usize,
    /// The Unicode text, `None` when the font gives no way to know it.
    pub text: Option<Rc<str>>,
    /// Advance width in text space units per unit of font size (glyph width / 1000).
    pub width: f32,
}

/// A font ready to decode shown strings.
#[derive(Debug, Default)]
pub struct Font {
    /// The /BaseFont name without a subset prefix.
    pub name: String,
    /// The font is bold (name or /FontWeight).
    pub bold: bool,
    /// A composite (Type0) font: codes are multi-byte.
    composite: bool,
    to_unicode: Option<CMap>,
    /// Encoding CMap of a Type0 font (embedded stream), for codespace and CIDs.
    encoding_cmap: Option<CMap>,
    /// Code -> text from /Encoding, /Differences or the font's built-in encoding.
    simple: Vec<Option<Rc<str>>>,
    /// Widths of codes (1/1000 em), simple fonts.
    widths: Vec<Option<f32>>,
    /// CID -> width (1/1000 em), composite fonts.
    cid_widths: HashMap<u32, f32>,
    default_width: f32,
    /// GID -> text from the embedded TrueType font's cmap (Type0 without ToUnicode).
    gid_text: Option<HashMap<u16, char>>,
    /// CID -> GID map (absent = identity).
    cid_to_gid: Option<Vec<u16>>,
    /// Scale from glyph width units to 1/1000 em (Type3 FontMatrix).
    width_scale: f32,
}

impl Font {
    /// Build a font from its dictionary. Never fails: what is missing falls back to defaults.
    pub fn load(doc: &Document, dict: &Dictionary, budget: &Budget) -> Font {
        let subtype = name_of(dict.get(b"Subtype").ok()).unwrap_or_default();
        let base = name_of(dict.get(b"BaseFont").ok()).unwrap_or_default();
        let name = match base.split_once('+') {
            Some((prefix, rest)) if prefix.len() == 6 => rest.to_string(),
            _ => base.clone(),
        };
        let mut font = Font {
            name: name.clone(),
            default_width: 0.0,
            width_scale: 1.0,
            ..Default::default()
        };
        font.to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| stream_data(s, budget))
            .map(|d| CMap::parse(&d));

        let lower = name.to_ascii_lowercase();
        let mut bold = ["bold", "black", "heavy", "semibold", "demi"]
            .iter()
            .any(|k| lower.contains(k));

        if subtype == "Type0" {
            font.composite = true;
            font.default_width = 1000.0;
            match dict.get(b"Encoding").ok().and_then(|o| deref(doc, o)) {
                Some(Object::Stream(s)) => {
                    font.encoding_cmap = stream_data(s, budget).map(|d| CMap::parse(&d));
                }
                Some(Object::Name(_)) | None => {}
                _ => {}
            }
            let descendant = dict
                .get(b"DescendantFonts")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            if let Some(cid) = descendant {
                if let Some(dw) = cid
                    .get(b"DW")
                    .ok()
                    .and_then(|o| deref(doc, o))
                    .and_then(num)
                {
                    font.default_width = dw;
                }
                if let Some(Object::Array(w)) = cid.get(b"W").ok().and_then(|o| deref(doc, o)) {
                    font.cid_widths = parse_cid_widths(doc, w);
                }
                let descriptor = cid
                    .get(b"FontDescriptor")
                    .ok()
                    .and_then(|o| deref(doc, o))
                    .and_then(|o| o.as_dict().ok());
                if let Some(d) = descriptor {
                    bold |= descriptor_bold(doc, d);
                }
                if font.to_unicode.is_none() {
                    if let Some(Object::Stream(s)) =
                        cid.get(b"CIDToGIDMap").ok().and_then(|o| deref(doc, o))
                    {
                        if let Some(data) = stream_data(s, budget) {
                            font.cid_to_gid = Some(
                                data.chunks(2)
                                    .map(|p| {
                                        if p.len() == 2 {
                                            u16::from_be_bytes([p[0], p[1]])
                                        } else {
                                            0
                                        }
                                    })
                                    .collect(),
                            );
                        }
                    }
                    let program = descriptor
                        .and_then(|d| d.get(b"FontFile2").ok())
                        .and_then(|o| deref(doc, o))
                        .and_then(|o| o.as_stream().ok())
                        .and_then(|s| stream_data(s, budget));
                    if let Some(p) = program {
                        font.gid_text = truetype_gid_to_unicode(&p);
                    }
                }
            }
        } else {
            let descriptor = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            if let Some(d) = descriptor {
                bold |= descriptor_bold(doc, d);
            }
            if subtype == "Type3" {
                if let Some(Object::Array(m)) =
                    dict.get(b"FontMatrix").ok().and_then(|o| deref(doc, o))
                {
                    if let Some(a) = m.first().and_then(|o| deref(doc, o)).and_then(num) {
                        font.width_scale = a * 1000.0;
                    }
                }
            }
            font.simple = simple_encoding(doc, dict, descriptor, &subtype, budget)
                .into_iter()
                .map(|t| t.map(Rc::from))
                .collect();
            font.widths = vec![None; 256];
            let first = dict
                .get(b"FirstChar")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(num)
                .unwrap_or(0.0) as i64;
            if let Some(Object::Array(ws)) = dict.get(b"Widths").ok().and_then(|o| deref(doc, o)) {
                for (k, w) in ws.iter().enumerate() {
                    let code = first + k as i64;
                    if (0..256).contains(&code) {
                        font.widths[code as usize] =
                            deref(doc, w).and_then(num).map(|w| w * font.width_scale);
                    }
                }
            }
            let missing = descriptor
                .and_then(|d| d.get(b"MissingWidth").ok())
                .and_then(|o| deref(doc, o))
                .and_then(num);
            // Standard-14 fonts without /Widths: widths from the AFM tables.
            for code in 0..256usize {
                if font.widths[code].is_none() {
                    let ch = font.simple[code].as_ref().and_then(|s| s.chars().next());
                    font.widths[code] = ch.and_then(|c| standard14_width(&name, c)).or(missing);
                }
            }
            font.default_width = missing.unwrap_or(500.0);
        }
        font.bold = bold;
        font
    }

    /// Call `f` with each code of a shown string (its code, byte length, text and
    /// width), in order; nothing is collected (one call per shown string).
    pub fn for_each_code(&self, bytes: &[u8], mut f: impl FnMut(Code)) {
        if self.composite {
            let code = |(code, len): (u32, usize)| {
                let cid = self
                    .encoding_cmap
                    .as_ref()
                    .and_then(|c| c.cid(code))
                    .unwrap_or(code);
                let text = match &self.to_unicode {
                    Some(tu) => tu.lookup(code),
                    None => self.gid_text.as_ref().and_then(|m| {
                        let gid = match &self.cid_to_gid {
                            Some(map) => *map.get(cid as usize)?,
                            None => cid as u16,
                        };
                        m.get(&gid).map(|c| Rc::from(c.to_string()))
                    }),
                };
                let width = self
                    .cid_widths
                    .get(&cid)
                    .copied()
                    .unwrap_or(self.default_width)
                    / 1000.0;
                Code {
                    code,
                    len,
                    text,
                    width,
                }
            };
            match &self.encoding_cmap {
                Some(c) if !c.codespace.is_empty() => {
                    c.for_each_code(bytes, 2, |c, n| f(code((c, n))))
                }
                _ => CMap::default().for_each_code(bytes, 2, |c, n| f(code((c, n)))),
            }
        } else {
            for &b in bytes {
                let code = b as u32;
                let text = self
                    .to_unicode
                    .as_ref()
                    .and_then(|tu| tu.lookup(code))
                    .filter(|s| !s.is_empty())
                    .or_else(|| self.simple.get(b as usize).cloned().flatten());
                let width = self
                    .widths
                    .get(b as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(self.default_width)
                    / 1000.0;
                f(Code {
                    code,
                    len: 1,
                    text,
                    width,
                });
            }
        }
    }

    /// Whether a composite font has no way to Unicode at all (no ToUnicode, no usable cmap).
    pub fn undecodable(&self) -> bool {
        self.composite && self.to_unicode.is_none() && self.gid_text.is_none()
    }
}

fn num(o: &Object) -> Option<f32> {
    o.as_float().ok()
}

fn name_of(o: Option<&Object>) -> Option<String> {
    o.and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

fn descriptor_bold(doc: &Document, d: &Dictionary) -> bool {
    let weight = d
        .get(b"FontWeight")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(num)
        .unwrap_or(0.0);
    let flags = d
        .get(b"Flags")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    weight >= 600.0 || flags & (1 << 18) != 0
}

fn parse_cid_widths(doc: &Document, w: &[Object]) -> HashMap<u32, f32> {
    let mut out = HashMap::default();
    let mut i = 0;
    while i < w.len() && out.len() < 200_000 {
        let Some(first) = deref(doc, &w[i]).and_then(num) else {
            break;
        };
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, x) in ws.iter().enumerate() {
                    if let Some(x) = deref(doc, x).and_then(num) {
                        out.insert(first as u32 + k as u32, x);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(x)) = (
                    num(last),
                    w.get(i + 2).and_then(|o| deref(doc, o)).and_then(num),
                ) else {
                    break;
                };
                let (a, b) = (first.max(0.0) as u32, last.max(0.0) as u32);
                if b >= a && b - a < 70_000 {
                    for c in a..=b {
                        out.insert(c, x);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

/// Code -> text for a simple font: /Differences over the base encoding, where the
/// base is /BaseEncoding, else the font program's built-in encoding, else Standard
/// (Type 1) or WinAnsi (TrueType).
fn simple_encoding(
    doc: &Document,
    dict: &Dictionary,
    descriptor: Option<&Dictionary>,
    subtype: &str,
    budget: &Budget,
) -> Vec<Option<String>> {
    let enc = dict.get(b"Encoding").ok().and_then(|o| deref(doc, o));
    let (base_name, differences) = match enc {
        Some(Object::Name(n)) => (BaseEncoding::from_name(n), None),
        Some(Object::Dictionary(d)) => (
            d.get(b"BaseEncoding")
                .ok()
                .and_then(|o| o.as_name().ok())
                .and_then(BaseEncoding::from_name),
            d.get(b"Differences")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    let mut table: Vec<Option<String>> = vec![None; 256];
    let builtin = if base_name.is_none() {
        descriptor
            .and_then(|d| d.get(b"FontFile").ok())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| stream_data(s, budget))
            .and_then(|p| type1_builtin_encoding(&p))
    } else {
        None
    };
    let base = base_name.unwrap_or(if subtype == "TrueType" {
        BaseEncoding::WinAnsi
    } else {
        BaseEncoding::Standard
    });
    match builtin {
        Some(entries) => {
            for (code, name) in entries {
                table[code as usize] = glyph_to_unicode(&name);
            }
        }
        None => {
            for (code, slot) in table.iter_mut().enumerate() {
                *slot = base.decode(code as u8).map(String::from);
            }
        }
    }
    if let Some(diffs) = differences {
        let mut code: i64 = 0;
        for item in diffs {
            match deref(doc, item) {
                Some(Object::Integer(n)) => code = *n,
                Some(Object::Name(n)) => {
                    if (0..256).contains(&code) {
                        let name = String::from_utf8_lossy(n);
                        table[code as usize] = glyph_to_unicode(&name).or_else(|| {
                            if subtype == "Type3" {
                                type3_numbered_glyph(&name)
                            } else {
                                None
                            }
                        });
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    table
}

/// pdfTeX's bitmap (PK) Type 3 fonts name glyphs by code (`a167`). Their text
/// fonts follow ASCII below 128 and TS1 (text companion) above, which is Latin-1
/// except for the euro sign at 191.
fn type3_numbered_glyph(name: &str) -> Option<String> {
    let code: u32 = name.strip_prefix('a')?.parse().ok()?;
    let c = match code {
        0x21..=0x7E | 0xA0..=0xBE | 0xC0..=0xFF => char::from_u32(code)?,
        0xBF => '€',
        _ => return None,
    };
    Some(c.to_string())
}

fn rd16(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o + 1)?]))
}

fn rd32(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(o)?,
        *d.get(o + 1)?,
        *d.get(o + 2)?,
        *d.get(o + 3)?,
    ]))
}

/// Invert the Unicode cmap of a TrueType font program: GID -> char.
pub fn truetype_gid_to_unicode(font: &[u8]) -> Option<HashMap<u16, char>> {
    let num_tables = rd16(font, 4)? as usize;
    let mut cmap_off = None;
    for t in 0..num_tables.min(64) {
        let rec = 12 + 16 * t;
        if font.get(rec..rec + 4)? == b"cmap" {
            cmap_off = Some(rd32(font, rec + 8)? as usize);
        }
    }
    let base = cmap_off?;
    let n = rd16(font, base + 2)? as usize;
    let mut best: Option<(u8, usize)> = None;
    for k in 0..n.min(32) {
        let rec = base + 4 + 8 * k;
        let (pid, eid, off) = (
            rd16(font, rec)?,
            rd16(font, rec + 2)?,
            rd32(font, rec + 4)? as usize,
        );
        let rank = match (pid, eid) {
            (3, 10) => 4,
            (3, 1) => 3,
            (0, _) => 2,
            _ => 0,
        };
        if rank > 0 && best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, base + off));
        }
    }
    let (_, sub) = best?;
    let mut out = HashMap::default();
    match rd16(font, sub)? {
        4 => {
            let seg2 = rd16(font, sub + 6)? as usize;
            let ends = sub + 14;
            let starts = ends + seg2 + 2;
            let deltas = starts + seg2;
            let ranges = deltas + seg2;
            for s in 0..seg2 / 2 {
                let end = rd16(font, ends + 2 * s)? as u32;
                let start = rd16(font, starts + 2 * s)? as u32;
                let delta = rd16(font, deltas + 2 * s)?;
                let ro = rd16(font, ranges + 2 * s)? as usize;
                if start > end || end == 0xFFFF && start == 0xFFFF {
                    continue;
                }
                for c in start..=end {
                    let gid = if ro == 0 {
                        (c as u16).wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * s + ro + 2 * (c - start) as usize;
                        match rd16(font, at) {
                            Some(0) | None => continue,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    if let Some(ch) = char::from_u32(c) {
                        if gid != 0 {
                            out.entry(gid).or_insert(ch);
                        }
                    }
                }
            }
        }
        12 => {
            let groups = rd32(font, sub + 12)? as usize;
            for g in 0..groups.min(10_000) {
                let rec = sub + 16 + 12 * g;
                let (a, b, gid) = (rd32(font, rec)?, rd32(font, rec + 4)?, rd32(font, rec + 8)?);
                if b < a || b - a > 70_000 {
                    continue;
                }
                for c in a..=b {
                    if let Some(ch) = char::from_u32(c) {
                        out.entry((gid + c - a) as u16).or_insert(ch);
                    }
                }
            }
        }
        _ => return None,
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}
