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

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;

use crate::prefilter::{Literals, Pattern};
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use crate::model::{FieldKey, Language, MatchKind};
use crate::normalise::lowercase;

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
    /// Index of each stem in the language's [`Vocab`].
    stem_ids: Vec<u32>,
    /// [`weight`] of each stem.
    stem_weights: Vec<f64>,
    /// Characters in `key`, and its character mask (see [`char_mask`]).
    key_chars: usize,
    key_mask: u64,
}

/// A keyword rule: every part must occur in the heading's key.
#[derive(Debug, Clone)]
struct KeywordRule {
    field: FieldKey,
    parts: Vec<String>,
    unless: Vec<String>,
    /// `parts` and `unless` as indices into the dictionary's `keyword_text` groups.
    part_ids: Vec<usize>,
    unless_ids: Vec<usize>,
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
    /// The distinct strings of all keyword rules, one group each: which of them a
    /// heading contains, in one pass instead of a `contains` per string and rule.
    keyword_text: Literals,
    /// Key -> first entry with that key (an exact match scores 1, above any fuzzy one).
    exact: HashMap<String, usize>,
    /// The distinct stems of the entries, per language (indexed by [`lang_slot`]).
    vocab: [Vocab; 3],
    /// Entry indices ordered by `key_chars` (then index).
    by_key_chars: Vec<u32>,
}

/// The distinct stems of one language's entries, the prefilter of fuzzy matching: a
/// heading's stem is compared by edit distance only with the stems that can be
/// similar to it at all, and only the entries holding such a stem (or whose whole key
/// is near the heading's) are scored.
#[derive(Default)]
struct Vocab {
    stems: Vec<VocabStem>,
}

/// A per-thread memo of a pure function of a text (a word, a stem, a heading): text ->
/// value. See [`remembered`].
type TextMemo<V> = std::cell::RefCell<rustc_hash::FxHashMap<String, V>>;

/// A heading stem's similar vocabulary stems (index, similarity), as remembered.
type SimilarStems = Rc<[(u32, f64)]>;

/// The value `memo` holds for `key`, else `compute()`'s, which it then holds; when it
/// holds `cap` values it starts over. No borrow is held while `compute` runs, so it
/// may use other memos.
fn remembered<V: Clone>(
    memo: &TextMemo<V>,
    key: &str,
    cap: usize,
    compute: impl FnOnce() -> V,
) -> V {
    let hit = memo.borrow().get(key).cloned();
    if let Some(value) = hit {
        return value;
    }
    let value = compute();
    let mut memo = memo.borrow_mut();
    if memo.len() >= cap {
        memo.clear();
    }
    memo.insert(key.to_string(), value.clone());
    value
}

/// Most heading stems whose similar vocabulary stems a thread remembers, per language,
/// before it starts over.
const SIMILAR_MEMO_CAP: usize = 20_000;

/// Most headings whose match a thread remembers before it starts over (at most
/// [`HEADING_MEMO_MAX_LEN`] bytes each: a few MiB per thread).
const HEADING_MEMO_CAP: usize = 20_000;

/// Longest heading (bytes) the memo keeps; longer texts are matched every time.
const HEADING_MEMO_MAX_LEN: usize = 200;

thread_local! {
    /// The match of each heading seen before ([`Dictionary::match_heading`]).
    static HEADING_MEMO: TextMemo<Option<HeadingMatch>> = Default::default();
    /// The similar vocabulary stems of heading stems seen before, per language
    /// ([`Vocab::similar_to`] is a pure function of the stem, and the words of a
    /// language repeat from line to line and notice to notice).
    static SIMILAR_MEMO: [TextMemo<SimilarStems>; 3] = Default::default();
    /// The [`KeyStem`] of heading words seen before, per language: one look-up per word
    /// where the stem and its similar stems would take two and a copy of the stem.
    static KEY_STEM_MEMO: [TextMemo<Option<KeyStem>>; 3] = Default::default();
}

impl Vocab {
    /// The vocabulary stems (index, [`stem_similarity`]) whose similarity to `stem` is
    /// above zero, in vocabulary order; remembered per thread (`slot` is the
    /// vocabulary's [`lang_slot`]).
    fn similar_to(&self, slot: usize, stem: &str) -> SimilarStems {
        SIMILAR_MEMO.with(|memo| {
            remembered(&memo[slot], stem, SIMILAR_MEMO_CAP, || {
                self.scan_similar(stem).into()
            })
        })
    }

    /// The [`KeyStem`] of one word of a heading's key in `language` (`slot` is its
    /// [`lang_slot`]), as [`stems_of`] and [`Self::similar_to`] give it; `None` for a
    /// stop word. Remembered per thread.
    fn key_stem(&self, slot: usize, word: &str, language: Language) -> Option<KeyStem> {
        KEY_STEM_MEMO.with(|memo| {
            remembered(&memo[slot], word, SIMILAR_MEMO_CAP, || {
                (!STOPWORDS.contains(&word)).then(|| {
                    let stem = stem(word, language);
                    KeyStem {
                        weight: weight(&stem),
                        similar: self.similar_to(slot, &stem),
                    }
                })
            })
        })
    }

    /// [`Self::similar_to`] without the memo: every vocabulary stem the prefilter
    /// passes is scored.
    fn scan_similar(&self, stem: &str) -> Vec<(u32, f64)> {
        let (chars, mask) = (stem.chars().count(), char_mask(stem));
        let mut similar = Vec::new();
        for (id, v) in self.stems.iter().enumerate() {
            if !stems_may_match(stem, chars, mask, &v.text, v.chars, v.mask) {
                continue;
            }
            let similarity = stem_similarity(stem, &v.text);
            if similarity > 0.0 {
                similar.push((id as u32, similarity));
            }
        }
        similar
    }
}

struct VocabStem {
    text: String,
    chars: usize,
    mask: u64,
    /// Entries (indices, ascending) that have this stem.
    entries: Vec<u32>,
}

fn lang_slot(language: Language) -> usize {
    match language {
        Language::Fi => 0,
        Language::Sv => 1,
        Language::En => 2,
    }
}

const LANGUAGES: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

/// A 64-bit set of the characters of `s` (each character hashed to one bit). A bit set
/// in one mask and not in the other stands for at least one character that the other
/// string lacks, and each such character costs an edit: the popcounts bound the
/// Damerau-Levenshtein distance from below.
fn char_mask(s: &str) -> u64 {
    s.chars().fold(0u64, |m, c| m | char_mask_bit(c))
}

/// Reused buffers of [`damerau_levenshtein_within`].
#[derive(Default)]
struct EditBuffers {
    a: Vec<char>,
    b: Vec<char>,
    /// Distinct characters of `a` and the last row (1-based, 0: none) each was seen in.
    seen: Vec<(char, usize)>,
    /// For each character of `b`, its index in `seen` (`usize::MAX`: not in `a`).
    b_seen: Vec<usize>,
    /// The matrix, row-major with a sentinel row and column.
    matrix: Vec<u32>,
    /// For each entry of `seen`, the (1-based) columns of `b` holding that character.
    columns: Vec<Vec<u32>>,
}

thread_local! {
    static EDIT_BUFFERS: std::cell::RefCell<EditBuffers> = std::cell::RefCell::new(EditBuffers::default());
}

/// The (unrestricted) Damerau-Levenshtein distance of `a` and `b` when it is at most
/// `max`, else `None`: `strsim::damerau_levenshtein`'s distance (tests compare the
/// two), computed by [`banded_distance_within`].
fn damerau_levenshtein_within(a: &str, b: &str, max: usize) -> Option<usize> {
    EDIT_BUFFERS.with(|buffers| {
        let buf = &mut *buffers.borrow_mut();
        buf.a.clear();
        buf.a.extend(a.chars());
        buf.b.clear();
        buf.b.extend(b.chars());
        banded_distance_within(buf, max)
    })
}

/// The distance of `buf.a` and `buf.b` when it is at most `max`, from the
/// Lowrance-Wagner matrix (as `strsim` computes it) in the band of cells
/// `|i - j| <= max` only, every cell outside it left at infinity. A cell's true value
/// is at least `|i - j|` (an edit changes the lengths by at most its cost), so every
/// cell on a cheapest path to a value of at most `max` lies in the band, and there the
/// band gives the true value; elsewhere it gives at least the true value.
///
/// It stops as soon as a whole row exceeds `max`: row minima never decrease (every
/// cell comes from cells of its own or earlier rows at no lower cost), so the
/// distance, a cell of the last row, is then above `max` too. Heading matching only
/// uses similarities above a threshold, and most pairs of words are far apart: they
/// stop after a few rows. Tested against `strsim`.
fn banded_distance_within(buf: &mut EditBuffers, max: usize) -> Option<usize> {
    const INFINITE: u32 = u32::MAX / 4;
    let EditBuffers {
        a,
        b,
        seen,
        b_seen,
        matrix,
        columns,
    } = buf;
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return None;
    }
    if n == 0 || m == 0 {
        let d = n.max(m);
        return (d <= max).then_some(d);
    }
    // The distinct characters of `a`, each with the last row (1-based, 0: none yet) it
    // was seen in; for each character of `b` its index among them; and the columns of
    // `b` where each stands.
    seen.clear();
    for &c in a.iter() {
        if !seen.iter().any(|&(s, _)| s == c) {
            seen.push((c, 0));
        }
    }
    b_seen.clear();
    b_seen.extend(
        b.iter()
            .map(|&c| seen.iter().position(|&(s, _)| s == c).unwrap_or(usize::MAX)),
    );
    columns.resize_with(seen.len().max(columns.len()), Vec::new);
    for list in columns.iter_mut() {
        list.clear();
    }
    for (j, &index) in b_seen.iter().enumerate() {
        if index != usize::MAX {
            columns[index].push(j as u32 + 1);
        }
    }
    // D(x, y) at x * width + y: D(0, _) and D(_, 0) are the sentinels, D(1, y) = y - 1
    // and D(x, 1) = x - 1 the distances from an empty prefix.
    let width = m + 2;
    matrix.clear();
    matrix.resize((n + 2) * width, INFINITE);
    for y in 1..=m + 1 {
        matrix[width + y] = (y - 1) as u32;
    }
    for x in 1..=n + 1 {
        matrix[x * width + 1] = (x - 1) as u32;
    }
    let limit = max as u32;
    for i in 1..=n {
        let ch1 = a[i - 1];
        let index = seen
            .iter()
            .position(|&(s, _)| s == ch1)
            .expect("a character of a");
        let (lo, hi) = (i.saturating_sub(max).max(1), (i + max).min(m));
        // The last column before the band holding this row's character.
        let before = columns[index].partition_point(|&j| (j as usize) < lo);
        let mut db = if before == 0 {
            0
        } else {
            columns[index][before - 1] as usize
        };
        let mut row_min = i as u32;
        for j in lo..=hi {
            let k = match b_seen[j - 1] {
                usize::MAX => 0,
                s => seen[s].1,
            };
            let up = matrix[i * width + j + 1] + 1;
            let left = matrix[(i + 1) * width + j] + 1;
            let mut substitution = matrix[i * width + j] + 1;
            let transposition =
                matrix[k * width + db] + (i - k - 1) as u32 + 1 + (j - db - 1) as u32;
            if ch1 == b[j - 1] {
                db = j;
                substitution -= 1;
            }
            let value = substitution.min(up).min(left).min(transposition);
            matrix[(i + 1) * width + j + 1] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        seen[index].1 = i;
    }
    let distance = matrix[(n + 1) * width + m + 1] as usize;
    (distance <= max).then_some(distance)
}

/// `strsim::normalized_damerau_levenshtein(a, b)` (`1 - distance / longer length`)
/// when it is at least `threshold`; otherwise some value below `threshold` (0).
fn similarity_at_least(a: &str, b: &str, threshold: f64) -> f64 {
    let longer = a.chars().count().max(b.chars().count());
    if longer == 0 {
        return 1.0;
    }
    // Any distance above this gives a similarity below the threshold; one more than
    // the exact bound, so that rounding cannot cut a similarity at the threshold.
    let max = ((1.0 - threshold) * longer as f64).ceil() as usize + 1;
    match damerau_levenshtein_within(a, b, max) {
        Some(distance) => 1.0 - (distance as f64) / (longer as f64),
        None => 0.0,
    }
}

/// A lower bound of the Damerau-Levenshtein distance of two strings from their
/// lengths in characters and their [`char_mask`]s: every edit changes the length by at
/// most one, and every character of one string missing from the other is substituted
/// or deleted (a transposition keeps the characters).
fn distance_lower_bound(la: usize, ma: u64, lb: usize, mb: u64) -> usize {
    let missing = (ma & !mb).count_ones().max((mb & !ma).count_ones()) as usize;
    la.abs_diff(lb).max(missing)
}

/// The largest `1 - distance / max_len` that a distance of at least `lower` allows,
/// computed as `strsim::normalized_damerau_levenshtein` computes the similarity, so
/// comparing it with a threshold is exact.
fn similarity_upper_bound(lower: usize, la: usize, lb: usize) -> f64 {
    1.0 - (lower as f64) / (la.max(lb) as f64)
}

/// Whether [`stem_similarity`] of two stems (either way round) can be above zero.
/// `false` only when it is certainly zero.
fn stems_may_match(a: &str, la: usize, ma: u64, b: &str, lb: usize, mb: u64) -> bool {
    let (min_len, max_len) = (la.min(lb), la.max(lb));
    if min_len >= 6 && min_len * 10 >= max_len * 7 && (a.starts_with(b) || b.starts_with(a)) {
        return true; // the prefix rule (or equality)
    }
    if a == b {
        return true;
    }
    // Otherwise only the edit-distance rule: similarity >= 0.75, shorter stem >= 4.
    if la.abs_diff(lb) * 4 > max_len || min_len < 4 {
        return false;
    }
    if similarity_upper_bound(distance_lower_bound(la, ma, lb, mb), la, lb) < 0.75 {
        return false;
    }
    // Sharper, and dearer: every position holding a character the other lacks.
    let lower = la
        .abs_diff(lb)
        .max(missing_positions(a, mb))
        .max(missing_positions(b, ma));
    similarity_upper_bound(lower, la, lb) >= 0.75
}

/// The characters of `s` (counted with repeats) whose [`char_mask`] bit is not in
/// `other`: characters the other string certainly lacks. Each needs an edit of its
/// own (substituted or deleted), so this bounds the edit distance from below.
fn missing_positions(s: &str, other: u64) -> usize {
    s.chars().filter(|&c| other & char_mask_bit(c) == 0).count()
}

fn char_mask_bit(c: char) -> u64 {
    1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
}

/// One stem of the heading, with its similarities to the vocabulary stems that can be
/// similar to it. [`stem_similarity`] is symmetric (a test checks it), so one value
/// serves both ways round, as [`soft_dice`] uses them.
#[derive(Clone)]
struct KeyStem {
    weight: f64,
    /// (vocabulary index, similarity).
    similar: Rc<[(u32, f64)]>,
}

impl KeyStem {
    /// The similarity to vocabulary stem `id` (`similar` is in vocabulary order).
    fn similarity(&self, id: u32) -> f64 {
        self.similar
            .binary_search_by_key(&id, |s| s.0)
            .map_or(0.0, |i| self.similar[i].1)
    }
}

/// [`soft_dice`] of a heading's stems and an entry's, from the similarities computed
/// once per heading stem: the same operations in the same order, so the same value.
fn soft_dice_prefiltered(key: &[KeyStem], entry: &Entry) -> f64 {
    if key.is_empty() || entry.stems.is_empty() {
        return 0.0;
    }
    let mut ma = 0.0;
    let mut ta = 0.0;
    for s in key {
        ta += s.weight;
        let best = entry
            .stem_ids
            .iter()
            .map(|&t| s.similarity(t))
            .fold(0.0f64, f64::max);
        ma += s.weight * best;
    }
    let mut mb = 0.0;
    let mut tb = 0.0;
    for (&w, &id) in entry.stem_weights.iter().zip(&entry.stem_ids) {
        tb += w;
        let best = key.iter().map(|s| s.similarity(id)).fold(0.0f64, f64::max);
        mb += w * best;
    }
    (ma + mb) / (ta + tb)
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
    key.split_whitespace()
        .filter(|w| !STOPWORDS.contains(w))
        .map(|w| stem(w, language))
        .collect()
}

/// Most words whose stems a thread remembers before it starts over.
const STEM_MEMO_CAP: usize = 20_000;

thread_local! {
    /// Stems of words seen before, per language (the Snowball stemmer is a pure
    /// function, and words repeat: every line of a notice is matched against the
    /// dictionary in three languages).
    static STEM_MEMO: [TextMemo<String>; 3] = Default::default();
}

/// The Snowball stem of one word.
fn stem(word: &str, language: Language) -> String {
    STEM_MEMO.with(|memo| {
        remembered(&memo[lang_slot(language)], word, STEM_MEMO_CAP, || {
            stemmer(language).stem(word).into_owned()
        })
    })
}

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zåäö][.)]|[ivx]{1,4}[.)])\s+")
        .expect("numbering regex")
});

static EU_EEA: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?x)
        \beu(?::n|-)?\s*(?:tai|ja|/)\s*(?:eta(?::n|-alueen|\s+alueen|\s+alueille|\s+alueelle)?|euroopan\s+talousalueen)
        | \beuroopan\s+unionin\s+(?:tai|ja)\s+(?:euroopan\s+talousalueen|eta(?::n|-alueen)?)
        | \beu\s*(?:eller|och|/)\s*ees\b
        | \b(?:the\s+)?eu\s*(?:or|and|/)\s*(?:the\s+)?eea\b
        ",
    )
});

/// The comparable form of a heading (see the module documentation).
pub fn match_key(heading: &str) -> String {
    // NFKC leaves a heading the quick check finds normalised unchanged.
    let lower = if unicode_normalization::is_nfkc_quick(heading.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        lowercase(heading)
    } else {
        lowercase(&heading.nfkc().collect::<String>())
    };
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
    // Every form of the phrase contains "eu": most headings skip the regex.
    let s = if s.contains("eu") {
        EU_EEA.replace_all(&s, " euta ")
    } else {
        std::borrow::Cow::Borrowed(s.as_str())
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    crate::normalise::single_spaced(&out)
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
    if min_len < 4 {
        return 0.0;
    }
    let sim = similarity_at_least(a, b, 0.75);
    if sim >= 0.75 {
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
#[cfg(test)]
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
            let stems = stems_of(&key, language);
            entries.push(Entry {
                fields: parse_fields(fields),
                language,
                heading: heading.to_string(),
                stem_weights: stems.iter().map(|s| weight(s)).collect(),
                stems,
                stem_ids: Vec::new(),
                key_chars: key.chars().count(),
                key_mask: char_mask(&key),
                key,
            });
        }
        let mut exact = HashMap::new();
        let mut vocab: [Vocab; 3] = Default::default();
        let mut ids: [HashMap<String, u32>; 3] = Default::default();
        for (index, entry) in entries.iter_mut().enumerate() {
            exact.entry(entry.key.clone()).or_insert(index);
            let slot = lang_slot(entry.language);
            for stem in &entry.stems {
                let id = *ids[slot].entry(stem.clone()).or_insert_with(|| {
                    vocab[slot].stems.push(VocabStem {
                        text: stem.clone(),
                        chars: stem.chars().count(),
                        mask: char_mask(stem),
                        entries: Vec::new(),
                    });
                    (vocab[slot].stems.len() - 1) as u32
                });
                let holders = &mut vocab[slot].stems[id as usize].entries;
                if holders.last() != Some(&(index as u32)) {
                    holders.push(index as u32);
                }
                entry.stem_ids.push(id);
            }
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
                    part_ids: Vec::new(),
                    unless_ids: Vec::new(),
                });
            }
        }
        let mut strings: Vec<String> = Vec::new();
        let mut id_of = |s: &String| match strings.iter().position(|t| t == s) {
            Some(i) => i,
            None => {
                strings.push(s.clone());
                strings.len() - 1
            }
        };
        for rule in &mut keywords {
            rule.part_ids = rule.parts.iter().map(&mut id_of).collect();
            rule.unless_ids = rule.unless.iter().map(&mut id_of).collect();
        }
        let mut by_key_chars: Vec<u32> = (0..entries.len() as u32).collect();
        by_key_chars.sort_by_key(|&i| (entries[i as usize].key_chars, i));
        Dictionary {
            entries,
            keywords,
            keyword_text: Literals::each(&strings.iter().map(String::as_str).collect::<Vec<_>>()),
            exact,
            vocab,
            by_key_chars,
        }
    }

    /// Every entry.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Best dictionary entry for a heading key, with its score (no keyword fallback),
    /// when that score is at least [`FUZZY_THRESHOLD`] (every caller needs at least
    /// that). The same entry and score as scoring every entry ([`Self::best_entry_full_scan`]),
    /// but only the entries that can score above zero are scored: those sharing a
    /// similar stem with the heading, or whose whole key is close to it.
    fn best_entry(&self, key: &str) -> Option<(&Entry, f64)> {
        if key.is_empty() {
            return None;
        }
        // An exact match scores 1, every other entry at most 0.99; ties keep the first.
        if let Some(&index) = self.exact.get(key) {
            return Some((&self.entries[index], 1.0));
        }
        let mut candidate = vec![false; self.entries.len()];
        let mut key_stems: [Vec<KeyStem>; 3] = Default::default();
        for language in LANGUAGES {
            let slot = lang_slot(language);
            let vocab = &self.vocab[slot];
            if vocab.stems.is_empty() {
                continue;
            }
            for word in key.split_whitespace() {
                let Some(key_stem) = vocab.key_stem(slot, word, language) else {
                    continue;
                };
                for &(id, _) in key_stem.similar.iter() {
                    for &e in &vocab.stems[id as usize].entries {
                        candidate[e as usize] = true;
                    }
                }
                key_stems[slot].push(key_stem);
            }
        }
        let (lk, key_mask) = (key.chars().count(), char_mask(key));
        let mut whole = vec![0.0f64; self.entries.len()];
        // Only keys within 7% of the length can pass the length test below.
        let (shortest, longest) = (lk * 93 / 100, lk * 100 / 93 + 1);
        let from = self
            .by_key_chars
            .partition_point(|&i| self.entries[i as usize].key_chars < shortest);
        for &index in &self.by_key_chars[from..] {
            let index = index as usize;
            let entry = &self.entries[index];
            let le = entry.key_chars;
            if le > longest {
                break;
            }
            if lk.abs_diff(le) * 100 > lk.max(le) * 7 {
                continue;
            }
            let lower = distance_lower_bound(lk, key_mask, le, entry.key_mask);
            if similarity_upper_bound(lower, lk, le) < 0.93 {
                continue; // below 0.93 the whole-key similarity is not used
            }
            let lower = lower
                .max(missing_positions(key, entry.key_mask))
                .max(missing_positions(&entry.key, key_mask));
            if similarity_upper_bound(lower, lk, le) < 0.93 {
                continue;
            }
            // Used only from 0.93 up.
            whole[index] = similarity_at_least(key, &entry.key, 0.93);
            if whole[index] >= 0.93 {
                candidate[index] = true;
            }
        }
        let mut best: Option<(&Entry, f64)> = None;
        for (index, entry) in self.entries.iter().enumerate() {
            if !candidate[index] {
                continue; // no similar stem, no close key: scores 0
            }
            let dice = soft_dice_prefiltered(&key_stems[lang_slot(entry.language)], entry);
            let whole = whole[index];
            let score = if whole >= 0.93 { dice.max(whole) } else { dice };
            let score = score.min(0.99);
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((entry, score));
            }
        }
        best.filter(|&(_, s)| s >= FUZZY_THRESHOLD)
    }

    /// The reference for [`Self::best_entry`]: every entry scored, the best kept.
    #[cfg(test)]
    fn best_entry_full_scan(&self, key: &str) -> Option<(&Entry, f64)> {
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
        let present = self.keyword_text.groups_in(&padded);
        let mut fields = Vec::new();
        for rule in &self.keywords {
            if fields.contains(&rule.field) {
                continue;
            }
            if rule.part_ids.iter().all(|&p| present[p])
                && !rule.unless_ids.iter().any(|&u| present[u])
            {
                fields.push(rule.field);
            }
        }
        fields
    }

    /// The reference for [`Self::keyword_fields`]: `contains` per string and rule.
    #[cfg(test)]
    fn keyword_fields_by_contains(&self, key: &str) -> Vec<FieldKey> {
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
    ///
    /// The result is a pure function of `heading` and the built-in dictionary, so each
    /// thread remembers it for headings it has matched before: notices made from one
    /// template repeat their headings, and a migration run meets each many times.
    pub fn match_heading(&self, heading: &str) -> Option<HeadingMatch> {
        if heading.len() > HEADING_MEMO_MAX_LEN {
            return self.match_heading_uncached(heading);
        }
        HEADING_MEMO.with(|memo| {
            remembered(memo, heading, HEADING_MEMO_CAP, || {
                self.match_heading_uncached(heading)
            })
        })
    }

    /// [`Self::match_heading`] without the memo.
    fn match_heading_uncached(&self, heading: &str) -> Option<HeadingMatch> {
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

    /// [`Self::match_heading`] when its match is exact (`MatchKind::Exact`), else `None`;
    /// without the fuzzy search for the many texts that are no exact heading.
    pub fn match_heading_exact(&self, heading: &str) -> Option<HeadingMatch> {
        let exact = |m: Option<HeadingMatch>| m.filter(|m| m.kind == MatchKind::Exact);
        let parenthetical = heading
            .find('(')
            .is_some_and(|open| open > 0 && heading.trim_end().ends_with(')'));
        if parenthetical {
            return exact(self.match_heading(heading));
        }
        // Without a parenthetical remark, `match_heading` is exact only through the
        // exact-key table (every fuzzy score is at most 0.99).
        if self.exact.contains_key(match_key(heading).as_str()) {
            exact(self.match_heading(heading))
        } else {
            None
        }
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
                // Each part's best entry and first keyword field, computed once (the
                // sort below asks for them at every comparison).
                let part_best: Vec<Option<(&Entry, f64)>> = if parts.len() > 1 {
                    parts.iter().map(|p| self.best_entry(p)).collect()
                } else {
                    Vec::new()
                };
                let part_keyword: Vec<Option<FieldKey>> = if parts.len() > 1 {
                    parts
                        .iter()
                        .map(|p| self.keyword_fields(p).first().copied())
                        .collect()
                } else {
                    Vec::new()
                };
                for (index, _) in parts.iter().enumerate().filter(|_| parts.len() > 1) {
                    let part_field = match part_best[index] {
                        Some((e, s)) if s >= 0.9 && e.fields.len() == 1 => Some(e.fields[0]),
                        _ => part_keyword[index],
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
                        (0..parts.len())
                            .position(|p| {
                                part_best[p].is_some_and(|(e, s)| {
                                    s >= FUZZY_THRESHOLD && e.fields.contains(f)
                                }) || part_keyword[p].as_ref() == Some(f)
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

    /// Headings to compare the prefiltered matching with the full scan on: every
    /// entry, with typos, cut short, inflected, combined, and every line of the samples.
    fn probe_keys() -> Vec<String> {
        let dict = dictionary();
        let mut keys = Vec::new();
        for e in dict.entries() {
            let k = e.key.clone();
            keys.push(k.clone());
            let chars: Vec<char> = k.chars().collect();
            for i in [1, chars.len() / 2, chars.len().saturating_sub(2)] {
                if i + 1 < chars.len() {
                    let mut swapped = chars.clone();
                    swapped.swap(i, i + 1);
                    keys.push(swapped.iter().collect());
                    let mut dropped = chars.clone();
                    dropped.remove(i);
                    keys.push(dropped.iter().collect());
                    let mut changed = chars.clone();
                    changed[i] = 'x';
                    keys.push(changed.iter().collect());
                }
            }
            keys.push(format!("{k}n"));
            keys.push(format!("{k} ja säilytysaika"));
            keys.push(format!("muut {k}"));
            if let Some((first, _)) = k.split_once(' ') {
                keys.push(first.to_string());
            }
        }
        for text in crate::test_support::sample_texts(&["txt", "md"]) {
            for line in text.lines() {
                keys.push(match_key(line));
                for part in split_combined(&match_key(line)) {
                    keys.push(part);
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn prefilter_gives_the_full_scan_result() {
        let dict = dictionary();
        let keys = probe_keys();
        assert!(keys.len() > 2000, "{} keys", keys.len());
        let mut matched = 0;
        for key in &keys {
            let fast = dict.best_entry(key).map(|(e, s)| (e.heading.as_str(), s));
            let full = dict
                .best_entry_full_scan(key)
                .filter(|&(_, s)| s >= FUZZY_THRESHOLD)
                .map(|(e, s)| (e.heading.as_str(), s));
            assert_eq!(fast, full, "key {key:?}");
            matched += usize::from(fast.is_some());
        }
        // The probe set holds near misses and hits alike.
        assert!(
            matched > 1000 && matched < keys.len(),
            "{matched} of {}",
            keys.len()
        );
    }

    proptest::proptest! {
        /// The NFKC quick check changes nothing in `match_key`.
        #[test]
        fn match_key_is_the_same_with_the_quick_check(
            h in "[a-zA-ZäöÄÖ0-9 .\u{0308}\u{fb01}\u{fb02}\u{00a0}\u{2160}\u{ff21}]{0,20}"
        ) {
            let quick = unicode_normalization::is_nfkc_quick(h.chars())
                == unicode_normalization::IsNormalized::Yes;
            if quick {
                proptest::prop_assert_eq!(h.nfkc().collect::<String>(), h.clone());
            }
        }
    }

    /// The keyword automaton finds the fields `contains` finds, on every line of the
    /// samples (as match keys and as written) and every dictionary key.
    #[test]
    fn keyword_automaton_equals_contains() {
        let dict = dictionary();
        let mut texts: Vec<String> = dict.entries.iter().map(|e| e.key.clone()).collect();
        for line in sample_lines(400) {
            texts.push(match_key(&line));
            texts.push(line);
        }
        let mut found = 0;
        for t in &texts {
            let expected = dict.keyword_fields_by_contains(t);
            found += usize::from(!expected.is_empty());
            assert_eq!(dict.keyword_fields(t), expected, "{t:?}");
        }
        assert!(found > 100, "{found}");
    }

    /// The memo changes no match: every line of the text samples (and its head before
    /// a separator), matched with and without it, twice.
    #[test]
    fn remembered_matches_are_the_matches() {
        let dict = dictionary();
        let mut texts: Vec<String> = Vec::new();
        for line in sample_lines(400) {
            let head = line
                .split([':', '.'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            texts.push(line.trim().to_string());
            texts.push(head);
        }
        texts.push("x".repeat(HEADING_MEMO_MAX_LEN + 1));
        let mut matched = 0;
        for round in 0..2 {
            for t in &texts {
                let expected = dict.match_heading_uncached(t);
                matched += usize::from(expected.is_some());
                assert_eq!(dict.match_heading(t), expected, "round {round}: {t:?}");
            }
        }
        assert!(matched > 200, "{matched}");
        // The second round found them in the memo.
        let remembered = HEADING_MEMO.with(|memo| memo.borrow().len());
        assert!(remembered > texts.len() / 4, "{remembered}");
    }

    /// The first `per_file` lines of every text and Markdown sample.
    fn sample_lines(per_file: usize) -> Vec<String> {
        crate::test_support::sample_texts(&["txt", "md"])
            .iter()
            .flat_map(|text| text.lines().take(per_file).map(str::to_string))
            .collect()
    }

    /// `match_heading_exact` is `match_heading` restricted to exact matches, on every
    /// line of the text samples, its word prefixes, and the dictionary's own keys.
    #[test]
    fn exact_matching_equals_the_exact_results_of_matching() {
        let dict = dictionary();
        let mut texts: Vec<String> = dict.entries.iter().map(|e| e.key.clone()).collect();
        texts.push("Rekisterinpitäjä (yhteystiedot)".to_string());
        texts.push("Rekisterin nimi (ja tarkoitus)".to_string());
        for line in sample_lines(300) {
            let words: Vec<&str> = line.split_whitespace().collect();
            for n in 1..=words.len().min(5) {
                texts.push(words[..n].join(" "));
            }
            texts.push(line);
        }
        let mut exact = 0;
        for t in &texts {
            let expected = dict.match_heading(t).filter(|m| m.kind == MatchKind::Exact);
            exact += usize::from(expected.is_some());
            assert_eq!(dict.match_heading_exact(t), expected, "{t:?}");
        }
        assert!(exact > 300, "{exact} exact of {}", texts.len());
    }

    proptest::proptest! {
        #[test]
        fn banded_distance_equals_strsim(a in "[abcäö ]{0,40}", b in "[abcäö ]{0,40}", max in 0usize..7) {
            let d = strsim::damerau_levenshtein(&a, &b);
            proptest::prop_assert_eq!(damerau_levenshtein_within(&a, &b, max), (d <= max).then_some(d));
        }

        #[test]
        fn banded_distance_equals_strsim_on_near_strings(
            a in "[a-eäö]{0,30}",
            edits in proptest::collection::vec((0usize..40, 0u8..4, proptest::char::range('a', 'g')), 0..5),
            max in 0usize..6,
        ) {
            // Strings a few edits apart, where the band decides.
            let mut b: Vec<char> = a.chars().collect();
            for (at, kind, c) in edits {
                let at = at % (b.len() + 1);
                match kind {
                    0 => b.insert(at, c),
                    1 if at < b.len() => { b.remove(at); }
                    2 if at + 1 < b.len() => b.swap(at, at + 1),
                    _ if at < b.len() => b[at] = c,
                    _ => {}
                }
            }
            let b: String = b.into_iter().collect();
            let d = strsim::damerau_levenshtein(&a, &b);
            proptest::prop_assert_eq!(damerau_levenshtein_within(&a, &b, max), (d <= max).then_some(d));
        }

        #[test]
        fn bounded_distance_equals_strsim(a in "[abcäöå ]{0,14}", b in "[abcäöå ]{0,14}", max in 0usize..8) {
            let d = strsim::damerau_levenshtein(&a, &b);
            proptest::prop_assert_eq!(damerau_levenshtein_within(&a, &b, max), (d <= max).then_some(d));
            for t in [0.75, 0.93] {
                let s = strsim::normalized_damerau_levenshtein(&a, &b);
                let ours = similarity_at_least(&a, &b, t);
                if s >= t {
                    proptest::prop_assert_eq!(ours, s);
                } else {
                    proptest::prop_assert!(ours < t);
                }
            }
        }
    }

    #[test]
    fn bounded_similarity_equals_strsim_on_the_dictionary() {
        let dict = dictionary();
        let keys: Vec<&str> = dict.entries.iter().map(|e| e.key.as_str()).collect();
        let stems: Vec<&str> = dict
            .vocab
            .iter()
            .flat_map(|v| v.stems.iter().map(|s| s.text.as_str()))
            .collect();
        for (set, t) in [(&keys, 0.93), (&stems, 0.75)] {
            for a in set.iter() {
                for b in set.iter().step_by(3) {
                    let s = strsim::normalized_damerau_levenshtein(a, b);
                    let ours = similarity_at_least(a, b, t);
                    if s >= t {
                        assert_eq!(ours, s, "{a} {b}");
                    } else {
                        assert!(ours < t, "{a} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn stem_similarity_is_symmetric() {
        let dict = dictionary();
        let mut stems: Vec<String> = dict
            .vocab
            .iter()
            .flat_map(|v| v.stems.iter().map(|s| s.text.clone()))
            .collect();
        // And the stems of every line of the text samples, typos included.
        for line in sample_lines(400) {
            stems.extend(stems_of(&match_key(&line), Language::Fi));
        }
        stems.sort();
        stems.dedup();
        for a in &stems {
            for b in stems.iter().step_by(7) {
                assert_eq!(stem_similarity(a, b), stem_similarity(b, a), "{a} {b}");
            }
        }
    }

    #[test]
    fn stem_prefilter_never_drops_a_similar_pair() {
        let dict = dictionary();
        let stems: Vec<&VocabStem> = dict.vocab.iter().flat_map(|v| &v.stems).collect();
        for a in &stems {
            for b in &stems {
                let may = stems_may_match(&a.text, a.chars, a.mask, &b.text, b.chars, b.mask);
                if !may {
                    assert_eq!(
                        stem_similarity(&a.text, &b.text),
                        0.0,
                        "{} {}",
                        a.text,
                        b.text
                    );
                }
            }
        }
    }

    #[test]
    fn distance_bound_is_below_the_distance() {
        let words = [
            "rekisterinpitäjä",
            "rekisterinpltäjä",
            "säilytysaika",
            "säilytysajat",
            "tietolähteet",
            "överföring",
            "abc",
            "",
            "kk",
        ];
        for a in words {
            for b in words {
                let (la, lb) = (a.chars().count(), b.chars().count());
                let bound = distance_lower_bound(la, char_mask(a), lb, char_mask(b));
                let distance = strsim::damerau_levenshtein(a, b);
                assert!(bound <= distance, "{a} {b}");
                assert!(missing_positions(a, char_mask(b)) <= distance, "{a} {b}");
                assert!(missing_positions(b, char_mask(a)) <= distance, "{a} {b}");
            }
        }
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
