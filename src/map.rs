//! Stage 4: **map**. Turns sections into the schema's fields with provenance, and
//! reads the notice's title, kind, language and metadata dates.
//!
//! A field's text is clean running text: hard-wrapped lines of a paragraph are joined,
//! list items stay on their own lines without their bullets, paragraphs are separated
//! by a blank line, and metadata lines (`Päivitetty 14.4.2023`) and struck-through
//! Markdown (`~~withdrawn~~`) are left out. Paragraphs of a heading-less document are
//! classified by their content ([`classify_paragraph`]).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

use crate::prefilter::{Pattern, PatternSet};

use crate::model::{
    Dates, FieldKey, FieldValue, Language, MatchKind, NoticeKind, Provenance, Section, Span,
    StructuredValues, Warning,
};
use crate::normalise::{lowercase, NormText};
use crate::segment::{SectionDraft, Segmented};
use crate::values;

/// What the mapper produces.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The notice's bytes in the normalised text.
    pub range: Span,
    /// The notice's title line.
    pub title: Option<String>,
    /// Kind of notice.
    pub kind: NoticeKind,
    /// Dominant language.
    pub language: Language,
    /// Metadata dates.
    pub dates: Dates,
    /// Where each date was found.
    pub date_spans: Vec<Span>,
    /// Field values.
    pub fields: BTreeMap<FieldKey, FieldValue>,
    /// Sections for output.
    pub sections: Vec<Section>,
    /// Warnings found while mapping (invalid business IDs, struck-through text).
    pub warnings: Vec<Warning>,
}

fn re(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|e| panic!("bad regex {p}: {e}"))
}

static LIST_MARKER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[-*+•●▪◦–·]|\d{1,2}[.)]|[a-zA-Z][.)])\s+"));
static STRUCK: LazyLock<Regex> = LazyLock::new(|| re(r"~~[^~]*~~"));
static MD_EMPHASIS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\*\*|__|(?:^|\s)\*(\S)|(\S)\*(?:\s|$)"));
static LABEL_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[\p{L}][\p{L}\-]*(?:\s[\p{L}\-]+){0,2}\s?:\s"));
/// Template placeholders left unfilled: `%%NAME%%`, `{{name}}`, `[NIMI]`, `<nimi>`, `XXX`.
static PLACEHOLDER: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"%%[A-Za-z0-9_]+%%|\{\{[^}]*\}\}|\[[A-ZÅÄÖ_ ]{3,}\]|<[a-zåäö_ ]{3,}>|\bX{3,}\b")
});
/// Whether [`MD_EMPHASIS`] may match `text`: every match holds a `*` or `__`. Most
/// lines fail this test and skip the regex, which has no literal to look for first
/// (its `(\S)\*` branch starts with any letter).
fn may_have_emphasis(text: &str) -> bool {
    text.contains('*') || text.contains("__")
}

static TABLE_RULE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$"));

/// Dates in the forms notices use. Groups: d, m, y | iso y, m, d | d, month word, y.
static DATE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        \b(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})\b
      | \b((?:19|20)\d{2})-(\d{2})-(\d{2})\b
      | \b(\d{1,2})\.?\s+(tammikuuta|helmikuuta|maaliskuuta|huhtikuuta|toukokuuta|kesäkuuta|heinäkuuta|elokuuta|syyskuuta|lokakuuta|marraskuuta|joulukuuta|januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|january|february|march|may|june|july|august|october)\s+((?:19|20)\d{2})\b
      | \b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b",
    )
});

static DRAFTED_WORDS: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)laadittu|laatimispäivä|laatimisajankohta|päivätty|päiväys|\bpäivämäärä\b|luotu|upprättad|upprättat|datum för upprättande|\bdatum\b|created|drawn up|first version issued|issued|\bdate\b|voimaan",
    )
});
static UPDATED_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)päivitetty|päivitys|päivityspäivä|viimeisin muutos|viimeksi muutettu|muutettu|tarkistettu|uppdaterad|uppdaterat|senast ändrad|ändrad|updated|last modified|revised|muokattu",
    )
});

fn month_number(word: &str) -> Option<i8> {
    const MONTHS: [&[&str]; 12] = [
        &["tammikuuta", "januari", "january"],
        &["helmikuuta", "februari", "february"],
        &["maaliskuuta", "mars", "march"],
        &["huhtikuuta", "april"],
        &["toukokuuta", "maj", "may"],
        &["kesäkuuta", "juni", "june"],
        &["heinäkuuta", "juli", "july"],
        &["elokuuta", "augusti", "august"],
        &["syyskuuta", "september"],
        &["lokakuuta", "oktober", "october"],
        &["marraskuuta", "november"],
        &["joulukuuta", "december"],
    ];
    let w = word.to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .map(|i| i as i8 + 1)
}

/// A valid calendar date from a regex match, as `YYYY-MM-DD`.
fn date_from(cap: &regex::Captures<'_>) -> Option<String> {
    let num = |i: usize| cap.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
    let (y, m, d) = if let (Some(d), Some(m), Some(y)) = (num(1), num(2), num(3)) {
        (y, m, d)
    } else if let (Some(y), Some(m), Some(d)) = (num(4), num(5), num(6)) {
        (y, m, d)
    } else if let (Some(d), Some(mw), Some(y)) = (num(7), cap.get(8), num(9)) {
        (y, i32::from(month_number(mw.as_str())?), d)
    } else if let (Some(d), Some(m), Some(y)) = (num(10), num(11), num(12)) {
        (y, m, d)
    } else {
        return None;
    };
    let date = jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    Some(date.to_string())
}

/// Every valid date in a text with its byte range.
pub fn find_dates(text: &str) -> Vec<(usize, usize, String)> {
    // Every date the pattern takes has a year 19xx or 20xx: most lines have none, and
    // this test is far cheaper than the regex (it runs for every line of every field).
    if !(text.contains("19") || text.contains("20")) {
        return Vec::new();
    }
    DATE.captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            Some((m.start(), m.end(), date_from(&c)?))
        })
        .collect()
}

/// A metadata line: a date with a word saying what it is (or only a date).
fn is_metadata_line(line: &str) -> bool {
    let dates = find_dates(line);
    if dates.is_empty() {
        return false;
    }
    let words = line.split_whitespace().count();
    words <= 8 && (DRAFTED_WORDS.is_match(line) || UPDATED_WORDS.is_match(line) || words <= 2)
}

/// Drafted and updated dates from the labelled dates anywhere in the notice.
fn metadata_dates(norm: &NormText, range: Span) -> (Dates, Vec<Span>) {
    let mut dates = Dates::default();
    let mut spans = Vec::new();
    let text = &norm.text;
    let dates_found = find_dates(&text[range.start..range.end])
        .into_iter()
        .map(|(a, b, iso)| (a + range.start, b + range.start, iso));
    for (start, end, iso) in dates_found {
        // The words just before the date (same line, up to 60 bytes) say what it is.
        let mut line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        // A date at the start of a line may be labelled at the end of the line before.
        if line_start == start && line_start > 0 {
            line_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        }
        let mut ctx_start = start.saturating_sub(60).max(line_start);
        while !text.is_char_boundary(ctx_start) {
            ctx_start += 1;
        }
        let context = &text[ctx_start..start];
        // Use the last label before the date.
        let last_drafted = DRAFTED_WORDS.find_iter(context).last().map(|m| m.end());
        let last_updated = UPDATED_WORDS.find_iter(context).last().map(|m| m.end());
        let (last_drafted, last_updated) = match (last_drafted, last_updated) {
            (None, None) => label_line_above(text, line_start),
            found => found,
        };
        let slot = match (last_drafted, last_updated) {
            (Some(d), Some(u)) if u > d => &mut dates.updated,
            (Some(_), _) => &mut dates.drafted,
            (None, Some(_)) => &mut dates.updated,
            (None, None) => continue,
        };
        if slot.is_none() {
            *slot = Some(iso);
            spans.push(Span::new(start, end));
        }
    }
    (dates, spans)
}

/// A form's date box: a line that is only a label (`Laatimispäivä`) with the date
/// filled in a few lines below it, after the box's instructions. Looks at the three
/// non-blank lines above `line_start`; returns the label as `(drafted, updated)`.
fn label_line_above(text: &str, line_start: usize) -> (Option<usize>, Option<usize>) {
    let above = text[..line_start]
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .take(3);
    for line in above {
        let label = line.trim().trim_end_matches(':').trim();
        if label.chars().count() > 30 || label.split_whitespace().count() > 3 {
            continue;
        }
        let whole =
            |m: Option<regex::Match>| m.is_some_and(|m| m.start() == 0 && m.end() == label.len());
        if whole(DRAFTED_WORDS.find(label)) {
            return (Some(0), None);
        }
        if whole(UPDATED_WORDS.find(label)) {
            return (None, Some(0));
        }
    }
    (None, None)
}

/// Clean running text of body lines `from..to`, starting at byte `body_start`.
pub fn field_text(norm: &NormText, from: usize, to: usize, body_start: usize) -> String {
    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new()];
    let mut prev_joinable = false;
    for i in from..to {
        let line = &norm.lines[i];
        if line.is_blank() {
            if !paragraphs.last().expect("never empty").is_empty() {
                paragraphs.push(Vec::new());
            }
            prev_joinable = false;
            continue;
        }
        let start = line.start.max(body_start);
        if start >= line.end {
            continue;
        }
        let raw = &norm.text[start..line.end];
        if is_metadata_line(raw) || TABLE_RULE.is_match(raw.trim()) {
            continue;
        }
        let mut text = STRUCK.replace_all(raw, "").trim().to_string();
        if may_have_emphasis(&text) {
            text = MD_EMPHASIS
                .replace_all(&text, |c: &regex::Captures<'_>| {
                    let whole = c.get(0).expect("match").as_str();
                    let lead = if whole.starts_with(char::is_whitespace) {
                        " "
                    } else {
                        ""
                    };
                    let trail = if whole.ends_with(char::is_whitespace) {
                        " "
                    } else {
                        ""
                    };
                    format!(
                        "{lead}{}{}{trail}",
                        c.get(2).map_or("", |m| m.as_str()),
                        c.get(1).map_or("", |m| m.as_str())
                    )
                })
                .trim()
                .to_string();
        }
        let heading_mark = text.trim_start_matches('#');
        if heading_mark.len() != text.len() && heading_mark.starts_with(' ') {
            text = heading_mark.trim().to_string();
        }
        if text.starts_with('|') && text.ends_with('|') {
            text = text
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" | ");
        }
        if text.is_empty() {
            continue;
        }
        let is_item = line.cue.list_item || LIST_MARKER.is_match(&text);
        if is_item {
            if let Some(m) = LIST_MARKER.find(&text) {
                let marker = m.as_str().trim();
                if !marker.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                    text = text[m.end()..].to_string();
                }
            }
        }
        let para = paragraphs.last_mut().expect("never empty");
        // A hard-wrapped line goes on in lower case; a capital starts a new line.
        let continues = text
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit() || c == '(');
        if prev_joinable && continues && !is_item && !para.is_empty() && !LABEL_LINE.is_match(&text)
        {
            let last = para.last_mut().expect("not empty");
            if last.ends_with('-') && text.starts_with(char::is_lowercase) && !last.ends_with(" -")
            {
                last.push_str(&text);
            } else {
                last.push(' ');
                last.push_str(&text);
            }
        } else {
            para.push(text.clone());
        }
        // A wrapped line: long, not ending a label or a list, not a `Label: value` line.
        let chars = text.chars().count();
        prev_joinable = !is_item
            && chars >= 45
            && !text.ends_with(':')
            && !text.ends_with('.')
            && !LABEL_LINE.is_match(&text);
        if is_item {
            prev_joinable = false;
        }
    }
    paragraphs
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

// ---------------------------------------------------------------- content classification

/// What a sentence says that tells its field, for paragraphs without a heading: the
/// rules of [`classify_paragraph`].
const CONTENT_RULES: &[(FieldKey, &str)] = &[
    (
        FieldKey::Controller,
        r"(?i)on\s+(?:\w+\s+)?rekisterinpitäjä|rekisterinpitäjänä\s+toimii|ylläpitää\s+(?:useita\s+)?(?:henkilö)?rekistere|är\s+personuppgiftsansvarig|is\s+the\s+(?:data\s+)?controller",
    ),
    (
        FieldKey::Dpo,
        r"(?i)tietosuojavastaava|tietosuojaryhm|dataskyddsombud|data\s+protection\s+officer|kysymyksiä\s+tietosuoja",
    ),
    (
        FieldKey::ContactPerson,
        r"(?i)yhteyshenkilö|kontaktperson|contact\s+person",
    ),
    (
        FieldKey::Purpose,
        r"(?i)henkilötietoja\s+(?:käytetään|käsitellään|tarvitaan)|käyttötarkoitu|käsittelyn\s+tarkoitu|tarvitaan\s+palvelujen|används\s+för|ändamål|purpose|are\s+used\s+(?:for|to)",
    ),
    (
        FieldKey::LegalBasis,
        r"(?i)lakisääteis\w*\s+(?:tehtäv|velvoit)|oikeusperust|antanut\s+luvan|suostumukse\w+\s+perusteella|rättslig\s+grund|legal\s+basis",
    ),
    (
        FieldKey::DataContent,
        r"(?i)henkilötietoja\s+kuten|voi\s+olla\s+esimerkiksi\s+henkilötietoja|sisältää\s+(?:vain\s+)?(?:ne\s+)?tiedot|tallennetaan\s+(?:seuraavat\s+)?tiedot|personuppgifter\s+såsom|such\s+as\s+name",
    ),
    (
        FieldKey::Sources,
        r"(?i)tiedot\s+saadaan|tietolähte|saadaan\s+(?:asiakkaalta|rekisteröidyltä)|uppgifterna\s+fås|are\s+obtained\s+from",
    ),
    (
        FieldKey::Disclosures,
        r"(?i)luovute\w*|luovuttaa|lämnas\s+(?:inte\s+)?ut|disclos",
    ),
    (
        FieldKey::Transfers,
        r"(?i)eu:n\s+(?:tai\s+eta:n\s+)?ulkopuol|eta-alueen\s+ulkopuol|utanför\s+eu|outside\s+the\s+(?:eu|eea)",
    ),
    (
        FieldKey::Processors,
        r"(?i)ulkopuolisilla\s+palveluntuottajilla|palveluntuottaj\w+\s+kanssa|toimittaja\w*\s+kanssa|henkilötietojen\s+käsittelijä|personuppgiftsbiträd|processors?\b",
    ),
    (
        FieldKey::AutomatedDecisions,
        r"(?i)profiloin\w*|automaattis\w*\s+päätöksente|profilering|automatiserat\s+beslut|profiling|automated\s+decision",
    ),
    (
        FieldKey::Rights,
        r"(?i)oikeus\s+(?:\w+\s+){0,3}(?:peruuttaa|tarkastaa|saada|oikaista|vaatia|poistaa|vastustaa)|rätt\s+att|right\s+to|has\s+the\s+right",
    ),
    (
        FieldKey::Retention,
        r"(?i)säilytetään|säilytysai|hävitetään|säilyttää\s+tietoja|bevaras|sparas|retained|stored\s+for|kept\s+for",
    ),
    (
        FieldKey::Security,
        r"(?i)tietomurto|pääsy\s+(?:\w+\s+){0,4}ainoastaan|käyttöoikeu|suojattu|salasan|väärinkäytös|tietoturva|dataintrång|security\s+breach|protected\s+by|access\s+(?:is\s+)?restricted",
    ),
];

/// The fields a heading-less paragraph speaks of, best first.
pub fn classify_paragraph(text: &str) -> Vec<(FieldKey, f64)> {
    let mut scores: Vec<(FieldKey, f64)> = Vec::new();
    // Every rule in one pass over each sentence.
    static RULES: LazyLock<PatternSet> =
        LazyLock::new(|| PatternSet::new(CONTENT_RULES.iter().map(|(_, rule)| *rule)));
    let sentences = values::sentences(text);
    let sentence_count = sentences.len().max(1) as f64;
    let mut hits = vec![0usize; CONTENT_RULES.len()];
    for &(a, b) in &sentences {
        for (count, matched) in hits.iter_mut().zip(RULES.matches(&text[a..b])) {
            *count += usize::from(matched);
        }
    }
    for ((field, _), hits) in CONTENT_RULES.iter().zip(hits) {
        if hits > 0 {
            let score = (0.5 + 0.4 * (hits as f64 / sentence_count)).min(0.9);
            scores.push((*field, (score * 1000.0).round() / 1000.0));
        }
    }
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    scores
}

// ---------------------------------------------------------------- language

/// Function words of each language, in the order of [`FUNCTION_WORD_LANGUAGES`].
const FUNCTION_WORDS: [&[&str]; 3] = [
    &[
        "ja",
        "on",
        "tai",
        "ei",
        "sekä",
        "että",
        "tiedot",
        "tietoja",
        "rekisterin",
        "henkilötiedot",
        "kanssa",
        "voi",
        "jos",
    ],
    &[
        "och",
        "är",
        "av",
        "för",
        "som",
        "till",
        "med",
        "att",
        "uppgifter",
        "registret",
        "den",
        "det",
        "inte",
    ],
    &[
        "the", "and", "of", "to", "is", "for", "data", "with", "are", "be", "or", "personal",
        "this",
    ],
];

/// The languages of [`FUNCTION_WORDS`], in its order.
const FUNCTION_WORD_LANGUAGES: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

/// Further words that mark one language among the three, for [`decisive_language`]
/// only (the majority vote of [`stopword_language`] counts [`FUNCTION_WORDS`] alone):
/// common words of notices and a few more function words, none of them a word of the
/// other two languages.
const MARKER_WORDS: [&[&str]; 3] = [
    &[
        "myös",
        "mukaan",
        "voidaan",
        "ovat",
        "olla",
        "kuten",
        "joka",
        "jotka",
        "niiden",
        "sen",
        "kun",
        "eikä",
        "ole",
        "tulee",
        "kautta",
        "osalta",
        "rekisteri",
        "rekisterinpitäjä",
        "tietojen",
        "henkilötietoja",
        "henkilötietojen",
        "käsittely",
        "käsittelyn",
        "tarkoitus",
        "nimi",
        "osoite",
        "yhteystiedot",
        "asiakkaan",
        "tietosuoja",
        "rekisteröidyn",
        "rekisteröity",
        "säilytetään",
        "käytetään",
        "luovuteta",
        "tiedon",
    ],
    &[
        "om",
        "på",
        "ett",
        "har",
        "kan",
        "vid",
        "eller",
        "personuppgifter",
        "behandling",
        "behandlingen",
        "enligt",
        "också",
        "samt",
        "ska",
        "skall",
        "från",
        "dessa",
        "hos",
        "vi",
        "oss",
        "vår",
        "våra",
    ],
    &[
        "a",
        "an",
        "as",
        "at",
        "it",
        "its",
        "we",
        "you",
        "your",
        "our",
        "they",
        "their",
        "them",
        "there",
        "may",
        "will",
        "must",
        "should",
        "would",
        "processing",
        "information",
        "which",
        "that",
        "from",
        "not",
        "such",
        "other",
        "any",
        "can",
        "when",
        "these",
        "has",
        "have",
        "been",
        "was",
        "were",
        "used",
        "use",
        "but",
        "also",
        "both",
        "only",
        "if",
        "each",
        "more",
        "than",
        "into",
        "about",
    ],
];

/// Each word of [`FUNCTION_WORDS`] and [`MARKER_WORDS`]: its language's slot, and
/// whether it is a function word. No word is in two languages' lists (a test checks).
static LISTED_WORDS: LazyLock<FxHashMap<&'static str, (usize, bool)>> = LazyLock::new(|| {
    let mut words = FxHashMap::default();
    for slot in 0..3 {
        words.extend(MARKER_WORDS[slot].iter().map(|w| (*w, (slot, false))));
        words.extend(FUNCTION_WORDS[slot].iter().map(|w| (*w, (slot, true))));
    }
    words
});

/// Words are compared with the lists up to this many bytes; longer ones are none of them.
const LONGEST_LISTED_WORD: usize = 18;

/// What the words of a text say of its language, counted case-insensitively.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct WordEvidence {
    /// Words of [`FUNCTION_WORDS`], per language (fi, sv, en).
    function_words: [usize; 3],
    /// Words that mark one language: its [`FUNCTION_WORDS`] and [`MARKER_WORDS`], and
    /// for Finnish the words that end in ä or hold ää, yy or öö (no Swedish or English
    /// word does).
    marked_words: [usize; 3],
    /// Letters ä and ö.
    umlauts: usize,
}

/// Count a text's [`WordEvidence`] in one pass, with one small buffer for the word.
fn word_evidence(text: &str) -> WordEvidence {
    /// The word being read: its first letters (lower case) and its Finnish marks.
    #[derive(Default)]
    struct Word {
        letters: String,
        long: bool,
        last: char,
        double: bool,
    }
    let mut evidence = WordEvidence::default();
    let mut word = Word {
        letters: String::with_capacity(LONGEST_LISTED_WORD + 4),
        ..Default::default()
    };
    let finish = |word: &mut Word, evidence: &mut WordEvidence| {
        if !word.letters.is_empty() && !word.long {
            if let Some(&(slot, function)) = LISTED_WORDS.get(word.letters.as_str()) {
                evidence.marked_words[slot] += 1;
                if function {
                    evidence.function_words[slot] += 1;
                }
            }
        }
        if word.last == 'ä' || word.double {
            evidence.marked_words[0] += 1;
        }
        word.letters.clear();
        (word.long, word.last, word.double) = (false, '\0', false);
    };
    let letter = |word: &mut Word, evidence: &mut WordEvidence, lower: char| {
        if matches!(lower, 'ä' | 'ö') {
            evidence.umlauts += 1;
        }
        if lower == word.last && matches!(lower, 'ä' | 'y' | 'ö') {
            word.double = true;
        }
        word.last = lower;
        if !word.long {
            word.letters.push(lower);
            word.long = word.letters.len() > LONGEST_LISTED_WORD;
        }
    };
    let mut rest = text;
    while let Some(&b) = rest.as_bytes().first() {
        // ASCII (most of any notice) without the Unicode tables.
        if b.is_ascii() {
            rest = &rest[1..];
            if b.is_ascii_alphanumeric() {
                letter(&mut word, &mut evidence, char::from(b.to_ascii_lowercase()));
            } else {
                finish(&mut word, &mut evidence);
            }
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().expect("not empty");
        rest = chars.as_str();
        if !c.is_alphanumeric() {
            finish(&mut word, &mut evidence);
            continue;
        }
        for lower in c.to_lowercase() {
            letter(&mut word, &mut evidence, lower);
        }
    }
    finish(&mut word, &mut evidence);
    evidence
}

/// The language whose marked words clearly outnumber the others' (at least
/// [`DECISIVE_WORDS`] of them and [`DECISIVE_RATIO`] times the runner-up), if one does.
fn decisive_language(marked_words: [usize; 3]) -> Option<Language> {
    let (best, &top) = marked_words.iter().enumerate().max_by_key(|(_, n)| **n)?;
    let runner_up = marked_words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    (top >= DECISIVE_WORDS && top >= DECISIVE_RATIO * runner_up)
        .then_some(FUNCTION_WORD_LANGUAGES[best])
}

/// Marked words a text needs for [`decisive_language`] to name its language.
const DECISIVE_WORDS: usize = 4;
/// How many times the runner-up's marked words the winner needs.
const DECISIVE_RATIO: usize = 4;

/// The language with the most function words (Finnish counting a quarter of its ä and ö
/// letters besides), or `None` without any.
fn stopword_language(counts: [usize; 3], umlauts: usize) -> Option<Language> {
    let [fi, sv, en] = counts;
    let fi = fi + umlauts / 4;
    let best = fi.max(sv).max(en);
    if best == 0 {
        return None;
    }
    Some(if best == fi {
        Language::Fi
    } else if best == sv {
        Language::Sv
    } else {
        Language::En
    })
}

/// How much of a text [`detect_language`] reads: about 1,000 letters, far more than
/// trigram detection of three unlike languages needs, while sections run to tens of
/// kilobytes.
const LANGUAGE_SAMPLE_BYTES: usize = 1024;

/// Language of a piece of text (its first [`LANGUAGE_SAMPLE_BYTES`]). Where its marked
/// words decide it clearly ([`decisive_language`]) they do; otherwise whatlang
/// (restricted to fi, sv, en) when it is reliable, else the function-word majority.
///
/// The clear cases are most sections of a notice (about four pieces of text in five),
/// and whatlang (a trigram table, sorted and compared with three profiles) costs
/// several times the word count. A test checks that the two agree wherever the words
/// decide, on every piece of the samples; ARCHITECTURE.md gives the wider check.
pub fn detect_language(text: &str) -> Option<Language> {
    let text = &text[..values::floor_char_boundary(text, LANGUAGE_SAMPLE_BYTES)];
    let evidence = word_evidence(text);
    if let Some(language) = decisive_language(evidence.marked_words) {
        return Some(language);
    }
    whatlang_language(text).or_else(|| stopword_language(evidence.function_words, evidence.umlauts))
}

/// whatlang's language of a text of at least 40 letters, restricted to fi, sv and en,
/// when it is reliable (or its confidence above one half).
fn whatlang_language(text: &str) -> Option<Language> {
    if text.chars().filter(|c| c.is_alphabetic()).take(40).count() < 40 {
        return None;
    }
    static DETECTOR: LazyLock<whatlang::Detector> = LazyLock::new(|| {
        whatlang::Detector::with_allowlist(vec![
            whatlang::Lang::Fin,
            whatlang::Lang::Swe,
            whatlang::Lang::Eng,
        ])
    });
    let info = DETECTOR.detect(text)?;
    (info.is_reliable() || info.confidence() > 0.5).then(|| match info.lang() {
        whatlang::Lang::Swe => Language::Sv,
        whatlang::Lang::Eng => Language::En,
        _ => Language::Fi,
    })
}

// ---------------------------------------------------------------- title and kind

const DOC_TYPE_LINES: &[&str] = &[
    "tietosuojaseloste",
    "rekisteriseloste",
    "seloste henkilötietojen käsittelystä",
    "dataskyddsbeskrivning",
    "registerbeskrivning",
    "privacy notice",
    "privacy policy",
    "data protection statement",
    "tietosuojailmoitus",
    "tietosuojakuvaus",
    "rekisteri- ja tietosuojaseloste",
    "henkilörekisteriseloste",
];

const ORGANISATION_SUFFIXES: &[&str] = &[
    "kaupunki",
    "kunta",
    "oy",
    "ab",
    "ry",
    "rf",
    "oyj",
    "yliopisto",
    "seurakunta",
    "hyvinvointialue",
    "kuntayhtymä",
    "stad",
    "kommun",
    "säätiö",
    "osuuskunta",
    "ky",
    "tmi",
    "university",
];

fn is_organisation_line(line: &str) -> bool {
    let lower = lowercase(line);
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.len() <= 5
        && words
            .last()
            .is_some_and(|w| ORGANISATION_SUFFIXES.contains(&w.trim_end_matches(['.', ','])))
}

static LAW_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:\d+\s*§|§\s*\d+|artikla|\d{1,4}/\d{2,4}|asetus\s+\d|regulation\s+\(eu\))")
});

/// A line with a Finnish business ID (`0313471-7`, valid or not) names an organisation.
fn has_business_id(text: &str) -> bool {
    let (valid, invalid) = crate::values::business_ids(text);
    !(valid.is_empty() && invalid.is_empty())
}

/// How many non-blank lines from the top of the preamble a title may stand at.
const MAX_TITLE_LINE: usize = 8;

/// Labels of the boxes of the official notice forms (`Nimi (y-tunnus)`, `Osoite`,
/// `Muut yhteystiedot`) and their Swedish and English forms.
fn is_form_label(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "nimi",
        "osoite",
        "muut",
        "puhelin",
        "sähköposti",
        "y-tunnus",
        "namn",
        "adress",
        "övriga",
        "name",
        "address",
    ];
    let lower = lowercase(text);
    lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .find(|w| !w.is_empty())
        .is_some_and(|first| LABELS.contains(&first))
}

fn title_from_preamble(norm: &NormText, seg: &Segmented) -> Option<String> {
    let (from, to) = seg.preamble_lines;
    let mut doc_type: Option<String> = None;
    let mut seen = 0;
    for i in from..to {
        if norm.lines[i].is_blank() {
            continue;
        }
        // A title is at the top: past the first lines are a form's boxes or prose.
        seen += 1;
        if seen > MAX_TITLE_LINE {
            break;
        }
        let raw_line = norm.line(i);
        // A title stands alone as a paragraph of one or two short lines (a long title
        // wraps in PDFs); a line of a longer paragraph is prose.
        let para_start = i == 0 || norm.lines[i - 1].is_blank();
        let para_end = (i..to.min(norm.lines.len()))
            .find(|&l| norm.lines[l].is_blank())
            .unwrap_or(to.min(norm.lines.len()));
        let para_lines = para_end - i;
        // A block of short lines (title, organisation, document type) is read line by line.
        let para_first = (from..=i)
            .rev()
            .find(|&l| l == 0 || norm.lines[l - 1].is_blank())
            .unwrap_or(i);
        let short_block = (para_first..para_end).all(|l| {
            let t = norm.line(l);
            t.split_whitespace().count() <= 15 && !t.trim_end().ends_with('.')
        }) && para_end - para_first > 2;
        if !para_start && !raw_line.starts_with('#') && !short_block {
            continue;
        }
        let joined;
        let is_heading = raw_line.starts_with('#') || norm.lines[i].cue.heading_level.is_some();
        let next_line = (i + 1 < para_end).then(|| norm.line(i + 1));
        let wraps = next_line.is_some_and(|n| {
            n.chars().next().is_some_and(char::is_lowercase)
                || raw_line.ends_with(" ja")
                || raw_line.ends_with(" och")
                || raw_line.ends_with(" and")
        });
        let raw = if is_heading && wraps {
            joined = format!("{} {}", raw_line, next_line.unwrap_or_default());
            joined.as_str()
        } else if is_heading {
            raw_line
        } else if short_block {
            // A line that wraps goes on in lower case on the next line.
            let next_continues = i + 1 < para_end
                && norm
                    .line(i + 1)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase);
            if i > para_first && norm.line(i).chars().next().is_some_and(char::is_lowercase) {
                continue;
            }
            if next_continues {
                joined = format!("{} {}", raw_line, norm.line(i + 1));
                joined.as_str()
            } else {
                raw_line
            }
        } else if para_lines == 2 {
            joined = format!("{} {}", raw_line, norm.line(i + 1));
            if joined.split_whitespace().count() > 20 || joined.ends_with('.') {
                continue;
            }
            joined.as_str()
        } else if para_lines == 1 || raw_line.starts_with('#') {
            raw_line
        } else {
            continue;
        };
        let text = raw
            .trim_start_matches('#')
            .trim()
            .trim_matches(|c| c == '*' || c == '_')
            .trim()
            .trim_end_matches(':')
            .to_string();
        let words = text.split_whitespace().count();
        // Two sentences are prose (a form's instructions), not a title.
        let sentences_inside = text.trim_end_matches('.').contains(". ");
        if text.is_empty() || words > 20 || (text.ends_with('.') || sentences_inside) && words > 6 {
            continue;
        }
        if find_dates(&text).len() == 1 && words <= 8 {
            continue;
        }
        if LAW_LINE.is_match(&text) || is_organisation_line(&text) || has_business_id(&text) {
            continue;
        }
        // A form's box label ("Nimi (y-tunnus)", "Osoite") or number is no title.
        if words <= 3 && is_form_label(&text) || !text.chars().any(char::is_alphabetic) {
            continue;
        }
        // A bare metadata label ("Laatimispäivä") whose value stands elsewhere.
        if words <= 2 && (DRAFTED_WORDS.is_match(&text) || UPDATED_WORDS.is_match(&text)) {
            continue;
        }
        let lower = lowercase(&text);
        if DOC_TYPE_LINES.contains(&lower.as_str()) {
            doc_type.get_or_insert(text);
            continue;
        }
        return Some(text);
    }
    doc_type
}

static GDPR_MARKERS: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)tietosuoja-asetu|2016/679|679/2016|\bgdpr\b|1050/2018|tietosuojalai|tietosuojalak|tietosuoja laki|dataskyddsförordning|data protection regulation|dataskyddslag|oikeus tulla unohdetuksi|siirtää järjestelmästä toiseen|oikeus rajoittaa|dataskyddsombud",
    )
});
static PDA_MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)henkilötietolai|henkilötietolak|523/1999|523/99|1999/523|personuppgiftslag|rekisteriseloste|registerbeskrivning",
    )
});

fn decide_kind(norm: &NormText, seg: &Segmented, dates: &Dates) -> NoticeKind {
    if seg.heading_less {
        return NoticeKind::GeneralStatement;
    }
    let preamble = norm.slice(seg.preamble.start, seg.preamble.end);
    let notice = norm.slice(seg.range.start, seg.range.end);
    // Strong signs: the laws and rights of each era. The word "tietosuojaseloste" in
    // the title is a weak sign (the Personal Data Act form was also so titled).
    let gdpr_all = GDPR_MARKERS.find_iter(notice).count();
    let gdpr_head = GDPR_MARKERS.is_match(preamble);
    let pda_head = PDA_MARKERS.is_match(preamble);
    let named_gdpr = lowercase(preamble).contains("tietosuojaseloste");
    let latest = dates.updated.as_deref().or(dates.drafted.as_deref());
    let before_gdpr = latest.is_some_and(|d| d < "2018-05-25");
    let after_gdpr = latest.is_some_and(|d| d >= "2018-05-25");
    let long_before = latest.is_some_and(|d| d < "2018-01-01");
    if before_gdpr && gdpr_all == 0 || long_before && !gdpr_head {
        return NoticeKind::Rekisteriseloste;
    }
    // The Personal Data Act form header ("Henkilötietolaki (523/1999) 10 ja 24 §")
    // with no GDPR reference anywhere.
    if pda_head && gdpr_all == 0 {
        return NoticeKind::Rekisteriseloste;
    }
    if pda_head && !gdpr_head && !after_gdpr {
        return NoticeKind::Rekisteriseloste;
    }
    if gdpr_all == 0 && !named_gdpr && PDA_MARKERS.is_match(notice) && !after_gdpr {
        return NoticeKind::Rekisteriseloste;
    }
    NoticeKind::Tietosuojaseloste
}

// ---------------------------------------------------------------- mapping

fn provenance_of(s: &SectionDraft) -> Provenance {
    Provenance {
        heading: s.heading.clone(),
        match_kind: s.match_kind,
        score: s.score,
        span: s.body,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Map a segmented notice.
pub fn map(norm: &NormText, seg: &Segmented) -> Mapped {
    let mut sections_out = Vec::new();
    let mut texts: BTreeMap<FieldKey, (Vec<String>, Vec<Provenance>)> = BTreeMap::new();
    let mut warnings = Vec::new();
    // Both sentences hold "spambot", which a short-needle search rules out quickly.
    if norm.text.contains("spambot")
        && (norm
            .text
            .contains("sähköpostiosoite on suojattu spamboteilta")
            || norm
                .text
                .contains("e-mail address is being protected from spambots"))
    {
        warnings.push(Warning::new(
            "email-hidden",
            "an e-mail address was hidden by the web page's spam protection and is not in the text",
        ));
    }
    if STRUCK.is_match(&norm.text) {
        warnings.push(Warning::new(
            "struck-text-ignored",
            "struck-through text (~~...~~) was left out of the fields: it was withdrawn",
        ));
    }
    for draft in &seg.sections {
        let mut s = draft.clone();
        let (from, to) = s.body_lines;
        let text = field_text(norm, from, to, s.body.start);
        if seg.heading_less {
            let classes = classify_paragraph(&text);
            s.fields = classes.iter().map(|(f, _)| *f).take(3).collect();
            s.score = classes.first().map_or(0.0, |c| c.1);
        } else if s.fields.is_empty() && !text.is_empty() {
            // An unknown heading whose content clearly belongs to one field.
            let classes = classify_paragraph(&text);
            if let Some(&(field, score)) = classes.first() {
                if score >= 0.9 && classes.len() == 1 {
                    s.fields = vec![field];
                    s.match_kind = MatchKind::Content;
                    s.score = round3(score * 0.8);
                }
            }
        }
        // A subsection's heading is part of the field text ("A. Manuaalinen aineisto"
        // then its content), so the text reads as the notice does.
        let body_text = if s.level > 1 && !s.heading.is_empty() {
            if text.is_empty() {
                s.heading.clone()
            } else {
                format!("{}\n{}", s.heading, text)
            }
        } else {
            text.clone()
        };
        for f in &s.fields {
            if body_text.is_empty() && s.fields.len() == 1 {
                continue;
            }
            let entry = texts.entry(*f).or_default();
            if !body_text.is_empty() && !entry.0.contains(&body_text) {
                entry.0.push(body_text.clone());
            }
            entry.1.push(provenance_of(&s));
        }
        let language = detect_language(&text).or_else(|| detect_language(&s.heading));
        sections_out.push(Section {
            heading: s.heading.clone(),
            level: s.level,
            field: s.fields.first().copied(),
            fields: if s.fields.len() > 1 {
                s.fields.clone()
            } else {
                Vec::new()
            },
            match_kind: s.match_kind,
            score: s.score,
            span: s.span,
            language,
        });
    }
    let mut fields = BTreeMap::new();
    for (key, (parts, provenance)) in texts {
        let text = parts.join("\n\n");
        if text.is_empty() {
            continue;
        }
        if PLACEHOLDER
            .replace_all(&text, "")
            .chars()
            .all(|c| !c.is_alphanumeric())
        {
            warnings.push(Warning::new(
                "unfilled-placeholder",
                format!(
                    "{key} holds only template placeholders (e.g. {}): treated as missing",
                    PLACEHOLDER.find(&text).map_or("", |m| m.as_str())
                ),
            ));
            continue;
        }
        let (values, invalid_ids) = values::values_for(key, &text);
        for id in invalid_ids {
            warnings.push(Warning::new(
                "invalid-business-id",
                format!(
                    "the business ID {id} in {key} has a wrong check digit: it was not accepted"
                ),
            ));
        }
        fields.insert(
            key,
            FieldValue {
                text,
                provenance,
                values: if values.is_empty() {
                    StructuredValues::default()
                } else {
                    values
                },
            },
        );
    }
    let (dates, date_spans) = metadata_dates(norm, seg.range);
    let title = if seg.heading_less {
        let (from, to) = seg.preamble_lines;
        (from..to)
            .find(|&i| !norm.lines[i].is_blank())
            .map(|i| norm.line(i).trim_start_matches('#').trim().to_string())
    } else {
        title_from_preamble(norm, seg)
    };
    let kind = decide_kind(norm, seg, &dates);
    let mut by_lang: BTreeMap<Language, usize> = BTreeMap::new();
    for s in &sections_out {
        if let Some(l) = s.language {
            *by_lang.entry(l).or_default() += s.span.end - s.span.start;
        }
    }
    let language = by_lang
        .iter()
        .max_by_key(|(l, n)| (**n, std::cmp::Reverse(**l)))
        .map(|(l, _)| *l)
        .or_else(|| detect_language(norm.slice(seg.range.start, seg.range.end)))
        .unwrap_or(Language::Fi);
    Mapped {
        range: seg.range,
        title,
        kind,
        language,
        dates,
        date_spans,
        fields,
        sections: sections_out,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`word_evidence`] as first written, a character at a time through the Unicode
    /// tables: the reference for its ASCII fast path.
    fn word_evidence_by_chars(text: &str) -> WordEvidence {
        let mut evidence = WordEvidence::default();
        let mut letters = String::new();
        let (mut last, mut double) = ('\0', false);
        let mut finish = |letters: &mut String, last: &mut char, double: &mut bool| {
            if !letters.is_empty() && letters.len() <= LONGEST_LISTED_WORD {
                if let Some(&(slot, function)) = LISTED_WORDS.get(letters.as_str()) {
                    evidence.marked_words[slot] += 1;
                    if function {
                        evidence.function_words[slot] += 1;
                    }
                }
            }
            if *last == 'ä' || *double {
                evidence.marked_words[0] += 1;
            }
            letters.clear();
            (*last, *double) = ('\0', false);
        };
        for c in text.chars() {
            if !c.is_alphanumeric() {
                finish(&mut letters, &mut last, &mut double);
                continue;
            }
            for lower in c.to_lowercase() {
                if matches!(lower, 'ä' | 'ö') {
                    evidence.umlauts += 1;
                }
                if lower == last && matches!(lower, 'ä' | 'y' | 'ö') {
                    double = true;
                }
                last = lower;
                letters.push(lower);
            }
        }
        finish(&mut letters, &mut last, &mut double);
        evidence
    }

    #[test]
    fn word_evidence_agrees_with_the_reference_on_the_samples() {
        for text in crate::test_support::sample_texts(&["txt", "md", "html"]) {
            for piece in text.split("\n\n") {
                assert_eq!(
                    word_evidence(piece),
                    word_evidence_by_chars(piece),
                    "{piece}"
                );
            }
            assert_eq!(word_evidence(&text), word_evidence_by_chars(&text));
        }
    }

    proptest::proptest! {
        /// The ASCII fast path of `word_evidence` counts as the Unicode tables do:
        /// capitals, digits, marks, and capitals whose lower case is two characters.
        #[test]
        fn word_evidence_agrees_with_the_reference(
            text in "(oCH|Och|JA|ja|ÄÄ|ää|yy|YY|ÖÖ|the|THE|\u{130}|\u{1e9e}|[a-zåäöA-ZÅÄÖ0-9 .,\n\u{00a0}é-])*"
        ) {
            proptest::prop_assert_eq!(word_evidence(&text), word_evidence_by_chars(&text));
        }

        /// `field_text` runs MD_EMPHASIS only where `may_have_emphasis` says it may
        /// match: it never matches another text.
        #[test]
        fn emphasis_only_where_it_may_be(text in "[a-zä *_\t\u{00a0}]{0,16}") {
            if !may_have_emphasis(&text) {
                proptest::prop_assert!(!MD_EMPHASIS.is_match(&text));
            }
        }
    }

    #[test]
    fn dates_in_notice_forms() {
        let d = find_dates(
            "Laatimispäivä 22.9.2015, 24. toukokuuta 2018, 24 maj 2018, 2021-02-31, 31.2.2020",
        );
        let iso: Vec<_> = d.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(iso, ["2015-09-22", "2018-05-24", "2018-05-24"]);
    }

    #[test]
    fn form_box_labels_are_no_titles() {
        assert!(is_form_label("Nimi (y-tunnus)"));
        assert!(is_form_label("Muut yhteystiedot"));
        assert!(!is_form_label("Asiakasrekisterin tietosuojaseloste"));
        assert!(has_business_id(
            "Rekisterin- Helsingin yliopisto (0313471-7)"
        ));
    }

    #[test]
    fn form_date_box_label_above() {
        let text = "Laatimispäivä\n\nLue täyttöohjeet ennen selosteen täyttämistä.\nKäytä liitettä. 12.10.2017\n";
        let line_start = text.find("Käytä").unwrap();
        assert_eq!(label_line_above(text, line_start), (Some(0), None));
        // A label four lines up, or a label inside a sentence, is not the date's.
        let far = "Päivitetty\na\nb\nc\nd 1.1.2020\n";
        assert_eq!(
            label_line_above(far, far.find("d 1").unwrap()),
            (None, None)
        );
        let prose = "Rekisteri päivitetty kun tarpeen\nx 1.1.2020\n";
        assert_eq!(
            label_line_above(prose, prose.find("x 1").unwrap()),
            (None, None)
        );
    }

    #[test]
    fn paragraphs_classify_by_content() {
        let c = classify_paragraph("Raaseporin kaupunki ei tee asiakasprofilointia tallennettujen henkilötietojen pohjalta.");
        assert_eq!(c[0].0, FieldKey::AutomatedDecisions);
        let c = classify_paragraph("Henkilötiedot säilytetään asiakassuhteen kestoajan.");
        assert_eq!(c[0].0, FieldKey::Retention);
    }

    /// Every 1 KiB window (in steps of 128 bytes) of every bundled sample, and each of
    /// its lines of 40 letters or more: where the marked words decide the language,
    /// whatlang (when reliable) names the same one. The windows straddle section and
    /// language boundaries of the bilingual samples on purpose.
    #[test]
    fn decisive_marked_words_agree_with_whatlang() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let (mut decided, mut checked) = (0, 0);
        let mut languages = std::collections::BTreeSet::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let name = path.to_string_lossy();
                let format = crate::ingest::detect_format(&name, &bytes);
                let Ok(ingested) = crate::ingest::ingest(format, &bytes) else {
                    continue;
                };
                let text: String = ingested
                    .lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut pieces: Vec<&str> = text.lines().collect();
                let mut start = 0;
                while start < text.len() {
                    let from = values::floor_char_boundary(&text, start);
                    let to = values::floor_char_boundary(&text, from + LANGUAGE_SAMPLE_BYTES);
                    pieces.push(&text[from..to]);
                    start += 128;
                }
                for piece in pieces {
                    let counts = word_evidence(piece).marked_words;
                    let Some(fast) = decisive_language(counts) else {
                        continue;
                    };
                    decided += 1;
                    languages.insert(fast);
                    if let Some(slow) = whatlang_language(piece) {
                        checked += 1;
                        assert_eq!(fast, slow, "{name}: {counts:?} in {piece:?}");
                    }
                }
            }
        }
        assert!(
            checked > 1_000,
            "only {checked} of {decided} pieces checked"
        );
        assert_eq!(languages.len(), 3, "{languages:?}");
    }

    #[test]
    fn listed_words_belong_to_one_language_each_and_fit_the_length_limit() {
        let mut seen = std::collections::HashMap::new();
        for slot in 0..3 {
            for word in FUNCTION_WORDS[slot].iter().chain(MARKER_WORDS[slot]) {
                assert!(word.len() <= LONGEST_LISTED_WORD, "{word}");
                assert_eq!(word.to_lowercase(), *word);
                if let Some(other) = seen.insert(*word, slot) {
                    assert_eq!(other, slot, "{word} is listed for two languages");
                }
            }
        }
        assert_eq!(seen.len(), LISTED_WORDS.len());
    }

    #[test]
    fn words_are_counted_case_insensitively_without_long_words() {
        let evidence =
            word_evidence("Och ÄR tietoja; The HENKILÖTIEDOT henkilötiedotkin ja myös Hyypiä");
        assert_eq!(evidence.function_words, [3, 2, 1]);
        // and myös, and Hyypiä (yy and a final ä: one mark)
        assert_eq!(evidence.marked_words, [5, 2, 1]);
        assert_eq!(evidence.umlauts, 5);
        assert_eq!(decisive_language([8, 2, 0]), Some(Language::Fi));
        assert_eq!(decisive_language([8, 3, 0]), None);
        assert_eq!(decisive_language([0, 3, 0]), None);
        assert_eq!(decisive_language([0, 0, 9]), Some(Language::En));
    }

    #[test]
    fn language_of_short_and_long_text() {
        assert_eq!(
            detect_language("Registrets namn och ändamål för behandlingen av uppgifter"),
            Some(Language::Sv)
        );
        assert_eq!(
            detect_language("Rekisterin nimi ja tiedot"),
            Some(Language::Fi)
        );
        assert_eq!(
            detect_language("The purpose of the processing of personal data is"),
            Some(Language::En)
        );
    }
}
