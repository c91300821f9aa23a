//! The heading dictionary and heading matching.
//!
//! The data lives in `data/headings.tsv` (headings seen in real notices, in Finnish,
//! Swedish and English) and `data/heading_keywords.tsv` (word parts that name a field,
//! for headings no notice in the dictionary used). Matching a heading:
//!
//! 1. [`match_key`]: lower case, NFKC, numbering and markup removed, the phrase
//!    "EU:n tai ETA:n" and its variants folded to one token, punctuation to spaces.
//! 2. Exact: the key equals an entry's key (score 1).
//! 3. Fuzzy: Snowball stems of both sides compared word by word with
//!    Damerau-Levenshtein similarity (so inflection, word order and typos survive),
//!    combined as a weighted Dice coefficient; and the whole keys compared by
//!    Damerau-Levenshtein (OCR damage). The best entry wins.
//! 4. A combined heading ("tarkoitus ja oikeusperuste") names several fields; its parts
//!    around `ja`/`sekä`/`and`/`och` are matched too.
//! 5. Keywords: when no entry is close, a heading that contains a field's word part
//!    (`säilyt`, `luovut`, `tietolähte`) gets that field with a lower score.

use std::sync::LazyLock;

use regex::Regex;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use crate::model::{FieldKey, Language, MatchKind};

const HEADINGS_TSV: &str = include_str!("data/headings.tsv");
const KEYWORDS_TSV: &str = include_str!("data/heading_keywords.tsv");

/// Lowest fuzzy score that counts as a dictionary match.
pub const FUZZY_THRESHOLD: f64 = 0.85;
/// Score given to a keyword match.
pub const KEYWORD_SCORE: f64 = 0.7;

/// One dictionary entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The fields the heading names (more than one for a combined heading).
    pub fields: Vec<FieldKey>,
    /// Language of the heading.
    pub language: Language,
    /// The heading as listed.
    pub heading: String,
    key: String,
    stems: Vec<String>,
}

/// A keyword rule: every part must occur in the heading's key.
#[derive(Debug, Clone)]
struct KeywordRule {
    field: FieldKey,
    parts: Vec<String>,
    unless: Vec<String>,
}

/// The result of matching a heading.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingMatch {
    /// Fields named, in the order the heading names them.
    pub fields: Vec<FieldKey>,
    /// Exact or fuzzy.
    pub kind: MatchKind,
    /// 0..1.
    pub score: f64,
}

/// The loaded dictionary.
pub struct Dictionary {
    entries: Vec<Entry>,
    keywords: Vec<KeywordRule>,
}

static DICTIONARY: LazyLock<Dictionary> = LazyLock::new(Dictionary::load);

/// The dictionary, loaded once.
pub fn dictionary() -> &'static Dictionary {
    &DICTIONARY
}

fn parse_fields(s: &str) -> Vec<FieldKey> {
    s.split(',')
        .map(|f| {
            FieldKey::parse(f.trim()).unwrap_or_else(|| panic!("unknown field {f:?} in dictionary"))
        })
        .collect()
}

fn parse_language(s: &str) -> Language {
    match s {
        "fi" => Language::Fi,
        "sv" => Language::Sv,
        "en" => Language::En,
        other => panic!("unknown language {other:?} in dictionary"),
    }
}

fn stemmer(language: Language) -> &'static Stemmer {
    static FI: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Finnish));
    static SV: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Swedish));
    static EN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
    match language {
        Language::Fi => &FI,
        Language::Sv => &SV,
        Language::En => &EN,
    }
}

const STOPWORDS: &[&str] = &[
    "ja", "tai", "sekä", "seka", "eli", "the", "of", "and", "or", "for", "to", "in", "on", "a",
    "an", "och", "eller", "av", "för", "i", "till", "som", "samt", "med",
];

/// Stems that occur in many headings of different fields: they count half.
const GENERIC_STEMS: &[&str] = &[
    "henkilötieto",
    "henkilötiedo",
    "tieto",
    "tiedo",
    "käsittely",
    "käsittel",
    "rekister",
    "rekisteri",
    "muu",
    "personuppgift",
    "uppgift",
    "regist",
    "personal",
    "data",
    "register",
];

fn stems_of(key: &str, language: Language) -> Vec<String> {
    let stemmer = stemmer(language);
    key.split_whitespace()
        .filter(|w| !STOPWORDS.contains(w))
        .map(|w| stemmer.stem(w).into_owned())
        .collect()
}

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zåäö][.)]|[ivx]{1,4}[.)])\s+")
        .expect("numbering regex")
});

static EU_EEA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \beu(?::n|-)?\s*(?:tai|ja|/)\s*(?:eta(?::n|-alueen|\s+alueen|\s+alueille|\s+alueelle)?|euroopan\s+talousalueen)
        | \beuroopan\s+unionin\s+(?:tai|ja)\s+(?:euroopan\s+talousalueen|eta(?::n|-alueen)?)
        | \beu\s*(?:eller|och|/)\s*ees\b
        | \b(?:the\s+)?eu\s*(?:or|and|/)\s*(?:the\s+)?eea\b
        ",
    )
    .expect("EU/EEA regex")
});

/// The comparable form of a heading (see the module documentation).
pub fn match_key(heading: &str) -> String {
    let lower: String = heading.nfkc().collect::<String>().to_lowercase();
    let mut s = lower
        .trim_start_matches(['#', '*', '_', '>', ' ', '~', '`', '|'])
        .to_string();
    loop {
        let stripped = NUMBERING.replace(&s, "").into_owned();
        if stripped == s {
            break;
        }
        s = stripped;
        s = s.trim_start_matches(['*', '_', ' ']).to_string();
    }
    let s = EU_EEA.replace_all(&s, " euta ");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn stem_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let min_len = a.chars().count().min(b.chars().count());
    let max_len = a.chars().count().max(b.chars().count());
    if min_len >= 6
        && min_len * 10 >= max_len * 7
        && !GENERIC_STEMS.contains(&a)
        && !GENERIC_STEMS.contains(&b)
        && (a.starts_with(b) || b.starts_with(a))
    {
        return 0.9;
    }
    // The edit distance is at least the length difference: skip hopeless pairs.
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) * 4 > la.max(lb) {
        return 0.0;
    }
    let sim = strsim::normalized_damerau_levenshtein(a, b);
    if sim >= 0.75 && min_len >= 4 {
        sim
    } else {
        0.0
    }
}

fn weight(stem: &str) -> f64 {
    if GENERIC_STEMS.contains(&stem) {
        0.5
    } else {
        1.0
    }
}

/// Weighted soft Dice coefficient of two stem lists.
fn soft_dice(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let side = |x: &[String], y: &[String]| -> (f64, f64) {
        let mut matched = 0.0;
        let mut total = 0.0;
        for s in x {
            let w = weight(s);
            total += w;
            let best = y
                .iter()
                .map(|t| stem_similarity(s, t))
                .fold(0.0f64, f64::max);
            matched += w * best;
        }
        (matched, total)
    };
    let (ma, ta) = side(a, b);
    let (mb, tb) = side(b, a);
    (ma + mb) / (ta + tb)
}

impl Dictionary {
    fn load() -> Dictionary {
        let mut entries = Vec::new();
        for line in HEADINGS_TSV.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(fields), Some(lang), Some(heading)) = (cols.next(), cols.next(), cols.next())
            else {
                panic!("malformed dictionary line {line:?}");
            };
            let language = parse_language(lang);
            let key = match_key(heading);
            entries.push(Entry {
                fields: parse_fields(fields),
                language,
                heading: heading.to_string(),
                stems: stems_of(&key, language),
                key,
            });
        }
        let mut keywords = Vec::new();
        for line in KEYWORDS_TSV.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(field), Some(parts)) = (cols.next(), cols.next()) else {
                panic!("malformed keyword line {line:?}");
            };
            let unless = cols
                .next()
                .map(|u| u.split('|').map(str::to_string).collect())
                .unwrap_or_default();
            for alternative in parts.split('|') {
                keywords.push(KeywordRule {
                    field: parse_fields(field)[0],
                    parts: alternative.split('+').map(str::to_string).collect(),
                    unless: Vec::clone(&unless),
                });
            }
        }
        Dictionary { entries, keywords }
    }

    /// Every entry.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Best dictionary entry for a heading key, with its score (no keyword fallback).
    fn best_entry(&self, key: &str) -> Option<(&Entry, f64)> {
        if key.is_empty() {
            return None;
        }
        let mut stems_by_lang: [Option<Vec<String>>; 3] = [None, None, None];
        let mut best: Option<(&Entry, f64)> = None;
        for entry in &self.entries {
            let score = if entry.key == key {
                1.0
            } else {
                let slot = match entry.language {
                    Language::Fi => 0,
                    Language::Sv => 1,
                    Language::En => 2,
                };
                let stems =
                    stems_by_lang[slot].get_or_insert_with(|| stems_of(key, entry.language));
                let dice = soft_dice(stems, &entry.stems);
                // Whole-key similarity catches OCR damage spread over the words, but on
                // long keys it forgives a different key word: only a near match counts.
                let (lk, le) = (key.chars().count(), entry.key.chars().count());
                let whole = if lk.abs_diff(le) * 100 > lk.max(le) * 7 {
                    0.0
                } else {
                    strsim::normalized_damerau_levenshtein(key, &entry.key)
                };
                let score = if whole >= 0.93 { dice.max(whole) } else { dice };
                score.min(0.99)
            };
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((entry, score));
            }
        }
        best
    }

    /// Fields named by keyword rules, in rule order.
    fn keyword_fields(&self, key: &str) -> Vec<FieldKey> {
        let padded = format!(" {key} ");
        let mut fields = Vec::new();
        for rule in &self.keywords {
            if fields.contains(&rule.field) {
                continue;
            }
            if rule.parts.iter().all(|p| padded.contains(p.as_str()))
                && !rule.unless.iter().any(|u| padded.contains(u.as_str()))
            {
                fields.push(rule.field);
            }
        }
        fields
    }

    /// Match a heading as written. `None` when neither an entry nor a keyword fits.
    /// A parenthetical remark (`Manuaalinen aineisto (säilytyspaikka ja suojaaminen)`)
    /// is left out when the heading without it matches.
    pub fn match_heading(&self, heading: &str) -> Option<HeadingMatch> {
        if let Some(open) = heading.find('(') {
            if open > 0 && heading.trim_end().ends_with(')') {
                if let Some(m) = self.match_heading_key(&match_key(&heading[..open])) {
                    if m.score >= FUZZY_THRESHOLD {
                        return Some(m);
                    }
                }
            }
        }
        self.match_heading_key(&match_key(heading))
    }

    fn match_heading_key(&self, key: &str) -> Option<HeadingMatch> {
        let key = key.to_string();
        if key.is_empty() || key.split(' ').count() > 18 || is_document_title(&key) {
            return None;
        }
        if let Some((entry, score)) = self.best_entry(&key) {
            if score >= FUZZY_THRESHOLD {
                let mut fields = entry.fields.clone();
                // A combined heading not listed as such: match its parts as well.
                let parts = split_combined(&key);
                for part in parts.iter().filter(|_| parts.len() > 1) {
                    let part_field = match self.best_entry(part) {
                        Some((e, s)) if s >= 0.9 && e.fields.len() == 1 => Some(e.fields[0]),
                        _ => self.keyword_fields(part).first().copied(),
                    };
                    if let Some(f) = part_field {
                        if !fields.contains(&f) {
                            fields.push(f);
                        }
                    }
                }
                if parts.len() > 1 {
                    // List the fields in the order the heading names them.
                    let position = |f: &FieldKey| {
                        parts
                            .iter()
                            .position(|p| {
                                self.best_entry(p).is_some_and(|(e, s)| {
                                    s >= FUZZY_THRESHOLD && e.fields.contains(f)
                                }) || self.keyword_fields(p).first() == Some(f)
                            })
                            .unwrap_or(usize::MAX)
                    };
                    fields.sort_by_key(position);
                }
                return Some(HeadingMatch {
                    fields,
                    kind: if score >= 1.0 {
                        MatchKind::Exact
                    } else {
                        MatchKind::Fuzzy
                    },
                    score: round3(score),
                });
            }
        }
        // Combined heading whose parts are known headings.
        let parts = split_combined(&key);
        if parts.len() > 1 {
            let mut fields = Vec::new();
            let mut min_score: f64 = 1.0;
            let mut keyword_parts = Vec::new();
            for part in &parts {
                match self.best_entry(part) {
                    Some((e, s)) if s >= FUZZY_THRESHOLD => {
                        for f in &e.fields {
                            if !fields.contains(f) {
                                fields.push(*f);
                            }
                        }
                        min_score = min_score.min(s);
                    }
                    _ => keyword_parts.extend(self.keyword_fields(part).first().copied()),
                }
            }
            if !fields.is_empty() {
                for f in keyword_parts {
                    if !fields.contains(&f) {
                        fields.push(f);
                    }
                }
                return Some(HeadingMatch {
                    fields,
                    kind: MatchKind::Fuzzy,
                    score: round3(min_score * 0.95),
                });
            }
        }
        let mut fields = self.keyword_fields(&key);
        if fields.is_empty() {
            return None;
        }
        if fields.len() > 1 && parts.len() < 2 {
            fields.truncate(1);
        }
        Some(HeadingMatch {
            fields,
            kind: MatchKind::Fuzzy,
            score: KEYWORD_SCORE,
        })
    }
}

/// A notice's own title ("Rekisteri- ja tietosuojaseloste", "Registerbeskrivning") is
/// never a section heading.
fn is_document_title(key: &str) -> bool {
    const TOPICS: &[&str] = &[
        "tietosuoja",
        "yksityisyydensuoja",
        "dataskydd",
        "integritetsskydd",
        "privacy",
        "data protection",
    ];
    TOPICS.contains(&key)
        || key.split(' ').any(|w| {
            w.ends_with("seloste")
                || w.ends_with("selosteet")
                || w.ends_with("beskrivning")
                || w == "tietosuojailmoitus"
        })
        || key.contains("privacy notice")
        || key.contains("privacy policy")
        || key.contains("data protection statement")
}

/// Split a heading key at the conjunctions that join two headings.
fn split_combined(key: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for word in key.split(' ') {
        if matches!(
            word,
            "ja" | "sekä" | "seka" | "and" | "och" | "samt" | "tai"
        ) {
            parts.push(String::new());
        } else {
            let last = parts.last_mut().expect("parts is never empty");
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(h: &str) -> Vec<FieldKey> {
        dictionary()
            .match_heading(h)
            .map(|m| m.fields)
            .unwrap_or_default()
    }

    #[test]
    fn keys_drop_numbering_markup_and_case() {
        assert_eq!(match_key("## 5. REKISTERIN NIMI:"), "rekisterin nimi");
        assert_eq!(match_key("A. Manuaalinen aineisto"), "manuaalinen aineisto");
        assert_eq!(match_key("2.1) Tietosisältö"), "tietosisältö");
        assert_eq!(
            match_key("Tietojen siirto EU:n tai ETA:n ulkopuolelle"),
            "tietojen siirto euta ulkopuolelle"
        );
    }

    #[test]
    fn exact_and_inflected_headings() {
        let m = dictionary().match_heading("3. Rekisterin nimi").unwrap();
        assert_eq!(m.kind, MatchKind::Exact);
        assert_eq!(m.fields, vec![FieldKey::RegisterName]);
        assert_eq!(fields("Rekisterin säilytysajat"), vec![FieldKey::Retention]);
        assert_eq!(
            fields("Tietosisältö rekisterin"),
            vec![FieldKey::DataContent]
        );
    }

    #[test]
    fn typos_and_ocr_damage() {
        assert_eq!(fields("Reksiterin nimi"), vec![FieldKey::RegisterName]);
        assert_eq!(fields("Rekisterinpltäjä"), vec![FieldKey::Controller]);
        assert_eq!(
            fields("Rekisterin vastuhenkilö"),
            vec![FieldKey::ContactPerson]
        );
    }

    #[test]
    fn combined_headings_name_every_field() {
        assert_eq!(
            fields("Henkilötietojen käsittelyn tarkoitus ja käsittelyn oikeusperuste"),
            vec![FieldKey::Purpose, FieldKey::LegalBasis]
        );
        assert_eq!(
            fields("Oikeusperuste ja henkilötietojen käsittelyn tarkoitus"),
            vec![FieldKey::LegalBasis, FieldKey::Purpose]
        );
    }

    #[test]
    fn question_headings_and_unlisted_wordings() {
        assert_eq!(fields("Mistä tiedot saadaan?"), vec![FieldKey::Sources]);
        assert_eq!(
            fields("Kuinka kauan henkilötietojasi säilytetään?"),
            vec![FieldKey::Retention]
        );
        assert_eq!(
            fields("Henkilötietojen luovuttaminen kolmansille"),
            vec![FieldKey::Disclosures]
        );
    }

    #[test]
    fn swedish_and_english() {
        assert_eq!(fields("Registrets namn"), vec![FieldKey::RegisterName]);
        assert_eq!(fields("Data protection officer"), vec![FieldKey::Dpo]);
        assert_eq!(
            fields("Överföring av uppgifter utanför EU eller EES"),
            vec![FieldKey::Transfers]
        );
    }

    #[test]
    fn titles_are_not_fields() {
        assert!(fields("Tietosuojaseloste").is_empty());
        assert!(fields("Rekisteriseloste").is_empty());
        assert!(fields("MIKKELIN KAUPUNKI").is_empty());
    }
}

#[cfg(test)]
mod probe {
    #[test]
    #[ignore]
    fn print_matches() {
        for h in std::env::var("HEADINGS").unwrap_or_default().split('|') {
            println!("{h:?} -> {:?}", super::dictionary().match_heading(h));
        }
    }
}
