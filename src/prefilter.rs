//! Regexes with Unicode word boundaries, searched only where they can match.
//!
//! The `regex` crate runs a pattern with a Unicode `\b` through its fast lazy DFA only
//! on ASCII text: on Finnish text (ä, ö) it falls back to the PikeVM or the bounded
//! backtracker, 10 to 100 times slower. [`Pattern`] keeps the pattern as written and
//! two forms of it without word boundaries, which the lazy DFA runs on any text:
//!
//! - The *exact form*, for "does it match anywhere" ([`Pattern::is_match`]). Each
//!   `\b` is replaced by what it says about the characters around it: between
//!   characters whose kinds (word or not) the pattern fixes, it always or never holds;
//!   at the edge of the match it becomes a condition on the one character beyond
//!   (`(?:\A|\W)` before a word character). The match then grows by that character,
//!   which changes nothing for `is_match`. Where a boundary's neighbours are not
//!   known (`\w*\bx`), the pattern has no exact form.
//! - The *superset*: the same pattern with every Unicode word-boundary assertion
//!   removed. Removing an assertion only relaxes the pattern, so the superset matches
//!   wherever the pattern does; where the superset (a DFA search) finds nothing, the
//!   pattern cannot match and is not run.
//!
//! Results are therefore exactly those of the pattern: the tests below check both
//! forms against it on the samples' kinds of text and on random text. Each form is
//! compiled on first use, so a pattern only asked whether it matches never compiles
//! the regex itself.
//!
//! [`PatternSet`] asks a table of patterns together which of them match a text, with
//! their supersets in one multi-pattern lazy DFA; [`Literals`] does the same for
//! groups of literal strings with one Aho-Corasick automaton.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Match, Regex, Replacer};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::{hybrid, meta, Input};
use regex_syntax::hir::{Capture, Class, Hir, HirKind, Look, Repetition};

/// Haystacks shorter than this are searched whole (one guard test, then the
/// pattern); longer ones piece by piece where the pattern allows it.
const PIECEWISE_FROM: usize = 256;

/// A regex and the word-boundary-free forms that guard it. Each is compiled on first
/// use: a pattern asked only whether it matches never compiles the regex itself.
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as written, and its regex once compiled.
    source: Box<str>,
    full: OnceLock<Regex>,
    /// The pattern without its word boundaries, and its regex once compiled.
    superset_hir: Hir,
    superset: OnceLock<meta::Regex>,
    /// ASCII characters that no match of the pattern (nor of the superset) can
    /// contain and that are no word characters. A long text is cut at them into
    /// pieces, and only the pieces where the pattern may match (by its exact form,
    /// else by the superset) are searched: every match lies inside one piece, and at
    /// a piece's edges `\b` sees a non-word character, as it does at the edges of the
    /// text. `None` when the pattern has other assertions (`^`, `$`) or can match the
    /// empty string.
    separators: Option<[bool; 128]>,
    /// The pattern with its word boundaries replaced by the characters around them
    /// ([`exact_without_word_boundaries`]): it matches somewhere exactly when the
    /// pattern does, and runs in the lazy DFA on any text. `None` when the pattern's
    /// boundaries cannot be replaced.
    exact: Option<(Hir, OnceLock<ForwardDfa>)>,
}

/// A forward-only lazy DFA and a pool of its caches: all that an "is there a match"
/// search needs, at about half the compile time of a full regex.
struct ForwardDfa {
    dfa: std::sync::Arc<hybrid::dfa::DFA>,
    caches: Pool<hybrid::dfa::Cache, CacheMaker>,
}

type CacheMaker = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

impl std::fmt::Debug for ForwardDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardDfa").finish_non_exhaustive()
    }
}

impl ForwardDfa {
    fn new(hir: &Hir) -> Self {
        Self::of_many(
            std::slice::from_ref(hir),
            regex_automata::MatchKind::LeftmostFirst,
        )
    }

    /// The DFA of several patterns at once (their matches told apart by pattern id).
    fn of_many(hirs: &[Hir], match_kind: regex_automata::MatchKind) -> Self {
        let nfa = thompson::Compiler::new()
            .configure(thompson::Config::new().which_captures(WhichCaptures::None))
            .build_many_from_hir(hirs)
            .expect("patterns without word boundaries");
        let dfa = std::sync::Arc::new(
            hybrid::dfa::DFA::builder()
                .configure(hybrid::dfa::Config::new().match_kind(match_kind))
                .build_from_nfa(nfa)
                .expect("a lazy DFA"),
        );
        let for_caches = std::sync::Arc::clone(&dfa);
        let caches = Pool::new(Box::new(move || for_caches.create_cache()) as CacheMaker);
        ForwardDfa { dfa, caches }
    }

    /// Which of its patterns match somewhere in `haystack` (a DFA of
    /// [`regex_automata::MatchKind::All`]); `None` if the lazy DFA gave up.
    fn which_match(&self, haystack: &str, patterns: usize) -> Option<regex_automata::PatternSet> {
        let mut found = regex_automata::PatternSet::new(patterns);
        let mut cache = self.caches.get();
        self.dfa
            .try_which_overlapping_matches(&mut cache, &Input::new(haystack), &mut found)
            .ok()
            .map(|()| found)
    }

    /// Whether the DFA matches somewhere in `haystack`; `None` if the lazy DFA gave
    /// up.
    fn is_match(&self, haystack: &str) -> Option<bool> {
        let mut cache = self.caches.get();
        let input = Input::new(haystack).earliest(true);
        self.dfa
            .try_search_fwd(&mut cache, &input)
            .ok()
            .map(|m| m.is_some())
    }
}

impl Pattern {
    /// Read `pattern` (the `regex` crate's syntax). Panics on a bad pattern, like
    /// the crate's other compiled-once statics.
    pub fn new(pattern: &str) -> Self {
        let hir =
            regex_syntax::parse(pattern).unwrap_or_else(|e| panic!("bad regex {pattern}: {e}"));
        Pattern {
            source: pattern.into(),
            full: OnceLock::new(),
            superset_hir: without_word_boundaries(&hir),
            superset: OnceLock::new(),
            separators: separators(&hir),
            exact: exact_without_word_boundaries(&hir, EDGE, EDGE)
                .map(|(exact, _)| (exact, OnceLock::new())),
        }
    }

    /// The pattern as written.
    pub fn regex(&self) -> &Regex {
        self.full.get_or_init(|| {
            Regex::new(&self.source).unwrap_or_else(|e| panic!("bad regex {}: {e}", self.source))
        })
    }

    /// The superset: the pattern without its word boundaries.
    fn superset(&self) -> &meta::Regex {
        self.superset.get_or_init(|| {
            meta::Regex::builder()
                .configure(meta::Config::new().which_captures(WhichCaptures::None))
                .build_from_hir(&self.superset_hir)
                .unwrap_or_else(|e| panic!("bad regex superset of {}: {e}", self.source))
        })
    }

    /// Whether the pattern matches somewhere in `haystack`, by its exact form;
    /// `None` when it has none (or its lazy DFA gave up).
    fn exactly(&self, haystack: &str) -> Option<bool> {
        let (hir, dfa) = self.exact.as_ref()?;
        dfa.get_or_init(|| ForwardDfa::new(hir)).is_match(haystack)
    }

    /// Whether the pattern can match somewhere in `haystack`: the exact answer where
    /// there is one, else the superset's.
    fn may_match(&self, haystack: &str) -> bool {
        self.exactly(haystack)
            .unwrap_or_else(|| self.superset().is_match(haystack))
    }

    /// Whether some part of `text` (a sentence of it, a line) may hold a match of the
    /// pattern: `false` only when no substring of `text` can. That is so when the
    /// superset, which then has no assertion left (the patterns with `separators`),
    /// finds nothing in the whole text: a match inside a part is a match of the
    /// superset at the same place in the whole. One search can spare a caller the
    /// searches of every part.
    pub fn may_match_within(&self, text: &str) -> bool {
        self.separators.is_none() || self.superset().is_match(text)
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
            .filter(move |&(a, b)| self.may_match(&haystack[a..b])),
        )
    }

    /// As [`Regex::is_match`].
    pub fn is_match(&self, haystack: &str) -> bool {
        self.exactly(haystack)
            .unwrap_or_else(|| self.is_match_guarded(haystack))
    }

    /// [`Self::is_match`] without the exact form: the pattern itself, where the
    /// guards let it run.
    fn is_match_guarded(&self, haystack: &str) -> bool {
        match self.pieces(haystack) {
            Some(mut pieces) => pieces.any(|(a, b)| self.regex().is_match_at(&haystack[..b], a)),
            None => self.may_match(haystack) && self.regex().is_match(haystack),
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
        let search = |text: &'h str, start: usize| self.regex().find_at(text, start);
        match self.piecewise(haystack, search, Match::end) {
            Some(matches) => matches,
            None if self.may_match(haystack) => Box::new(self.regex().find_iter(haystack)),
            None => Box::new(std::iter::empty()),
        }
    }

    /// As [`Regex::captures_iter`].
    pub fn captures_iter<'r, 'h: 'r>(
        &'r self,
        haystack: &'h str,
    ) -> Box<dyn Iterator<Item = Captures<'h>> + 'r> {
        let search = |text: &'h str, start: usize| self.regex().captures_at(text, start);
        let end = |c: &Captures<'h>| c.get(0).expect("group 0").end();
        match self.piecewise(haystack, search, end) {
            Some(matches) => matches,
            None if self.may_match(haystack) => Box::new(self.regex().captures_iter(haystack)),
            None => Box::new(std::iter::empty()),
        }
    }

    /// As [`Regex::replace_all`].
    pub fn replace_all<'h, R: Replacer>(&self, haystack: &'h str, replacement: R) -> Cow<'h, str> {
        if self.may_match(haystack) {
            self.regex().replace_all(haystack, replacement)
        } else {
            Cow::Borrowed(haystack)
        }
    }
}

/// What may stand on one side of a position in a pattern: a word character (`\w`),
/// another character, or the edge of the match (text the pattern does not read, or
/// the end of the haystack). A set of these, as bits.
type Sides = u8;
const WORD: Sides = 1;
const OTHER: Sides = 2;
const EDGE: Sides = 4;
/// Another assertion (`^`, `$`): what stands beyond it is not known here.
const ANCHOR: Sides = 8;

/// A replacement reads the character before the match ([`exact_without_word_boundaries`]).
const BEYOND_START: u8 = 1;
/// A replacement reads the character after the match.
const BEYOND_END: u8 = 2;

/// The kind of one character.
fn char_side(c: char) -> Sides {
    if regex_syntax::is_word_character(c) {
        WORD
    } else {
        OTHER
    }
}

/// The kinds of the characters of a class.
fn class_sides(class: &Class) -> Sides {
    let converted;
    let class = match class {
        Class::Unicode(class) => class,
        Class::Bytes(bytes) => match bytes.to_unicode_class() {
            Some(class) => {
                converted = class;
                &converted
            }
            None => return WORD | OTHER,
        },
    };
    let HirKind::Class(Class::Unicode(word)) = PERL_WORD.kind() else {
        unreachable!("\\w is a Unicode class");
    };
    // The ranges of a class are sorted and apart.
    let word = word.ranges();
    let mut sides = 0;
    for range in class.ranges() {
        let (start, end) = (range.start(), range.end());
        // The first word range that ends at or after `start`.
        let i = word.partition_point(|w| w.end() < start);
        match word.get(i) {
            Some(w) if w.start() <= start && end <= w.end() => sides |= WORD,
            Some(w) if w.start() <= end => sides |= WORD | OTHER,
            _ => sides |= OTHER,
        }
    }
    sides
}

/// `\w` and `\W`, parsed once.
static PERL_WORD: LazyLock<Hir> = LazyLock::new(|| regex_syntax::parse(r"\w").expect("\\w"));
static PERL_NOT_WORD: LazyLock<Hir> = LazyLock::new(|| regex_syntax::parse(r"\W").expect("\\W"));

/// Whether `hir` can match the empty string.
fn nullable(hir: &Hir) -> bool {
    hir.properties().minimum_len() == Some(0)
}

/// The kinds of character that can come first (`last`: last) in a non-empty match
/// of `hir`; 0 when it reads no character; [`ANCHOR`] for an assertion other than
/// a word boundary, so that no boundary next to it is replaced.
fn end_sides(hir: &Hir, last: bool) -> Sides {
    match hir.kind() {
        HirKind::Empty => 0,
        HirKind::Look(look) if is_unicode_word_boundary(*look) => 0,
        HirKind::Look(_) => ANCHOR,
        HirKind::Literal(lit) => {
            let edge = std::str::from_utf8(&lit.0).ok().and_then(|s| {
                if last {
                    s.chars().next_back()
                } else {
                    s.chars().next()
                }
            });
            edge.map_or(WORD | OTHER, char_side)
        }
        HirKind::Class(class) => class_sides(class),
        HirKind::Repetition(rep) if rep.max == Some(0) => 0,
        HirKind::Repetition(rep) => end_sides(&rep.sub, last),
        HirKind::Capture(cap) => end_sides(&cap.sub, last),
        HirKind::Alternation(subs) => subs.iter().fold(0, |s, h| s | end_sides(h, last)),
        HirKind::Concat(subs) => {
            let mut sides = 0;
            let ordered: Box<dyn Iterator<Item = &Hir>> = if last {
                Box::new(subs.iter().rev())
            } else {
                Box::new(subs.iter())
            };
            for sub in ordered {
                sides |= end_sides(sub, last);
                if !nullable(sub) {
                    break;
                }
            }
            sides
        }
    }
}

/// One character of `\w` (`word`) or of `\W`, optionally the haystack's edge instead.
fn one_char(word: bool, or_edge: Option<Look>) -> Hir {
    let class = if word { &PERL_WORD } else { &PERL_NOT_WORD };
    let class = Hir::clone(class);
    match or_edge {
        Some(edge) => Hir::alternation(vec![Hir::look(edge), class]),
        None => class,
    }
}

/// A Unicode `\b` (`\B` when `negated`) between `before` and `after`, as an
/// assertion-free pattern that matches where it holds, or `None`.
///
/// Between known kinds it always or never holds. At the match's edge it depends on
/// the text beyond, so the replacement reads that one character (or asserts the
/// haystack's edge): the match grows by that character, which changes nothing for
/// [`Pattern::is_match`], the only use.
fn boundary(before: Sides, after: Sides, negated: bool) -> Option<(Hir, u8)> {
    let only = |sides: Sides, kind: Sides| sides == kind;
    let known = |sides: Sides| only(sides, WORD) || only(sides, OTHER);
    if known(before) && known(after) {
        let holds = before != after;
        return Some((
            if holds != negated {
                Hir::empty()
            } else {
                Hir::fail()
            },
            0,
        ));
    }
    if only(before, EDGE) && known(after) {
        // `\b` before a word character wants no word character before it.
        let word_before = only(after, WORD) == negated;
        let edge = (!word_before).then_some(Look::Start);
        return Some((one_char(word_before, edge), BEYOND_START));
    }
    if only(after, EDGE) && known(before) {
        let word_after = only(before, WORD) == negated;
        let edge = (!word_after).then_some(Look::End);
        return Some((one_char(word_after, edge), BEYOND_END));
    }
    None
}

/// `hir` with every Unicode `\b` and `\B` replaced as [`boundary`] says, for
/// [`Pattern::is_match`]: a pattern without them runs in the lazy DFA on any text.
/// `None` when a boundary cannot be replaced.
/// With the result come the edges ([`BEYOND_START`], [`BEYOND_END`]) beyond which it
/// reads a character.
fn exact_without_word_boundaries(hir: &Hir, before: Sides, after: Sides) -> Option<(Hir, u8)> {
    match hir.kind() {
        HirKind::Look(Look::WordUnicode) => boundary(before, after, false),
        HirKind::Look(Look::WordUnicodeNegate) => boundary(before, after, true),
        HirKind::Look(look) if is_unicode_word_boundary(*look) => None,
        HirKind::Look(_) => Some((hir.clone(), 0)),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => Some((hir.clone(), 0)),
        HirKind::Capture(Capture { sub, .. }) => exact_without_word_boundaries(sub, before, after),
        HirKind::Repetition(rep) => {
            let once = rep.max.is_some_and(|max| max <= 1);
            let (b, a) = if once {
                (before, after)
            } else {
                (
                    before | end_sides(&rep.sub, true),
                    after | end_sides(&rep.sub, false),
                )
            };
            let (sub, beyond) = exact_without_word_boundaries(&rep.sub, b, a)?;
            if beyond != 0 && !once {
                return None;
            }
            Some((
                Hir::repetition(Repetition {
                    min: rep.min,
                    max: rep.max,
                    greedy: rep.greedy,
                    sub: Box::new(sub),
                }),
                beyond,
            ))
        }
        HirKind::Alternation(subs) => {
            let mut beyond = 0;
            let mut out = Vec::with_capacity(subs.len());
            for sub in subs {
                let (h, b) = exact_without_word_boundaries(sub, before, after)?;
                beyond |= b;
                out.push(h);
            }
            Some((Hir::alternation(out), beyond))
        }
        HirKind::Concat(subs) => {
            let n = subs.len();
            let mut befores = vec![before; n];
            for i in 1..n {
                let prev = &subs[i - 1];
                befores[i] =
                    end_sides(prev, true) | if nullable(prev) { befores[i - 1] } else { 0 };
            }
            let mut afters = vec![after; n];
            for i in (0..n.saturating_sub(1)).rev() {
                let next = &subs[i + 1];
                afters[i] = end_sides(next, false) | if nullable(next) { afters[i + 1] } else { 0 };
            }
            // A path reads at most one character beyond each edge: two parts that
            // read beyond one edge are two replacements there (`\b\bx`); give up.
            let mut beyond = 0;
            let mut out = Vec::with_capacity(n);
            for (i, sub) in subs.iter().enumerate() {
                let (h, b) = exact_without_word_boundaries(sub, befores[i], afters[i])?;
                if beyond & b != 0 {
                    return None;
                }
                beyond |= b;
                out.push(h);
            }
            Some((Hir::concat(out), beyond))
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

/// Patterns asked together which of them match a text: one pass of a lazy DFA over
/// all their supersets (each pattern without its word boundaries), where asking each
/// pattern would read the text once per pattern. The superset's answer is the
/// pattern's own for a pattern without word boundaries; a pattern with them is asked
/// itself, and only where its superset matched.
pub struct PatternSet {
    /// The supersets' DFA, of every match kind so that each pattern is reported.
    dfa: ForwardDfa,
    /// Each pattern as written, with its regex once compiled, and whether it has word
    /// boundaries (so that its superset's match must be confirmed).
    patterns: Vec<(Box<str>, OnceLock<Regex>, bool)>,
}

impl std::fmt::Debug for PatternSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatternSet")
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

impl PatternSet {
    /// The set of `patterns` (the `regex` crate's syntax). Panics on a bad pattern or
    /// one with an assertion other than a Unicode word boundary (`^`, `$`).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Self {
        let mut supersets = Vec::new();
        let mut kept = Vec::new();
        for pattern in patterns {
            let hir =
                regex_syntax::parse(pattern).unwrap_or_else(|e| panic!("bad regex {pattern}: {e}"));
            let superset = without_word_boundaries(&hir);
            assert!(
                superset.properties().look_set().is_empty(),
                "{pattern}: a pattern set takes no assertion but word boundaries"
            );
            supersets.push(superset);
            let bounded = !hir.properties().look_set().is_empty();
            kept.push((Box::<str>::from(pattern), OnceLock::new(), bounded));
        }
        PatternSet {
            dfa: ForwardDfa::of_many(&supersets, regex_automata::MatchKind::All),
            patterns: kept,
        }
    }

    /// For each pattern, in order, whether it matches somewhere in `text`, as
    /// `Regex::is_match` answers.
    pub fn matches(&self, text: &str) -> Vec<bool> {
        let found = self.dfa.which_match(text, self.patterns.len());
        self.patterns
            .iter()
            .enumerate()
            .map(|(i, (pattern, regex, bounded))| {
                let superset = found
                    .as_ref()
                    .map(|found| found.contains(regex_automata::PatternID::new_unchecked(i)));
                match superset {
                    Some(false) => false,
                    Some(true) if !bounded => true,
                    // A boundary to confirm, or no answer from the DFA.
                    _ => regex
                        .get_or_init(|| Regex::new(pattern).expect("parsed before"))
                        .is_match(text),
                }
            })
            .collect()
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
        assert!(
            p.superset().is_match("ädpo"),
            "the superset ignores the boundary"
        );
        assert_eq!(p.exactly("ädpo"), Some(false), "the exact form does not");
        assert_eq!(p.exactly("(dpo)"), Some(true));
        assert!(!p.superset().is_match("tietosuoja"));
        assert!(p.is_match("00100"));
        assert!(!p.superset().is_match("x00100"), "other assertions stay");
        let found: Vec<&str> = p
            .find_iter("dpo ja DPO sekä ädpo")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(found, ["dpo", "DPO"]);
        assert_eq!(p.find_iter("ei mitään").count(), 0);
    }

    #[test]
    fn class_sides_agree_with_class_arithmetic() {
        let word = match PERL_WORD.kind() {
            HirKind::Class(Class::Unicode(class)) => class.clone(),
            _ => unreachable!(),
        };
        let mut checked = 0;
        for pattern in [
            r"[a-z]",
            r"\w",
            r"\W",
            r"\S",
            r"\s",
            r"\d",
            r"[äö]",
            r"[\-–]",
            r"\p{L}",
            r"(?s:.)",
            r"[_ ]",
            r"(?i)k",
            r"[^a-z]",
            r"[0-9.]",
            r"\p{Lu}",
            r"[\x00-\x7F]",
            r"[a-z\x{2000}-\x{3000}]",
            r"[\p{M}\p{Pc}]",
            r"(?-u:[\x00-\x7F])",
        ] {
            let hir = regex_syntax::parse(pattern).unwrap();
            let HirKind::Class(class) = hir.kind() else {
                panic!("{pattern} is no class");
            };
            let unicode = match class {
                Class::Unicode(unicode) => unicode.clone(),
                Class::Bytes(bytes) => bytes.to_unicode_class().expect("ASCII"),
            };
            let mut words = unicode.clone();
            words.intersect(&word);
            let mut others = unicode.clone();
            others.difference(&word);
            let expected = (if words.ranges().is_empty() { 0 } else { WORD })
                | (if others.ranges().is_empty() { 0 } else { OTHER });
            assert_eq!(class_sides(class), expected, "{pattern}");
            checked += 1;
        }
        assert_eq!(checked, 19);
    }

    #[test]
    fn exact_forms_only_where_every_boundary_is_known() {
        let exact = |pattern: &str| Pattern::new(pattern).exact.is_some();
        for with in [
            r"(?i)\bdpo\b",
            r"(?:\bö)?y\b",
            r"x\b\s+y",
            r"(?m)^\s*ei\b",
            r"\B-\b",
            r",\bb",
        ] {
            assert!(exact(with), "{with}");
        }
        for without in [
            r"\b\ba",
            r"a\b\b",
            r"\w*\ba",
            r"(?:a\b)+",
            r"^\bfoo",
            r"\b",
            r"\b{start}a",
            r"(?:,|a)\bb",
        ] {
            assert!(!exact(without), "{without}");
        }
        // Boundaries between known characters always or never hold.
        let p = Pattern::new(r"x\b\s+y|a\bb");
        assert_eq!(p.exactly("x  y"), Some(true));
        assert_eq!(p.exactly("ab"), Some(false));
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
            Just("puh. 0".to_string()),
            Just("Tel".to_string()),
            Just("ei ".to_string()),
            Just("luovutetaan".to_string()),
            Just("kk".to_string()),
            Just("Päivä".to_string()),
            Just("b".to_string()),
            "[a-zäöå0-9]{0,4}",
            "[a-zäöå0-9 ,;:()!\n]{0,30}",
        ]
    }

    const PATTERNS: [&str; 18] = [
        r"(?i)\bdpo\b",
        r"(?i)\b(?:\w+)?kunta\b",
        r"\b6\.1\s*[a-f]\b",
        r"\Bä\b|\bö\B",
        r"(?i)ä\b",
        r"(?ix)\b(?:(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?|([a-zåäö]+)(?:\s*\((\d{1,3})\))?)\s*(vuo\w*|v\.|päiv\w*)",
        r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})\b",
        r"^\d+\b",
        r"\b\w*\b",
        r"(?i)\bpuh\.?\s*\d|\b(?:tel|phone)\b",
        r"\B-\b|\b:\B|\Bä",
        r"\b\ba|a\b\b|(?:\bö)?y\b",
        r"(?:a\b)+|(?:\bä)*ö|(?:ä\b){2}",
        r"x\b\s+(?:y|\b-)|(?:,|a)\bb",
        r"(?i)\b(?:ei|inte|not)\s+(?:\w+\s+){0,3}luovute\w*\b",
        r"\w*\ba|\d+\b\.?",
        r"(?u:\b)\p{Lu}\p{Ll}+\b|\b_\b",
        r"(?i)(?:\bkk\b|päiv\w*\b)[.,]?",
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
                prop_assert!(!full.is_match(&text) || p.superset().is_match(&text));
                if let Some(found) = p.exactly(&text) {
                    prop_assert_eq!(found, full.is_match(&text));
                }
                prop_assert_eq!(p.is_match_guarded(&text), full.is_match(&text));
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

    /// Patterns for the set's tests: overlapping, nested, case-blind, one with a word
    /// boundary.
    const SET_PATTERNS: [&str; 5] = [
        r"(?i)oikeus\s+(?:\w+\s+){0,2}saada",
        r"(?i)säilytetään|bevaras",
        r"(?i)processors?\b",
        r"oikeu",
        r"\d{3}",
    ];

    #[test]
    fn a_pattern_set_answers_per_pattern() {
        let set = PatternSet::new(SET_PATTERNS);
        assert_eq!(
            set.matches("Rekisteröidyllä on OIKEUS myös saada tiedot. 123"),
            [true, false, false, false, true]
        );
        assert_eq!(set.matches(""), [false; 5]);
        // The superset of `processors?\b` matches here, the pattern does not.
        assert_eq!(set.matches("processorä"), [false; 5]);
        assert_eq!(
            set.matches("processor."),
            [false, false, true, false, false]
        );
    }

    #[test]
    #[should_panic(expected = "no assertion but word boundaries")]
    fn a_pattern_set_refuses_anchors() {
        PatternSet::new(["^a"]);
    }

    proptest::proptest! {
        /// A set answers as each pattern's `is_match`.
        #[test]
        fn a_pattern_set_is_is_match_per_pattern(
            text in "(oikeus|OIKEUS|saada|säilytetään|bevaras|processor|s|ä|1|23| |\\.)*"
        ) {
            let set = PatternSet::new(SET_PATTERNS);
            let expected: Vec<bool> =
                SET_PATTERNS.iter().map(|p| Regex::new(p).unwrap().is_match(&text)).collect();
            proptest::prop_assert_eq!(set.matches(&text), expected);
        }
    }
}
