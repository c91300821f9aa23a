//! The table of laws that privacy notices cite, with their numbers and repeal status.
//!
//! Sources: Finlex (finlex.fi), the Finnish legislation database, consulted for each
//! act's status (finlex.fi/fi/laki/ajantasa/YYYY/YYYYNNNN for acts in force; the
//! repealing act's own entry for the date and the replacing act); EUR-Lex for the EU
//! acts. Only acts whose number, name and status are certain are listed. The table is data: add a row to support a
//! new law. `name_stems` are lower-case word beginnings that name the law in Finnish,
//! Swedish or English text without its number.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Whether a law is still in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LawStatus {
    /// In force.
    InForce,
    /// Repealed in whole.
    Repealed {
        /// Date the repeal took effect.
        date: &'static str,
        /// The act that replaced it.
        by: &'static str,
    },
    /// In force, but sections that notices cite were repealed or moved.
    PartlyRepealed {
        /// What changed.
        note: &'static str,
    },
}

/// One law.
#[derive(Debug, Clone, Copy)]
pub struct Law {
    /// Statute number, `NNN/YYYY`.
    pub number: &'static str,
    /// Finnish name.
    pub name: &'static str,
    /// Lower-case word beginnings naming the law (Finnish, Swedish, English).
    pub name_stems: &'static [&'static str],
    /// Status.
    pub status: LawStatus,
}

/// The laws notices cite.
pub const LAWS: &[Law] = &[
    Law {
        number: "2016/679",
        name: "EU:n yleinen tietosuoja-asetus",
        name_stems: &[
            "tietosuoja-asetu",
            "yleinen tietosuoja-asetu",
            "yleisen tietosuoja-asetu",
            "dataskyddsförordning",
            "general data protection regulation",
            "gdpr",
        ],
        status: LawStatus::InForce,
    },
    Law {
        number: "1050/2018",
        name: "Tietosuojalaki",
        name_stems: &["tietosuojalai", "tietosuojalak", "tietosuoja laki", "dataskyddslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "523/1999",
        name: "Henkilötietolaki",
        name_stems: &["henkilötietolai", "henkilötietolak", "personuppgiftslag"],
        status: LawStatus::Repealed {
            date: "2019-01-01",
            by: "Tietosuojalaki 1050/2018",
        },
    },
    Law {
        number: "906/2019",
        name: "Laki julkisen hallinnon tiedonhallinnasta",
        name_stems: &["julkisen hallinnon tiedonhallin", "tiedonhallintalai", "informationshantering inom den offentliga"],
        status: LawStatus::InForce,
    },
    Law {
        number: "13/2003",
        name: "Laki sähköisestä asioinnista viranomaistoiminnassa",
        name_stems: &["sähköisestä asioinnista viranomais", "sähköisestä asioiden viranomais"],
        status: LawStatus::PartlyRepealed {
            note: "its provisions on document management and archiving were repealed or moved to the Act on Information Management in Public Administration 906/2019 (amending act 908/2019, in force 1.1.2020)",
        },
    },
    Law {
        number: "831/1994",
        name: "Arkistolaki",
        name_stems: &["arkistolai", "arkistolak", "arkivlag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "621/1999",
        name: "Laki viranomaisten toiminnan julkisuudesta",
        name_stems: &["viranomaisten toiminnan julkisuudes", "julkisuuslai", "julkisuuslak", "offentlighetslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "254/2015",
        name: "Laki sosiaalihuollon asiakasasiakirjoista",
        name_stems: &["sosiaalihuollon asiakasasiakirjoi"],
        status: LawStatus::Repealed {
            date: "2023-11-01",
            by: "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä 703/2023",
        },
    },
    Law {
        number: "159/2007",
        name: "Laki sosiaali- ja terveydenhuollon asiakastietojen sähköisestä käsittelystä",
        name_stems: &["asiakastietojen sähköisestä käsittelystä"],
        status: LawStatus::Repealed {
            date: "2023-11-01",
            by: "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä 703/2023",
        },
    },
    Law {
        number: "703/2023",
        name: "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä",
        name_stems: &["asiakastietojen käsittelystä"],
        status: LawStatus::InForce,
    },
    Law {
        number: "410/2015",
        name: "Kuntalaki",
        name_stems: &["kuntalai", "kuntalak", "kommunallag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "365/1995",
        name: "Kuntalaki (1995)",
        name_stems: &[],
        status: LawStatus::Repealed {
            date: "2015-05-01",
            by: "Kuntalaki 410/2015",
        },
    },
    Law {
        number: "434/2003",
        name: "Hallintolaki",
        name_stems: &["hallintolai", "hallintolak", "förvaltningslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "785/1992",
        name: "Laki potilaan asemasta ja oikeuksista",
        name_stems: &["potilaan asemasta ja oikeuksista", "potilaslai"],
        status: LawStatus::InForce,
    },
    Law {
        number: "812/2000",
        name: "Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista",
        name_stems: &["sosiaalihuollon asiakkaan asemasta"],
        status: LawStatus::InForce,
    },
    Law {
        number: "759/2004",
        name: "Laki yksityisyyden suojasta työelämässä",
        name_stems: &["yksityisyyden suojasta työelämässä"],
        status: LawStatus::InForce,
    },
    Law {
        number: "516/2004",
        name: "Sähköisen viestinnän tietosuojalaki",
        name_stems: &["sähköisen viestinnän tietosuojala"],
        status: LawStatus::Repealed {
            date: "2015-01-01",
            by: "Laki sähköisen viestinnän palveluista 917/2014",
        },
    },
    Law {
        number: "917/2014",
        name: "Laki sähköisen viestinnän palveluista",
        name_stems: &["sähköisen viestinnän palveluista", "tietoyhteiskuntakaar"],
        status: LawStatus::InForce,
    },
    Law {
        number: "1336/1997",
        name: "Kirjanpitolaki",
        name_stems: &["kirjanpitolai", "kirjanpitolak", "bokföringslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "503/1989",
        name: "Yhdistyslaki",
        name_stems: &["yhdistyslai", "yhdistyslak", "föreningslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "298/2009",
        name: "Sosiaali- ja terveysministeriön asetus potilasasiakirjoista",
        name_stems: &["asetus potilasasiakirjoista"],
        status: LawStatus::Repealed {
            date: "2022-02-15",
            by: "Sosiaali- ja terveysministeriön asetus potilasasiakirjoista 94/2022",
        },
    },
    Law {
        number: "1999/95",
        name: "Tietosuojadirektiivi 95/46/EY",
        name_stems: &["95/46/ey", "95/46/eg", "95/46/ec"],
        status: LawStatus::Repealed {
            date: "2018-05-25",
            by: "EU:n yleinen tietosuoja-asetus 2016/679",
        },
    },
    Law {
        number: "94/2022",
        name: "Sosiaali- ja terveysministeriön asetus potilasasiakirjoista",
        name_stems: &[],
        status: LawStatus::InForce,
    },
    Law {
        number: "552/2019",
        name: "Laki sosiaali- ja terveystietojen toissijaisesta käytöstä",
        name_stems: &["toissijaisesta käytöstä", "toisiolai", "toisiolak"],
        status: LawStatus::InForce,
    },
    Law {
        number: "1326/2010",
        name: "Terveydenhuoltolaki",
        name_stems: &["terveydenhuoltolai", "terveydenhuoltolak", "hälso- och sjukvårdslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "1301/2014",
        name: "Sosiaalihuoltolaki",
        name_stems: &["sosiaalihuoltolai", "sosiaalihuoltolak", "socialvårdslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "540/2018",
        name: "Varhaiskasvatuslaki",
        name_stems: &["varhaiskasvatuslai", "varhaiskasvatuslak", "lag om småbarnspedagogik"],
        status: LawStatus::InForce,
    },
    Law {
        number: "628/1998",
        name: "Perusopetuslaki",
        name_stems: &["perusopetuslai", "perusopetuslak", "lag om grundläggande utbildning"],
        status: LawStatus::InForce,
    },
    Law {
        number: "531/2017",
        name: "Laki ammatillisesta koulutuksesta",
        name_stems: &["ammatillisesta koulutuksesta"],
        status: LawStatus::InForce,
    },
    Law {
        number: "558/2009",
        name: "Yliopistolaki",
        name_stems: &["yliopistolai", "yliopistolak", "universitetslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "632/1998",
        name: "Laki vapaasta sivistystyöstä",
        name_stems: &["vapaasta sivistystyöstä"],
        status: LawStatus::InForce,
    },
    Law {
        number: "55/2001",
        name: "Työsopimuslaki",
        name_stems: &["työsopimuslai", "työsopimuslak", "arbetsavtalslag"],
        status: LawStatus::InForce,
    },
    Law {
        number: "1383/2001",
        name: "Työterveyshuoltolaki",
        name_stems: &["työterveyshuoltolai", "työterveyshuoltolak"],
        status: LawStatus::InForce,
    },
    Law {
        number: "444/2017",
        name: "Laki rahanpesun ja terrorismin rahoittamisen estämisestä",
        name_stems: &["rahanpesun ja terrorismin rahoittamisen"],
        status: LawStatus::InForce,
    },
    Law {
        number: "1386/2010",
        name: "Laki kotoutumisen edistämisestä",
        name_stems: &["kotoutumisen edistämisestä"],
        status: LawStatus::Repealed {
            date: "2025-01-01",
            by: "Kotoutumislaki 681/2023",
        },
    },
    Law {
        number: "681/2023",
        name: "Kotoutumislaki",
        name_stems: &["kotoutumislai", "kotoutumislak"],
        status: LawStatus::InForce,
    },
    Law {
        number: "916/2012",
        name: "Laki julkisesta työvoima- ja yrityspalvelusta",
        name_stems: &["julkisesta työvoima- ja yrityspalvelu"],
        status: LawStatus::Repealed {
            date: "2025-01-01",
            by: "Laki työvoimapalvelujen järjestämisestä 380/2023",
        },
    },
    Law {
        number: "380/2023",
        name: "Laki työvoimapalvelujen järjestämisestä",
        name_stems: &["työvoimapalvelujen järjestämisestä"],
        status: LawStatus::InForce,
    },
];

/// For each line of lower-case `text` (split at `\n`), whether it holds a name stem of
/// a law that is not in force (repealed in whole or in part): only then can
/// [`by_name`] of the line name such a law. One pass of an automaton of those few stems
/// over the whole text; no stem holds a line break.
pub fn lines_naming_laws_not_in_force(lower_text: &str) -> Vec<bool> {
    static STEMS_NOT_IN_FORCE: LazyLock<AhoCorasick> = LazyLock::new(|| {
        // Leftmost-first, so that the vectorised literal search (Teddy) runs it: the
        // standard semantics would fall back to a prefilter of the stems' rarest
        // bytes, which stops at too many places in Finnish text to pay.
        AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(
                LAWS.iter()
                    .filter(|law| !matches!(law.status, LawStatus::InForce))
                    .flat_map(|law| law.name_stems),
            )
            .expect("stems of laws not in force")
    });
    let mut lines = vec![false; lower_text.split('\n').count()];
    // A match's line is the number of line breaks before it, counted on from the last
    // match. Every line holding a stem holds a match: a match ends on its own line,
    // and the search goes on after it.
    let (mut line, mut counted_to) = (0, 0);
    for m in STEMS_NOT_IN_FORCE.find_iter(lower_text) {
        line += lower_text[counted_to..m.start()].matches('\n').count();
        counted_to = m.start();
        lines[line] = true;
    }
    lines
}

/// The law with this normalised number.
pub fn by_number(number: &str) -> Option<&'static Law> {
    LAWS.iter().find(|l| l.number == number)
}

/// The law whose name occurs in lower-case `text`, the longest name stem first.
pub fn by_name(lower_text: &str) -> Option<&'static Law> {
    // One pass of an automaton over every stem finds the stems present; the rule is the
    // one of `by_name_scan`: the longest stem wins, the first listed on a tie.
    static STEMS: LazyLock<(AhoCorasick, Vec<(&'static Law, usize)>)> = LazyLock::new(|| {
        let stems: Vec<(&'static Law, &'static str)> = LAWS
            .iter()
            .flat_map(|law| law.name_stems.iter().map(move |s| (law, *s)))
            .collect();
        let automaton = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(stems.iter().map(|(_, s)| s))
            .expect("law name stems");
        (
            automaton,
            stems.iter().map(|(l, s)| (*l, s.len())).collect(),
        )
    });
    let (automaton, stems) = &*STEMS;
    let mut present: Vec<usize> = automaton
        .find_overlapping_iter(lower_text)
        .map(|m| m.pattern().as_usize())
        .collect();
    present.sort_unstable();
    present.dedup();
    let mut best: Option<(&'static Law, usize)> = None;
    for id in present {
        let (law, len) = stems[id];
        if best.is_none_or(|(_, l)| len > l) {
            best = Some((law, len));
        }
    }
    best.map(|(l, _)| l)
}

/// The reference for [`by_name`]: every stem searched for in turn.
#[cfg(test)]
fn by_name_scan(lower_text: &str) -> Option<&'static Law> {
    let mut best: Option<(&'static Law, usize)> = None;
    for law in LAWS {
        for stem in law.name_stems {
            if lower_text.contains(stem) && best.is_none_or(|(_, len)| stem.len() > len) {
                best = Some((law, stem.len()));
            }
        }
    }
    best.map(|(l, _)| l)
}

impl Law {
    /// True when the law or the cited parts of it no longer apply.
    pub fn is_repealed(&self) -> bool {
        matches!(self.status, LawStatus::Repealed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_name_agrees_with_the_scan() {
        let mut texts: Vec<String> = LAWS
            .iter()
            .flat_map(|l| l.name_stems.iter().map(|s| format!("lain {s}ssa ja muuta")))
            .collect();
        texts.push(
            LAWS.iter()
                .flat_map(|l| l.name_stems)
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
        );
        for text in crate::test_support::sample_texts(&["txt", "md", "html"]) {
            texts.extend(text.to_lowercase().lines().map(str::to_string));
        }
        let mut found = 0;
        for t in &texts {
            let fast = by_name(t).map(|l| l.number);
            assert_eq!(fast, by_name_scan(t).map(|l| l.number), "{t}");
            found += usize::from(fast.is_some());
        }
        assert!(found > 20, "{found}");
    }

    #[test]
    fn lines_naming_laws_not_in_force_hold_every_such_name() {
        let mut texts: Vec<String> = crate::test_support::sample_texts(&["txt", "md", "html"])
            .iter()
            .map(|t| t.to_lowercase())
            .collect();
        texts.push(
            LAWS.iter()
                .flat_map(|l| l.name_stems)
                .map(|s| format!("lain {s}ssa ja {s}\n\n"))
                .collect(),
        );
        let mut named = 0;
        for text in &texts {
            let marked = lines_naming_laws_not_in_force(text);
            assert_eq!(marked.len(), text.split('\n').count());
            for (line, marked) in text.split('\n').zip(marked) {
                let law = by_name(line);
                if law.is_some_and(|l| !matches!(l.status, LawStatus::InForce)) {
                    assert!(marked, "{line}");
                    named += 1;
                }
                if law.is_none() {
                    assert!(!marked, "{line}");
                }
            }
        }
        assert!(named > 10, "{named}");
    }

    proptest::proptest! {
        #[test]
        fn lines_naming_laws_not_in_force_are_those_with_such_a_stem(
            text in "(henkilötietolaki|95/46/ey|tietosuojalaki|a| |\n)*"
        ) {
            let marked = lines_naming_laws_not_in_force(&text);
            let expected: Vec<bool> = text
                .split('\n')
                .map(|line| line.contains("henkilötietola") || line.contains("95/46/ey"))
                .collect();
            proptest::prop_assert_eq!(marked, expected);
        }
    }

    #[test]
    fn numbers_are_unique_and_well_formed() {
        for (i, a) in LAWS.iter().enumerate() {
            assert!(a.number.contains('/'), "{}", a.number);
            for b in &LAWS[i + 1..] {
                assert_ne!(a.number, b.number);
            }
        }
    }

    #[test]
    fn names_find_laws() {
        assert_eq!(by_name("henkilötietolain 10 §").unwrap().number, "523/1999");
        assert_eq!(
            by_name("laki julkisen hallinnon tiedonhallinnasta")
                .unwrap()
                .number,
            "906/2019"
        );
        assert!(by_number("523/1999").unwrap().is_repealed());
        assert!(!by_number("1050/2018").unwrap().is_repealed());
    }
}
