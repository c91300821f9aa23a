//! Stage 2: **normalise**. Cleans the ingested lines into one normalised text, the
//! text every span of the output points into (`--emit-text` writes it).
//!
//! Per line: Unicode NFC; no-break and other wide spaces become a plain space; tabs
//! become a space; zero-width characters, soft hyphens and stray control characters
//! are dropped; runs of spaces collapse; the line is trimmed. Markdown residue that is
//! not content (front matter, Liquid tags, wrapper `<div>` lines, `<br>` tags,
//! trailing `\` hard breaks) is removed. Runs of blank lines become one blank line.
//! Page furniture left by earlier conversions (page counters such as `Sivu 2/3`,
//! `1 (3)`; a lone date repeated as a running header; share and print links) is
//! removed with a warning.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::ingest::{Ingested, LineCue};
use crate::model::{Format, Warning};

/// One line of the normalised text.
#[derive(Debug, Clone, PartialEq)]
pub struct NormLine {
    /// Byte offset of the first character in [`NormText::text`].
    pub start: usize,
    /// Byte offset one past the last character (the `\n` is not included).
    pub end: usize,
    /// 1-based page, for PDFs.
    pub page: Option<u32>,
    /// Layout cues from ingestion.
    pub cue: LineCue,
}

impl NormLine {
    /// True for the blank line that separates paragraphs.
    pub fn is_blank(&self) -> bool {
        self.start == self.end
    }
}

/// The normalised text of a document and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct NormText {
    /// Lines joined with `\n`; spans are byte offsets into this.
    pub text: String,
    /// The lines, in order; blank lines separate paragraphs (never two in a row).
    pub lines: Vec<NormLine>,
}

impl NormText {
    /// The text of line `i`.
    pub fn line(&self, i: usize) -> &str {
        let l = &self.lines[i];
        &self.text[l.start..l.end]
    }

    /// The text between two byte offsets.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        &self.text[start..end]
    }
}

/// `text.to_lowercase()`, byte for byte, in less time: runs of ASCII are copied and
/// lower-cased in place, and only the other characters go through the Unicode tables
/// one by one. Text with a capital sigma (whose lower case depends on the letters
/// around it) is left to `str::to_lowercase`. The checks lower-case every notice
/// several times over; a property test compares the two.
pub fn lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        if ascii > 0 {
            let from = out.len();
            out.push_str(&rest[..ascii]);
            out[from..].make_ascii_lowercase();
            rest = &rest[ascii..];
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            match c {
                // Latin-1 letters (ä, ö, å and their capitals, the commonest non-ASCII
                // letters here) without the Unicode tables: À..Þ less × lower-case by
                // adding 0x20, and ß..ÿ are lower case already.
                'À'..='Þ' if c != '×' => out.push(char::from(c as u8 + 0x20)),
                'ß'..='ÿ' => out.push(c),
                _ => out.extend(c.to_lowercase()),
            }
            rest = chars.as_str();
        }
    }
    out
}

/// The words of `text` (as `str::split_whitespace` finds them) joined by single spaces,
/// without collecting the words into a vector first. A property test compares it with
/// `split_whitespace` and `join`.
pub fn single_spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `text` is certainly in NFC by the quick check, which says so without
/// decomposing and recomposing it (most lines are; all ASCII lines are). NFC leaves
/// such a text unchanged.
pub fn is_nfc(text: &str) -> bool {
    // Every character up to U+00FF is in NFC whatever surrounds it (none composes with
    // what precedes it), and its UTF-8 has no byte from C4 up: such text (ASCII,
    // Finnish, Swedish) needs no look at the tables.
    text.bytes().all(|b| b < 0xc4)
        || unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
}

/// `text` in NFC, composed only when [`is_nfc`] cannot tell that it already is.
pub fn nfc(text: &str) -> String {
    if is_nfc(text) {
        text.to_string()
    } else {
        text.nfc().collect()
    }
}

/// Clean one line of text: NFC, spaces, invisible characters.
pub fn clean_line(raw: &str) -> String {
    if is_nfc(raw) {
        clean_nfc(raw)
    } else {
        clean_chars(raw.nfc(), raw.len())
    }
}

/// [`clean_chars`] of a line already in NFC, faster: ASCII bytes (most of any notice)
/// are handled as bytes, the other characters as in `clean_chars`.
fn clean_nfc(raw: &str) -> String {
    let mut out = CleanLine::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(&first) = rest.as_bytes().first() {
        // A run of visible ASCII (a word, most often) is kept as it is.
        let visible = rest
            .bytes()
            .position(|b| !matches!(b, b'!'..=b'~'))
            .unwrap_or(rest.len());
        if visible > 0 {
            out.push_visible_ascii(&rest[..visible]);
            rest = &rest[visible..];
            continue;
        }
        let c = if first.is_ascii() {
            rest = &rest[1..];
            match first {
                b'\t' => Some(' '),
                b if b.is_ascii_control() => None,
                b => Some(b as char),
            }
        } else {
            let mut chars = rest.chars();
            let c = chars.next().expect("a character");
            rest = chars.as_str();
            clean_char(c)
        };
        out.push(c);
    }
    out.finish()
}

/// What [`clean_chars`] makes of one character: a space for the wide and no-break
/// spaces and the tab, nothing for invisible and control characters.
fn clean_char(c: char) -> Option<char> {
    match c {
        '\t' | '\u{00a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => {
            Some(' ')
        }
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => None,
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// [`clean_line`] after NFC: spaces unified and collapsed, invisible and control
/// characters dropped, trailing space trimmed.
fn clean_chars(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = CleanLine::with_capacity(capacity);
    for c in chars {
        out.push(clean_char(c));
    }
    out.finish()
}

/// A cleaned line being built: runs of spaces collapse, leading and trailing spaces go.
struct CleanLine {
    text: String,
    /// The text is empty or ends in a space.
    after_space: bool,
}

impl CleanLine {
    fn with_capacity(capacity: usize) -> Self {
        CleanLine {
            text: String::with_capacity(capacity),
            after_space: true,
        }
    }

    /// Append a cleaned character (`None`: one that is dropped).
    fn push(&mut self, c: Option<char>) {
        match c {
            None => {}
            Some(' ') if self.after_space => {}
            Some(c) => {
                self.after_space = c == ' ';
                self.text.push(c);
            }
        }
    }

    /// Append characters from `!` to `~`, none of them dropped or a space: what
    /// [`Self::push`] does with each of them.
    fn push_visible_ascii(&mut self, run: &str) {
        self.after_space = false;
        self.text.push_str(run);
    }

    fn finish(mut self) -> String {
        let kept = self.text.trim_end().len();
        self.text.truncate(kept);
        self.text
    }
}

static PAGE_COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:sivu|sivut|side|sida|page|s\.)\s*\d{1,4}(?:\s*(?:/|\(|of|av|-)\s*\d{1,4}\)?)?
          | \d{1,4}\s*\(\s*\d{1,4}\s*\)
          | \d{1,4}\s*/\s*\d{1,4}
          | -\s*\d{1,4}\s*-
        )$",
    )
    .expect("page counter regex")
});

static LONE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{4}$|^\d{4}-\d{2}-\d{2}$").expect("lone date regex")
});

static INLINE_BR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("br regex"));

static TEMPLATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\{%.*%\}|\{\{.*\}\}|</?(?:div|span|section|article)(?:\s[^>]*)?>)$")
        .expect("template line regex")
});

/// Lines that web pages repeat around the content: share and print links.
const WEB_FURNITURE: &[&str] = &[
    "like it? share it!",
    "share",
    "share this",
    "share this page",
    "jaa",
    "jaa sivu",
    "jaa tämä sivu",
    "tulosta",
    "tulosta sivu",
    "dela",
    "skriv ut",
    "print",
    "takaisin ylös",
    "back to top",
    "tyhjennä lomake",
    "tulosta lomake",
    "lähetä lomake",
];

/// Normalise the ingested lines. Warnings about removed furniture are appended to `warnings`.
pub fn normalise(ingested: &Ingested, warnings: &mut Vec<Warning>) -> NormText {
    let mut cleaned: Vec<(String, Option<u32>, LineCue)> = Vec::new();
    let markdown_like = ingested.format == Format::Text;
    let mut in_front_matter = false;
    for (index, line) in ingested.lines.iter().enumerate() {
        let text = clean_line(&line.text);
        if markdown_like {
            // Jekyll-style front matter: a `---` first line up to the next `---`.
            if index == first_nonblank(ingested) && text == "---" {
                in_front_matter = true;
                continue;
            }
            if in_front_matter {
                if text == "---" {
                    in_front_matter = false;
                }
                continue;
            }
            if TEMPLATE_LINE.is_match(&text) {
                continue;
            }
        }
        if markdown_like && INLINE_BR.is_match(&text) {
            for part in INLINE_BR.split(&text) {
                cleaned.push((clean_md_break(part), line.page, line.cue.clone()));
            }
            continue;
        }
        let text = if markdown_like {
            clean_md_break(&text)
        } else {
            text
        };
        cleaned.push((text, line.page, line.cue.clone()));
    }
    if in_front_matter {
        // An unterminated `---` was not front matter after all: keep everything.
        return normalise_without_front_matter(ingested, warnings);
    }
    remove_furniture(&mut cleaned, warnings);
    assemble(cleaned)
}

fn first_nonblank(ingested: &Ingested) -> usize {
    ingested
        .lines
        .iter()
        .position(|l| !l.text.trim().is_empty())
        .unwrap_or(0)
}

fn normalise_without_front_matter(ingested: &Ingested, warnings: &mut Vec<Warning>) -> NormText {
    let mut cleaned: Vec<(String, Option<u32>, LineCue)> = ingested
        .lines
        .iter()
        .map(|l| (clean_line(&l.text), l.page, l.cue.clone()))
        .collect();
    remove_furniture(&mut cleaned, warnings);
    assemble(cleaned)
}

fn clean_md_break(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_suffix('\\').unwrap_or(t).trim_end();
    t.to_string()
}

fn remove_furniture(lines: &mut Vec<(String, Option<u32>, LineCue)>, warnings: &mut Vec<Warning>) {
    let mut date_counts: HashMap<&str, usize> = HashMap::new();
    for (text, _, _) in lines.iter() {
        if LONE_DATE.is_match(text) {
            *date_counts.entry(text.as_str()).or_default() += 1;
        }
    }
    let repeated_dates: Vec<String> = date_counts
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(d, _)| d.to_string())
        .collect();
    let mut removed_pages = Vec::new();
    let mut removed_dates = Vec::new();
    let mut removed_web = Vec::new();
    // Lower-casing never shortens a text in characters: a line longer than every
    // furniture phrase is none of them, and is not lower-cased to find out.
    let furniture_chars = WEB_FURNITURE
        .iter()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    lines.retain(|(text, _, _)| {
        if PAGE_COUNTER.is_match(text) {
            removed_pages.push(text.clone());
            false
        } else if repeated_dates.contains(text) {
            removed_dates.push(text.clone());
            false
        } else if text.chars().nth(furniture_chars).is_none()
            && WEB_FURNITURE.contains(&text.to_lowercase().as_str())
        {
            removed_web.push(text.clone());
            false
        } else {
            true
        }
    });
    if !removed_pages.is_empty() {
        warnings.push(Warning::new(
            "page-furniture-removed",
            format!(
                "removed {} page counter line(s) left by an earlier conversion, e.g. \"{}\"",
                removed_pages.len(),
                removed_pages[0]
            ),
        ));
    }
    if !removed_dates.is_empty() {
        warnings.push(Warning::new(
            "page-furniture-removed",
            format!(
                "removed a lone date repeated {} times as a running page header: \"{}\"",
                removed_dates.len(),
                removed_dates[0]
            ),
        ));
    }
    if !removed_web.is_empty() {
        warnings.push(Warning::new(
            "web-furniture-removed",
            format!(
                "removed {} share or print link line(s), e.g. \"{}\"",
                removed_web.len(),
                removed_web[0]
            ),
        ));
    }
}

fn assemble(lines: Vec<(String, Option<u32>, LineCue)>) -> NormText {
    let mut text = String::new();
    let mut out: Vec<NormLine> = Vec::new();
    for (line, page, cue) in lines {
        let blank = line.is_empty();
        if blank && out.last().is_none_or(NormLine::is_blank) {
            continue;
        }
        if !out.is_empty() {
            text.push('\n');
        }
        let start = text.len();
        text.push_str(&line);
        out.push(NormLine {
            start,
            end: text.len(),
            page,
            cue: if blank { LineCue::default() } else { cue },
        });
    }
    while out.last().is_some_and(NormLine::is_blank) {
        out.pop();
        let new_len = out.last().map_or(0, |l| l.end);
        text.truncate(new_len);
    }
    NormText { text, lines: out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::SourceLine;

    proptest::proptest! {
        /// Skipping NFC for lines the quick check finds normalised changes nothing:
        /// the same as normalising every line, on text with combining marks, ligatures,
        /// spaces and invisible characters.
        #[test]
        fn clean_line_is_clean_chars_after_nfc(
            line in "[a-zA-Zäöå \t\u{00a0}\u{00ad}\u{200b}\u{0301}\u{0308}\u{030a}\u{fb01}\u{212b}\u{1e9b}]{0,24}"
        ) {
            proptest::prop_assert_eq!(clean_line(&line), clean_chars(line.nfc(), line.len()));
        }

        /// The byte-wise cleaning of NFC lines is the character-wise one.
        #[test]
        fn clean_nfc_is_clean_chars(
            line in "[ -~\t\r\n\x00-\x1f\x7fäöÅ\u{00a0}\u{00ad}\u{0085}\u{200b}\u{2003}\u{feff}\u{3000}]{0,40}"
        ) {
            proptest::prop_assert_eq!(clean_nfc(&line), clean_chars(line.chars(), line.len()));
        }

        /// `lowercase` is `str::to_lowercase`: on any text, and on text of the letters
        /// whose lower case is special (İ, final sigma, Ǆ, the Kelvin sign, ẞ).
        #[test]
        fn lowercase_is_to_lowercase(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }

        /// `single_spaced` is `split_whitespace` joined by spaces: on any text, and on
        /// text of ASCII and Unicode white space (vertical tab, NEL, no-break and
        /// ideographic spaces, line and paragraph separators) between letters.
        #[test]
        fn single_spaced_is_split_whitespace_joined(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(
                single_spaced(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }

        #[test]
        fn single_spaced_on_white_space(
            text in "[aä \t\r\n\x0b\x0c\x1c\u{0085}\u{00a0}\u{1680}\u{2000}\u{200b}\u{2028}\u{2029}\u{202f}\u{3000}\u{feff}]{0,24}"
        ) {
            proptest::prop_assert_eq!(
                single_spaced(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }

        #[test]
        fn lowercase_is_to_lowercase_on_special_letters(
            text in "[aAäÄöÖåÅ İıΣσςΑǄǅǆ\u{212a}ẞß0-9.,]{0,24}"
        ) {
            proptest::prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }
    }

    #[test]
    fn latin_1_text_is_nfc_by_the_quick_check() {
        use unicode_normalization::{is_nfc_quick, IsNormalized};
        for c in '\0'..='\u{ff}' {
            let text = format!("A{c}ä");
            assert!(text.bytes().all(|b| b < 0xc4), "{c:?}");
            assert_eq!(is_nfc_quick(text.chars()), IsNormalized::Yes, "{c:?}");
        }
        assert!(!is_nfc("a\u{0308}"), "a combining mark needs the tables");
        assert!(is_nfc("Ā"));
    }

    #[test]
    fn lowercase_agrees_on_every_latin_1_letter() {
        for c in '\u{80}'..='\u{17f}' {
            let text = format!("a{c}B");
            assert_eq!(lowercase(&text), text.to_lowercase(), "{c:?}");
        }
    }

    fn ingested(lines: &[&str]) -> Ingested {
        Ingested {
            format: Format::Text,
            encoding: Some("utf-8".into()),
            pages: None,
            lines: lines.iter().map(|l| SourceLine::plain(*l)).collect(),
            warnings: vec![],
        }
    }

    #[test]
    fn invisible_and_wide_characters() {
        assert_eq!(
            clean_line("Rekisterin\u{00a0}\u{00a0}nimi\u{200b}:\ttieto\u{00ad}suoja  "),
            "Rekisterin nimi: tietosuoja"
        );
        // NFC: a + combining diaeresis becomes ä.
        assert_eq!(
            clean_line("Rekisterinpita\u{0308}ja\u{0308}"),
            "Rekisterinpitäjä"
        );
    }

    #[test]
    fn blank_runs_collapse_and_offsets_point_into_text() {
        let mut w = vec![];
        let n = normalise(
            &ingested(&["", "", "Otsikko", "", "", "Teksti", ""]),
            &mut w,
        );
        assert_eq!(n.text, "Otsikko\n\nTeksti");
        assert_eq!(n.lines.len(), 3);
        assert_eq!(n.line(2), "Teksti");
        assert!(n.lines[1].is_blank());
    }

    #[test]
    fn page_furniture_is_removed_with_a_warning() {
        let mut w = vec![];
        let n = normalise(
            &ingested(&[
                "15.11.2021",
                "Otsikko",
                "Sivu 2/3",
                "Teksti",
                "15.11.2021",
                "2 (3)",
            ]),
            &mut w,
        );
        assert_eq!(n.text, "Otsikko\nTeksti");
        assert_eq!(w.len(), 2);
        assert!(w.iter().all(|w| w.code == "page-furniture-removed"));
    }

    #[test]
    fn a_single_date_is_kept() {
        let mut w = vec![];
        let n = normalise(&ingested(&["15.11.2021", "Otsikko"]), &mut w);
        assert_eq!(n.text, "15.11.2021\nOtsikko");
        assert!(w.is_empty());
    }

    #[test]
    fn front_matter_and_template_lines_go() {
        let mut w = vec![];
        let n = normalise(
            &ingested(&[
                "---",
                "layout: page",
                "---",
                "<div markdown=\"1\">",
                "Teksti\\",
                "rivi<br />toinen",
                "</div>",
            ]),
            &mut w,
        );
        assert_eq!(n.text, "Teksti\nrivi\ntoinen");
    }
}
