//! Links from seloste's values (legal bases, rights, data categories) to terms of the
//! W3C Data Privacy Vocabulary (DPV 2.x), so results can be loaded by DPV-aware tools.
//!
//! The table is data: `data/dpv.tsv`, with its sources and, for values DPV has no exact
//! term for, the closest broader term and why.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::model::{DataCategory, LegalBasis, Right};

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Term {
    /// `basis`, `right` or `category`.
    pub kind: &'static str,
    /// The seloste value (`legal_obligation`).
    pub value: &'static str,
    /// The DPV IRI.
    pub iri: &'static str,
    /// True when DPV has a term for exactly this value.
    pub exact: bool,
}

static TABLE: LazyLock<Vec<Term>> = LazyLock::new(|| {
    include_str!("data/dpv.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&'static str> = l.split('\t').collect();
            assert!(cols.len() >= 4, "bad dpv.tsv row: {l}");
            Term {
                kind: cols[0],
                value: cols[1],
                iri: cols[2],
                exact: cols[3] == "exact",
            }
        })
        .collect()
});

/// Every row of the table.
pub fn table() -> &'static [Term] {
    &TABLE
}

fn lookup(kind: &str, value: &str) -> &'static str {
    TABLE
        .iter()
        .find(|t| t.kind == kind && t.value == value)
        .map(|t| t.iri)
        .unwrap_or_else(|| panic!("dpv.tsv has no {kind} {value}"))
}

fn name_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => unreachable!("unit enum variants serialise as strings"),
    }
}

/// IRI of a legal basis.
pub fn basis(b: LegalBasis) -> &'static str {
    lookup("basis", &name_of(&b))
}

/// IRI of a right.
pub fn right(r: Right) -> &'static str {
    lookup("right", &name_of(&r))
}

/// IRI of a data category.
pub fn category(c: DataCategory) -> &'static str {
    lookup("category", &name_of(&c))
}

/// The `dpv` map of a field: each basis and right value -> its IRI.
pub fn links(bases: &[LegalBasis], rights: &[Right]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for b in bases {
        out.insert(name_of(b), basis(*b).to_string());
    }
    for r in rights {
        out.insert(name_of(r), right(*r).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_a_term() {
        for b in LegalBasis::ALL {
            assert!(basis(b).starts_with("https://w3id.org/dpv"));
        }
        for r in Right::ALL {
            assert!(right(r).starts_with("https://w3id.org/dpv/legal/eu/gdpr#A"));
        }
        for c in DataCategory::ALL {
            assert!(category(c).starts_with("https://w3id.org/dpv"));
        }
        assert_eq!(
            category(DataCategory::Email),
            "https://w3id.org/dpv/pd#EmailAddress"
        );
        assert_eq!(basis(LegalBasis::Consent), "https://w3id.org/dpv#Consent");
        assert!(table().iter().filter(|t| !t.exact).count() >= 1);
    }
}
