//! Regexes with Unicode word boundaries, searched only where they can match.
//!
//! The `regex` crate runs a pattern with a Unicode `\b` through its fast lazy DFA only
//! on ASCII text: on Finnish text (ä, ö) it falls back to the PikeVM, 10 to 100 times
//! slower. [`Pattern`] keeps the pattern as written and, beside it, a *superset*: the
//! same pattern with every Unicode word-boundary assertion removed. Removing an
//! assertion only relaxes the pattern, so the superset matches wherever the pattern
//! does; where the superset (a DFA search) finds nothing, the pattern cannot match and
//! is not run. Results are therefore exactly those of the pattern: the tests below
//! check the superset property on the samples and on random text.

use std::borrow::Cow;

use regex::{Captures, Match, Regex, Replacer};
use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Look, Repetition};

/// Haystacks shorter than this are searched whole (one superset test, then the
/// pattern); longer ones piece by piece where the pattern allows it.
const PIECEWISE_FROM: usize = 256;

/// A regex and the word-boundary-free superset that guards it.
#[derive(Debug)]
pub struct Pattern {
    full: Regex,
    superset: meta::Regex,
    /// ASCII characters that no match of the pattern (nor of the superset) can
    /// contain and that are no word characters. A long text is cut at them into
    /// pieces, and only the pieces where the superset matches are searched: every
    /// match lies inside one piece, and at a piece's edges `\b` sees a non-word
    /// character, as it does at the edges of the text. `None` when the pattern has
    /// other assertions (`^`, `$`) or can match the empty string.
    separators: Option<[bool; 128]>,
}

impl Pattern {
    /// Compile `pattern` (the `regex` crate's syntax). Panics on a bad pattern, like
    /// the crate's other compiled-once statics.
    pub fn new(pattern: &str) -> Self {
        let full = Regex::new(pattern).unwrap_or_else(|e| panic!("bad regex {pattern}: {e}"));
        let hir =
            regex_syntax::parse(pattern).unwrap_or_else(|e| panic!("bad regex {pattern}: {e}"));
        let superset = meta::Regex::builder()
            .configure(meta::Config::new().which_captures(WhichCaptures::None))
            .build_from_hir(&without_word_boundaries(&hir))
            .unwrap_or_else(|e| panic!("bad regex superset of {pattern}: {e}"));
        Pattern {
            full,
            superset,
            separators: separators(&hir),
        }
    }

    /// The pattern as written.
    pub fn regex(&self) -> &Regex {
        &self.full
    }

    /// Whether the pattern can match somewhere in `haystack` (the superset does).
    fn may_match(&self, haystack: &str) -> bool {
        self.superset.is_match(haystack)
    }

    /// Whether some part of `text` (a sentence of it, a line) may hold a match of the
    /// pattern: `false` only when no substring of `text` can. That is so when the
    /// superset, which then has no assertion left (the patterns with `separators`),
    /// finds nothing in the whole text: a match inside a part is a match of the
    /// superset at the same place in the whole. One search can spare a caller the
    /// searches of every part.
    pub fn may_match_within(&self, text: &str) -> bool {
        self.separators.is_none() || self.may_match(text)
    }

    /// The pieces of a long `haystack` where the pattern may match, as byte ranges in
    /// order; `None`: search the haystack whole.
    fn pieces<'a>(
        &'a self,
        haystack: &'a str,
    ) -> Option<impl Iterator<Item = (usize, usize)> + 'a> {
        let separators = self.separators.as_ref()?;
        if haystack.len() < PIECEWISE_FROM {
            return None;
        }
        let bytes = haystack.as_bytes();
        let mut start = 0;
        Some(
            std::iter::from_fn(move || {
                while start < bytes.len() {
                    let from = start;
                    let end = bytes[from..]
                        .iter()
                        .position(|&b| b < 128 && separators[b as usize])
                        .map_or(bytes.len(), |i| from + i);
                    start = end + 1;
                    if end > from {
                        return Some((from, end));
                    }
                }
                None
            })
            .filter(move |&(a, b)| self.superset.is_match(&haystack[a..b])),
        )
    }

    /// As [`Regex::is_match`].
    pub fn is_match(&self, haystack: &str) -> bool {
        match self.pieces(haystack) {
            Some(mut pieces) => pieces.any(|(a, b)| self.full.is_match_at(&haystack[..b], a)),
            None => self.may_match(haystack) && self.full.is_match(haystack),
        }
    }

    /// As [`Regex::find`].
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.find_iter(haystack).next()
    }

    /// As [`Regex::captures`].
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        self.captures_iter(haystack).next()
    }

    /// The matches of a long haystack, piece by piece: each piece is searched up to
    /// its end (the text after it cannot take part in a match) from its start (the
    /// text before it is context), by `search(text, start)`; `end` gives a match's end.
    /// `None`: search the haystack whole.
    fn piecewise<'r, 'h: 'r, T: 'h>(
        &'r self,
        haystack: &'h str,
        search: impl Fn(&'h str, usize) -> Option<T> + Copy + 'r,
        end: fn(&T) -> usize,
    ) -> Option<Box<dyn Iterator<Item = T> + 'r>> {
        let pieces = self.pieces(haystack)?;
        Some(Box::new(pieces.flat_map(move |(a, b)| {
            let piece = &haystack[..b];
            let mut from = a;
            std::iter::from_fn(move || {
                let m = search(piece, from)?;
                from = end(&m);
                Some(m)
            })
        })))
    }

    /// As [`Regex::find_iter`].
    pub fn find_iter<'r, 'h: 'r>(
        &'r self,
        haystack: &'h str,
    ) -> Box<dyn Iterator<Item = Match<'h>> + 'r> {
        let search = |text: &'h str, start: usize| self.full.find_at(text, start);
        match self.piecewise(haystack, search, Match::end) {
            Some(matches) => matches,
            None if self.may_match(haystack) => Box::new(self.full.find_iter(haystack)),
            None => Box::new(std::iter::empty()),
        }
    }

    /// As [`Regex::captures_iter`].
    pub fn captures_iter<'r, 'h: 'r>(
        &'r self,
        haystack: &'h str,
    ) -> Box<dyn Iterator<Item = Captures<'h>> + 'r> {
        let search = |text: &'h str, start: usize| self.full.captures_at(text, start);
        let end = |c: &Captures<'h>| c.get(0).expect("group 0").end();
        match self.piecewise(haystack, search, end) {
            Some(matches) => matches,
            None if self.may_match(haystack) => Box::new(self.full.captures_iter(haystack)),
            None => Box::new(std::iter::empty()),
        }
    }

    /// As [`Regex::replace_all`].
    pub fn replace_all<'h, R: Replacer>(&self, haystack: &'h str, replacement: R) -> Cow<'h, str> {
        if self.may_match(haystack) {
            self.full.replace_all(haystack, replacement)
        } else {
            Cow::Borrowed(haystack)
        }
    }
}

/// The separators of [`Pattern::separators`] for a pattern's HIR.
fn separators(hir: &Hir) -> Option<[bool; 128]> {
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return None;
    }
    let mut matchable = [false; 128];
    if !ascii_matchable(hir, &mut matchable) {
        return None;
    }
    let mut separators = [false; 128];
    let mut any = false;
    for (b, separator) in separators.iter_mut().enumerate() {
        let c = b as u8 as char;
        if !(matchable[b] || c.is_ascii_alphanumeric() || c == '_') {
            *separator = true;
            any = true;
        }
    }
    any.then_some(separators)
}

/// Mark in `out` every ASCII character that `hir` can match; `false` when `hir` has
/// an assertion other than a word boundary.
fn ascii_matchable(hir: &Hir, out: &mut [bool; 128]) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(lit) => {
            for &b in lit.0.iter() {
                if b < 128 {
                    out[b as usize] = true;
                }
            }
            true
        }
        HirKind::Class(Class::Unicode(class)) => {
            for r in class.ranges() {
                for c in (r.start() as u32)..=(r.end() as u32).min(127) {
                    out[c as usize] = true;
                }
            }
            true
        }
        HirKind::Class(Class::Bytes(class)) => {
            for r in class.ranges() {
                for b in r.start()..=r.end().min(127) {
                    out[b as usize] = true;
                }
            }
            true
        }
        HirKind::Look(look) => is_unicode_word_boundary(*look),
        HirKind::Repetition(rep) => ascii_matchable(&rep.sub, out),
        HirKind::Capture(cap) => ascii_matchable(&cap.sub, out),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().all(|h| ascii_matchable(h, out))
        }
    }
}

/// The assertions the superset drops: every form of the Unicode `\b` and `\B`.
fn is_unicode_word_boundary(look: Look) -> bool {
    matches!(
        look,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
}

/// `hir` with every Unicode word-boundary assertion replaced by the empty pattern,
/// and groups unwrapped (the superset only answers "is there a match").
fn without_word_boundaries(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) if is_unicode_word_boundary(*look) => Hir::empty(),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            min: rep.min,
            max: rep.max,
            greedy: rep.greedy,
            sub: Box::new(without_word_boundaries(&rep.sub)),
        }),
        HirKind::Capture(Capture { sub, .. }) => without_word_boundaries(sub),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(without_word_boundaries).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(without_word_boundaries).collect())
        }
    }
}

/// Groups of literal strings, all searched for in one pass (Aho-Corasick) where a
/// `contains` per string would scan the text once for each: [`Self::any`] and
/// [`Self::groups_in`] answer as those `contains` calls would.
#[derive(Debug)]
pub struct Literals {
    automaton: aho_corasick::AhoCorasick,
    /// The strings and the group of each, by the automaton's pattern index.
    strings: Vec<Box<str>>,
    group_of: Vec<usize>,
    groups: usize,
}

impl Literals {
    /// The automaton of every string of every group (no string may be empty).
    pub fn new(groups: &[&[&str]]) -> Self {
        let mut group_of = Vec::new();
        let mut strings = Vec::new();
        for (group, list) in groups.iter().enumerate() {
            for s in list.iter() {
                assert!(!s.is_empty(), "empty literal in group {group}");
                strings.push(Box::<str>::from(*s));
                group_of.push(group);
            }
        }
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(strings.iter().map(|s| s.as_bytes()))
            .expect("literal automaton");
        Literals {
            automaton,
            strings,
            group_of,
            groups: groups.len(),
        }
    }

    /// [`Self::new`] with each string a group of its own.
    pub fn each(strings: &[&str]) -> Self {
        Self::new(&strings.iter().map(std::slice::from_ref).collect::<Vec<_>>())
    }

    /// Whether `text` contains any of the strings.
    pub fn any(&self, text: &str) -> bool {
        self.automaton.is_match(text)
    }

    /// For each group, whether `text` contains one of its strings.
    pub fn groups_in(&self, text: &str) -> Vec<bool> {
        self.groups_in_where(text, |_, _| true)
    }

    /// For each group, whether `text` holds one of its strings at a byte offset that
    /// `accept(string, offset)` accepts. Every occurrence is offered, overlapping ones
    /// included, until each group has one.
    pub fn groups_in_where(&self, text: &str, accept: impl Fn(&str, usize) -> bool) -> Vec<bool> {
        let mut present = vec![false; self.groups];
        let mut left = self.groups;
        for m in self.automaton.find_overlapping_iter(text) {
            let pattern = m.pattern().as_usize();
            let group = self.group_of[pattern];
            if !present[group] && accept(&self.strings[pattern], m.start()) {
                present[group] = true;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        present
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn superset_drops_only_word_boundaries() {
        let p = Pattern::new(r"(?i)\bdpo\b|^\d{5}$");
        assert!(p.is_match("Yhteys: DPO, puh."));
        assert!(!p.is_match("ädpo"));
        assert!(p.may_match("ädpo"), "the superset ignores the boundary");
        assert!(!p.may_match("tietosuoja"));
        assert!(p.is_match("00100"));
        assert!(!p.may_match("x00100"), "other assertions stay");
        let found: Vec<&str> = p
            .find_iter("dpo ja DPO sekä ädpo")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(found, ["dpo", "DPO"]);
        assert_eq!(p.find_iter("ei mitään").count(), 0);
    }

    #[test]
    fn captures_keep_their_groups() {
        let p = Pattern::new(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b");
        let c = p.captures("laadittu 24.5.2018").unwrap();
        assert_eq!(&c[3], "2018");
        assert_eq!(p.captures_iter("1.2.2003 ja 3.4.2005").count(), 2);
        assert!(p.captures("ei päivää").is_none());
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("dpo".to_string()),
            Just("kunta".to_string()),
            Just("ä".to_string()),
            Just("Ö".to_string()),
            Just("6.1".to_string()),
            Just("5 vuotta".to_string()),
            Just("viisi (5) vuoden".to_string()),
            Just("24.5.2018".to_string()),
            Just("a".to_string()),
            Just("_".to_string()),
            Just(" ".to_string()),
            Just("-".to_string()),
            Just("\n".to_string()),
            Just(", ".to_string()),
            Just(":".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("; ".to_string()),
            "[a-zäöå0-9]{0,4}",
            "[a-zäöå0-9 ,;:()!\n]{0,30}",
        ]
    }

    const PATTERNS: [&str; 9] = [
        r"(?i)\bdpo\b",
        r"(?i)\b(?:\w+)?kunta\b",
        r"\b6\.1\s*[a-f]\b",
        r"\Bä\b|\bö\B",
        r"(?i)ä\b",
        r"(?ix)\b(?:(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?|([a-zåäö]+)(?:\s*\((\d{1,3})\))?)\s*(vuo\w*|v\.|päiv\w*)",
        r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})\b",
        r"^\d+\b",
        r"\b\w*\b",
    ];

    #[test]
    fn separators_only_where_the_pattern_allows_them() {
        let date = Pattern::new(PATTERNS[6]);
        let seps = date.separators.expect("a date has no commas");
        assert!(seps[b',' as usize] && seps[b':' as usize] && seps[b'(' as usize]);
        assert!(!seps[b'.' as usize] && !seps[b' ' as usize] && !seps[b'_' as usize]);
        let period = Pattern::new(PATTERNS[5]).separators.expect("no anchors");
        assert!(!period[b'(' as usize] && !period[b'-' as usize] && period[b',' as usize]);
        assert!(Pattern::new(PATTERNS[7]).separators.is_none(), "anchored");
        assert!(
            Pattern::new(PATTERNS[8]).separators.is_none(),
            "empty match"
        );
    }

    proptest! {
        /// The superset matches wherever the pattern does, and the guarded searches
        /// (whole, and piece by piece on long texts) give the pattern's own results.
        #[test]
        fn guarded_searches_equal_the_pattern(parts in prop::collection::vec(word(), 0..60)) {
            let text: String = parts.concat();
            for pattern in PATTERNS {
                let p = Pattern::new(pattern);
                let full = p.regex();
                prop_assert!(!full.is_match(&text) || p.may_match(&text));
                if !p.may_match_within(&text) {
                    for (i, _) in text.char_indices() {
                        for (j, _) in text[i..].char_indices().skip(1).step_by(7) {
                            prop_assert!(!full.is_match(&text[i..i + j]));
                        }
                    }
                }
                prop_assert_eq!(p.is_match(&text), full.is_match(&text));
                prop_assert_eq!(p.find(&text).map(|m| m.range()), full.find(&text).map(|m| m.range()));
                let a: Vec<_> = p.find_iter(&text).map(|m| m.range()).collect();
                let b: Vec<_> = full.find_iter(&text).map(|m| m.range()).collect();
                prop_assert_eq!(a, b);
                let groups = |c: Captures| -> Vec<Option<std::ops::Range<usize>>> {
                    c.iter().map(|g| g.map(|g| g.range())).collect()
                };
                let a: Vec<_> = p.captures_iter(&text).map(groups).collect();
                let b: Vec<_> = full.captures_iter(&text).map(groups).collect();
                prop_assert_eq!(a, b);
                prop_assert_eq!(p.captures(&text).map(groups), full.captures(&text).map(groups));
            }
        }
    }

    proptest::proptest! {
        /// `Literals` answers as one `contains` per string, on text made of pieces of
        /// the strings (overlapping and nested ones included).
        #[test]
        fn literals_are_contains_per_string(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("oikeus"),
                    proptest::strategy::Just("oikeu"),
                    proptest::strategy::Just("tarkastus"),
                    proptest::strategy::Just("usoik"),
                    proptest::strategy::Just("rätt"),
                    proptest::strategy::Just(" "),
                    proptest::strategy::Just("x"),
                ],
                0..12,
            )
        ) {
            let groups: [&[&str]; 3] = [&["oikeus", "tarkastus"], &["usoik", "rätt till"], &["oikeu", "s t"]];
            let literals = Literals::new(&groups);
            let text = pieces.concat();
            let expected: Vec<bool> =
                groups.iter().map(|g| g.iter().any(|s| text.contains(s))).collect();
            proptest::prop_assert_eq!(literals.groups_in(&text), expected.clone());
            proptest::prop_assert_eq!(literals.any(&text), expected.iter().any(|&b| b));
        }
    }
}
