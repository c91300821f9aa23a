//! Stage 5: **check**. Gap and conflict rules of `spec/rules.md` over one mapped notice.
//!
//! A required item counts as present when the notice has a field for it or states it
//! clearly elsewhere (the DPO's contacts under the controller heading, the right to
//! complain inside the access-right section). Conflicts carry the spans of both sides.

use std::sync::LazyLock;

use regex::Regex;

use crate::prefilter::Pattern;

use crate::map::{find_dates, Mapped};
use crate::model::{Conflict, FieldKey, Gap, LegalBasis, NoticeKind, Right, Severity, Span};
use crate::normalise::{lowercase, NormText};
use crate::values;

fn re(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|e| panic!("bad regex {p}: {e}"))
}

/// Words that make a controller a public body (GDPR Art. 37(1)(a): a DPO is mandatory):
/// a word ending in a public body's name (`Tampereen kaupunki`, `Länsi-Uudenmaan
/// hyvinvointialue`, `Helsingin yliopisto`). Only ever asked whether it matches. As first
/// written, each branch read `\b(?:\w+)?(?:…)\b`, with `\w*` after the stems; since every
/// name starts and the stems end with a letter, a name at a word's end and a stem
/// anywhere match the same texts, and the pattern compiles in a fraction of the time
/// (it was among the dearest, about 4.5 ms twice). A test compares the two.
static PUBLIC_BODY: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        (?:kunta|kunnan|kuntaa|kunnassa|kaupunki|kaupungin|kaupunkia|kaupungissa)\b
      | kuntayhtymä|hyvinvointialue
      | (?:virasto|viraston|kela|yliopisto|yliopiston)\b
      | ministeriö|valtion\s+\w|poliisi|puolustusvoim|tuomioistuin|kansaneläkelaito|korkeakoulu
      | (?:kommun|kommunen|stad|staden|ministeriet|verket)\b
      | samkommun|välfärdsområde|församling|myndighet|universitet
      | \b(?:municipality|city\s+of|ministry|agency|university|wellbeing\s+services\s+county)\b
      | valtioneuvosto
    ",
    )
});

/// Is the controller a public body? Looks at the controller field, else the title and preamble.
pub fn is_public_body(norm: &NormText, mapped: &Mapped) -> bool {
    let text = mapped
        .fields
        .get(&FieldKey::Controller)
        .map(|f| f.text.clone())
        .unwrap_or_else(|| {
            let end = mapped
                .sections
                .first()
                .map_or(norm.text.len(), |s| s.span.start);
            format!(
                "{} {}",
                mapped.title.clone().unwrap_or_default(),
                &norm.text[mapped.range.start..end]
            )
        });
    PUBLIC_BODY.is_match(&text)
}

fn has(mapped: &Mapped, key: FieldKey) -> bool {
    mapped.fields.contains_key(&key)
}

static DPO_IN_TEXT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"(?i)tietosuojavastaava|dataskyddsombud|data\s+protection\s+officer|\bdpo\b")
});
static AUTOMATED_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)profiloin|automaattis\w*\s+päätöksente|automatisoitu\w*\s+päätöksente|automatiserat\s+beslut|profilering|automated\s+decision|profiling",
    )
});
static TRANSFER_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)eu:n\s+(?:tai\s+eta:n\s+|ja\s+eta:n\s+)?ulkopuol|eta[- ]alueen\s+ulkopuol|euroopan\s+talousalueen\s+ulkopuol|kolmansiin\s+maihin|utanför\s+eu|outside\s+(?:of\s+)?the\s+(?:eu|eea)",
    )
});
static RETENTION_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)säilytetään|säilytysai|säilyttämisai|hävitetään|poistetaan\s+(?:\w+\s+){0,3}(?:kun|jälkeen)|säilyttää\s+tietoja|bevaras|lagringstid|retention|retained|stored\s+for",
    )
});
static BASIS_IN_TEXT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)oikeusperust|käsittelyperust|lainmukai\w*\s*perust|käsittelyn\s+(?:yleinen\s+)?(?:edellytys|peruste)|yleinen\s+edellytys|6\s*artiklan|art(?:icle|\.)?\s*6\s*\(1\)|\b6\.1\s*[a-f]\b|käsittely\s+perustuu|perustuu\s+(?:\w+\s+){0,2}(?:suostumuk|sopimuk|lakiin|lakisääteis|oikeutettu)|rättslig\s+grund|legal\s+basis|lawful\s+basis",
    )
});
static SOURCES_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)tiedot\s+saadaan|tietoja\s+saadaan|tietolähte|kerätään\s+(?:\w+\s+){0,2}(?:asiakkaalta|rekisteröidyltä|jäseneltä|käyttäjältä)|saadaan\s+(?:\w+\s+)?(?:asiakkaalta|rekisteröidyltä)|uppgiftskäll|sources\s+of",
    )
});

fn gap(field: FieldKey, rule: &str, severity: Severity, message: String) -> Gap {
    Gap {
        field,
        rule: rule.to_string(),
        severity,
        message,
    }
}

/// The text of one notice as both kinds of check read it, worked out once: as written,
/// lower-cased, and the rights it names anywhere.
struct NoticeText<'a> {
    /// The notice's part of the normalised text.
    text: &'a str,
    /// `text` lower-cased by [`lowercase`], which keeps every line break.
    lower: String,
    /// The rights `text` names anywhere ([`values::rights`]).
    rights: Vec<Right>,
}

impl<'a> NoticeText<'a> {
    fn of(norm: &'a NormText, mapped: &Mapped) -> Self {
        let text = &norm.text[mapped.range.start..mapped.range.end];
        let lower = lowercase(text);
        let rights = values::rights_in_lower_case(&lower);
        NoticeText {
            text,
            lower,
            rights,
        }
    }
}

/// The gaps and the conflicts of a mapped notice. `today` is `YYYY-MM-DD`.
pub fn check(norm: &NormText, mapped: &Mapped, today: &str) -> (Vec<Gap>, Vec<Conflict>) {
    let notice = NoticeText::of(norm, mapped);
    (
        gaps(norm, mapped, &notice),
        conflicts(norm, mapped, &notice, today),
    )
}

/// All gaps of a mapped notice.
fn gaps(norm: &NormText, mapped: &Mapped, notice: &NoticeText) -> Vec<Gap> {
    let text = notice.text;
    let mut out = Vec::new();
    let general = mapped.kind == NoticeKind::GeneralStatement;
    let suffix = if general {
        " This document is an organisation-wide statement, not a register-specific notice: each register needs its own notice that gives this."
    } else {
        ""
    };
    let all_rights = &notice.rights;
    let rights_field = mapped
        .fields
        .get(&FieldKey::Rights)
        .map(|f| f.values.rights.clone())
        .unwrap_or_default();
    let rights_stated: Vec<Right> = all_rights
        .iter()
        .chain(rights_field.iter())
        .copied()
        .collect();
    let required: [(FieldKey, &str, bool, &str); 8] = [
        (FieldKey::Controller, "gdpr-13-1-a", has(mapped, FieldKey::Controller), "The notice does not identify the controller or give its contact details (GDPR Art. 13(1)(a))."),
        (FieldKey::Purpose, "gdpr-13-1-c-purpose", has(mapped, FieldKey::Purpose), "The notice does not state the purposes of the processing (GDPR Art. 13(1)(c))."),
        (FieldKey::LegalBasis, "gdpr-13-1-c-basis", has(mapped, FieldKey::LegalBasis) || BASIS_IN_TEXT.is_match(text), "The notice does not state the legal basis of the processing (GDPR Art. 13(1)(c))."),
        (FieldKey::Disclosures, "gdpr-13-1-e", has(mapped, FieldKey::Disclosures), "The notice does not name the recipients or categories of recipients, nor say that there are none (GDPR Art. 13(1)(e))."),
        (FieldKey::Transfers, "gdpr-13-1-f", has(mapped, FieldKey::Transfers) || TRANSFER_IN_TEXT.is_match(text), "The notice does not say whether personal data is transferred outside the EU/EEA (GDPR Art. 13(1)(f))."),
        (FieldKey::Retention, "gdpr-13-2-a", has(mapped, FieldKey::Retention) || RETENTION_IN_TEXT.is_match(text), "The notice does not give the retention period or the criteria used to set it (GDPR Art. 13(2)(a))."),
        (FieldKey::DataContent, "gdpr-14-1-d", has(mapped, FieldKey::DataContent), "The notice does not list the categories of personal data processed (GDPR Art. 14(1)(d))."),
        (FieldKey::Sources, "gdpr-14-2-f", has(mapped, FieldKey::Sources) || SOURCES_IN_TEXT.is_match(text), "The notice does not say where the personal data comes from (GDPR Art. 14(2)(f))."),
    ];
    for (field, rule, present, message) in required {
        if !present {
            out.push(gap(
                field,
                rule,
                Severity::Error,
                format!("{message}{suffix}"),
            ));
        }
    }
    // DPO: mandatory for public bodies.
    if !has(mapped, FieldKey::Dpo) && !DPO_IN_TEXT.is_match(text) {
        let public = is_public_body(norm, mapped);
        let (severity, message) = if public {
            (Severity::Error, "The notice gives no contact details of a data protection officer. The controller is a public body, which must designate one (GDPR Art. 13(1)(b), Art. 37(1)(a)).")
        } else {
            (Severity::Warning, "The notice gives no contact details of a data protection officer (GDPR Art. 13(1)(b)). If the controller has designated one, the notice must say how to reach them.")
        };
        out.push(gap(
            FieldKey::Dpo,
            "gdpr-13-1-b",
            severity,
            format!("{message}{suffix}"),
        ));
    }
    // Rights of access, rectification, erasure, restriction, objection, portability.
    const CORE: [Right; 6] = [
        Right::Access,
        Right::Rectification,
        Right::Erasure,
        Right::Restriction,
        Right::Objection,
        Right::Portability,
    ];
    let named: Vec<Right> = CORE
        .iter()
        .copied()
        .filter(|r| rights_stated.contains(r))
        .collect();
    if named.is_empty() {
        out.push(gap(FieldKey::Rights, "gdpr-13-2-b", Severity::Error, format!("The notice does not tell the data subject of their rights of access, rectification, erasure, restriction, objection and portability (GDPR Art. 13(2)(b)).{suffix}")));
    } else if named.len() < CORE.len() {
        let missing: Vec<&str> = CORE
            .iter()
            .filter(|r| !named.contains(r))
            .map(|r| right_name(*r))
            .collect();
        out.push(gap(FieldKey::Rights, "gdpr-13-2-b", Severity::Warning, format!("The notice names only some of the data subject's rights; not mentioned: {} (GDPR Art. 13(2)(b)).{suffix}", missing.join(", "))));
    }
    let consent = consent_basis(mapped);
    if consent && !rights_stated.contains(&Right::WithdrawConsent) {
        out.push(gap(FieldKey::Rights, "gdpr-13-2-c", Severity::Error, format!("The processing relies on consent, but the notice does not say that consent can be withdrawn at any time (GDPR Art. 13(2)(c)).{suffix}")));
    }
    if !rights_stated.contains(&Right::Complaint) {
        out.push(gap(FieldKey::Rights, "gdpr-13-2-d", Severity::Error, format!("The notice does not mention the right to lodge a complaint with the supervisory authority, the Data Protection Ombudsman (GDPR Art. 13(2)(d)).{suffix}")));
    }
    if !has(mapped, FieldKey::AutomatedDecisions) && !AUTOMATED_IN_TEXT.is_match(text) {
        out.push(gap(FieldKey::AutomatedDecisions, "gdpr-13-2-f", Severity::Warning, format!("The notice does not say whether automated decision-making or profiling is used (GDPR Art. 13(2)(f)).{suffix}")));
    }
    out
}

fn right_name(r: Right) -> &'static str {
    match r {
        Right::Access => "access",
        Right::Rectification => "rectification",
        Right::Erasure => "erasure",
        Right::Restriction => "restriction",
        Right::Objection => "objection",
        Right::Portability => "portability",
        Right::WithdrawConsent => "withdrawal of consent",
        Right::Complaint => "complaint",
    }
}

fn consent_basis(mapped: &Mapped) -> bool {
    mapped
        .fields
        .get(&FieldKey::LegalBasis)
        .is_some_and(|f| f.values.bases.contains(&LegalBasis::Consent))
}

/// The absolute span of a statement found inside a field's text: the field text is
/// rebuilt from the document, so search for the sentence in the field's source spans.
fn locate(norm: &NormText, spans: &[Span], sentence: &str) -> Option<Span> {
    let probe: String = sentence.chars().take(40).collect();
    for s in spans {
        let hay = &norm.text[s.start..s.end];
        if let Some(i) = hay.find(&probe) {
            let start = s.start + i;
            let end = (start + sentence.len()).min(s.end);
            let mut end = end;
            while !norm.text.is_char_boundary(end) {
                end -= 1;
            }
            return Some(Span {
                start,
                end,
                page: s.page,
            });
        }
    }
    // Fall back to a search of the whole text.
    norm.text
        .find(&probe)
        .map(|i| Span::new(i, i + probe.len()))
}

fn spans_of(mapped: &Mapped, key: FieldKey) -> Vec<Span> {
    mapped
        .fields
        .get(&key)
        .map(|f| f.provenance.iter().map(|p| p.span).collect())
        .unwrap_or_default()
}

/// Spans of the sections that do not belong to the given field.
fn other_spans(mapped: &Mapped, key: FieldKey) -> Vec<Span> {
    mapped
        .sections
        .iter()
        .filter(|s| s.field != Some(key) && !s.fields.contains(&key))
        .map(|s| s.span)
        .collect()
}

/// All conflicts of a mapped notice. `today` is `YYYY-MM-DD`.
fn conflicts(norm: &NormText, mapped: &Mapped, notice: &NoticeText, today: &str) -> Vec<Conflict> {
    let mut out = Vec::new();
    transfer_contradiction(norm, mapped, &mut out);
    disclosure_contradiction(norm, mapped, &mut out);
    repealed_laws(norm, mapped, notice, &mut out);
    if consent_basis(mapped) && !notice.rights.contains(&Right::WithdrawConsent) {
        out.push(Conflict {
            rule: "consent-without-withdrawal".into(),
            severity: Severity::Error,
            fields: vec![FieldKey::LegalBasis, FieldKey::Rights],
            message: "The legal basis is consent, but the notice nowhere says that consent can be withdrawn; processing on consent requires that right (GDPR Art. 7(3)).".into(),
            evidence: spans_of(mapped, FieldKey::LegalBasis),
        });
    }
    duplicate_sections(norm, mapped, &mut out);
    date_order(mapped, today, &mut out);
    retention_contradiction(norm, mapped, &mut out);
    sensitive_without_security(mapped, &mut out);
    out
}

fn transfer_contradiction(norm: &NormText, mapped: &Mapped, out: &mut Vec<Conflict>) {
    let Some(field) = mapped.fields.get(&FieldKey::Transfers) else {
        return;
    };
    let negatives = values::no_transfer_statements(&field.text);
    if negatives.is_empty() {
        return;
    }
    let field_spans = spans_of(mapped, FieldKey::Transfers);
    let mut positives: Vec<(Span, String)> = Vec::new();
    for span in other_spans(mapped, FieldKey::Transfers) {
        let hay = &norm.text[span.start..span.end];
        for st in values::transfer_statements(hay) {
            positives.push((
                Span {
                    start: span.start + st.range.0,
                    end: span.start + st.range.1,
                    page: span.page,
                },
                st.text,
            ));
        }
    }
    // The transfers text itself may both deny and admit a transfer.
    for st in values::transfer_statements(&field.text) {
        if let Some(span) = locate(norm, &field_spans, &st.text) {
            positives.push((span, st.text));
        }
    }
    if let Some((pos_span, pos_text)) = positives.first() {
        let neg_span = locate(norm, &field_spans, &negatives[0].text);
        let mut evidence: Vec<Span> = neg_span.into_iter().collect();
        evidence.push(*pos_span);
        out.push(Conflict {
            rule: "transfer-contradiction".into(),
            severity: Severity::Error,
            fields: vec![FieldKey::Transfers],
            message: format!(
                "The transfers section says that no data leaves the EU/EEA (\"{}\"), but the notice also says: \"{}\".",
                clip(&negatives[0].text),
                clip(pos_text)
            ),
            evidence,
        });
    }
}

fn disclosure_contradiction(norm: &NormText, mapped: &Mapped, out: &mut Vec<Conflict>) {
    let Some(field) = mapped.fields.get(&FieldKey::Disclosures) else {
        return;
    };
    let negatives = values::non_disclosure_statements(&field.text);
    if negatives.is_empty() {
        return;
    }
    let field_spans = spans_of(mapped, FieldKey::Disclosures);
    let mut candidates: Vec<(Span, String, bool)> = Vec::new();
    for (st, consent) in values::disclosure_statements(&field.text) {
        if let Some(span) = locate(norm, &field_spans, &st.text) {
            candidates.push((span, st.text, consent));
        }
    }
    for span in other_spans(mapped, FieldKey::Disclosures) {
        let hay = &norm.text[span.start..span.end];
        for (st, consent) in values::disclosure_statements(hay) {
            candidates.push((
                Span {
                    start: span.start + st.range.0,
                    end: span.start + st.range.1,
                    page: span.page,
                },
                st.text,
                consent,
            ));
        }
    }
    // A disclosure only with the person's consent (or of anonymised data) is not a
    // regular disclosure, and a statement that names no recipient says too little.
    let regular = candidates
        .into_iter()
        .find(|(_, text, consent)| !consent && !values::named_organisations(text).is_empty());
    if let Some((span, text, _)) = regular {
        let neg_span = locate(norm, &field_spans, &negatives[0].text);
        let mut evidence: Vec<Span> = neg_span.into_iter().collect();
        evidence.push(span);
        out.push(Conflict {
            rule: "disclosure-contradiction".into(),
            severity: Severity::Warning,
            fields: vec![FieldKey::Disclosures],
            message: format!(
                "The notice says that data is not disclosed (\"{}\"), but also that it is disclosed: \"{}\". A disclosure made only with the person's consent is not a regular disclosure; if that is the case, the notice should say so.",
                clip(&negatives[0].text),
                clip(&text)
            ),
            evidence,
        });
    }
}

fn repealed_laws(norm: &NormText, mapped: &Mapped, notice: &NoticeText, out: &mut Vec<Conflict>) {
    use crate::laws::{by_number, LawStatus};
    let mut seen = Vec::new();
    // Lower-casing keeps every line break, so the lines of both go in step.
    let named = crate::laws::lines_naming_laws_not_in_force(&notice.lower);
    for (line, named) in notice.text.split('\n').zip(named) {
        // Only a law number (which has a `/`) or the name of a law no longer in force
        // can make a citation this rule reports.
        if !named && !line.contains('/') {
            continue;
        }
        for c in values::citations(line) {
            let Some(number) = c.number.clone() else {
                continue;
            };
            let Some(law) = by_number(&number) else {
                continue;
            };
            if seen.contains(&number) {
                continue;
            }
            let message = match law.status {
                LawStatus::InForce => continue,
                LawStatus::Repealed { date, by } => format!(
                    "The notice relies on {} {number}, which was repealed on {date} and replaced by {by}. Update the references.",
                    law.name
                ),
                LawStatus::PartlyRepealed { note } => format!(
                    "The notice cites {} {number}: {note}. Check that the provisions it relies on are still in force.",
                    law.name
                ),
            };
            seen.push(number);
            let start = line.as_ptr() as usize - norm.text.as_ptr() as usize;
            let fields: Vec<FieldKey> = mapped
                .sections
                .iter()
                .filter(|s| s.span.start <= start && start < s.span.end)
                .filter_map(|s| s.field)
                .collect();
            out.push(Conflict {
                rule: "repealed-law".into(),
                severity: Severity::Warning,
                fields: if fields.is_empty() {
                    vec![FieldKey::Legislation]
                } else {
                    fields
                },
                message,
                evidence: vec![Span::new(start, start + line.len())],
            });
        }
    }
}

fn duplicate_sections(norm: &NormText, mapped: &Mapped, out: &mut Vec<Conflict>) {
    let top: Vec<&crate::model::Section> = mapped
        .sections
        .iter()
        .filter(|s| s.level == 1 && s.field.is_some() && !s.heading.is_empty())
        .collect();
    for (i, a) in top.iter().enumerate() {
        for b in &top[i + 1..] {
            if a.field != b.field {
                continue;
            }
            let same_heading = crate::dictionary::match_key(&a.heading)
                == crate::dictionary::match_key(&b.heading);
            if !same_heading {
                continue;
            }
            let body = |s: &crate::model::Section| {
                norm.text[s.span.start..s.span.end]
                    .lines()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .to_string()
            };
            if body(a) == body(b) {
                continue;
            }
            let field = a.field.expect("filtered");
            out.push(Conflict {
                rule: "duplicate-section".into(),
                severity: Severity::Warning,
                fields: vec![field],
                message: format!(
                    "The section \"{}\" appears twice with different content. Check which one is right, or whether the document holds more than one notice.",
                    a.heading
                ),
                evidence: vec![a.span, b.span],
            });
        }
    }
}

fn date_order(mapped: &Mapped, today: &str, out: &mut Vec<Conflict>) {
    if let (Some(d), Some(u)) = (&mapped.dates.drafted, &mapped.dates.updated) {
        if u < d {
            out.push(Conflict {
                rule: "date-order".into(),
                severity: Severity::Warning,
                fields: vec![],
                message: format!(
                    "The notice says it was updated on {u}, before it was drawn up on {d}."
                ),
                evidence: mapped.date_spans.clone(),
            });
        }
    }
    for (date, span) in [&mapped.dates.drafted, &mapped.dates.updated]
        .into_iter()
        .flatten()
        .zip(mapped.date_spans.iter())
    {
        if date.as_str() > today {
            out.push(Conflict {
                rule: "date-order".into(),
                severity: Severity::Warning,
                fields: vec![],
                message: format!("The date {date} lies in the future (today is {today})."),
                evidence: vec![*span],
            });
        }
    }
}

static SUBJECT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)säilytetään|säilytettään|hävitetään|poistetaan|tuhotaan|bevaras|raderas|are\s+kept|are\s+stored|are\s+deleted|retained",
    )
});

fn retention_contradiction(norm: &NormText, mapped: &Mapped, out: &mut Vec<Conflict>) {
    let Some(field) = mapped.fields.get(&FieldKey::Retention) else {
        return;
    };
    let spans = spans_of(mapped, FieldKey::Retention);
    // Per sentence: what it speaks of (the words before the verb) and its periods.
    let mut statements: Vec<(Vec<String>, Vec<crate::model::RetentionPeriod>, String)> = Vec::new();
    for (a, b) in values::sentences(&field.text) {
        let s = &field.text[a..b];
        let periods = values::retention_periods(s);
        if periods.is_empty() {
            continue;
        }
        let subject_end = SUBJECT_WORDS.find(s).map_or(0, |m| m.start());
        let subject: Vec<String> = s[..subject_end]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 3)
            .map(|w| lowercase(w).chars().take(6).collect())
            .collect();
        // One sentence giving both a finite and a permanent period.
        if periods.iter().any(|p| p.permanent) && periods.iter().any(|p| !p.permanent) {
            out.push(retention_conflict(norm, &spans, s, s));
        }
        statements.push((subject, periods, s.to_string()));
    }
    for (i, (sa, pa, ta)) in statements.iter().enumerate() {
        for (sb, pb, tb) in &statements[i + 1..] {
            if sa.is_empty() || sb.is_empty() {
                continue;
            }
            let common = sa.iter().filter(|w| sb.contains(w)).count();
            let same_data = common * 10 >= sa.len().max(sb.len()) * 7;
            let differ = pa
                .iter()
                .map(|p| (&p.duration, p.permanent))
                .collect::<Vec<_>>()
                != pb
                    .iter()
                    .map(|p| (&p.duration, p.permanent))
                    .collect::<Vec<_>>();
            if same_data && differ {
                out.push(retention_conflict(norm, &spans, ta, tb));
            }
        }
    }
}

fn retention_conflict(norm: &NormText, spans: &[Span], a: &str, b: &str) -> Conflict {
    let mut evidence: Vec<Span> = locate(norm, spans, a).into_iter().collect();
    if a != b {
        evidence.extend(locate(norm, spans, b));
    }
    Conflict {
        rule: "retention-contradiction".into(),
        severity: Severity::Warning,
        fields: vec![FieldKey::Retention],
        message: if a == b {
            format!(
                "One statement gives both a limited and a permanent retention: \"{}\".",
                clip(a)
            )
        } else {
            format!("Two different retention periods seem to be given for the same data: \"{}\" and \"{}\".", clip(a), clip(b))
        },
        evidence,
    }
}

static SENSITIVE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)henkilötunnu|\bhetu\b|personbeteckning|personal\s+identity\s+code|terveydentila|terveystie|potilastie|sairaus|diagnoos|hälsouppgift|health\s+data|patient",
    )
});

fn sensitive_without_security(mapped: &Mapped, out: &mut Vec<Conflict>) {
    if mapped.fields.contains_key(&FieldKey::Security) {
        return;
    }
    let Some(content) = mapped.fields.get(&FieldKey::DataContent) else {
        return;
    };
    if let Some(m) = SENSITIVE.find(&content.text) {
        out.push(Conflict {
            rule: "sensitive-without-security".into(),
            severity: Severity::Warning,
            fields: vec![FieldKey::DataContent, FieldKey::Security],
            message: format!(
                "The notice lists sensitive data (\"{}\") but has no section on how the data is protected.",
                m.as_str()
            ),
            evidence: spans_of(mapped, FieldKey::DataContent),
        });
    }
}

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 160 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(157).collect::<String>())
    }
}

/// Dates anywhere in the text later than `today` (used by tests and reports).
pub fn future_dates(text: &str, today: &str) -> Vec<String> {
    find_dates(text)
        .into_iter()
        .filter(|(_, _, d)| d.as_str() > today)
        .map(|(_, _, d)| d)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PUBLIC_BODY answers `is_match` as the pattern as first written, on every line and
    /// sentence of the text samples and on forms written to hit each branch.
    #[test]
    fn public_body_matches_as_first_written() {
        let first = Pattern::new(
            r"(?ix)
            \b(?:\w+)?(?:kunta|kunnan|kuntaa|kunnassa|kaupunki|kaupungin|kaupunkia|kaupungissa|kuntayhtymä\w*|hyvinvointialue\w*|seurakunta|seurakunnan|seurakuntayhtymä\w*)\b
          | \b(?:\w+)?(?:ministeriö\w*|virasto|viraston|valtion\s+\w+|poliisi\w*|puolustusvoim\w*|tuomioistuin\w*|kansaneläkelaito\w*|kela|yliopisto|yliopiston|korkeakoulu\w*)\b
          | \b(?:\w+)?(?:kommun|kommunen|stad|staden|samkommun\w*|välfärdsområde\w*|församling\w*|ministeriet|verket|myndighet\w*|universitet\w*)\b
          | \b(?:municipality|city\s+of|ministry|agency|university|wellbeing\s+services\s+county)\b
          | ulkoministeriö|valtioneuvosto
        ",
        );
        let mut texts: Vec<String> = [
            "Tampereen kaupunki",
            "Sääksmäen seurakunta",
            "Keski-Uudenmaan hyvinvointialueella",
            "Pirkanmaan sairaanhoitopiirin kuntayhtymä",
            "Helsingin yliopiston",
            "Valtion talous- ja henkilöstöhallinnon palvelukeskus",
            "Valtion ",
            "Jokela",
            "kelan",
            "Kansaneläkelaitos",
            "Poliisihallitus",
            "Helsingfors stad",
            "stadion",
            "Karlstad",
            "Åbo Akademi universitet",
            "Skatteverket",
            "verkets",
            "City of Helsinki",
            "velocity of",
            "Ministry of Justice",
            "kuntaliitos",
            "kaupunkilainen",
            "X-kunta",
            "kunta_",
            "kunta2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for text in crate::test_support::sample_texts(&["txt", "md"]) {
            texts.extend(text.lines().map(str::to_string));
            texts.extend(crate::test_support::sentence_strings(&text));
        }
        let mut hits = 0;
        for text in &texts {
            assert_eq!(PUBLIC_BODY.is_match(text), first.is_match(text), "{text:?}");
            hits += usize::from(first.is_match(text));
        }
        assert!(hits >= 30, "{hits}");
    }
}
