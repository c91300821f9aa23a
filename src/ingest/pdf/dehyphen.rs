//! De-hyphenation of words broken at line ends (`tieto-` + `suoja`).

use std::collections::HashSet;

use crate::normalise::lowercase;

/// Words of a document, to decide whether a broken word is one word.
pub struct Lexicon {
    words: HashSet<String>,
}

fn clean(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
}

impl Lexicon {
    /// Collect the lower-cased words of `lines` (the last word of each line is kept
    /// too, but not a word ending in a hyphen).
    pub fn new<'a>(lines: impl Iterator<Item = &'a str>) -> Self {
        let mut words = HashSet::new();
        for l in lines {
            for w in l.split_whitespace() {
                let w = clean(w);
                if !w.is_empty() && !w.ends_with('-') {
                    words.insert(lowercase(w));
                }
            }
        }
        Lexicon { words }
    }
}

/// How a word broken at a line end should be joined.
#[derive(Debug, PartialEq, Eq)]
pub enum Join {
    /// Not a broken word: leave the lines alone.
    No,
    /// Drop the hyphen and join the parts (`tieto` + `suoja`).
    Merge,
    /// Keep the hyphen, join without a space (`tieto-` + `osasto`).
    KeepHyphen,
}

/// Decide how `left` (the last word of a line, ending in `-` or a soft hyphen) and
/// `right` (the first word of the next line) join.
pub fn decide(left: &str, right: &str, lex: &Lexicon) -> Join {
    let soft = left.ends_with('\u{AD}');
    let Some(stem) = left.strip_suffix(['-', '\u{AD}', '\u{2010}']) else {
        return Join::No;
    };
    let stem_word = stem.rsplit(['-', '/', '(']).next().unwrap_or(stem);
    let Some(last) = stem.chars().last() else {
        return Join::No;
    };
    let rword = clean(right);
    let Some(first) = rword.chars().next() else {
        return Join::No;
    };
    if !last.is_alphabetic() || !first.is_alphanumeric() {
        return Join::No;
    }
    if soft {
        return Join::Merge;
    }
    let rclean: String = rword
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    let merged = lowercase(clean(&format!("{stem}{rclean}")));
    let hyphenated = lowercase(clean(&format!("{stem}-{rclean}")));
    let merged_seen = lex.words.contains(&merged);
    if lex.words.contains(&hyphenated) && !merged_seen {
        return Join::KeepHyphen;
    }
    if merged_seen {
        return Join::Merge;
    }
    let vowels = "aeiouyäöå";
    let lower_last = last.to_lowercase().next().unwrap_or(last);
    if first.is_uppercase()
        || last.is_uppercase()
        || first.is_numeric()
        || stem_word.chars().count() == 1
        || (stem_word.chars().count() > 1
            && stem_word
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_uppercase()))
        || (vowels.contains(lower_last) && first == lower_last)
    {
        return Join::KeepHyphen;
    }
    Join::Merge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let lex =
            Lexicon::new(["tietosuojaseloste on tässä suunnittelu", "Saas-palveluna"].into_iter());
        assert_eq!(decide("tieto-", "suojaseloste", &lex), Join::Merge);
        assert_eq!(decide("henkilö-", "tietoja", &lex), Join::Merge);
        assert_eq!(decide("tieto-", "osasto", &lex), Join::KeepHyphen);
        assert_eq!(decide("y-", "tunnus", &lex), Join::KeepHyphen);
        assert_eq!(decide("EU-", "alueella", &lex), Join::KeepHyphen);
        assert_eq!(decide("Saas-", "palveluna", &lex), Join::KeepHyphen);
        assert_eq!(decide("ja", "tai", &lex), Join::No);
        assert_eq!(decide("tieto-", "Suoja", &lex), Join::KeepHyphen);
        assert_eq!(decide("tieto\u{AD}", "suoja", &lex), Join::Merge);
        assert_eq!(decide("1-", "2", &lex), Join::No);
        assert_eq!(decide("su-", "unnittelu", &lex), Join::Merge);
        assert_eq!(decide("Rek-", "isteröidylle", &lex), Join::Merge);
    }
}
