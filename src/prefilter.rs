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

use regex::{CaptureMatches, Captures, Match, Matches, Regex, Replacer};
use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};

/// A regex and the word-boundary-free superset that guards it.
#[derive(Debug)]
pub struct Pattern {
    full: Regex,
    superset: meta::Regex,
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
        Pattern { full, superset }
    }

    /// The pattern as written.
    pub fn regex(&self) -> &Regex {
        &self.full
    }

    /// Whether the pattern can match somewhere in `haystack` (the superset does).
    fn may_match(&self, haystack: &str) -> bool {
        self.superset.is_match(haystack)
    }

    /// The haystack to search: `haystack` itself, or the empty string when the pattern
    /// cannot match in it (then it cannot match the empty string either, since the
    /// superset would match that at every position).
    fn searched<'h>(&self, haystack: &'h str) -> &'h str {
        if self.may_match(haystack) {
            haystack
        } else {
            ""
        }
    }

    /// As [`Regex::is_match`].
    pub fn is_match(&self, haystack: &str) -> bool {
        self.may_match(haystack) && self.full.is_match(haystack)
    }

    /// As [`Regex::find`].
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        if self.may_match(haystack) {
            self.full.find(haystack)
        } else {
            None
        }
    }

    /// As [`Regex::captures`].
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        if self.may_match(haystack) {
            self.full.captures(haystack)
        } else {
            None
        }
    }

    /// As [`Regex::find_iter`].
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        self.full.find_iter(self.searched(haystack))
    }

    /// As [`Regex::replace_all`].
    pub fn replace_all<'h, R: Replacer>(&self, haystack: &'h str, replacement: R) -> Cow<'h, str> {
        if self.may_match(haystack) {
            self.full.replace_all(haystack, replacement)
        } else {
            Cow::Borrowed(haystack)
        }
    }

    /// As [`Regex::captures_iter`].
    pub fn captures_iter<'r, 'h>(&'r self, haystack: &'h str) -> CaptureMatches<'r, 'h> {
        self.full.captures_iter(self.searched(haystack))
    }
}

/// `hir` with every Unicode word-boundary assertion replaced by the empty pattern,
/// and groups unwrapped (the superset only answers "is there a match").
fn without_word_boundaries(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode,
        ) => Hir::empty(),
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
            Just("a".to_string()),
            Just("_".to_string()),
            Just(" ".to_string()),
            Just("-".to_string()),
            Just("\n".to_string()),
            "[a-zäöå0-9]{0,4}",
        ]
    }

    proptest! {
        /// The superset matches wherever the pattern does, and the guarded searches
        /// give the pattern's own results.
        #[test]
        fn guarded_searches_equal_the_pattern(parts in prop::collection::vec(word(), 0..12)) {
            let text: String = parts.concat();
            for pattern in [
                r"(?i)\bdpo\b",
                r"(?i)\b(?:\w+)?kunta\b",
                r"\b6\.1\s*[a-f]\b",
                r"\Bä\b|\bö\B",
                r"(?i)ä\b",
            ] {
                let p = Pattern::new(pattern);
                let full = p.regex();
                prop_assert!(!full.is_match(&text) || p.may_match(&text));
                prop_assert_eq!(p.is_match(&text), full.is_match(&text));
                let a: Vec<_> = p.find_iter(&text).map(|m| m.range()).collect();
                let b: Vec<_> = full.find_iter(&text).map(|m| m.range()).collect();
                prop_assert_eq!(a, b);
            }
        }
    }
}
