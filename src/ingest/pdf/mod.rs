//! PDF ingestion: a text interpreter on lopdf's content-stream decoding.
//!
//! The stages are: load (lenient, with xref recovery and empty-password
//! decryption) -> [`interpreter`] (text and graphics state, fonts, Form XObjects,
//! form-field appearances) -> glyphs with device positions -> [`layout`] (words,
//! lines, columns) -> [`furniture`] removal -> paragraph breaks and heading cues ->
//! [`dehyphen`]. lopdf's own `extract_text` is not used.

pub mod cmap;
pub mod dehyphen;
pub mod encoding;
pub mod font;
pub mod furniture;
pub mod glyphlist;
pub mod interpreter;
pub mod layout;
mod lexer;

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Document, LoadOptions, Object, ObjectId, Stream};

use super::{IngestError, Ingested, LineCue, SourceLine};
use crate::model::{Format, Warning};
use dehyphen::{decide, Join, Lexicon};
use interpreter::{Interpreter, Resources, IDENTITY};
use layout::{is_invisible, layout_page, PageLine};

/// Most bytes one stream may decompress to.
const MAX_STREAM_BYTES: usize = 32 << 20;
/// Most bytes all streams of a document may decompress to, together.
const MAX_DOCUMENT_BYTES: usize = 256 << 20;
/// Most pages read (a notice is a few pages; a longer PDF is read up to here, with a
/// `pdf-pages-capped` warning, so one huge file cannot stall a batch).
pub const MAX_PAGES: usize = 1000;
/// A line this much larger than the body text is a heading candidate.
const HEADING_RATIO: f32 = 1.15;
/// A gap between lines above this many line pitches is a paragraph break. groff's
/// `-ms` paragraphs are 1.3 pitches apart (0.3 v of paragraph spacing): the threshold
/// stays clear of that, and of the 1.0 of lines inside a paragraph.
const PARAGRAPH_GAP: f32 = 1.2;

/// What is left of the document's decompression allowance.
pub struct Budget {
    remaining: Cell<usize>,
}

impl Budget {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> Self {
        Budget {
            remaining: Cell::new(bytes),
        }
    }

    fn limit(&self) -> usize {
        MAX_STREAM_BYTES.min(self.remaining.get())
    }

    fn charge(&self, n: usize) {
        self.remaining.set(self.remaining.get().saturating_sub(n));
    }
}

/// The decoded bytes of a stream, within the budget; `None` if it cannot be decoded.
pub fn stream_data(s: &Stream, budget: &Budget) -> Option<Vec<u8>> {
    let data = s.get_plain_content_with_limit(budget.limit()).ok()?;
    budget.charge(data.len());
    Some(data)
}

/// Follow references (a bounded number of times).
pub fn deref<'a>(doc: &'a Document, mut o: &'a Object) -> Option<&'a Object> {
    for _ in 0..16 {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

/// Ingest a PDF document: its visible text as lines in reading order, with page
/// numbers and heading/emphasis cues.
pub fn ingest_pdf(bytes: &[u8]) -> Result<Ingested, IngestError> {
    match catch_unwind(AssertUnwindSafe(|| ingest_inner(bytes))) {
        Ok(r) => r,
        Err(_) => Err(IngestError::Pdf(
            "the PDF could not be read (internal error while decoding)".into(),
        )),
    }
}

fn load(bytes: &[u8]) -> Result<Document, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let opts = || LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..Default::default()
    };
    let mut doc = match Document::load_mem_with_options(bytes, opts()) {
        Ok(d) => d,
        Err(first) => Document::load_mem_with_options(
            bytes,
            LoadOptions {
                force_reconstruct: true,
                ..opts()
            },
        )
        .map_err(|_| IngestError::Pdf(first.to_string()))?,
    };
    if doc.is_encrypted() {
        doc.decrypt("")
            .map_err(|_| IngestError::Pdf("the PDF is encrypted with a password".into()))?;
    }
    Ok(doc)
}

fn page_resources<'a>(doc: &'a Document, page: ObjectId) -> Resources<'a> {
    let mut res: Resources<'a> = Vec::new();
    if let Ok((inline, ids)) = doc.get_page_resources(page) {
        res.extend(inline);
        for id in ids {
            if let Ok(d) = doc.get_dictionary(id) {
                res.push(d);
            }
        }
    }
    res
}

fn ingest_inner(bytes: &[u8]) -> Result<Ingested, IngestError> {
    let doc = load(bytes)?;
    let mut warnings = Vec::new();
    let mut pages = doc.get_pages();
    if pages.is_empty() {
        // A page tree that is broken (a cycle, a missing node): the page objects in
        // file order, as other readers recover.
        pages = pages_by_type(&doc);
        if pages.is_empty() {
            return Err(IngestError::Pdf("the PDF has no pages".into()));
        }
        warnings.push(Warning::new(
            "pdf-page-tree-broken",
            "the page tree is damaged; pages were read in file order",
        ));
    }
    let budget = Budget::new(MAX_DOCUMENT_BYTES);
    let mut interp = Interpreter::new(&doc, &budget);
    let mut page_lines: Vec<Vec<PageLine>> = Vec::with_capacity(pages.len());
    let mut any_glyph = false;
    let mut unreadable: Option<String> = None;
    for (_, &page_id) in pages.iter().take(MAX_PAGES) {
        let res = page_resources(&doc, page_id);
        interp.glyphs.clear();
        match doc.get_page_content_with_limit(page_id, budget.limit()) {
            Ok(content) => {
                budget.charge(content.len());
                interp.run(&content, &res, IDENTITY, 0, &mut Vec::new());
            }
            Err(e) => {
                let why = format!("a page's content could not be read: {e}");
                warnings.push(Warning::new("pdf-page-unreadable", why.clone()));
                unreadable.get_or_insert(why);
            }
        }
        if let Ok(page) = doc.get_dictionary(page_id) {
            interp.run_widgets(page, &res);
        }
        any_glyph |= !interp.glyphs.is_empty();
        let mut lines = layout_page(std::mem::take(&mut interp.glyphs));
        for l in &mut lines {
            l.text = clean_text(&l.text);
        }
        lines.retain(|l| !l.text.is_empty());
        join_drop_caps(&mut lines);
        page_lines.push(lines);
    }
    if pages.len() > MAX_PAGES {
        warnings.push(Warning::new(
            "pdf-pages-capped",
            format!(
                "the PDF has {} pages; only the first {MAX_PAGES} were read",
                pages.len()
            ),
        ));
    }
    if interp.undecodable > 0 {
        let fonts: Vec<&str> = interp
            .undecodable_fonts
            .iter()
            .map(String::as_str)
            .collect();
        warnings.push(Warning::new(
            "pdf-undecodable-font",
            format!(
                "{} characters in font(s) {} have no Unicode mapping and were left out",
                interp.undecodable,
                fonts.join(", ")
            ),
        ));
    }
    if interp.damaged > 0 {
        warnings.push(Warning::new(
            "pdf-content-damaged",
            format!(
                "{} content stream(s) have a syntax error; only the text before it was read",
                interp.damaged
            ),
        ));
    }
    if interp.capped > 0 {
        warnings.push(Warning::new(
            "pdf-content-capped",
            format!(
                "{} content stream(s) have more than {} operations; the rest was not read",
                interp.capped,
                interpreter::MAX_STREAM_OPS
            ),
        ));
    }
    if !any_glyph {
        // Content that could not be read is the cause, not a missing text layer.
        if interp.images == 0 {
            if let Some(why) = unreadable {
                return Err(IngestError::Pdf(why));
            }
            if interp.damaged > 0 {
                return Err(IngestError::Pdf(
                    "the page content has a syntax error before any text".into(),
                ));
            }
        }
        return Err(if interp.images > 0 || interp.undecodable == 0 {
            IngestError::NoTextLayer
        } else {
            IngestError::NoText
        });
    }
    let (removed, example) = furniture::remove_furniture(&mut page_lines);
    if removed > 0 {
        warnings.push(Warning::new(
            "page-furniture-removed",
            format!(
                "removed {removed} repeated header/footer line(s), e.g. \"{}\"",
                example.unwrap_or_default()
            ),
        ));
    }
    let lines = assemble(page_lines);
    if lines.iter().all(|l| l.text.is_empty()) {
        return Err(IngestError::NoText);
    }
    Ok(Ingested {
        format: Format::Pdf,
        encoding: None,
        pages: Some(pages.len() as u32),
        lines,
        warnings,
    })
}

/// The end of a law reference that wrapped onto the next line: `8§)`, `10 §.`,
/// `523/1999)`.
fn wrapped_reference(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text.split_whitespace().count() <= 2
        && (text.contains('§') || text.ends_with(')'))
}

/// Every object of type `/Page`, in object-number order, numbered from 1.
fn pages_by_type(doc: &Document) -> std::collections::BTreeMap<u32, ObjectId> {
    doc.objects
        .iter()
        .filter(|(_, o)| {
            o.as_dict()
                .ok()
                .and_then(|d| d.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                == Some(b"Page".as_slice())
        })
        .map(|(id, _)| *id)
        .zip(1u32..)
        .map(|(id, n)| (n, id))
        .collect()
}

/// Text cleanup: ligatures to letters, invisible characters dropped (a soft hyphen
/// is kept only at the end, for de-hyphenation), NFC, single spaces.
fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let trimmed = text.trim_end();
    let soft_end = trimmed.ends_with('\u{AD}');
    for c in trimmed.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{AD}' => {}
            // Symbol/Wingdings bullets in the private use area (Word, LibreOffice).
            '\u{F0B7}' | '\u{F095}' => out.push('•'),
            '\u{F0A7}' | '\u{F06E}' => out.push('▪'),
            '\u{F0D8}' => out.push('➢'),
            '\u{F0FC}' => out.push('✓'),
            '\u{F02D}' => out.push('-'),
            c if is_invisible(c) => {}
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    let mut s = crate::normalise::nfc(out.trim());
    if soft_end && !s.is_empty() {
        s.push('\u{AD}');
    }
    s
}

/// A big initial letter on its own line, set before the rest of its word on the
/// next line (a drop cap), is joined to that word.
fn join_drop_caps(lines: &mut Vec<PageLine>) {
    let mut i = 0;
    while i + 1 < lines.len() {
        let cap = &lines[i];
        let mut chars = cap.text.chars();
        let is_cap = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
        if is_cap {
            // The rest of the word: the nearest following line starting in lower case
            // and close to the letter horizontally.
            if let Some(j) = (i + 1..lines.len().min(i + 3)).find(|&j| {
                let l = &lines[j];
                l.text.chars().next().is_some_and(char::is_lowercase)
                    && (l.y - cap.y).abs() < 2.5 * cap.size.max(l.size)
                    && l.x0 >= cap.x0 - 1.0
                    && l.x0 <= cap.x1 + cap.size
            }) {
                let letter = lines[i].text.clone();
                let x0 = lines[i].x0;
                lines[j].text.insert_str(0, &letter);
                lines[j].x0 = lines[j].x0.min(x0);
                lines.remove(i);
                continue;
            }
        }
        i += 1;
    }
}

/// The dominant size (by characters) of `lines`, rounded to half points.
fn dominant_size<'a>(lines: impl Iterator<Item = &'a PageLine>) -> Option<f32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for l in lines {
        let k = (l.size * 2.0).round() as i32;
        let n = l.text.chars().count();
        match counts.iter_mut().find(|e| e.0 == k) {
            Some(e) => e.1 += n,
            None => counts.push((k, n)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|e| e.1)
        .map(|e| e.0 as f32 / 2.0)
}

struct Out {
    line: SourceLine,
    size: f32,
    /// The line goes on from the previous one, which was wrapped.
    continues: bool,
}

/// Paragraph breaks, heading cues and de-hyphenation over all pages.
fn assemble(pages: Vec<Vec<PageLine>>) -> Vec<SourceLine> {
    let doc_body = dominant_size(pages.iter().flatten()).unwrap_or(10.0);
    // Heading sizes across the document, largest first.
    let mut heading_sizes: Vec<i32> = Vec::new();
    let page_bodies: Vec<f32> = pages
        .iter()
        .map(|p| {
            let chars: usize = p.iter().map(|l| l.text.chars().count()).sum();
            if chars >= 300 {
                dominant_size(p.iter()).unwrap_or(doc_body)
            } else {
                doc_body
            }
        })
        .collect();
    for (p, lines) in pages.iter().enumerate() {
        for l in lines {
            if l.size >= page_bodies[p] * HEADING_RATIO {
                let k = (l.size * 2.0).round() as i32;
                if !heading_sizes.contains(&k) {
                    heading_sizes.push(k);
                }
            }
        }
    }
    heading_sizes.sort_unstable_by(|a, b| b.cmp(a));

    let mut out: Vec<Out> = Vec::new();
    for (p, lines) in pages.iter().enumerate() {
        let body = page_bodies[p];
        let pitch = line_pitch(lines, body);
        let (left, right) = lines
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), l| (a.min(l.x0), b.max(l.x1)));
        for (i, l) in lines.iter().enumerate() {
            let mut continues = false;
            if let Some(prev) = i.checked_sub(1).map(|k| &lines[k]) {
                let gap = prev.y - l.y;
                let scale = prev.size.max(l.size) / body;
                let size_change = (prev.size - l.size).abs() > 0.12 * prev.size.min(l.size);
                if gap <= 0.0
                    || prev.column != l.column
                    || gap > pitch * scale.max(1.0) * PARAGRAPH_GAP
                    || size_change
                {
                    push_break(&mut out);
                } else {
                    // A line in the same font that goes on in lower case (or with a
                    // parenthesis, or the end of a law reference) after a long line
                    // without closing punctuation is the rest of a wrapped line:
                    // "… käsittelyn" + "oikeusperuste", "(Henkilötietolaki" + "8§)".
                    let first = l.text.chars().next();
                    continues = prev.bold == l.bold
                        && (prev.size - l.size).abs() < 0.05 * prev.size
                        && (first.is_some_and(|c| c.is_lowercase() || c == '(')
                            || wrapped_reference(&l.text))
                        && !prev.text.ends_with(['.', ':', ';', '!', '?'])
                        && prev.x1 - left >= 0.6 * (right - left)
                        && !l.text.contains('@');
                }
            }
            let heading_level = if l.size >= body * HEADING_RATIO {
                let k = (l.size * 2.0).round() as i32;
                heading_sizes
                    .iter()
                    .position(|&h| h == k)
                    .map(|r| (r + 1).min(3) as u8)
            } else {
                None
            };
            out.push(Out {
                line: SourceLine {
                    text: l.text.clone(),
                    page: Some(p as u32 + 1),
                    cue: LineCue {
                        heading_level,
                        emphasis: l.bold,
                        list_item: false,
                    },
                },
                size: l.size,
                continues,
            });
        }
    }
    dehyphenate(&mut out);
    // Join wrapped lines (after de-hyphenation, which needs the line ends).
    let mut joined: Vec<Out> = Vec::with_capacity(out.len());
    for o in out {
        match joined.last_mut() {
            Some(prev) if o.continues && !prev.line.text.is_empty() && !o.line.text.is_empty() => {
                prev.line.text.push(' ');
                prev.line.text.push_str(&o.line.text);
            }
            _ => joined.push(o),
        }
    }
    let mut out = joined;
    for o in &mut out {
        if o.line.text.ends_with('\u{AD}') {
            o.line.text.pop();
        }
    }
    while out.last().is_some_and(|o| o.line.text.is_empty()) {
        out.pop();
    }
    // De-hyphenation can empty a line; drop it, and breaks that became doubled.
    let mut lines: Vec<SourceLine> = Vec::with_capacity(out.len());
    for o in out {
        let blank = o.line.text.is_empty();
        if blank && o.line.page.is_some() {
            continue;
        }
        if blank && lines.last().is_none_or(|l| l.text.is_empty()) {
            continue;
        }
        lines.push(o.line);
    }
    lines
}

fn push_break(out: &mut Vec<Out>) {
    if out.last().is_some_and(|o| !o.line.text.is_empty()) {
        out.push(Out {
            line: SourceLine {
                text: String::new(),
                page: None,
                cue: LineCue::default(),
            },
            size: 0.0,
            continues: false,
        });
    }
}

/// The usual distance between baselines of body lines on a page.
fn line_pitch(lines: &[PageLine], body: f32) -> f32 {
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .filter(|w| {
            w[0].column == w[1].column
                && (w[0].size - body).abs() < 0.5
                && (w[1].size - body).abs() < 0.5
        })
        .map(|w| w[0].y - w[1].y)
        .filter(|g| *g >= 0.9 * body && *g <= 2.5 * body)
        .collect();
    if gaps.is_empty() {
        return 1.2 * body;
    }
    gaps.sort_by(f32::total_cmp);
    // The lower third: most gaps are plain line spacing.
    gaps[gaps.len() / 3]
}

fn dehyphenate(out: &mut [Out]) {
    // The words of the lines as they are before any join, made at the first line that
    // ends in a hyphen (no join comes before it); most documents have none.
    let mut lexicon: Option<Lexicon> = None;
    for i in 0..out.len().saturating_sub(1) {
        let (cur, next) = (&out[i], &out[i + 1]);
        if next.line.text.is_empty() || (cur.size - next.size).abs() > 0.1 * cur.size.min(next.size)
        {
            continue;
        }
        let Some(left) = cur.line.text.split(' ').next_back() else {
            continue;
        };
        if !(left.ends_with('-') || left.ends_with('\u{AD}') || left.ends_with('\u{2010}')) {
            continue;
        }
        let lex =
            &*lexicon.get_or_insert_with(|| Lexicon::new(out.iter().map(|o| o.line.text.as_str())));
        let (a, b) = out.split_at_mut(i + 1);
        let (cur, next) = (&mut a[i], &mut b[0]);
        let left = cur.line.text.split(' ').next_back().unwrap_or_default();
        let (right, rest) = match next.line.text.split_once(' ') {
            Some((r, rest)) => (r.to_string(), rest.to_string()),
            None => (next.line.text.clone(), String::new()),
        };
        match decide(left, &right, lex) {
            Join::No => {}
            Join::Merge => {
                cur.line.text.pop();
                cur.line.text.push_str(&right);
                next.line.text = rest;
            }
            Join::KeepHyphen => {
                if cur.line.text.ends_with(['\u{AD}', '\u{2010}']) {
                    cur.line.text.pop();
                    cur.line.text.push('-');
                }
                cur.line.text.push_str(&right);
                next.line.text = rest;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_law_references_continue_the_line() {
        assert!(wrapped_reference("8§)"));
        assert!(wrapped_reference("10 §."));
        assert!(wrapped_reference("523/1999)"));
        assert!(!wrapped_reference("2"));
        assert!(!wrapped_reference("3 Rekisterin nimi"));
        assert!(!wrapped_reference("Henkilötietolaki 8§)"));
    }
}
