//! Content-stream interpreter: runs the text, graphics-state and XObject operators
//! of a page and records every shown glyph with its device-space position.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::Font;
use super::lexer::{Next, Operand, Operands, Reader};
use super::{deref, stream_data, Budget};

/// Deepest nesting of Form XObjects entered.
const MAX_FORM_DEPTH: u32 = 12;
/// Most content-stream operations run per document.
const MAX_OPS: usize = 5_000_000;
/// Deepest q/Q nesting kept.
const MAX_GSTATE_STACK: usize = 256;
/// Most operations decoded from one content stream (a dense text page has tens of
/// thousands); past it the stream is cut, bounding memory to about 150 MB.
pub const MAX_STREAM_OPS: usize = 250_000;

/// An affine matrix `[a b c d e f]` as in PDF (row-vector convention).
pub type Matrix = [f32; 6];

/// The identity matrix.
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b`: apply `a` first, then `b`.
pub fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// One shown glyph.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Its Unicode text (usually one char; ligatures may be more), shared with the
    /// font's table: a glyph costs no allocation of its own.
    pub text: std::rc::Rc<str>,
    /// Left edge, device space.
    pub x0: f32,
    /// Right edge (origin + advance), device space.
    pub x1: f32,
    /// Baseline, device space (y grows upwards).
    pub y: f32,
    /// Font size after all matrices.
    pub size: f32,
    /// Drawn in a bold font.
    pub bold: bool,
    /// The glyph is white space (marks a word boundary).
    pub space: bool,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    rise: f32,
}

impl GState {
    fn new(ctm: Matrix) -> Self {
        GState {
            ctm,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
        }
    }
}

/// The state one content stream runs with: graphics state, its q/Q stack, and the
/// text and text-line matrices.
struct TextState {
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
}

impl TextState {
    fn new(ctm: Matrix) -> Self {
        TextState {
            gs: GState::new(ctm),
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
        }
    }
}

#[derive(Hash, PartialEq, Eq, Clone, Copy)]
enum FontKey {
    Id(ObjectId),
    Addr(usize),
}

/// Runs content streams of one document and collects glyphs.
pub struct Interpreter<'a> {
    doc: &'a Document,
    budget: &'a Budget,
    fonts: HashMap<FontKey, Rc<Font>>,
    /// Glyphs of the current page, in drawing order.
    pub glyphs: Vec<Glyph>,
    /// Number of codes that could not be decoded to Unicode (dropped).
    pub undecodable: usize,
    /// Names of fonts with undecodable codes.
    pub undecodable_fonts: BTreeSet<String>,
    /// Images drawn (XObject or inline).
    pub images: usize,
    ops: usize,
    /// Content streams with a syntax error (only the operations before it were run).
    pub damaged: usize,
    /// Content streams cut at [`MAX_STREAM_OPS`] operations.
    pub capped: usize,
}

/// Resource dictionaries in lookup order (nearest first).
pub type Resources<'a> = Vec<&'a Dictionary>;

impl<'a> Interpreter<'a> {
    /// A new interpreter for `doc`.
    pub fn new(doc: &'a Document, budget: &'a Budget) -> Self {
        Interpreter {
            doc,
            budget,
            fonts: HashMap::new(),
            glyphs: Vec::new(),
            undecodable: 0,
            undecodable_fonts: BTreeSet::new(),
            images: 0,
            ops: 0,
            damaged: 0,
            capped: 0,
        }
    }

    /// Run `content` with `resources` under the matrix `ctm`.
    pub fn run(
        &mut self,
        content: &[u8],
        resources: &Resources<'a>,
        ctm: Matrix,
        depth: u32,
        forms: &mut Vec<ObjectId>,
    ) {
        // Where lopdf decodes a stream it holds all of it in memory (hundreds of bytes
        // per operation): cap the operations of one stream so that `q q q ...` cannot
        // use gigabytes (the cut is made before either reader, so both see the same).
        let content = match op_cap_cut(content, MAX_STREAM_OPS) {
            Some(cut) => {
                self.capped += 1;
                &content[..cut]
            }
            None => content,
        };
        let mut state = TextState::new(ctm);
        let mut operands = Operands::default();
        // The fast reader for the common grammar...
        let mut reader = Reader::new(content);
        let mut done = 0usize;
        loop {
            match reader.next(&mut operands) {
                Next::Op(operator) => {
                    done += 1;
                    if !self.step(operator, &operands, &mut state, resources, depth, forms) {
                        return;
                    }
                }
                Next::End => return,
                Next::Unsupported => break,
            }
        }
        // ... and lopdf for the rest: it decodes the whole stream, and the operations
        // the fast reader has run (the same ones) are skipped.
        let decoded = match Content::decode(content) {
            Ok(c) => c,
            Err(_) => {
                // A syntax error (or nesting past lopdf's limit) fails the whole
                // stream: keep the operations before it.
                self.damaged += 1;
                match salvage(content) {
                    Some(c) => c,
                    None => return,
                }
            }
        };
        for op in decoded.operations.iter().skip(done) {
            operands.clear();
            for o in &op.operands {
                operands.push_object(o);
            }
            if !self.step(
                op.operator.as_bytes(),
                &operands,
                &mut state,
                resources,
                depth,
                forms,
            ) {
                return;
            }
        }
    }

    /// Run one operation. `false` when the document's operation budget is spent.
    fn step(
        &mut self,
        operator: &[u8],
        args: &Operands,
        st: &mut TextState,
        resources: &Resources<'a>,
        depth: u32,
        forms: &mut Vec<ObjectId>,
    ) -> bool {
        self.ops += 1;
        if self.ops > MAX_OPS {
            return false;
        }
        let f = |i: usize| args.number(i);
        let gs = &mut st.gs;
        match operator {
            b"q" if st.stack.len() < MAX_GSTATE_STACK => st.stack.push(gs.clone()),
            b"Q" => {
                if let Some(s) = st.stack.pop() {
                    *gs = s;
                }
            }
            b"cm" if args.len() == 6 => {
                let m = [f(0), f(1), f(2), f(3), f(4), f(5)];
                gs.ctm = mul(&m, &gs.ctm);
            }
            b"BT" => {
                st.tm = IDENTITY;
                st.tlm = IDENTITY;
            }
            b"Tf" => {
                gs.size = f(1);
                gs.font = args.name(0).and_then(|n| self.font(resources, n));
            }
            b"Tc" => gs.tc = f(0),
            b"Tw" => gs.tw = f(0),
            b"Tz" => gs.th = f(0) / 100.0,
            b"TL" => gs.tl = f(0),
            b"Ts" => gs.rise = f(0),
            b"Td" => {
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &st.tlm);
                st.tm = st.tlm;
            }
            b"TD" => {
                gs.tl = -f(1);
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &st.tlm);
                st.tm = st.tlm;
            }
            b"Tm" if args.len() == 6 => {
                st.tlm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                st.tm = st.tlm;
            }
            b"T*" => {
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &st.tlm);
                st.tm = st.tlm;
            }
            b"Tj" => {
                if let Some(s) = args.string(0) {
                    self.show(s, &st.gs, &mut st.tm);
                }
            }
            b"'" | b"\"" => {
                if operator == b"\"" && args.len() == 3 {
                    gs.tw = f(0);
                    gs.tc = f(1);
                }
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &st.tlm);
                st.tm = st.tlm;
                if let Some(s) = args.last_string() {
                    self.show(s, &st.gs, &mut st.tm);
                }
            }
            b"TJ" => {
                if let Some(items) = args.array(0) {
                    for item in items {
                        match item {
                            Operand::String(_) => {
                                if let Some(s) = args.string_of(item) {
                                    self.show(s, &st.gs, &mut st.tm);
                                }
                            }
                            Operand::Number(n) => {
                                let tx = -n / 1000.0 * st.gs.size * st.gs.th;
                                st.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &st.tm);
                            }
                            _ => {}
                        }
                    }
                }
            }
            b"Do" => {
                if let Some(name) = args.name(0) {
                    self.do_xobject(name, resources, &st.gs, depth, forms);
                }
            }
            b"BI" => self.images += 1,
            _ => {}
        }
        true
    }

    fn do_xobject(
        &mut self,
        name: &[u8],
        resources: &Resources<'a>,
        gs: &GState,
        depth: u32,
        forms: &mut Vec<ObjectId>,
    ) {
        let doc = self.doc;
        let Some((id, obj)) = lookup(doc, resources, b"XObject", name) else {
            return;
        };
        let Ok(stream) = obj.as_stream() else { return };
        match stream.dict.get(b"Subtype").and_then(|o| o.as_name()) {
            Ok(b"Image") => self.images += 1,
            Ok(b"Form") => {
                if depth >= MAX_FORM_DEPTH || id.is_some_and(|i| forms.contains(&i)) {
                    return;
                }
                let matrix = read_matrix(doc, stream.dict.get(b"Matrix").ok()).unwrap_or(IDENTITY);
                let own = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|o| deref(doc, o))
                    .and_then(|o| o.as_dict().ok());
                let res: Resources<'a> = match own {
                    Some(d) => {
                        let mut r = vec![d];
                        r.extend(resources.iter().copied());
                        r
                    }
                    None => resources.clone(),
                };
                let Some(data) = stream_data(stream, self.budget) else {
                    return;
                };
                if let Some(i) = id {
                    forms.push(i);
                }
                let ctm = mul(&matrix, &gs.ctm);
                self.run(&data, &res, ctm, depth + 1, forms);
                if id.is_some() {
                    forms.pop();
                }
            }
            _ => {}
        }
    }

    fn font(&mut self, resources: &Resources<'a>, name: &[u8]) -> Option<Rc<Font>> {
        let (id, obj) = lookup(self.doc, resources, b"Font", name)?;
        let dict = obj.as_dict().ok()?;
        let key = match id {
            Some(i) => FontKey::Id(i),
            None => FontKey::Addr(dict as *const Dictionary as usize),
        };
        if let Some(f) = self.fonts.get(&key) {
            return Some(f.clone());
        }
        let font = Rc::new(Font::load(self.doc, dict, self.budget));
        self.fonts.insert(key, font.clone());
        Some(font)
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(font) = gs.font.clone() else { return };
        let fs = gs.size;
        font.for_each_code(bytes, |code| {
            let m = mul(tm, &gs.ctm);
            let w = code.width * fs * gs.th;
            let (x0, y0) = apply(&m, 0.0, gs.rise);
            let (x1, _) = apply(&m, w, gs.rise);
            let size = fs * (m[2] * m[2] + m[3] * m[3]).sqrt();
            let upright = m[1].abs() <= 0.01 * m[0].abs().max(1e-6) && m[0] > 0.0;
            let word_space = if code.len == 1 && code.code == 32 {
                gs.tw
            } else {
                0.0
            };
            let tx = (code.width * fs + gs.tc + word_space) * gs.th;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
            match code.text {
                None => {
                    self.undecodable += 1;
                    if self.undecodable_fonts.len() < 8 {
                        self.undecodable_fonts.insert(font.name.clone());
                    }
                }
                Some(text) if upright && size > 0.5 && !text.is_empty() => {
                    // A soft hyphen that is drawn with a width is a visible hyphen
                    // (Google Docs maps its hyphen glyph to U+00AD).
                    let text = if &*text == "\u{AD}" && code.width > 0.0 {
                        std::rc::Rc::from("-")
                    } else {
                        text
                    };
                    let space = text.chars().all(|c| c.is_whitespace());
                    self.glyphs.push(Glyph {
                        text,
                        x0,
                        x1: x1.max(x0),
                        y: y0,
                        size,
                        bold: font.bold,
                        space,
                    });
                }
                Some(_) => {}
            }
        });
    }

    /// Run the appearance streams of a page's form-field widgets (filled forms).
    pub fn run_widgets(&mut self, page: &'a Dictionary, resources: &Resources<'a>) {
        let doc = self.doc;
        let Some(annots) = page
            .get(b"Annots")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        else {
            return;
        };
        for annot in annots.iter().take(2000) {
            let Some(a) = deref(doc, annot).and_then(|o| o.as_dict().ok()) else {
                continue;
            };
            if a.get(b"Subtype").and_then(|o| o.as_name()).ok() != Some(b"Widget") {
                continue;
            }
            let flags = a.get(b"F").and_then(|o| o.as_i64()).unwrap_or(0);
            if flags & 2 != 0 {
                continue;
            }
            let Some(rect) = read_rect(doc, a.get(b"Rect").ok()) else {
                continue;
            };
            let normal = a
                .get(b"AP")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
                .and_then(|ap| ap.get(b"N").ok());
            let (id, stream) = match normal.map(|o| (o.as_reference().ok(), deref(doc, o))) {
                Some((id, Some(Object::Stream(s)))) => (id, s),
                Some((_, Some(Object::Dictionary(states)))) => {
                    let state = a.get(b"AS").and_then(|o| o.as_name()).ok();
                    let Some(o) = state.and_then(|s| states.get(s).ok()) else {
                        continue;
                    };
                    match deref(doc, o) {
                        Some(Object::Stream(s)) => (o.as_reference().ok(), s),
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let bbox = read_rect(doc, stream.dict.get(b"BBox").ok()).unwrap_or(rect);
            let matrix = read_matrix(doc, stream.dict.get(b"Matrix").ok()).unwrap_or(IDENTITY);
            // Map the transformed BBox onto /Rect (scale and translate only).
            let (bx0, by0) = apply(&matrix, bbox[0], bbox[1]);
            let (bx1, by1) = apply(&matrix, bbox[2], bbox[3]);
            let (bw, bh) = ((bx1 - bx0).abs().max(1e-3), (by1 - by0).abs().max(1e-3));
            let sx = (rect[2] - rect[0]).abs() / bw;
            let sy = (rect[3] - rect[1]).abs() / bh;
            let fit = [
                sx,
                0.0,
                0.0,
                sy,
                rect[0].min(rect[2]) - bx0.min(bx1) * sx,
                rect[1].min(rect[3]) - by0.min(by1) * sy,
            ];
            let own = stream
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            let mut res: Resources<'a> = own.into_iter().collect();
            if let Some(dr) = doc
                .catalog()
                .ok()
                .and_then(|c| c.get(b"AcroForm").ok())
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
                .and_then(|af| af.get(b"DR").ok())
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
            {
                res.push(dr);
            }
            res.extend(resources.iter().copied());
            let Some(data) = stream_data(stream, self.budget) else {
                continue;
            };
            let mut forms: Vec<ObjectId> = id.into_iter().collect();
            self.run(&data, &res, mul(&matrix, &fit), 1, &mut forms);
        }
    }
}

/// Find `name` in the `category` (`Font`, `XObject`) of the resources.
/// Where to cut `content` so that it holds at most `max` operators (counted as words
/// outside literal strings that are not names), or `None` if it has fewer.
fn op_cap_cut(content: &[u8], max: usize) -> Option<usize> {
    // An operator is a word after a delimiter: at most one starts in every two bytes,
    // so a short stream cannot hold more than `max` (the common case: no scan).
    if content.len().div_ceil(2) <= max {
        return None;
    }
    let mut count = 0usize;
    let mut i = 0;
    let mut prev = b' ';
    while i < content.len() {
        let b = content[i];
        if b == b'(' {
            // Skip a literal string (balanced parentheses, backslash escapes).
            let mut depth = 0usize;
            while i < content.len() {
                match content[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            prev = b')';
            i += 1;
            continue;
        }
        let starts_word = (b.is_ascii_alphabetic() || b == b'\'' || b == b'"')
            && (prev.is_ascii_whitespace() || b"()<>[]{}".contains(&prev));
        if starts_word {
            count += 1;
            if count > max {
                return Some(i);
            }
        }
        prev = b;
        i += 1;
    }
    None
}

/// The operations of the longest prefix of a damaged content stream that ends at a
/// line or operator boundary and still parses (binary search: about 20 parses).
fn salvage(content: &[u8]) -> Option<Content> {
    let cuts: Vec<usize> = content
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n' || b == b'\r' || b == b' ')
        .map(|(i, _)| i)
        .collect();
    let (mut lo, mut hi) = (0, cuts.len());
    let mut best = None;
    while lo < hi {
        let mid = (lo + hi) / 2;
        match Content::decode(&content[..cuts[mid]]) {
            Ok(c) => {
                best = Some(c);
                lo = mid + 1;
            }
            Err(_) => hi = mid,
        }
    }
    best.filter(|c| !c.operations.is_empty())
}

fn lookup<'a>(
    doc: &'a Document,
    resources: &Resources<'a>,
    category: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    for res in resources {
        let Some(cat) = res
            .get(category)
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        else {
            continue;
        };
        if let Ok(o) = cat.get(name) {
            let id = o.as_reference().ok();
            if let Some(obj) = deref(doc, o) {
                return Some((id, obj));
            }
        }
    }
    None
}

fn read_matrix(doc: &Document, o: Option<&Object>) -> Option<Matrix> {
    let a = deref(doc, o?)?.as_array().ok()?;
    if a.len() != 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (k, v) in a.iter().enumerate() {
        m[k] = deref(doc, v)?.as_float().ok()?;
    }
    Some(m)
}

fn read_rect(doc: &Document, o: Option<&Object>) -> Option<[f32; 4]> {
    let a = deref(doc, o?)?.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let mut r = [0.0; 4];
    for (k, v) in a.iter().enumerate() {
        r[k] = deref(doc, v)?.as_float().ok()?;
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_cap_counts_operators_not_names_or_strings() {
        let content = b"BT /F1 12 Tf (a b c d e f) Tj ET q Q";
        // BT Tf Tj ET q Q: six operators.
        assert_eq!(op_cap_cut(content, 6), None);
        let cut = op_cap_cut(content, 4).unwrap();
        assert_eq!(&content[..cut], b"BT /F1 12 Tf (a b c d e f) Tj ET ");
        // A million `q` stops at the cap.
        let bomb = b"q ".repeat(1_000_000);
        assert_eq!(op_cap_cut(&bomb, MAX_STREAM_OPS), Some(2 * MAX_STREAM_OPS));
    }

    #[test]
    fn a_damaged_stream_keeps_the_operations_before_the_damage() {
        let mut content = b"BT /F1 12 Tf (Rekisterinpitaja) Tj ET\nBT ".to_vec();
        content.extend(std::iter::repeat_n(b'[', 100_000));
        content.extend(std::iter::repeat_n(b']', 100_000));
        content.extend(b" TJ ET");
        assert!(Content::decode(&content).is_err());
        let ops = salvage(&content).unwrap().operations;
        let names: Vec<&str> = ops.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(names[..4], ["BT", "Tf", "Tj", "ET"]);
    }
}
