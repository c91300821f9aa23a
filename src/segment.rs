//! Stage 3: **segment**. Finds the headings in the normalised text and cuts it into
//! sections.
//!
//! A line is a heading candidate by its layout: a Markdown `#`, an HTML or PDF heading
//! cue, numbering (`1.`, `1)`, `2.1`, `A.`), a short line standing alone, ALL CAPS, a
//! trailing colon, bold. The heading dictionary then confirms it and names its field.
//! Unconfirmed candidates become sections with no field only when the layout is
//! unambiguous (a Markdown or HTML heading, a numbered line that continues the
//! document's numbering); otherwise they stay body text. A heading and its value on
//! one line (`Rekisterin nimi: Asiakasrekisteri`) is split. Lines before the first
//! confirmed heading are the preamble (title, organisation, dates).
//!
//! A document with fewer than two confirmed headings is a heading-less statement: its
//! paragraphs become sections classified by content ([`crate::map`] does that).
//!
//! Sections tile the text: the preamble is `[0, first section)`, each section runs
//! from its heading to the next section's heading, the last to the end of the text.

use std::sync::LazyLock;

use regex::Regex;

use crate::prefilter::Pattern;

use crate::dictionary::{dictionary, HeadingMatch};
use crate::model::{FieldKey, MatchKind, Span};
use crate::normalise::{lowercase, NormText};

/// A section found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionDraft {
    /// The heading as written, without numbering, Markdown markup or trailing colon.
    pub heading: String,
    /// The numbering as written (`5.`, `2.1`, `A.`), if any.
    pub number: Option<String>,
    /// 1 = top level.
    pub level: u8,
    /// Fields the section fills (empty when the heading is unknown).
    pub fields: Vec<FieldKey>,
    /// How the fields were decided.
    pub match_kind: MatchKind,
    /// Confidence.
    pub score: f64,
    /// True when the fields come from the parent section (an unknown subheading).
    pub inherited: bool,
    /// The level the format gives the heading (Markdown `#` count, HTML `h1`..`h6`,
    /// PDF size rank), if any.
    pub layout_level: Option<u8>,
    /// The whole section, heading included, up to the next section.
    pub span: Span,
    /// The body: from after the heading to the end of the section's content.
    pub body: Span,
    /// Index of the heading line (or the first line of a content paragraph).
    pub first_line: usize,
    /// Lines of the body: `body_lines.0..body_lines.1` (the first may be the heading
    /// line itself when the value stands on the heading's line).
    pub body_lines: (usize, usize),
}

/// The segmenter's result: one notice.
#[derive(Debug, Clone, PartialEq)]
pub struct Segmented {
    /// The notice's bytes in the normalised text (the whole text unless the document
    /// holds several notices).
    pub range: Span,
    /// Bytes before the first section.
    pub preamble: Span,
    /// Lines of the preamble.
    pub preamble_lines: (usize, usize),
    /// The sections, in order.
    pub sections: Vec<SectionDraft>,
    /// True when the document has no headings and its paragraphs were made sections.
    pub heading_less: bool,
}

static MD_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(#{1,6})\s+(.*)$").expect("md heading regex"));

static NUMBER_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d{1,2}(?:\.\d{1,2})*)[.)]?|([A-ZÅÄÖ])[.)]|([IVX]{1,4})\.)\s+(\S.*)$")
        .expect("number regex")
});

static LIST_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[-*+•●▪◦–·]|\d{1,2}\))\s+").expect("list regex"));

/// Whether `text` may start with a [`LIST_MARKER`]: a cheap test of its first
/// character that every match passes (`\d` is any decimal digit, so any numeric one
/// passes), to spare most lines the regex.
fn may_be_list_marker(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_numeric() || "-*+•●▪◦–·".contains(c))
}

/// Whether `text` may start with a [`NUMBER_PREFIX`]: a number, or a capital letter or
/// roman numeral followed by `.` or `)`. Every match passes this test.
fn may_be_number_prefix(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_numeric() => true,
        Some(c) if c.is_ascii_uppercase() || "ÅÄÖ".contains(c) => {
            let after = chars.as_str();
            after.starts_with(['.', ')'])
                || (matches!(c, 'I' | 'V' | 'X')
                    && after.trim_start_matches(['I', 'V', 'X']).starts_with('.'))
        }
        _ => false,
    }
}

/// The numbering that starts a line, as [`NUMBER_PREFIX`] reads it.
#[derive(Debug, Clone, PartialEq)]
struct NumberPrefix<'a> {
    /// The decimal number (`2.1`; group 1), if the numbering is one.
    number: Option<&'a str>,
    /// Whether the numbering is a capital letter (`B)`; group 2).
    lettered: bool,
    /// Byte offset where the label after the numbering starts (group 4).
    label_start: usize,
}

/// [`NUMBER_PREFIX`] read by hand, with the same answer: the regex's captures ran in
/// the bounded backtracker over the whole line, `(\S.*)$` included. Text whose first
/// word is not ASCII (`Ä)`, digits of other scripts) or that holds a line break goes
/// to the regex itself; a property test compares the two.
fn number_prefix(text: &str) -> Option<NumberPrefix<'_>> {
    let head_end = text.find(char::is_whitespace).unwrap_or(text.len());
    if !text[..head_end].is_ascii() || text.contains('\n') {
        return number_prefix_by_regex(text);
    }
    let bytes = text.as_bytes();
    // `\s+(\S.*)$` from `at`: white space, then something else; the label starts
    // after the white space.
    let label_after = |at: usize| {
        let rest = &text[at..];
        let label = rest.trim_start();
        (label.len() < rest.len() && !label.is_empty()).then(|| text.len() - label.len())
    };
    let digits_from = |at: usize| {
        bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    // `(\d{1,2}(?:\.\d{1,2})*)[.)]?`: a run of three digits leaves a digit that
    // nothing after it takes, so only whole runs of one or two count. The regex tries
    // the most parts first, and `.` or `)` before none.
    let first_part = digits_from(0);
    if (1..=2).contains(&first_part) {
        let mut ends = vec![first_part];
        let mut at = first_part;
        while bytes.get(at) == Some(&b'.') {
            let part = digits_from(at + 1);
            if !(1..=2).contains(&part) {
                break;
            }
            at += 1 + part;
            ends.push(at);
        }
        for &end in ends.iter().rev() {
            let closed = matches!(bytes.get(end), Some(b'.' | b')'))
                .then(|| label_after(end + 1))
                .flatten();
            if let Some(label_start) = closed.or_else(|| label_after(end)) {
                return Some(NumberPrefix {
                    number: Some(&text[..end]),
                    lettered: false,
                    label_start,
                });
            }
        }
    }
    // `([A-ZÅÄÖ])[.)]` (the first word is ASCII here).
    if bytes.first().is_some_and(u8::is_ascii_uppercase)
        && matches!(bytes.get(1), Some(b'.' | b')'))
    {
        if let Some(label_start) = label_after(2) {
            return Some(NumberPrefix {
                number: None,
                lettered: true,
                label_start,
            });
        }
    }
    // `([IVX]{1,4})\.`
    let roman = bytes
        .iter()
        .take_while(|b| matches!(b, b'I' | b'V' | b'X'))
        .count();
    if (1..=4).contains(&roman) && bytes.get(roman) == Some(&b'.') {
        return label_after(roman + 1).map(|label_start| NumberPrefix {
            number: None,
            lettered: false,
            label_start,
        });
    }
    None
}

/// [`number_prefix`] as the regex reads it: its path for the lines it does not read
/// by hand, and its tests' reference.
fn number_prefix_by_regex(text: &str) -> Option<NumberPrefix<'_>> {
    let c = NUMBER_PREFIX.captures(text)?;
    Some(NumberPrefix {
        number: c.get(1).map(|m| m.as_str()),
        lettered: c.get(2).is_some(),
        label_start: c.get(4).expect("group 4").start(),
    })
}

/// What the layout says about one line.
#[derive(Debug, Clone, Default)]
struct LineInfo {
    /// The text with Markdown heading marks, emphasis and numbering removed.
    label: String,
    /// Byte offset in the line where `label` starts.
    label_offset: usize,
    number: Option<String>,
    number_depth: u8,
    top_number: Option<u32>,
    lettered: bool,
    md_level: Option<u8>,
    cue_level: Option<u8>,
    emphasis: bool,
    list_item: bool,
    standalone: bool,
    colon: bool,
    all_caps: bool,
    words: usize,
    sentence_end: bool,
}

fn strip_emphasis(s: &str) -> (&str, bool) {
    for mark in ["***", "**", "__", "*", "_"] {
        if s.len() > 2 * mark.len() && s.starts_with(mark) && s.ends_with(mark) {
            let inner = &s[mark.len()..s.len() - mark.len()];
            if !inner.contains(mark) {
                return (inner.trim(), true);
            }
        }
    }
    (s, false)
}

fn line_info(norm: &NormText, i: usize) -> LineInfo {
    let text = norm.line(i);
    let line = &norm.lines[i];
    let mut info = LineInfo {
        cue_level: line.cue.heading_level,
        emphasis: line.cue.emphasis,
        list_item: line.cue.list_item || (may_be_list_marker(text) && LIST_MARKER.is_match(text)),
        ..Default::default()
    };
    let mut rest = text;
    let mut offset = 0;
    if let Some(c) = text
        .starts_with('#')
        .then(|| MD_HEADING.captures(text))
        .flatten()
    {
        info.md_level = Some(c[1].len() as u8);
        let m = c.get(2).expect("group 2");
        rest = m.as_str();
        offset = m.start();
    }
    let (inner, emph) = strip_emphasis(rest.trim_end());
    if emph {
        offset += rest.find(inner).unwrap_or(0);
        rest = inner;
        info.emphasis = true;
    }
    if let Some(prefix) = may_be_number_prefix(rest)
        .then(|| number_prefix(rest))
        .flatten()
    {
        if let Some(n) = prefix.number {
            info.number_depth = n.split('.').count() as u8;
            info.top_number = n.split('.').next().and_then(|x| x.parse().ok());
        } else {
            info.number_depth = 1;
            info.lettered = prefix.lettered;
        }
        info.number = Some(rest[..prefix.label_start].trim().to_string());
        offset += prefix.label_start;
        rest = &rest[prefix.label_start..];
        let (inner, emph) = strip_emphasis(rest.trim_end());
        if emph {
            offset += rest.find(inner).unwrap_or(0);
            rest = inner;
            info.emphasis = true;
        }
    }
    let trimmed = rest.trim_end();
    info.colon = trimmed.ends_with(':');
    let label = trimmed.trim_end_matches(':').trim_end();
    info.label = label.to_string();
    info.label_offset = offset;
    info.words = label.split_whitespace().count();
    info.sentence_end = label.ends_with('.') && !label.ends_with("..");
    let mut letters = label.chars().filter(|c| c.is_alphabetic());
    info.all_caps = letters
        .by_ref()
        .take(4)
        .filter(|c| c.is_uppercase())
        .count()
        == 4
        && letters.all(|c| c.is_uppercase());
    let prev_blank = i == 0 || norm.lines[i - 1].is_blank();
    let next_blank = i + 1 >= norm.lines.len() || norm.lines[i + 1].is_blank();
    info.standalone = prev_blank && next_blank;
    info
}

/// A heading found on a line.
#[derive(Debug, Clone)]
struct HeadingHit {
    line: usize,
    /// Heading text (label).
    heading: String,
    number: Option<String>,
    matched: Option<HeadingMatch>,
    /// Byte offset (absolute) where an inline value starts, when the heading and its
    /// value share the line.
    inline_body: Option<usize>,
    /// Lines consumed by the heading (2 when it wraps onto the next line).
    heading_lines: usize,
    info: LineInfo,
}

const CONNECTORS: &[&str] = &[
    "ja", "tai", "sekä", "or", "and", "och", "eller", "of", "the",
];

fn looks_like_sentence(info: &LineInfo) -> bool {
    info.sentence_end || info.words > 16 || info.label.chars().count() > 140
}

/// Decide whether line `i` is a heading.
fn heading_at(norm: &NormText, i: usize, infos: &[Option<LineInfo>]) -> Option<HeadingHit> {
    let info = infos[i].as_ref()?;
    let dict = dictionary();
    let text = norm.line(i);
    let line_start = norm.lines[i].start;
    let structural = info.md_level.is_some() || info.cue_level.is_some();

    // A heading that wraps onto a second line: "7. ... ja tietojen siirto EU:n tai" +
    // "ETA:n ulkopuolelle", or a PDF line break inside a long heading. The two lines
    // form a paragraph of their own, and together they match the dictionary better
    // than the first line alone.
    let prev_blank = i == 0 || norm.lines[i - 1].is_blank();
    if prev_blank && !looks_like_sentence(info) && !info.list_item && i + 1 < norm.lines.len() {
        if let Some(next) = infos[i + 1].as_ref() {
            let next_blank_after = i + 2 >= norm.lines.len() || norm.lines[i + 2].is_blank();
            let last_word = lowercase(info.label.rsplit(' ').next().unwrap_or(""));
            let continues = CONNECTORS.contains(&last_word.as_str())
                || next.label.chars().next().is_some_and(char::is_lowercase)
                || next.label.starts_with("ETA")
                || next.label.starts_with("EU");
            if continues
                && next_blank_after
                && next.words <= 8
                && next.number.is_none()
                && !next.list_item
                && !next.sentence_end
                && next.md_level.is_none()
            {
                let joined = format!("{} {}", info.label, next.label);
                let alone = dict.match_heading(&info.label);
                if let Some(m) = dict.match_heading(&joined) {
                    let better = m.score >= crate::dictionary::FUZZY_THRESHOLD
                        && alone
                            .as_ref()
                            .is_none_or(|a| m.score >= a.score || m.fields.len() > a.fields.len());
                    if better {
                        let mut info2 = info.clone();
                        info2.label = joined.clone();
                        info2.words += next.words;
                        return Some(HeadingHit {
                            line: i,
                            heading: joined,
                            number: info.number.clone(),
                            matched: Some(m),
                            inline_body: None,
                            heading_lines: 2,
                            info: info2,
                        });
                    }
                }
            }
        }
    }

    let hit = |matched: Option<HeadingMatch>| HeadingHit {
        line: i,
        heading: info.label.clone(),
        number: info.number.clone(),
        matched,
        inline_body: None,
        heading_lines: 1,
        info: info.clone(),
    };

    if info.list_item && !structural && info.number.is_none() {
        return None;
    }
    // A heading starts with a capital or a digit; a lower-case line is running text
    // (or the second half of a word hyphenated in a PDF form).
    let capital = info
        .label
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    if !capital && !structural && info.number.is_none() {
        return None;
    }
    let has_inline_value = info.label.contains(": ") || info.label.contains(":\t");
    if !looks_like_sentence(info) && !info.label.is_empty() && !has_inline_value {
        let matched = dict.match_heading(&info.label);
        let strong = matched.as_ref().is_some_and(|m| m.score >= 0.9);
        let confirmed = matched.is_some();
        let layout = structural
            || info.emphasis
            || info.number.is_some()
            || info.standalone
            || info.colon
            || info.all_caps;
        if confirmed && (layout || strong && info.words <= 6) {
            // A keyword-only match needs a clear layout cue.
            let keyword_only = matched
                .as_ref()
                .is_some_and(|m| m.score < crate::dictionary::FUZZY_THRESHOLD);
            if !keyword_only
                || structural
                || info.emphasis
                || info.number.is_some()
                || info.standalone && info.words <= 8
                || info.colon && info.words <= 8
            {
                return Some(hit(matched));
            }
        }
        // An unknown heading starts with a capital or a digit, and is no dated
        // metadata line ("Henkilörekisteriseloste laadittu 24.5.2018").
        let capital = info
            .label
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        if structural && !info.colon && capital && !DATE_IN_LINE.is_match(&info.label) {
            return Some(hit(None));
        }
    }

    // A heading and its value on one line: "Rekisterin nimi: X", "Rekisterinpitäjä Y",
    // or a heading that runs into its text: "Käsittelyn tarkoitus. Palvelun ...".
    let label_start = info.label_offset;
    let label_text = &text[label_start..];
    let paragraph_start = i == 0 || norm.lines[i - 1].is_blank();
    for sep in [": ", ". ", ":\t"] {
        if let Some(pos) = label_text.find(sep) {
            let head = label_text[..pos].trim();
            if !head.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            let value = label_text[pos + sep.len()..].trim_start();
            let words = head.split_whitespace().count();
            if words == 0 || words > 10 || value.is_empty() {
                continue;
            }
            if let Some(m) = dict.match_heading(head) {
                let needed = if sep == ". " && (words < 3 || !paragraph_start) {
                    0.9
                } else {
                    0.85
                };
                if m.score >= needed {
                    let value_offset = label_start + pos + sep.len();
                    let value_offset = value_offset + (text[value_offset..].len() - value.len());
                    return Some(HeadingHit {
                        line: i,
                        heading: head.to_string(),
                        number: info.number.clone(),
                        matched: Some(m),
                        inline_body: Some(line_start + value_offset),
                        heading_lines: 1,
                        info: info.clone(),
                    });
                }
            }
        }
    }
    // "Rekisterinpitäjä Sääksmäen seurakunta": an exact heading followed by a name.
    if info.words <= 10 && !info.sentence_end && (info.standalone || info.number.is_some()) {
        let words: Vec<&str> = label_text.split_whitespace().collect();
        for n in (1..words.len().min(5)).rev() {
            let head = words[..n].join(" ");
            let rest_first = words[n];
            if !rest_first.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            if let Some(m) = dict.match_heading_exact(&head) {
                let named_value = m.fields.iter().all(|f| NAMED_FIELDS.contains(f));
                if named_value {
                    let rel = label_text
                        .find(rest_first)
                        .expect("word comes from the text");
                    return Some(HeadingHit {
                        line: i,
                        heading: head,
                        number: info.number.clone(),
                        matched: Some(m),
                        inline_body: Some(line_start + label_start + rel),
                        heading_lines: 1,
                        info: info.clone(),
                    });
                }
            }
        }
    }
    // Numbered heading not in the dictionary: checked against the numbering later.
    if info.number.is_some()
        && info.standalone
        && !looks_like_sentence(info)
        && info.words <= 12
        && !info.list_item
    {
        return Some(hit(None));
    }
    None
}

/// A heading found only by the dictionary, without a layout cue that makes it one:
/// right after another heading it is taken for that heading's value.
fn is_weak(hit: &HeadingHit) -> bool {
    let info = &hit.info;
    let structural = info.md_level.is_some() || info.cue_level.is_some() || info.emphasis;
    let exact = hit
        .matched
        .as_ref()
        .is_some_and(|m| m.kind == MatchKind::Exact && hit.inline_body.is_none());
    !structural && info.number.is_none() && !exact && !info.colon
}

/// A heading the dictionary does not confirm, or confirms only by a keyword: right
/// after another heading it is that heading's value even when the page marks it up
/// as a heading (some converters make every short line a heading).
fn is_unconfirmed(hit: &HeadingHit) -> bool {
    hit.matched
        .as_ref()
        .is_none_or(|m| m.score < crate::dictionary::FUZZY_THRESHOLD)
        && hit.info.number.is_none()
}

/// A line right after a heading that only fuzzily names the same field again
/// ("Henkilötietojen luovutus EU:n … ulkopuolelle" + "Tietoja ei luovuteta EU:n …
/// ulkopuolelle") is that heading's value.
fn repeats_previous(hit: &HeadingHit, previous: Option<&HeadingHit>) -> bool {
    let (Some(m), Some(prev)) = (&hit.matched, previous.and_then(|p| p.matched.as_ref())) else {
        return false;
    };
    m.kind != MatchKind::Exact && hit.info.number.is_none() && m.fields == prev.fields
}

/// Cut the normalised text into sections.
pub fn segment(norm: &NormText) -> Segmented {
    let infos: Vec<Option<LineInfo>> = (0..norm.lines.len())
        .map(|i| (!norm.lines[i].is_blank()).then(|| line_info(norm, i)))
        .collect();
    let mut hits: Vec<HeadingHit> = Vec::new();
    let mut i = 0;
    // Whether the last heading has had a body line yet: the first line after a heading
    // is its value unless the layout clearly makes it a heading of its own
    // ("Palvelualue" + "Kaupunkikehityspalvelut-vastuualue" is a heading and its value).
    let mut awaiting_body = false;
    while i < norm.lines.len() {
        if norm.lines[i].is_blank() {
            i += 1;
            continue;
        }
        match heading_at(norm, i, &infos) {
            Some(hit)
                if !(awaiting_body
                    && (is_weak(&hit)
                        || is_unconfirmed(&hit)
                        || repeats_previous(&hit, hits.last()))) =>
            {
                i += hit.heading_lines;
                awaiting_body = hit.inline_body.is_none();
                hits.push(hit);
            }
            _ => {
                awaiting_body = false;
                i += 1;
            }
        }
    }
    let hits = filter_unknown_numbered(hits);
    let hits = filter_plain_in_numbered(hits);
    let confirmed = hits.iter().filter(|h| h.matched.is_some()).count();
    if confirmed < 2 {
        return heading_less(norm);
    }
    // The preamble runs to the first confirmed heading.
    let first = hits
        .iter()
        .position(|h| h.matched.is_some())
        .expect("confirmed >= 2");
    let hits: Vec<HeadingHit> = hits.into_iter().skip(first).collect();
    let levels = assign_levels(&hits);
    let mut sections: Vec<SectionDraft> = Vec::new();
    for (k, hit) in hits.iter().enumerate() {
        let start = norm.lines[hit.line].start;
        let next_line = hits.get(k + 1).map_or(norm.lines.len(), |h| h.line);
        let end = hits
            .get(k + 1)
            .map_or(norm.text.len(), |h| norm.lines[h.line].start);
        let body_first = if hit.inline_body.is_some() {
            hit.line
        } else {
            hit.line + hit.heading_lines
        };
        let body_start = hit.inline_body.unwrap_or_else(|| {
            (body_first..next_line)
                .find(|&l| !norm.lines[l].is_blank())
                .map_or(end, |l| norm.lines[l].start)
        });
        let body_end = (body_first..next_line)
            .rev()
            .find(|&l| !norm.lines[l].is_blank())
            .map_or(body_start, |l| norm.lines[l].end)
            .max(body_start);
        let page = norm.lines[hit.line].page;
        let (fields, match_kind, score) = match &hit.matched {
            Some(m) => (m.fields.clone(), m.kind, m.score),
            None => (Vec::new(), MatchKind::Fuzzy, 0.0),
        };
        sections.push(SectionDraft {
            heading: hit.heading.clone(),
            number: hit.number.clone(),
            level: levels[k],
            fields,
            match_kind,
            score,
            inherited: false,
            layout_level: hit.info.md_level.or(hit.info.cue_level),
            span: Span { start, end, page },
            body: Span {
                start: body_start,
                end: body_end,
                page: page_of(norm, body_start).or(page),
            },
            first_line: hit.line,
            body_lines: (body_first, next_line),
        });
    }
    inherit_fields(&mut sections);
    let preamble_end = sections.first().map_or(norm.text.len(), |s| s.span.start);
    Segmented {
        range: Span::new(0, norm.text.len()),
        preamble: Span::new(0, preamble_end),
        preamble_lines: (
            0,
            sections.first().map_or(norm.lines.len(), |s| s.first_line),
        ),
        sections,
        heading_less: false,
    }
}

fn page_of(norm: &NormText, offset: usize) -> Option<u32> {
    norm.lines
        .iter()
        .find(|l| l.start <= offset && offset <= l.end)
        .and_then(|l| l.page)
}

/// Keep an unconfirmed numbered heading only when it continues the numbering of the
/// confirmed ones (so numbered list items in a body are not taken for headings).
fn filter_unknown_numbered(hits: Vec<HeadingHit>) -> Vec<HeadingHit> {
    let mut out: Vec<HeadingHit> = Vec::new();
    let mut last_top: Option<u32> = None;
    let mut last_letter: Option<char> = None;
    for hit in hits {
        let structural = hit.info.md_level.is_some() || hit.info.cue_level.is_some();
        let letter = hit
            .number
            .as_deref()
            .filter(|_| hit.info.lettered)
            .and_then(|n| n.chars().next());
        if hit.matched.is_none() && !structural {
            let continues = match (hit.info.top_number, last_top, hit.info.number_depth) {
                (Some(n), Some(last), 1) => n == last + 1 || n == last + 2,
                (Some(n), Some(last), _) => n == last,
                _ => match (letter, last_letter) {
                    (Some(l), Some(prev)) => u32::from(l) == u32::from(prev) + 1,
                    _ => false,
                },
            };
            if !continues {
                continue;
            }
        }
        if hit.info.number_depth == 1 && !hit.info.lettered {
            if let Some(n) = hit.info.top_number {
                last_top = Some(n);
            }
        }
        if letter.is_some() {
            last_letter = letter;
        }
        out.push(hit);
    }
    out
}

/// In a document that numbers its headings, an unnumbered line with no other layout
/// cue is body text unless it is exactly a known heading.
fn filter_plain_in_numbered(hits: Vec<HeadingHit>) -> Vec<HeadingHit> {
    let numbered = hits
        .iter()
        .filter(|h| h.info.number.is_some() && !h.info.lettered)
        .count();
    if numbered < 3 {
        return hits;
    }
    hits.into_iter()
        .filter(|h| {
            let i = &h.info;
            let cue = i.number.is_some()
                || i.md_level.is_some()
                || i.cue_level.is_some()
                || i.emphasis
                || i.colon
                || h.inline_body.is_some();
            cue || h
                .matched
                .as_ref()
                .is_some_and(|m| m.kind == MatchKind::Exact)
        })
        .collect()
}

/// Levels: numbering depth where the document numbers its headings; otherwise the
/// Markdown or format level relative to the shallowest; lettered headings, colon
/// labels and unnumbered headings inside a numbered document are subsections.
fn assign_levels(hits: &[HeadingHit]) -> Vec<u8> {
    let numbered = hits
        .iter()
        .filter(|h| h.info.number.is_some() && !h.info.lettered)
        .count();
    let numbered_doc = numbered >= 3;
    let min_md = hits.iter().filter_map(|h| h.info.md_level).min();
    let min_cue = hits.iter().filter_map(|h| h.info.cue_level).min();
    let mut levels = Vec::with_capacity(hits.len());
    let mut current_top_fields: Vec<FieldKey> = Vec::new();
    let mut seen_numbered = false;
    for hit in hits {
        let info = &hit.info;
        let fields = hit
            .matched
            .as_ref()
            .map(|m| m.fields.clone())
            .unwrap_or_default();
        let level = if info.lettered {
            2
        } else if numbered_doc {
            if info.number.is_some() {
                seen_numbered = true;
                info.number_depth.max(1)
            } else if seen_numbered {
                2
            } else {
                1
            }
        } else if let (Some(md), Some(min)) = (info.md_level, min_md) {
            (md - min + 1).min(6)
        } else if let (Some(cue), Some(min)) = (info.cue_level, min_cue) {
            (cue - min + 1).min(6)
        } else if info.number_depth > 1 {
            info.number_depth
        } else if (info.colon || info.emphasis && min_md.is_some())
            && (fields.is_empty() || fields.iter().all(|f| current_top_fields.contains(f)))
            && !current_top_fields.is_empty()
        {
            2
        } else {
            1
        };
        if level == 1 {
            current_top_fields = fields;
        }
        levels.push(level);
    }
    levels
}

/// An unknown subheading takes its parent's fields: "Toteuttaminen ja organisointi"
/// under "Rekisteröidyn tarkastusoikeus" is about rights.
fn inherit_fields(sections: &mut [SectionDraft]) {
    let mut parents: Vec<(u8, Vec<FieldKey>, MatchKind, f64)> = Vec::new();
    for s in sections.iter_mut() {
        while parents.last().is_some_and(|(l, ..)| *l >= s.level) {
            parents.pop();
        }
        let keyword_only = !s.fields.is_empty() && s.score < crate::dictionary::FUZZY_THRESHOLD;
        if (s.fields.is_empty() || keyword_only) && s.level > 1 {
            if let Some((_, fields, kind, score)) = parents.last() {
                if !fields.is_empty() {
                    s.fields = fields.clone();
                    s.match_kind = *kind;
                    s.score = ((score * 0.9) * 1000.0).round() / 1000.0;
                    s.inherited = true;
                }
            }
        }
        parents.push((s.level, s.fields.clone(), s.match_kind, s.score));
    }
}

/// A document with no headings: the first short line is the title (preamble), every
/// following paragraph is a section whose field the mapper decides from its content.
fn heading_less(norm: &NormText) -> Segmented {
    heading_less_range(norm, 0, norm.lines.len(), norm.text.len())
}

/// [`heading_less`] over lines `from..to` of the text, ending at byte `end`.
fn heading_less_range(norm: &NormText, from: usize, to: usize, end_byte: usize) -> Segmented {
    let mut paragraphs: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, line) in norm.lines.iter().enumerate().take(to).skip(from) {
        match (line.is_blank(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                paragraphs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        paragraphs.push((s, to));
    }
    let mut preamble_until = 0;
    if let Some(&(s, e)) = paragraphs.first() {
        let first = norm.line(s);
        let short = e - s == 1 && first.split_whitespace().count() <= 12 && !first.ends_with('.');
        if short && paragraphs.len() > 1 {
            preamble_until = 1;
        }
    }
    let mut sections = Vec::new();
    for (k, &(s, e)) in paragraphs.iter().enumerate().skip(preamble_until) {
        let start = norm.lines[s].start;
        let end = paragraphs
            .get(k + 1)
            .map_or(end_byte, |&(n, _)| norm.lines[n].start);
        let page = norm.lines[s].page;
        sections.push(SectionDraft {
            heading: String::new(),
            number: None,
            level: 1,
            fields: Vec::new(),
            match_kind: MatchKind::Content,
            score: 0.0,
            inherited: false,
            layout_level: None,
            span: Span { start, end, page },
            body: Span {
                start,
                end: norm.lines[e - 1].end,
                page,
            },
            first_line: s,
            body_lines: (s, e),
        });
    }
    let range_start = norm.lines.get(from).map_or(end_byte, |l| l.start);
    let preamble_end = sections.first().map_or(end_byte, |s| s.span.start);
    Segmented {
        range: Span::new(range_start, end_byte),
        preamble: Span::new(range_start, preamble_end),
        preamble_lines: (from, sections.first().map_or(to, |s| s.first_line)),
        sections,
        heading_less: true,
    }
}

/// Fields whose value is a name, so that `Rekisterinpitäjä Sääksmäen seurakunta` is
/// a heading followed by its value on the same line.
const NAMED_FIELDS: [FieldKey; 6] = [
    FieldKey::Controller,
    FieldKey::ControllerRepresentative,
    FieldKey::ContactPerson,
    FieldKey::Dpo,
    FieldKey::RegisterName,
    FieldKey::OrganisationUnit,
];

/// A date in a line: such a line closes a notice (`laadittu 24.5.2018`), it does not
/// open the next one.
static DATE_IN_LINE: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{4}\b"));

/// Fields that open a notice: when one of them comes again after a notice has given
/// several other fields, a new notice has begun.
const OPENING_FIELDS: [FieldKey; 2] = [FieldKey::Controller, FieldKey::RegisterName];

/// Split a document that holds several notices (each under its own title, its
/// numbered sections starting again from 1) into one [`Segmented`] per notice.
///
/// A new notice starts at a heading when the notice so far has given at least four
/// different fields and either the numbering starts again at 1, or an opening field
/// (controller, register name) comes again, or a heading with no field stands at a
/// shallower level than the notice's sections (its title). Unknown headings just
/// before the start belong to the new notice's preamble.
pub fn split_notices(norm: &NormText, seg: &Segmented) -> Vec<Segmented> {
    if seg.heading_less || seg.sections.len() < 8 {
        return vec![seg.clone()];
    }
    let median = |levels: &mut Vec<u8>| {
        levels.sort_unstable();
        levels.get(levels.len() / 2).copied()
    };
    let section_level = median(
        &mut seg
            .sections
            .iter()
            .filter(|s| !s.fields.is_empty() && !s.inherited)
            .map(|s| s.level)
            .collect(),
    )
    .unwrap_or(1);
    let section_layout = median(
        &mut seg
            .sections
            .iter()
            .filter(|s| !s.fields.is_empty() && !s.inherited)
            .filter_map(|s| s.layout_level)
            .collect(),
    );
    let mut text_since_start = 0usize;
    let mut starts: Vec<usize> = Vec::new();
    let mut cuts: Vec<usize> = Vec::new();
    let mut seen: Vec<FieldKey> = Vec::new();
    let mut last_number: Option<u32> = None;
    for (k, s) in seg.sections.iter().enumerate() {
        let number: Option<u32> = s.number.as_deref().and_then(|n| {
            n.trim_end_matches(['.', ')'])
                .split('.')
                .next()?
                .parse()
                .ok()
        });
        let enough = seen.len() >= 4;
        let restart = number == Some(1) && last_number.is_some_and(|n| n >= 4);
        let reopen = !s.inherited
            && s.level <= section_level
            && s.fields
                .iter()
                .any(|f| OPENING_FIELDS.contains(f) && seen.contains(f));
        let own_field = !s.fields.is_empty() && !s.inherited;
        // A notice that began with a title and prose, then headings: a new notice.
        let after_prose =
            !starts.is_empty() && seen.is_empty() && own_field && text_since_start >= 600;
        let title = !own_field
            && (s.level < section_level
                || matches!((s.layout_level, section_layout), (Some(l), Some(m)) if l < m));
        let substantial = enough || text_since_start >= 300;
        if (enough && (restart || reopen)) || (title && substantial) || after_prose {
            // Take the unknown headings just before the start along.
            let mut start = k;
            // Organisation-unit headings (Toimiala, Palvelualue) open a notice too,
            // unless the notice so far already had its own.
            let mut unit_run = start;
            while unit_run > 0 && seg.sections[unit_run - 1].fields == [FieldKey::OrganisationUnit]
            {
                unit_run -= 1;
            }
            if unit_run < start
                && !seen_before_unit(&seg.sections[..unit_run], starts.last().copied())
            {
                start = unit_run;
            }
            while start > 0
                && (seg.sections[start - 1].fields.is_empty() || seg.sections[start - 1].inherited)
                && !DATE_IN_LINE.is_match(&seg.sections[start - 1].heading)
                && starts.last().is_none_or(|&b| start - 1 > b)
            {
                start -= 1;
            }
            // Title lines written as plain text above the start belong to the new
            // notice: walk back over them unless a heading already is its title.
            let mut cut = seg.sections[start].first_line;
            let first = &seg.sections[start];
            let own = |s: &SectionDraft| !s.fields.is_empty() && !s.inherited;
            let is_title = |s: &SectionDraft| {
                !own(s)
                    && (s.level < section_level
                        || matches!((s.layout_level, section_layout), (Some(l), Some(m)) if l < m))
            };
            if start > 0 && !is_title(first) && (own(first) || !own(&seg.sections[start - 1])) {
                cut = title_lines_before(norm, cut, seg.sections[start - 1].first_line + 1);
            }
            starts.push(start);
            cuts.push(cut);
            seen.clear();
            last_number = None;
            text_since_start = 0;
        }
        text_since_start += s.span.end - s.span.start;
        for f in &s.fields {
            if !seen.contains(f) {
                seen.push(*f);
            }
        }
        if let Some(n) = number {
            if s.level <= section_level {
                last_number = Some(n);
            }
        }
    }
    if starts.is_empty() {
        return vec![seg.clone()];
    }
    let mut bounds = vec![0usize];
    bounds.extend(starts.iter().copied());
    bounds.push(seg.sections.len());
    let mut line_bounds = vec![seg.preamble_lines.0];
    line_bounds.extend(cuts.iter().copied());
    line_bounds.push(norm.lines.len());
    let byte_at = |line: usize| norm.lines.get(line).map_or(norm.text.len(), |l| l.start);
    let mut parts = Vec::with_capacity(bounds.len() - 1);
    for (w, lw) in bounds.windows(2).zip(line_bounds.windows(2)) {
        let (from, to) = (w[0], w[1]);
        let (from_line, to_line) = (lw[0], lw[1]);
        let range_start = if from == 0 { 0 } else { byte_at(from_line) };
        let range_end = if to == seg.sections.len() {
            norm.text.len()
        } else {
            byte_at(to_line)
        };
        let mut sections: Vec<SectionDraft> = seg.sections[from..to].to_vec();
        // The next notice's title lines may have been cut off the last section.
        if let Some(last) = sections.last_mut() {
            if last.span.end > range_end {
                last.span.end = range_end;
                last.body_lines.1 = last.body_lines.1.min(to_line);
                let body_end = (last.body_lines.0..last.body_lines.1)
                    .rev()
                    .find(|&l| !norm.lines[l].is_blank())
                    .map_or(last.body.start, |l| norm.lines[l].end);
                last.body.end = body_end.max(last.body.start).min(range_end);
            }
        }
        // Unknown headings at the start of a later notice are its title lines.
        let first_known = if from == 0 {
            0
        } else {
            sections
                .iter()
                .position(|s| !s.fields.is_empty() && !s.inherited)
                .unwrap_or(sections.len())
        };
        if first_known == sections.len() {
            // Only a title and prose: classify its paragraphs by content.
            parts.push(heading_less_range(norm, from_line, to_line, range_end));
            continue;
        }
        let kept: Vec<SectionDraft> = sections.split_off(first_known);
        let preamble_end = kept.first().map_or(range_end, |s| s.span.start);
        parts.push(Segmented {
            range: Span::new(range_start, range_end),
            preamble: Span::new(range_start, preamble_end),
            preamble_lines: (from_line, kept.first().map_or(to_line, |s| s.first_line)),
            sections: kept,
            heading_less: false,
        });
    }
    parts
}

/// Whether the current notice (sections after `from`) already gave an organisation
/// unit: if not, a unit heading just before a new notice's controller opens it.
fn seen_before_unit(sections: &[SectionDraft], from: Option<usize>) -> bool {
    sections
        .iter()
        .skip(from.unwrap_or(0))
        .any(|s| s.fields.contains(&FieldKey::OrganisationUnit))
}

/// The first line of the run of short title-like paragraphs (a title, an
/// organisation name, a law reference: short, no full stop) that ends just before
/// line `before`, not going above line `floor`.
fn title_lines_before(norm: &NormText, before: usize, floor: usize) -> usize {
    let mut cut = before;
    let mut i = before;
    let mut seen_title = false;
    while i > floor {
        i -= 1;
        let line = &norm.lines[i];
        if line.is_blank() {
            continue;
        }
        let text = norm.line(i);
        let short = text.split_whitespace().count() <= 14 && !text.trim_end().ends_with('.');
        let dated = DATE_IN_LINE.is_match(text);
        // A date line right above the heading opens the notice (`Laatimispäivä`); one
        // above its title closes the notice before (`päivitetty 14.4.2023`).
        if !short || dated && seen_title {
            break;
        }
        seen_title |= !dated;
        cut = i;
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Ingested, SourceLine};
    use crate::model::Format;
    use crate::normalise::normalise;

    #[test]
    fn number_prefixes_are_read_as_the_regex_reads_them() {
        let cases = [
            ("1. Rekisterinpitäjä", Some((Some("1"), false, 3))),
            ("2.1 Yhteyshenkilö", Some((Some("2.1"), false, 4))),
            ("12.3.4) Tiedot", Some((Some("12.3.4"), false, 8))),
            ("123 Oy", None),
            ("1.234 x", None),
            ("1.2.x y", None),
            ("B) Tarkoitus", Some((None, true, 3))),
            ("I. Yleistä", Some((None, true, 3))),
            ("III. Yleistä", Some((None, false, 5))),
            ("XXIII. x", None),
            ("1.\u{a0}Nimi", Some((Some("1"), false, 4))),
            ("Ä) Muu", Some((None, true, 4))),
            ("1. ", None),
            ("1.\nx", Some((Some("1"), false, 3))),
        ];
        for (text, expected) in cases {
            let got = number_prefix(text);
            assert_eq!(got, number_prefix_by_regex(text), "{text:?}");
            assert_eq!(
                got.map(|p| (p.number, p.lettered, p.label_start)),
                expected,
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn number_prefix_agrees_with_the_regex(
            text in "(1|12|123|4|\\.|\\)|I|V|X|Z|Ä|½|٣|x| |\u{a0}|\t|\n){0,8}"
        ) {
            proptest::prop_assert_eq!(number_prefix(&text), number_prefix_by_regex(&text));
        }
    }

    fn norm(text: &str) -> NormText {
        let ingested = Ingested {
            format: Format::Text,
            encoding: None,
            pages: None,
            lines: text.lines().map(SourceLine::plain).collect(),
            warnings: vec![],
        };
        normalise(&ingested, &mut vec![])
    }

    /// Line starts that the anchored line patterns care about, mixed with other text.
    fn line_start() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            proptest::string::string_regex(r"[-*+•●▪◦–·.)#IVXÅÄÖaAi1٣ \t]{0,6}[a-zä ]{0,3}")
                .unwrap(),
            proptest::string::string_regex(r"\PC{0,6}").unwrap(),
        ]
    }

    proptest::proptest! {
        /// The cheap first-character tests never turn away a line the pattern matches.
        #[test]
        fn line_pattern_guards_pass_every_match(text in line_start()) {
            if LIST_MARKER.is_match(&text) {
                proptest::prop_assert!(may_be_list_marker(&text));
            }
            if NUMBER_PREFIX.is_match(&text) {
                proptest::prop_assert!(may_be_number_prefix(&text));
            }
            if MD_HEADING.is_match(&text) {
                proptest::prop_assert!(text.starts_with('#'));
            }
        }
    }

    #[test]
    fn line_pattern_guards_on_sample_forms() {
        let numbered = [
            "1. Rekisterinpitäjä",
            "12) x",
            "A. Nimi",
            "Ä) y",
            "IV. Tietosisältö",
            "٣ x",
        ];
        for line in numbered {
            assert!(
                NUMBER_PREFIX.is_match(line) && may_be_number_prefix(line),
                "{line}"
            );
        }
        for line in ["• kohta", "– viiva", "3) kolmas", "٣) x"] {
            assert!(
                LIST_MARKER.is_match(line) && may_be_list_marker(line),
                "{line}"
            );
        }
        assert!(!may_be_number_prefix("Rekisterin nimi"));
        assert!(!may_be_number_prefix("Ihmiset"));
        assert!(!may_be_list_marker("Rekisterin nimi"));
    }

    fn summary(text: &str) -> Vec<(String, u8, Vec<FieldKey>)> {
        segment(&norm(text))
            .sections
            .into_iter()
            .map(|s| (s.heading, s.level, s.fields))
            .collect()
    }

    #[test]
    fn plain_headings_standing_alone() {
        let s = summary(
            "Asumisneuvonnan asiakasrekisteri\n\nRekisterinpitäjä\n\nUtajärven kunta\n\nSäännönmukaiset tietolähteet\n\nTiedot kerätään asiakkaalta.\n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].2, vec![FieldKey::Controller]);
        assert_eq!(s[1].2, vec![FieldKey::Sources]);
    }

    #[test]
    fn numbered_list_items_are_not_headings() {
        let s = summary(
            "## 5. Rekisterin tietosisältö\n\nNimi\n\n## 6. Säännönmukaiset tietolähteet\n\n1. Henkilön itse ilmoittamat tiedot\n2. Väestörekisterikeskuksesta haetut tiedot\n",
        );
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn inline_value_and_subsections() {
        let n = norm("Rekisterin nimi: Asiakasrekisteri\n\nRekisterin suojauksen periaatteet\n\nA. Manuaalinen aineisto\n\nLukitut tilat.\n\nB. Jotain muuta\n\nSalasanat.\n");
        let seg = segment(&n);
        assert_eq!(seg.sections[0].fields, vec![FieldKey::RegisterName]);
        assert_eq!(
            n.slice(seg.sections[0].body.start, seg.sections[0].body.end),
            "Asiakasrekisteri"
        );
        assert_eq!(seg.sections[2].level, 2);
        assert_eq!(seg.sections[3].fields, vec![FieldKey::Security]);
        assert!(seg.sections[3].inherited);
    }

    #[test]
    fn sections_tile_the_text() {
        let n = norm("Otsikko\n\nRekisterinpitäjä\n\nX\n\nTarkastusoikeus\n\nY\n");
        let seg = segment(&n);
        assert_eq!(seg.preamble.start, 0);
        let mut pos = seg.preamble.end;
        for s in &seg.sections {
            assert_eq!(s.span.start, pos);
            pos = s.span.end;
        }
        assert_eq!(pos, n.text.len());
    }

    #[test]
    fn prose_without_headings() {
        let seg = segment(&norm(
            "Otsikko\n\nEnsimmäinen kappale.\n\nToinen kappale.\n",
        ));
        assert!(seg.heading_less);
        assert_eq!(seg.sections.len(), 2);
    }
}
