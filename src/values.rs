//! Structured values read from a field's text: contacts, legal bases, law citations,
//! data items, sources, disclosures, transfers, retention periods and rights.
//!
//! Every extractor is a pure function of text. A value that is not in the text is
//! absent, never guessed. Regexes are compiled once.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::prefilter::{Literals, Pattern, PatternSet};

use crate::dpv;
use crate::laws;
use crate::model::{
    Citation, DataCategory, DataItem, FieldKey, LegalBasis, RetentionPeriod, Right, SourceKind,
    StructuredValues,
};
use crate::normalise::lowercase;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad regex {pattern}: {e}"))
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

// ---------------------------------------------------------------- contacts

static OBFUSCATED_AT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\s*(?:\(at\)|\[at\]|\{at\}|\(ät\)|\[ät\]|\(a\)|\(@\)|\s+at\s+|\s+miuku\s+|\s+\(miuku\)\s+)\s*",
    )
});
static OBFUSCATED_DOT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\s*(?:\(dot\)|\[dot\]|\(piste\))\s*"));
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"));

/// E-mail addresses, de-obfuscated (`kirjaamo(at)raisio.fi`, `x (ät) y.fi`, `x miuku y.fi`).
pub fn emails(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let clean = OBFUSCATED_DOT.replace_all(line, ".");
        let clean = OBFUSCATED_AT.replace_all(&clean, "@");
        for m in EMAIL.find_iter(&clean) {
            let addr = m.as_str().trim_end_matches('.');
            let (local, domain) = addr.split_once('@').expect("regex has @");
            if local.is_empty() || !domain.contains('.') {
                continue;
            }
            push_unique(&mut out, format!("{local}@{}", lowercase(domain)));
        }
    }
    out
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
        (?:^|[^\d/.\-])
        (
          (?:\+|00)358[\s\-]?\(?0?\d{1,3}\)?(?:[\s\-]?\d{2,4}){1,4}
        | \+\d{1,3}(?:[\s\-]?\d{1,4}){2,5}
        | \(0\d{1,3}\)[\s\-]?\d{3,4}(?:[\s\-]?\d{2,4}){0,2}
        | 0\d{1,3}[\s\-]\d{5,8}
        | 0\d{1,3}(?:[\s\-]\d{2,4}){1,3}
        | 0\d{5,11}
        )
        (?:$|[^\d/.])")
});
static PHONE_LABEL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"(?i)\b(?:puh|p|tel|tfn|phone|puhelin\w*|gsm|mobile|matkapuhelin)\b\.?:?\s*$")
});

/// Phone numbers in E.164 (`+358243431111`). Finnish numbers start with 0 or +358.
pub fn phones(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        for cap in PHONE.captures_iter(line) {
            let m = cap.get(1).expect("group 1");
            let raw = m.as_str().trim();
            let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            let labelled = PHONE_LABEL.is_match(&line[..m.start()]);
            let e164 = if raw.starts_with('+') || raw.starts_with("00") {
                let d = digits.strip_prefix("00").unwrap_or(&digits);
                if let Some(national) = d.strip_prefix("358") {
                    let national = national.strip_prefix('0').unwrap_or(national);
                    format!("+358{national}")
                } else {
                    format!("+{d}")
                }
            } else {
                let national = digits.strip_prefix('0').unwrap_or(&digits);
                format!("+358{national}")
            };
            let national_len = e164.len() - 1;
            // A plain number needs a label unless it has the shape of a phone number.
            if !(8..=15).contains(&national_len) {
                continue;
            }
            if !labelled
                && !raw.starts_with('+')
                && !raw.starts_with('(')
                && !raw.contains(' ')
                && !raw.contains('-')
            {
                continue;
            }
            push_unique(&mut out, e164);
        }
    }
    out
}

static POSTAL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
        (?:(?:PL|PB|P\.?O\.?\s?Box|Post\s?Box|Postilokero)\s*\d{1,5}\s*,?\s*)?
        (?:[A-ZÅÄÖ][\p{L}\-]+(?:\s[\p{L}\-]+){0,3}\s\d{1,3}(?:\s?[A-Za-z](?:\s?\d{1,3})?)?(?:-\d{1,3})?\s*,?\s*)?
        (?:\(\s*[^)]{1,40}\)\s*,?\s*)?
        (?:FI-|SF-)?\d{5}\s+[A-ZÅÄÖ][\p{L}\-]+(?:\s[A-ZÅÄÖ][\p{L}]+)?")
});

/// A line that is only a postal code and a post office (`00014 Helsingin yliopisto`).
static POSTCODE_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:FI-|SF-)?\d{5}\s+\p{Lu}[\p{L}\-]*(?:\s+[\p{L}\-]+){0,2}$"));
/// A line that is only a P.O. box or a street address, optionally labelled or after the
/// organisation's name and a comma (`Ulkoministeriö, Post Box 176`).
static BOX_OR_STREET_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)^
        (?:[^,]{1,80},\s*)?
        (?:(?i:posti|käynti|katu)?(?i:osoite|adress|address|besöksadress|postadress)\s*:\s*)?
        (
          (?:PL|PB|P\.?\s?O\.?\s?Box|Post\s?Box|Postilokero|Box)\s*\d{1,5}(?:\s*\([^)]{1,40}\))?
        | \p{Lu}[\p{L}\-]+(?:\s[\p{L}\-]+){0,3}\s\d{1,3}(?:\s?[A-Za-z](?:\s?\d{1,3})?)?(?:-\d{1,3})?(?:\s*\([^)]{1,40}\))?
        )\s*,?$")
});

/// Postal addresses as written: `PL 100, (Nallinkatu 2), 21201 Raisio`. An address
/// written on two lines (`PL 26 (Teollisuuskatu 23)` / `00014 Helsingin yliopisto`)
/// is joined with a comma; a line that is only a postal code and a post office keeps
/// the whole post office name.
pub fn addresses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim().trim_start_matches(['-', '*', '•']).trim();
        if trimmed.is_empty() {
            continue;
        }
        if POSTCODE_LINE.is_match(trimmed) {
            let joined = previous
                .and_then(|p| BOX_OR_STREET_LINE.captures(p))
                .map(|c| format!("{}, {trimmed}", c[1].trim()));
            push_unique(&mut out, joined.unwrap_or_else(|| trimmed.to_string()));
        } else {
            for m in POSTAL.find_iter(line) {
                let a = m.as_str().trim().trim_end_matches(',').to_string();
                push_unique(&mut out, a);
            }
        }
        previous = Some(trimmed);
    }
    out
}

static BUSINESS_ID: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)(?:y-tunnus|y-tunnuksella|y\.tunnus|fo-nummer|business id)?[:\s]*\b(\d{6,8})-(\d)\b|(?i)(?:y-tunnus|fo-nummer|business id)[:\s]+(\d{8})\b",
    )
});

/// Check digit of a Finnish business ID's seven digits; `None` when no valid digit exists.
pub fn business_id_check_digit(seven: &str) -> Option<u32> {
    const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];
    if seven.len() != 7 || !seven.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = seven
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match sum % 11 {
        0 => Some(0),
        1 => None,
        r => Some(11 - r),
    }
}

/// Business IDs found: `(valid, invalid)`, each as `NNNNNNN-C`.
pub fn business_ids(text: &str) -> (Vec<String>, Vec<String>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for cap in BUSINESS_ID.captures_iter(text) {
        let (body, check) = if let (Some(b), Some(c)) = (cap.get(1), cap.get(2)) {
            (b.as_str().to_string(), c.as_str().to_string())
        } else if let Some(whole) = cap.get(3) {
            let w = whole.as_str();
            (w[..7].to_string(), w[7..].to_string())
        } else {
            continue;
        };
        // Old IDs were written with six digits: pad with a leading zero.
        let body = if body.len() == 6 {
            format!("0{body}")
        } else {
            body
        };
        let id = format!("{body}-{check}");
        let ok = business_id_check_digit(&body).is_some_and(|d| d.to_string() == check);
        if ok {
            push_unique(&mut valid, id);
        } else {
            push_unique(&mut invalid, id);
        }
    }
    (valid, invalid)
}

const ROLE_WORDS: &[&str] = &[
    "päällikkö",
    "johtaja",
    "sihteeri",
    "vastaava",
    "koordinaattori",
    "asiantuntija",
    "esimies",
    "esihenkilö",
    "pääkäyttäjä",
    "puheenjohtaja",
    "hallitus",
    "suunnittelija",
    "kaupunginjohtaja",
    "kunnanjohtaja",
    "tietosuojavastaava",
    "ylläpito",
    "officer",
    "manager",
    "director",
    "chef",
    "direktör",
    "sekreterare",
    "ansvarig",
    "rehtori",
    "lakimies",
];

/// Words of the headings of contact sections, which stay in a field's text when they
/// head a subsection: such a line is no name.
const SUBHEADING_WORDS: &[&str] = &[
    "rekisterinpitäjä",
    "personuppgiftsansvarig",
    "yhteyshenkilö",
    "yhteystied",
    "asioissa",
    "asioiden",
    "contact",
    "matters concerning",
    "kontaktperson",
    "kontaktuppgift",
];

static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?i)(nimi|name|namn|tehtävä|titteli|nimike|title|befattning|rooli)\s*:\s*(.+)$")
});

/// A name without the business ID written after it (`Akaa Hacklab ry (y-tunnus
/// 33425921-3)`): the ID is a value of its own.
fn without_business_id(name: &str) -> String {
    let cut = name
        .to_lowercase()
        .find("(y-tunnus")
        .filter(|&i| name.is_char_boundary(i))
        .unwrap_or(name.len());
    name[..cut].trim().to_string()
}

/// Name and role title of a contact field: labelled lines (`Nimi:`, `Tehtävä:`) first,
/// else the first line that is neither an address nor a contact detail.
pub fn name_and_title(text: &str) -> (Option<String>, Option<String>) {
    let mut name = None;
    let mut title = None;
    for line in text.lines() {
        if let Some(c) = LABELLED.captures(line.trim()) {
            let value = without_business_id(&c[2]);
            match c[1].to_lowercase().as_str() {
                "nimi" | "name" | "namn" => {
                    name.get_or_insert(value);
                }
                _ => {
                    title.get_or_insert(value);
                }
            }
        }
    }
    if name.is_none() && title.is_none() {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let is_detail = line.contains('@')
                || line.chars().filter(char::is_ascii_digit).count() >= 4
                || line.contains(": ")
                || line.ends_with(':')
                // Names start with a capital (a form's label pieces do not).
                || !line.starts_with(char::is_uppercase)
                || line.split_whitespace().count() > 8
                || line.ends_with('.');
            // A subheading kept in the field text (`Contacts on matters concerning the
            // register`, `Rekisteriasioiden yhteyshenkilö`) names no one.
            let lower = lowercase(line);
            let is_heading = SUBHEADING_WORDS.iter().any(|w| lower.contains(w));
            if is_detail || is_heading {
                continue;
            }
            let is_role = |part: &str| {
                let lower = lowercase(part);
                ROLE_WORDS.iter().any(|w| lower.contains(w))
                    && !lower.contains("kaupunki")
                    && !lower.contains("kunta")
            };
            // `Aki Lassila, kehittämispäällikkö`: a name, then a role.
            if let Some((first, rest)) = line.split_once(", ") {
                if !is_role(first) && is_role(rest) && first.split_whitespace().count() <= 4 {
                    name = Some(first.trim().to_string());
                    title = Some(rest.trim().to_string());
                    break;
                }
            }
            let candidate = without_business_id(line.split(',').next().unwrap_or(line));
            if is_role(line) {
                title.get_or_insert(candidate);
            } else {
                name.get_or_insert(candidate);
            }
            break;
        }
    }
    (name, title)
}

// ---------------------------------------------------------------- legal basis

static ARTICLE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        (?:6\s*(?:artiklan|artikla|art\.?)\s*(?:1\s*(?:kohdan|kohta|mom\.?|punkt)?\s*)?\(?([a-f])\)?(?:\s*[-–]?\s*(?:kohta|kohdan|alakohta|alakohdan|punkten))?)
      | (?:art(?:icle|ikla|\.)?\s*6\s*\(1\)\s*\(([a-f])\))
      | (?:\b6\s*\(1\)\s*\(?([a-f])\)?)
      | (?:\b6\.1\.?\s*([a-f])\b)
      | (?:artikla\s*6\s*(?:kohta\s*)?1\s*([a-f])\b)
      | (?:9\s*(?:artiklan|artikla|art\.?)\s*(?:2\s*(?:kohdan|kohta)?\s*)?\(?([a-j])\)?)
      | (?:art(?:icle|ikla|\.)?\s*9\s*\(2\)\s*\(([a-j])\))",
    )
});

fn basis_of_letter(letter: char) -> Option<LegalBasis> {
    Some(match letter {
        'a' => LegalBasis::Consent,
        'b' => LegalBasis::Contract,
        'c' => LegalBasis::LegalObligation,
        'd' => LegalBasis::VitalInterests,
        'e' => LegalBasis::PublicTask,
        'f' => LegalBasis::LegitimateInterests,
        _ => return None,
    })
}

/// Words naming a basis (Finnish, Swedish, English), each with its confidence.
const BASIS_WORDS: &[(LegalBasis, &str, f64)] = &[
    (LegalBasis::Consent, r"(?i)suostumu|samtycke|\bconsent", 0.9),
    (
        LegalBasis::Contract,
        r"(?i)sopimu|asiakassuhteeseen|\bavtal|\bcontract",
        0.9,
    ),
    (
        LegalBasis::LegalObligation,
        r"(?ix)
                (?:lakisääteis|laillis|laillinen|lainsäädännöllis|lakiin\s+perustuv)\w*\s+velvoit
              | lakisääteisiä\s+tehtäviä|lakisääteisten\s+tehtävien
              | perustuu\s+(?:\p{L}+\s+)?lakiin|(?:lakiperusteis|lakisääteis)\w*\s+velvollisuu
              | rättslig\w*\s+förpliktelse|lagstadgad|legal\s+obligation",
        0.9,
    ),
    (
        LegalBasis::VitalInterests,
        r"(?i)elintärke|vitalt\s+intresse|vital\s+interest",
        0.9,
    ),
    (
        LegalBasis::PublicTask,
        r"(?ix)
                yleisen\s+edun|yleistä\s+etua|yleinen\s+etu|julkisen\s+vallan
              | allmänt\s+intresse|myndighetsutövning
              | public\s+interest|official\s+authority",
        0.9,
    ),
    (
        LegalBasis::LegitimateInterests,
        r"(?ix)
                oikeutettu\s+(?:[\p{L}\-]+\s+){0,3}etu|oikeutetun\s+(?:[\p{L}\-]+\s+){0,3}edun
              | oikeutettuun\s+(?:[\p{L}\-]+\s+){0,3}etuun|oikeutettuja\s+etuja
              | berättigat?\w*\s+intresse|legitimate\s+interest",
        0.9,
    ),
];
/// "Without consent": not a consent basis.
static NO_CONSENT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\bilman\s+(?:\p{L}+\s+){0,2}suostumu|\butan\s+(?:\p{L}+\s+){0,2}samtycke|\bwithout\s+(?:\p{L}+\s+){0,2}consent",
    )
});
/// A disclosure sentence (a consent-only disclosure inside a purpose + legal basis text
/// is not a consent basis).
static DISCLOSURE_SENTENCE: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"(?i)luovut|\bdisclos|lämnas\s+ut|utlämn|överlåt"));
/// Weak evidence of a legal obligation: a bare `Lakiperuste`, a list line `laki (...)`.
static WEAK_OBLIGATION: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"(?im)\blakiperuste\b|^\s*(?:[-•*]\s*)?laki\s*(?:\(|$)"));
/// Article forms the main pattern does not cover: `artikel 6.1 c`, `article 6 1 c`.
static ARTICLE_OTHER: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:artikel|article|artikla)\s*([69])\s*(?:\.|\s)\s*\(?([12])\)?\s*(?:punkten\s*|led\s*)?\(?([a-j])\)?(?:\b|\))",
    )
});

/// GDPR articles (`6(1)(c)`, `9(2)(h)`) and the bases of a legal-basis text.
pub fn legal_bases(text: &str) -> (Vec<String>, Vec<LegalBasis>) {
    let (articles, bases, _) = legal_bases_scored(text);
    (articles, bases)
}

/// GDPR articles, bases and the confidence of each basis: 1.0 from an article letter,
/// 0.9 from the basis named in words, 0.5 from weak evidence (`Lakiperuste` alone).
pub fn legal_bases_scored(text: &str) -> (Vec<String>, Vec<LegalBasis>, BTreeMap<LegalBasis, f64>) {
    let mut articles = Vec::new();
    let mut confidence: BTreeMap<LegalBasis, f64> = BTreeMap::new();
    let mut found = |b: LegalBasis, c: f64| {
        let e = confidence.entry(b).or_insert(c);
        if c > *e {
            *e = c;
        }
    };
    for cap in ARTICLE.captures_iter(text) {
        for g in 1..=7 {
            if let Some(m) = cap.get(g) {
                let letter = m
                    .as_str()
                    .to_ascii_lowercase()
                    .chars()
                    .next()
                    .expect("one letter");
                if g <= 5 {
                    push_unique(&mut articles, format!("6(1)({letter})"));
                    if let Some(b) = basis_of_letter(letter) {
                        found(b, 1.0);
                    }
                } else {
                    push_unique(&mut articles, format!("9(2)({letter})"));
                }
            }
        }
    }
    for cap in ARTICLE_OTHER.captures_iter(text) {
        let letter = cap[3].to_ascii_lowercase().chars().next().expect("letter");
        match (&cap[1], &cap[2]) {
            ("6", "1") if letter <= 'f' => {
                push_unique(&mut articles, format!("6(1)({letter})"));
                if let Some(b) = basis_of_letter(letter) {
                    found(b, 1.0);
                }
            }
            ("9", "2") => push_unique(&mut articles, format!("9(2)({letter})")),
            _ => {}
        }
    }
    // Every basis's words in one pass over each sentence.
    static NAMED: LazyLock<PatternSet> =
        LazyLock::new(|| PatternSet::new(BASIS_WORDS.iter().map(|(_, words, _)| *words)));
    for (a, b) in sentences(text) {
        let sentence = &text[a..b];
        for ((basis, _, c), named) in BASIS_WORDS.iter().zip(NAMED.matches(sentence)) {
            if !named {
                continue;
            }
            if *basis == LegalBasis::Consent
                && (NO_CONSENT.is_match(sentence) || DISCLOSURE_SENTENCE.is_match(sentence))
            {
                continue;
            }
            found(*basis, *c);
        }
    }
    if WEAK_OBLIGATION.is_match(text) {
        found(LegalBasis::LegalObligation, 0.5);
    }
    let bases: Vec<LegalBasis> = confidence.keys().copied().collect();
    (articles, bases, confidence)
}

// ---------------------------------------------------------------- legislation

static LAW_NUMBER: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?x)
        \b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})/(\d{1,4})\b      # 24.1.2003/13
      | \(?\bEU\)?\s*(20\d{2}|19\d{2})/(\d{1,4})\b                 # EU 2016/679
      | \b(\d{1,4})/((?:19|20)?\d{2})\b                           # 1050/2018, 523/99
      | \b(199\d|20[0-3]\d)/(\d{3})\b                              # 2016/679 (EU, year first)
    ",
    )
});

/// Law citations in a text, each with its normalised number, name and status.
/// `679/2016` (the EU regulation with its parts swapped, as some notices write it)
/// is normalised to `2016/679`.
pub fn citations(text: &str) -> Vec<Citation> {
    let mut out: Vec<Citation> = Vec::new();
    for line in text.lines() {
        let lower = lowercase(line);
        let mut found_number = false;
        // Every form of a law number has a `/`: most lines skip the regex.
        let numbers = if line.contains('/') {
            Some(LAW_NUMBER.captures_iter(line))
        } else {
            None
        };
        for cap in numbers.into_iter().flatten() {
            let whole = cap.get(0).expect("match");
            let number = if let (Some(y), Some(n)) = (cap.get(3), cap.get(4)) {
                format!("{}/{}", n.as_str(), y.as_str())
            } else if let (Some(y), Some(n)) =
                (cap.get(5).or(cap.get(9)), cap.get(6).or(cap.get(10)))
            {
                format!("{}/{}", y.as_str(), n.as_str())
            } else if let (Some(n), Some(y)) = (cap.get(7), cap.get(8)) {
                let y = y.as_str();
                let year = if y.len() == 2 {
                    if y.parse::<u32>().unwrap_or(0) > 30 {
                        format!("19{y}")
                    } else {
                        format!("20{y}")
                    }
                } else {
                    y.to_string()
                };
                if n.as_str() == "679" && year == "2016" {
                    "2016/679".to_string()
                } else {
                    format!("{}/{}", n.as_str(), year)
                }
            } else {
                continue;
            };
            // Numbers that are dates or phone parts are not law numbers.
            let before = &line[..whole.start()];
            if before.ends_with('.') && cap.get(7).is_some() {
                continue;
            }
            // `21 § (9.8.2019/908)`: the act that last amended the section, not a law
            // the notice cites.
            if found_number
                && before
                    .trim_end()
                    .trim_end_matches('(')
                    .trim_end()
                    .ends_with('§')
            {
                continue;
            }
            let note = (cap.get(7).is_some_and(|n| n.as_str() == "679")
                && number == "2016/679")
                .then(|| {
                    format!(
                        "written as {}; normalised to 2016/679, the EU General Data Protection Regulation's number (year first)",
                        whole.as_str().trim_start_matches('(')
                    )
                });
            let law = laws::by_number(&number);
            let near_law_word = lower.contains("laki")
                || lower.contains("lain")
                || lower.contains("lag")
                || lower.contains("asetu")
                || lower.contains("act")
                || lower.contains("regulation")
                || lower.contains("förordning")
                || lower.contains("direktiivi")
                || lower.contains("gdpr");
            if law.is_none() && !near_law_word {
                continue;
            }
            found_number = true;
            let name = law
                .map(|l| l.name.to_string())
                .or_else(|| laws::by_name(&lower).map(|l| l.name.to_string()));
            if out
                .iter()
                .any(|c| c.number.as_deref() == Some(number.as_str()))
            {
                continue;
            }
            out.push(Citation {
                text: line
                    .trim()
                    .trim_start_matches(['-', '*', '•', ' '])
                    .to_string(),
                number: Some(number),
                name,
                repealed: law.is_some_and(laws::Law::is_repealed),
                note,
            });
        }
        if !found_number {
            if let Some(law) = laws::by_name(&lower) {
                if out.iter().any(|c| c.number.as_deref() == Some(law.number)) {
                    continue;
                }
                out.push(Citation {
                    text: line
                        .trim()
                        .trim_start_matches(['-', '*', '•', ' '])
                        .to_string(),
                    number: Some(law.number.to_string()),
                    name: Some(law.name.to_string()),
                    repealed: law.is_repealed(),
                    note: None,
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------- data content

const CATEGORY_WORDS: &[(DataCategory, &[&str])] = &[
    (
        DataCategory::NationalId,
        &[
            "henkilötunnus",
            "hetu",
            "personbeteckning",
            "personal identity code",
            "social security",
        ],
    ),
    (
        DataCategory::Email,
        &["sähköposti", "e-post", "email", "e-mail"],
    ),
    (
        DataCategory::Phone,
        &["puhelin", "telefon", "phone", "matkapuhelin"],
    ),
    (
        DataCategory::Address,
        &[
            "osoite",
            "osoitteet",
            "osoitetiedot",
            "adress",
            "address",
            "kotikunta",
            "kotipaikka",
            "asuinkunta",
            "asuinpaikka",
            "hemort",
            "hemkommun",
            "country of residence",
        ],
    ),
    (
        DataCategory::DateOfBirth,
        &[
            "syntymäaika",
            "syntymäpäivä",
            "ikä",
            "födelsedatum",
            "date of birth",
            "birth",
        ],
    ),
    (
        DataCategory::BankAccount,
        &[
            "tilinumero",
            "pankkitili",
            "iban",
            "kontonummer",
            "bank account",
        ],
    ),
    (
        DataCategory::PropertyId,
        &["kiinteistötunnus", "fastighetsbeteckning"],
    ),
    (
        DataCategory::BusinessId,
        &["y-tunnus", "fo-nummer", "business id"],
    ),
    (
        DataCategory::Language,
        &[
            "äidinkieli",
            "asiointikieli",
            "kommunikointikieli",
            "kieli",
            "modersmål",
            "språk",
            "language",
        ],
    ),
    (DataCategory::Gender, &["sukupuoli", "kön", "gender"]),
    (
        DataCategory::MaritalStatus,
        &["siviilisääty", "siviilisäätö", "civilstånd", "marital"],
    ),
    (
        DataCategory::Occupation,
        &[
            "ammatti",
            "työnantaja",
            "asema",
            "titteli",
            "tehtävänimike",
            "yrké",
            "occupation",
            "work experience",
            "koulutus",
            "education",
        ],
    ),
    (
        DataCategory::Family,
        &[
            "perhe", "huoltaja", "lapsi", "lapset", "puoliso", "omainen", "omaise", "familj",
            "family",
        ],
    ),
    (
        DataCategory::Financial,
        &[
            "talous", "tulot", "laskutus", "maksu", "luotto", "taloutta", "ekonomi", "payment",
            "invoice", "billing",
        ],
    ),
    (
        DataCategory::Health,
        &[
            "terveys",
            "terveydentila",
            "sairaus",
            "diagnoosi",
            "potilas",
            "hoito",
            "lääkitys",
            "hälsa",
            "health",
            "allergia",
        ],
    ),
    (
        DataCategory::ServiceHistory,
        &[
            "käyttöhistoria",
            "asiakaskertomu",
            "palvelutapahtum",
            "asiakastapahtum",
            "tilatut palvelut",
            "toimenpiteistä",
            "historia",
            "service history",
            "transaction",
        ],
    ),
    (
        DataCategory::ContactDetails,
        &["yhteystiedot", "yhteystieto", "kontaktuppgifter", "contact"],
    ),
    (
        DataCategory::Name,
        &["nimi", "etunimi", "sukunimi", "namn", "name"],
    ),
];

/// Items whose words would mislead the table: identifiers and technical addresses
/// that the schema's list has no category for, and general contact details.
const CATEGORY_FIRST: &[(DataCategory, &[&str])] = &[
    (
        DataCategory::Other,
        &[
            "ip-osoite",
            "ip-adress",
            "ip address",
            "www-sivu",
            "wwwsivu",
            "verkkosivu",
            "käyttäjätunnu",
            "användarnamn",
            "username",
            "user name",
            "salasana",
            "lösenord",
            "password",
        ],
    ),
    (
        DataCategory::ContactDetails,
        &[
            "yhteystied",
            "yhteistied",
            "sähköiset osoitteet",
            "kontaktuppgift",
            "contact details",
            "contact information",
        ],
    ),
];

/// The category of one item of personal data. An item with a list in parentheses
/// (`yhteystiedot (puhelinnumero, sähköpostiosoite)`) is categorised by its head.
pub fn categorise(item: &str) -> DataCategory {
    let lower = item_head_lowercase(item);
    if let Some(category) = first_category(&lower) {
        return category;
    }
    static WORDS: LazyLock<Literals> = LazyLock::new(|| table_literals(CATEGORY_WORDS));
    let present = WORDS.groups_in_where(&lower, |keyword, at| keyword_at(&lower, keyword, at));
    tags_present(CATEGORY_WORDS, present)
        .next()
        .unwrap_or(DataCategory::Other)
}

/// The automaton of a table of tagged word lists: one group per row.
fn table_literals<T>(table: &[(T, &[&str])]) -> Literals {
    Literals::new(&table.iter().map(|(_, words)| *words).collect::<Vec<_>>())
}

/// The tags of `table`'s rows whose group is `present` (from [`table_literals`]), in
/// table order.
fn tags_present<'t, T: Copy>(
    table: &'t [(T, &[&str])],
    present: Vec<bool>,
) -> impl Iterator<Item = T> + 't {
    table
        .iter()
        .zip(present)
        .filter(|(_, present)| *present)
        .map(|((tag, _), _)| *tag)
}

/// The lower-cased head of a data item: the text before a parenthesis, if any.
fn item_head_lowercase(item: &str) -> String {
    let head = item.split('(').next().unwrap_or(item).trim();
    lowercase(if head.is_empty() { item } else { head })
}

/// The category of [`CATEGORY_FIRST`] that a lower-cased item head names, if any:
/// these are tested before all others.
fn first_category(lower: &str) -> Option<DataCategory> {
    for (category, words) in CATEGORY_FIRST {
        // General contact details only as the item's head word (`yhteystiedot (...)`,
        // `yrityksen yhteistiedot`), not `Työnantaja ja sen yhteystiedot`.
        let hay: std::borrow::Cow<str> = if *category == DataCategory::ContactDetails {
            lower
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
                .into()
        } else {
            lower.into()
        };
        if words.iter().any(|w| hay.contains(w)) {
            return Some(*category);
        }
    }
    None
}

/// Whether the occurrence of `keyword` at byte `at` of `hay` counts as
/// [`contains_keyword`] counts one: any occurrence of a longer keyword, only one at a
/// word's start of a short one. (`contains_keyword` sees only the occurrences that do
/// not overlap an earlier one; an overlapping one starts after a letter of the
/// keyword, and short keywords are all letters and digits, so it never counts.)
fn keyword_at(hay: &str, keyword: &str, at: usize) -> bool {
    keyword.chars().count() > 4
        || hay[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// Whether `hay` holds the keyword: anywhere in a word for longer keywords (Finnish
/// compounds put the head last: `sähköpostiosoite`), only at a word's start for short
/// ones (`ikä` is in `alaikäisen`, which is no age). The reference for
/// [`keyword_at`].
#[cfg(test)]
fn contains_keyword(hay: &str, keyword: &str) -> bool {
    if keyword.chars().count() > 4 {
        return hay.contains(keyword);
    }
    hay.match_indices(keyword).any(|(i, _)| {
        hay[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

static LIST_INTRO: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:kuten|esimerkiksi|esim\.|mm\.|such as|including|såsom|till exempel)\s|:\s",
    )
});

/// Split a data-content text into items: list lines, and comma lists within lines. In
/// running prose only the list after `kuten`, `esimerkiksi`, `:` is taken.
pub fn data_items(text: &str) -> Vec<DataItem> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut line = line.trim();
        if line.is_empty() || line.ends_with(':') {
            continue;
        }
        if line.split_whitespace().count() > 12 && !is_comma_list(line) {
            for (a, b) in sentences(line) {
                let sentence = &line[a..b];
                if let Some(m) = LIST_INTRO.find(sentence) {
                    let list = &sentence[m.end()..];
                    if list.contains(',') {
                        out.extend(data_items(list));
                    }
                }
            }
            continue;
        }
        if let Some(m) = LIST_INTRO.find(line) {
            if line[m.end()..].contains(',') {
                line = &line[m.end()..];
            }
        }
        // A long sentence is one item unless it is a comma list.
        let pieces: Vec<&str> = if line.contains(',') {
            split_outside_parens(line)
        } else {
            vec![line]
        };
        for piece in pieces {
            let item = piece
                .trim()
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim_end_matches(['.', ';', ','])
                .trim();
            let item = item.strip_prefix("ja ").unwrap_or(item).trim();
            if item.is_empty() || item.split_whitespace().count() > 8 {
                continue;
            }
            let category = categorise(item);
            out.push(DataItem {
                text: item.to_string(),
                category,
                dpv: dpv::category(category).to_string(),
            });
        }
    }
    out
}

/// A long line that is one sentence listing three or more short things
/// (`Potilaan nimeämä lähiomainen, alaikäisen potilaan huoltaja, potilaan laillinen
/// edustaja …`) is a list, not prose.
fn is_comma_list(line: &str) -> bool {
    if sentences(line).len() > 1 {
        return false;
    }
    let pieces = split_outside_parens(line);
    pieces.len() >= 3 && pieces.iter().all(|p| p.split_whitespace().count() <= 10)
}

fn split_outside_parens(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in line.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                parts.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&line[start..]);
    // " ja " joins the last two items of a Finnish list.
    let mut out = Vec::new();
    for p in parts {
        if let Some((a, b)) = p.rsplit_once(" ja ") {
            if a.split_whitespace().count() <= 3 && b.split_whitespace().count() <= 3 {
                out.push(a);
                out.push(b);
                continue;
            }
        }
        out.push(p);
    }
    out
}

// ---------------------------------------------------------------- sources, recipients

/// Organisations notices name as sources or recipients (Finnish, Swedish, English forms).
const KNOWN_ORGANISATIONS: &[(&str, &[&str])] = &[
    ("Kela", &["kela", "kansaneläkelaito", "folkpensionsanstalt"]),
    (
        "Väestörekisterikeskus",
        &[
            "väestörekisterikeskuk",
            "väestörekisteri",
            "befolkningsregistercentral",
        ],
    ),
    (
        "Digi- ja väestötietovirasto",
        &[
            "digi- ja väestötietovira",
            "dvv",
            "myndigheten för digitalisering",
        ],
    ),
    (
        "Maahanmuuttovirasto",
        &["maahanmuuttovira", "migri", "migrationsverket"],
    ),
    (
        "Verohallinto",
        &["verohallin", "verottaja", "skatteförvaltning"],
    ),
    ("Tilastokeskus", &["tilastokeskuk", "statistikcentral"]),
    ("Opetushallitus", &["opetushallitu", "utbildningsstyrelsen"]),
    ("Poliisi", &["poliisi", "polisen"]),
    ("TE-toimisto", &["te-toimisto", "te-palvelu"]),
    ("Hyvinvointialue", &["hyvinvointialue", "välfärdsområde"]),
    (
        "Yritys- ja yhteisötietojärjestelmä (YTJ)",
        &["ytj", "yritys- ja yhteisötietojärjestelm"],
    ),
    ("Suomi.fi", &["suomi.fi"]),
    (
        "Työllistymistä edistävä monialainen yhteispalvelu (TYP)",
        &["(typ)", "monialainen yhteispalvelu"],
    ),
    ("Kuntarekisteri", &["kuntarekister"]),
    ("Ulosottolaitos", &["ulosotto"]),
    ("Opiskelijavalintarekisteri", &["opiskelijavalintarekister"]),
    ("Koski-palvelu", &["koski-palvelu", "koski-tietovaranto"]),
    (
        "Asumisen rahoitus- ja kehittämiskeskus (ARA)",
        &["asumisen rahoitus- ja kehittämiskesku"],
    ),
    ("Vakuutusyhtiö", &["vakuutusyhtiö", "försäkringsbolag"]),
    ("Pankki", &["pankit", "pankille", "pankkien"]),
    ("Stripe", &["stripe"]),
    ("Google", &["google"]),
    ("Microsoft", &["microsoft"]),
    ("Amazon Web Services", &["amazon web services", "aws"]),
];

/// Known organisations named in a text.
pub fn named_organisations(text: &str) -> Vec<String> {
    // One automaton pass finds every stem at a word's start. It offers overlapping
    // occurrences too, where `match_indices` (the test's reference) skipped them; no
    // stem overlaps itself (a test checks), so the two find the same.
    static STEMS: LazyLock<Literals> = LazyLock::new(|| table_literals(KNOWN_ORGANISATIONS));
    let lower = format!(" {} ", lowercase(text));
    let present = STEMS.groups_in_where(&lower, |_, at| {
        !lower[..at]
            .chars()
            .next_back()
            .unwrap_or(' ')
            .is_alphanumeric()
    });
    let mut out = Vec::new();
    for name in tags_present(KNOWN_ORGANISATIONS, present) {
        push_unique(&mut out, name.to_string());
    }
    out
}

const SOURCE_WORDS: &[(SourceKind, &[&str])] = &[
    (
        SourceKind::DataSubject,
        &[
            "itseltään",
            "itse ilmoitta",
            "itse antaa",
            "itse antama",
            "itse ilmoittama",
            "rekisteröidyltä",
            "asiakkaalta",
            "jäseneltä",
            "henkilöltä",
            "vastaajalta",
            "käyttäjältä",
            "käyttäjän itse",
            "hakijalta",
            "den registrerade själv",
            "kunden själv",
            "själva",
            "själv ",
            "av dig",
            "provided by you",
            "you provide",
            "från kunden",
            "given by the user",
            "from the data subject",
            "itse",
            "jäsenhakemu",
            "rekisteröitymisen",
            "kirjautumisen",
        ],
    ),
    (
        SourceKind::Authority,
        &[
            "viranomai",
            "kela",
            "väestörekister",
            "maahanmuuttovira",
            "verohallin",
            "myndighet",
            "authorit",
            "väestötietojärjestelm",
            "hyvinvointialue",
        ],
    ),
    (
        SourceKind::OtherRegister,
        &[
            "muista rekistereistä",
            "rekisteristä",
            "kuntarekister",
            "tietojärjestelmäst",
            "järjestelmästä",
            "andra register",
            "other register",
            "single sign on",
            "sso",
        ],
    ),
    (
        SourceKind::ThirdParty,
        &[
            "kolmansilta",
            "kolmannelta",
            "yhteistyökumppane",
            "tilaajalta",
            "työnantajalta",
            "tredje part",
            "third part",
            "partners",
        ],
    ),
    (
        SourceKind::PublicSource,
        &[
            "julkisista lähteistä",
            "julkisesti saatavilla",
            "ytj",
            "yritys- ja yhteisötietojärjestelm",
            "verkkosivuilta",
            "hakemistopalvelu",
            "offentliga källor",
            "public source",
        ],
    ),
];

/// Kinds of data sources named in a sources text.
pub fn source_kinds(text: &str) -> Vec<SourceKind> {
    static WORDS: LazyLock<Literals> = LazyLock::new(|| table_literals(SOURCE_WORDS));
    let mut out: Vec<SourceKind> =
        tags_present(SOURCE_WORDS, WORDS.groups_in(&lowercase(text))).collect();
    out.sort();
    out
}

// ---------------------------------------------------------------- disclosures, transfers

static NO_DISCLOSURE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        \bei\s+(?:\w+\s+){0,3}luovuteta
      | \bei\s+(?:\w+\s+){0,2}(?:kohdistu|ole|tehdä)\s+(?:\w+\s+){0,2}(?:säännönmukaisi\w*\s+)?(?:luovutuksi\w*|luotuvuksi\w*|luovutusta)
      | \bei\s+säännönmukaisi\w*\s+luovutuksi\w*
      | ^\s*ei\s+luovutuksia
      | \bnot\s+(?:be\s+)?disclosed
      | \bno\s+(?:regular\s+)?disclosures
      | \blämnas\s+(?:\w+\s+)?inte\s+ut
      | \böverlåts\s+inte
      | \binga\s+(?:regelbundna\s+)?utlämn",
    )
});
static DISCLOSURE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        \b(?:luovutetaan|luovuttaa|luovutamme|voidaan\s+luovuttaa|luovuttaminen|luovutuksia\s+tehdään|ovat\s+julkisia)
      | \bare\s+disclosed|\bdisclose[sd]?\s+to|\bmay\s+be\s+disclosed
      | \blämnas\s+ut\s+(?:till|åt)|\böverlåts\s+till",
    )
});
static CONSENT_QUALIFIER: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)suostumukse(?:lla|n|sta)|suostumustaan|luvalla|\bconsent\b|samtycke|anonymi|anonyymi|tilastotie",
    )
});

/// A disclosure made only as an exception or on demand (`poikkeuksellisesti`,
/// `viranomaisen vaatimuksesta`, `rikosepäilytapauksissa`, `vain silloin kun`) is not a
/// regular one.
static OCCASIONAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)poikkeuksellisesti|poikkeustapauksissa|poikkeuksena|vaatimuksesta|pyynnöstä|rikosepäily|vain\s+silloin,?\s+kun|hyvässä\s+uskossa|vaadittua|only\s+when|on\s+request|upon\s+request|exceptional|på\s+begäran|undantagsvis",
    )
});

/// A statement about disclosures: where it is and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Byte range of the sentence in the text it came from.
    pub range: (usize, usize),
    /// The sentence.
    pub text: String,
}

/// Abbreviations after which a full stop does not end the sentence
/// (`esim. nimi, osoite`, `sis. osoite`, `bl.a.`).
const ABBREVIATIONS: &[&str] = &[
    "esim", "mm", "sis", "ym", "yms", "tms", "ns", "ks", "ko", "vrt", "bl.a", "t.ex", "e.g", "i.e",
    "etc", "inkl", "incl",
];

fn ends_with_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a))
}

/// Sentence spans (byte ranges) of a text: a sentence ends at `.`, `!`, `?` before a
/// space or the end (not after an abbreviation or inside a short number), or at a
/// line break.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let end_here = c == b'\n'
            || ((c == b'.' || c == b'!' || c == b'?')
                && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\n')
                && !(i > 0 && bytes[i - 1].is_ascii_digit() && i >= 1 && i - start < 4)
                && !(c == b'.' && ends_with_abbreviation(&text[start..i])));
        if end_here {
            push_trimmed(&mut out, text, start, i + 1);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(&mut out, text, start, text.len());
    out
}

/// Push the byte range of `text[from..to]` without its surrounding white space, unless
/// that is empty.
fn push_trimmed(out: &mut Vec<(usize, usize)>, text: &str, from: usize, to: usize) {
    let piece = &text[from..to];
    let s = piece.trim();
    if !s.is_empty() {
        let off = from + (piece.len() - piece.trim_start().len());
        out.push((off, off + s.len()));
    }
}

/// Sentences saying that data is not disclosed.
pub fn non_disclosure_statements(text: &str) -> Vec<Statement> {
    sentences(text)
        .into_iter()
        .filter(|&(a, b)| {
            NO_DISCLOSURE.is_match(&text[a..b]) && !TRANSFER_WORDS.is_match(&text[a..b])
        })
        .map(|(a, b)| Statement {
            range: (a, b),
            text: text[a..b].to_string(),
        })
        .collect()
}

/// Sentences saying that data is disclosed to someone, with whether only with consent
/// (or anonymised), which is not a regular disclosure.
pub fn disclosure_statements(text: &str) -> Vec<(Statement, bool)> {
    if !DISCLOSURE.may_match_within(text) {
        return Vec::new();
    }
    sentences(text)
        .into_iter()
        .filter(|&(a, b)| {
            let s = &text[a..b];
            DISCLOSURE.is_match(s) && !NO_DISCLOSURE.is_match(s)
        })
        .map(|(a, b)| {
            let s = &text[a..b];
            (
                Statement {
                    range: (a, b),
                    text: s.to_string(),
                },
                CONSENT_QUALIFIER.is_match(s),
            )
        })
        .collect()
}

/// Whether the disclosures text says there are regular disclosures.
pub fn regular_disclosures(text: &str) -> Option<bool> {
    let disclosures = disclosure_statements(text);
    if disclosures
        .iter()
        .any(|(st, consent_only)| !consent_only && !OCCASIONAL.is_match(&st.text))
    {
        Some(true)
    } else if !non_disclosure_statements(text).is_empty() || !disclosures.is_empty() {
        // No disclosure, or only with the person's consent: not regular.
        Some(false)
    } else {
        None
    }
}

static TRANSFER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)ulkopuolelle|ulkopuolella|kolmansiin maihin|kolmanteen maahan|outside (?:the )?(?:eu|eea|european)|third countr|utanför eu|utanför ees|tredjeland",
    )
});
static NO_TRANSFER: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        \bei\s+(?:\w+\s+){0,4}(?:siirretä|luovuteta|siirry|siirtoja|siirtää)
      | \bei\s+siirtoja
      | ^\s*ei\s*\.?\s*$
      | \bei\s+(?:tehdä|ole)\s+(?:\w+\s+){0,2}siirto
      | \bare\s+not\s+(?:\w+\s+){0,2}transferred|\bnot\s+(?:be\s+)?transferred|\bno\s+(?:personal\s+)?data\s+(?:is|are|will\s+be)\s+transferred|\bdoes\s+not\s+transfer
      | \böverförs\s+(?:\w+\s+)?inte|\binga\s+uppgifter\s+överförs|\blämnas\s+inte\s+ut",
    )
});
/// A third country or a transfer mechanism named. Only ever asked whether it matches:
/// a word's ending after its stem (`yhdysvaltoihin`, `vakiosopimuslausekkeet`) decides
/// nothing, so the stems end the branches (a trailing `\w*` under `(?i)` made the
/// pattern the dearest of all to compile, about 6 ms).
static THIRD_COUNTRY: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        yhdysval|\busa\b|united\s+states|\bu\.s\.|förenta\s+staterna
      | privacy\s+shield|data\s+privacy\s+framework
      | vakiosopimuslausek|mallisopimuslausek|vakiolausek|standard\s+contractual\s+clauses|standardavtalsklausul
      | kolmansiin\s+maihin|kolmanteen\s+maahan|third\s+countr|tredjeland
      | \bkiina|\bintia",
    )
});

/// Verbs that move or keep data somewhere (`siirretään`, `siirto`, `sijaitsevat`,
/// `käsitellä`, `tallennetaan`; Swedish, English), lower case: with "outside the EU/EEA"
/// in the same sentence, data goes there.
const TRANSFER_VERBS: &[&str] = &[
    "siir",
    "sijait",
    "käsit",
    "tallenn",
    "säilyt",
    "transfer",
    "stored",
    "processed",
    "located",
    "överför",
    "behandl",
    "lagr",
];

/// Every match of THIRD_COUNTRY contains one of these (in lower case).
const THIRD_COUNTRY_LITERALS: &[&str] = &[
    "yhdysval",
    "usa",
    "united",
    "u.s.",
    "förenta",
    "privacy",
    "vakiosopimuslausek",
    "mallisopimuslausek",
    "vakiolausek",
    "standard",
    "kolmansiin",
    "kolmanteen",
    "third",
    "tredjeland",
    "kiina",
    "intia",
];

/// A literal prefilter for a case-insensitive regex every match of which contains one of
/// `literals` (lower case): `false` only when the regex cannot match `text`. `lower` is
/// `text.to_lowercase()`. Simple case folding, which `(?i)` uses, agrees with
/// `to_lowercase` on every letter of the literals except for the long s `ſ` (folds to
/// `s`, is its own lower case): text holding one is left to the regex.
fn may_match_literals(text: &str, lower: &str, literals: &Literals) -> bool {
    text.contains('\u{17F}') || literals.any(lower)
}

/// [`THIRD_COUNTRY_LITERALS`] in one automaton.
static THIRD_COUNTRY_LITERAL_SET: LazyLock<Literals> =
    LazyLock::new(|| Literals::new(&[THIRD_COUNTRY_LITERALS]));

/// [`TRANSFER_VERBS`] in one automaton.
static TRANSFER_VERB_SET: LazyLock<Literals> = LazyLock::new(|| Literals::new(&[TRANSFER_VERBS]));

/// Sentences that say nothing leaves the EU/EEA.
pub fn no_transfer_statements(text: &str) -> Vec<Statement> {
    sentences(text)
        .into_iter()
        .filter(|&(a, b)| {
            let s = &text[a..b];
            NO_TRANSFER.is_match(s)
                && (TRANSFER_WORDS.is_match(s)
                    || s.split_whitespace().count() <= 3
                    || lowercase(s).contains("siirr"))
        })
        .map(|(a, b)| Statement {
            range: (a, b),
            text: text[a..b].to_string(),
        })
        .collect()
}

/// Sentences that name a third country, a transfer mechanism or a transfer out of the EU/EEA.
pub fn transfer_statements(text: &str) -> Vec<Statement> {
    // Neither half of the test below can pass in any sentence (TRANSFER_WORDS has no
    // assertions either).
    if !THIRD_COUNTRY.may_match_within(text) && !TRANSFER_WORDS.is_match(text) {
        return Vec::new();
    }
    sentences(text)
        .into_iter()
        .filter(|&(a, b)| {
            let s = &text[a..b];
            // The same test as `!NO_TRANSFER && (THIRD_COUNTRY || TRANSFER_WORDS &&
            // a transfer verb)`, cheapest first: most sentences name no transfer at all, and
            // the Unicode word boundaries of NO_TRANSFER and THIRD_COUNTRY keep the
            // regex engine off its fast path.
            let lower = lowercase(s);
            (may_match_literals(s, &lower, &THIRD_COUNTRY_LITERAL_SET) && THIRD_COUNTRY.is_match(s)
                || TRANSFER_WORDS.is_match(s) && TRANSFER_VERB_SET.any(&lower))
                && !NO_TRANSFER.is_match(s)
        })
        .map(|(a, b)| Statement {
            range: (a, b),
            text: text[a..b].to_string(),
        })
        .collect()
}

/// Data said to be kept or processed inside the EU/EEA (`stored in the EU/EEA area`,
/// `käsitellään EU:n alueella`, `inom EU`).
static INSIDE_EEA: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        \b(?:in|within)\s+the\s+(?:eu|eea|european\s+(?:union|economic\s+area))\b
      | \b(?:in|within)\s+the\s+eu/eea\b
      | \b(?:eu|eta|euroopan\s+unionin|euroopan\s+talousalueen)(?::n)?[\s-]+(?:tai\s+\w+(?::n)?[\s-]+)?(?:alueella|sisällä)
      | \binom\s+(?:eu|ees)\b",
    )
});

/// Whether the transfers text says data goes outside the EU/EEA: a transfer named
/// anywhere wins; then a statement that nothing leaves or that data stays inside.
pub fn outside_eea(text: &str) -> Option<bool> {
    if !transfer_statements(text).is_empty() {
        Some(true)
    } else if !no_transfer_statements(text).is_empty()
        || sentences(text).into_iter().any(|(a, b)| {
            let s = &text[a..b];
            INSIDE_EEA.is_match(s) && !TRANSFER_WORDS.is_match(s)
        })
    {
        Some(false)
    } else {
        None
    }
}

// ---------------------------------------------------------------- retention

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("yhden", 1),
    ("yksi", 1),
    ("vuoden", 1),
    ("kahden", 2),
    ("kaksi", 2),
    ("kolmen", 3),
    ("kolme", 3),
    ("neljän", 4),
    ("neljä", 4),
    ("viiden", 5),
    ("viisi", 5),
    ("kuuden", 6),
    ("kuusi", 6),
    ("seitsemän", 7),
    ("kahdeksan", 8),
    ("yhdeksän", 9),
    ("kymmenen", 10),
    ("kahdentoista", 12),
    ("kaksitoista", 12),
    ("viidentoista", 15),
    ("viisitoista", 15),
    ("kahdenkymmenen", 20),
    ("kaksikymmentä", 20),
    ("kolmenkymmenen", 30),
    ("kolmekymmentä", 30),
    ("viidenkymmenen", 50),
    ("ett", 1),
    ("en", 1),
    ("två", 2),
    ("tre", 3),
    ("fyra", 4),
    ("fem", 5),
    ("sex", 6),
    ("tio", 10),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("ten", 10),
];

static PERIOD: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?ix)
        \b(?:(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?|([a-zåäö]+)(?:\s*\((\d{1,3})\))?)\s*
        (vuo\w*|v\.|kuukau\w*|kk\b|viiko\w*|päiv\w*|år\w*|månad\w*|veck\w*|dag\w*|years?|months?|weeks?|days?)",
    )
});
static PERMANENT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\bpysyvästi\b|\bpysyvään säilytykseen\b|\bpermanently\b|\bstadigvarande\b|\bvaraktigt\b|\bför alltid\b",
    )
});

/// The event a period runs from: `asiakkuuden päättymisestä`, `viimeisestä
/// kirjautumisesta`, `efter att kundrelationen upphört`, `after the end of the contract`.
static FROM_EVENT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        [\p{L}\-]+\s+
          (?:päättymisestä|päättymisen\s+jälkeen|päättymistä|päätyttyä|loppumisesta|loppumisen\s+jälkeen
            |lopettamisesta|lopettamisen\s+jälkeen|sulkemisesta|sulkemisen\s+jälkeen|poistumisesta
            |eroamisesta|eroamisen\s+jälkeen|valmistumisesta|valmistumisen\s+jälkeen
            |kuolemasta|syntymästä|kirjautumisesta)
          (?:\s+lukien|\s+lähtien)?
      | viimeisestä\s+[\p{L}\-]+(?:\s+lukien|\s+lähtien)?
      | viimeisen\s+[\p{L}\-]+\s+jälkeen
      | (?:[\p{L}\-]+\s+)?(?:kalenteri|tili)?vuoden\s+(?:lopusta|päättymisestä)
      | efter\s+(?:att\s+)?(?:[\p{L}\-]+\s+){1,3}?(?:upphört|upphör|avslutats|avslutas|avslutades)
      | från\s+(?:det\s+att\s+)?(?:[\p{L}\-]+\s+){1,3}?(?:upphört|avslutades|avslutats)
      | (?:after|from)\s+the\s+(?:end|termination|closing|expiry)\s+of\s+(?:the\s+|your\s+)?[\p{L}\-]+(?:\s+[\p{L}\-]+)?
      | after\s+the\s+last\s+[\p{L}\-]+
      | (?:efter|sedan)\s+(?:den\s+|det\s+)?senaste\s+[\p{L}\-]+")
});

/// The event a period written at `range` of `text` (whose sentences are `spans`) runs
/// from: first looked for after the period in the same sentence (`10-30 vuotta
/// palvelun päättymisestä`), else just before it (`asiakkuussuhteen päättymisen
/// jälkeen vuoden ajan`).
fn from_event(text: &str, spans: &[(usize, usize)], range: (usize, usize)) -> Option<String> {
    let (sentence_start, sentence_end) = spans
        .iter()
        .copied()
        .find(|&(a, b)| a <= range.0 && range.1 <= b)
        .unwrap_or((0, text.len()));
    let after = &text[range.1..sentence_end];
    let after = &after[..floor_char_boundary(after, 90)];
    if let Some(m) = FROM_EVENT.find(after) {
        // Only when nothing but a few words separates the period from the event.
        if after[..m.start()].split_whitespace().count() <= 3
            && !after[..m.start()].contains([',', ';'])
        {
            return Some(m.as_str().trim().to_string());
        }
    }
    let before = &text[sentence_start..range.0];
    let cut = before.len().saturating_sub(80);
    let cut = (cut..=before.len())
        .find(|&i| before.is_char_boundary(i))
        .unwrap_or(before.len());
    let before = &before[cut..];
    FROM_EVENT
        .find_iter(before)
        .last()
        .filter(|m| {
            let gap = &before[m.end()..];
            gap.split_whitespace().count() <= 3 && !gap.contains([',', ';', ':'])
        })
        .map(|m| m.as_str().trim().to_string())
}

/// The largest char boundary of `s` at or below `max` (`str::floor_char_boundary`,
/// which is newer than the supported Rust).
pub(crate) fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    (0..=max)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// Retention periods in a text: numbers and number words with a unit, as ISO 8601
/// durations, and permanent retention, each with the event it runs from when the
/// sentence names one. A range (`10-30 vuotta`) gives its upper bound.
pub fn retention_periods(text: &str) -> Vec<RetentionPeriod> {
    let mut out = Vec::new();
    // Byte ranges already read as periods: "kymmenen vuoden ajan" is one period.
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    // The sentences of the text, found at the first period (for `from_event`).
    let mut spans: Option<Vec<(usize, usize)>> = None;
    for cap in PERIOD.captures_iter(text) {
        let unit = cap[5].to_lowercase();
        let amount = if let Some(n) = cap.get(2).or(cap.get(1)).or(cap.get(4)) {
            n.as_str().parse::<u32>().ok()
        } else if let Some(w) = cap.get(3) {
            let w = w.as_str().to_lowercase();
            NUMBER_WORDS
                .iter()
                .find(|(word, _)| *word == w)
                .map(|(_, n)| *n)
        } else {
            None
        };
        // "vuoden ajan" alone means one year; "vuoden" as a number word is only that.
        let amount = match (amount, cap.get(3)) {
            (Some(n), _) => Some(n),
            (None, None) => None,
            (None, Some(_)) => None,
        };
        let Some(n) = amount else { continue };
        if n == 0 {
            continue;
        }
        let designator = if unit.starts_with("vuo")
            || unit == "v."
            || unit.starts_with("år")
            || unit.starts_with("year")
        {
            "Y"
        } else if unit.starts_with("kuukau")
            || unit == "kk"
            || unit.starts_with("månad")
            || unit.starts_with("month")
        {
            "M"
        } else if unit.starts_with("viiko") || unit.starts_with("veck") || unit.starts_with("week")
        {
            "W"
        } else {
            "D"
        };
        // Years mentioned as "vuodesta 2019" or ages are not periods.
        if designator == "Y" && n > 150 {
            continue;
        }
        let whole = cap.get(0).expect("match");
        taken.push(whole.range());
        out.push(RetentionPeriod {
            text: cap[0].trim().to_string(),
            duration: Some(format!("P{n}{designator}")),
            permanent: false,
            from_event: from_event(
                text,
                spans.get_or_insert_with(|| sentences(text)),
                (whole.start(), whole.end()),
            ),
        });
    }
    // A lone "vuoden ajan", "for a year", "i ett år" (for a year).
    static YEAR_ALONE: LazyLock<Pattern> = LazyLock::new(|| {
        Pattern::new(r"(?i)(?:^|[^\p{L}\d] ?)(vuoden ajan|for a year|i ett år)\b")
    });
    for cap in YEAR_ALONE.captures_iter(text) {
        let m = cap.get(1).expect("group");
        if !taken.iter().any(|r| r.start < m.end() && m.start() < r.end) {
            out.push(RetentionPeriod {
                text: m.as_str().to_string(),
                duration: Some("P1Y".into()),
                permanent: false,
                from_event: from_event(
                    text,
                    spans.get_or_insert_with(|| sentences(text)),
                    (m.start(), m.end()),
                ),
            });
        }
    }
    for m in PERMANENT.find_iter(text) {
        out.push(RetentionPeriod {
            text: m.as_str().to_string(),
            duration: None,
            permanent: true,
            from_event: None,
        });
    }
    out
}

// ---------------------------------------------------------------- rights

const RIGHT_WORDS: &[(Right, &[&str])] = &[
    (
        Right::Access,
        &[
            "tarkastusoikeu",
            "tarkastaa",
            "tarkistusoikeu",
            "tarkistaa",
            "pääsy omiin tietoihin",
            "oikeus saada pääsy",
            "saada tietää",
            "tarkastuspyyn",
            "rätt till insyn",
            "tillgång till",
            "rätt att granska",
            "rätt att få veta",
            "granskningsrätt",
            "kontrollera",
            "right of access",
            "right to review",
            "access to",
            "inspection request",
            "saada rekisterissä olevat tietonsa",
        ],
    ),
    (
        Right::Rectification,
        &[
            "korjaa",
            "korjaus",
            "oikaist",
            "oikaisu",
            "täydentä",
            "rättelse",
            "rättas",
            "rätta",
            "korriger",
            "rectif",
            "correct",
        ],
    ),
    (
        Right::Erasure,
        &[
            "poistaa",
            "poistamista",
            "poisto",
            "tulla unohdetuksi",
            "radera",
            "bli bortglömd",
            "erasure",
            "delete",
            "deletion",
            "be forgotten",
        ],
    ),
    (
        Right::Restriction,
        &[
            "rajoittaa",
            "rajoittamista",
            "rajoitta",
            "begränsning",
            "begränsa",
            "restrict",
        ],
    ),
    (
        Right::Objection,
        &[
            "vastustaa",
            "vastustamis",
            "kielto-oikeus",
            "kieltää",
            "invända",
            "motsätta",
            "invändning",
            "object",
        ],
    ),
    (
        Right::Portability,
        &[
            "siirtää järjestelmästä",
            "siirrettävyy",
            "siirtää tiedot",
            "dataportabilitet",
            "överföra",
            "flytta",
            "portability",
        ],
    ),
    (
        Right::WithdrawConsent,
        &[
            "peruuttaa suostumu",
            "perua suostumu",
            "peruuttaa antamansa suostumu",
            "suostumuksen peruuttami",
            "suostumuksensa peruuttami",
            "peruuttaa suostumuksensa",
            "återkalla",
            "withdraw",
            "peruuttaa milloin",
            "peruttavissa",
        ],
    ),
    (
        Right::Complaint,
        &[
            "valitus",
            "valittaa",
            "valvontaviranomai",
            "tietosuojavaltuutet",
            "klagomål",
            "tillsynsmyndighet",
            "dataombudsman",
            "complaint",
            "supervisory authority",
            "data protection ombudsman",
            "office of the data protection",
        ],
    ),
];

/// Rights stated in a text.
pub fn rights(text: &str) -> Vec<Right> {
    rights_in_lower_case(&lowercase(text))
}

/// [`rights`] of a text already lower-cased by [`lowercase`].
pub fn rights_in_lower_case(lower: &str) -> Vec<Right> {
    static WORDS: LazyLock<Literals> = LazyLock::new(|| table_literals(RIGHT_WORDS));
    tags_present(RIGHT_WORDS, WORDS.groups_in(lower)).collect()
}

// ---------------------------------------------------------------- per field

/// The structured values of one field, read from its text. Returns the values and
/// business IDs whose check digit failed (reported as warnings by the caller).
pub fn values_for(field: FieldKey, text: &str) -> (StructuredValues, Vec<String>) {
    let mut v = StructuredValues::default();
    let mut invalid = Vec::new();
    match field {
        FieldKey::Controller
        | FieldKey::ControllerRepresentative
        | FieldKey::ContactPerson
        | FieldKey::Dpo => {
            let (name, title) = name_and_title(text);
            v.name = name;
            v.title = title;
            v.emails = emails(text);
            v.phones = phones(text);
            v.addresses = addresses(text);
            let (valid, bad) = business_ids(text);
            v.business_ids = valid;
            invalid = bad;
        }
        FieldKey::LegalBasis => {
            let (articles, bases, confidence) = legal_bases_scored(text);
            v.gdpr_articles = articles;
            v.dpv = dpv::links(&bases, &[]);
            v.bases = bases;
            v.basis_confidence = confidence;
        }
        FieldKey::Legislation => v.citations = citations(text),
        FieldKey::DataContent => v.items = data_items(text),
        FieldKey::Sources => {
            v.kinds = source_kinds(text);
            v.named = named_organisations(text);
        }
        FieldKey::Disclosures => {
            v.regular = regular_disclosures(text);
            v.recipients = named_organisations(text);
        }
        FieldKey::Transfers => v.outside_eea = outside_eea(text),
        FieldKey::Retention => v.periods = retention_periods(text),
        FieldKey::Rights => {
            v.rights = rights(text);
            v.dpv = dpv::links(&[], &v.rights);
        }
        _ => {}
    }
    (v, invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_texts;

    /// [`named_organisations`] as it was written: `match_indices` per stem.
    fn named_organisations_by_match_indices(text: &str) -> Vec<String> {
        let lower = format!(" {} ", lowercase(text));
        let mut out = Vec::new();
        for (name, stems) in KNOWN_ORGANISATIONS {
            if stems.iter().any(|s| {
                lower.match_indices(s).any(|(i, _)| {
                    let before = lower[..i].chars().next_back().unwrap_or(' ');
                    !before.is_alphanumeric()
                })
            }) {
                push_unique(&mut out, name.to_string());
            }
        }
        out
    }

    /// No organisation stem overlaps itself (no proper prefix is also a suffix), so
    /// overlapping and non-overlapping occurrences are the same.
    #[test]
    fn organisation_stems_do_not_overlap_themselves() {
        for (_, stems) in KNOWN_ORGANISATIONS {
            for s in stems.iter() {
                for (k, _) in s.char_indices().skip(1) {
                    let suffix_start = s.len() - k;
                    if s.is_char_boundary(suffix_start) {
                        assert_ne!(&s[..k], &s[suffix_start..], "{s:?}");
                    }
                }
            }
        }
    }

    /// The automaton finds the organisations `match_indices` found, on every line,
    /// sentence and whole text of the text and HTML samples, and on forms written for
    /// the word-start rule.
    #[test]
    fn named_organisations_as_first_written() {
        let mut texts: Vec<String> = [
            "Tietoja luovutetaan Kelalle ja Verohallinnolle.",
            "KELA",
            "Sokela",
            "(kela)",
            "-kela",
            "Kansaneläkelaitos, Folkpensionsanstalten",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (_, stems) in KNOWN_ORGANISATIONS {
            for s in stems.iter() {
                texts.push(format!("x{s}"));
                texts.push(format!("x {s}"));
                texts.push(format!("ä{s}"));
                texts.push(s.to_uppercase());
            }
        }
        for text in sample_texts(&["txt", "md", "html"]) {
            texts.extend(text.lines().map(str::to_string));
            texts.extend(crate::test_support::sentence_strings(&text));
            texts.push(text);
        }
        let mut found = 0;
        for text in &texts {
            let expected = named_organisations_by_match_indices(text);
            found += usize::from(!expected.is_empty());
            assert_eq!(named_organisations(text), expected, "{text:?}");
        }
        assert!(found > 50, "{found}");
    }

    /// [`categorise`] as it was written before its keywords went into one automaton:
    /// a `contains_keyword` per keyword (the first categories are tested as before).
    fn categorise_by_contains(item: &str) -> DataCategory {
        let lower = item_head_lowercase(item);
        if let Some(category) = first_category(&lower) {
            return category;
        }
        for (category, words) in CATEGORY_WORDS {
            if words.iter().any(|w| contains_keyword(&lower, w)) {
                return *category;
            }
        }
        DataCategory::Other
    }

    /// The statement searches skip a text at once only where the pattern allows it
    /// (no assertion but word boundaries): these two do; the two with a `^` branch
    /// never rule a text out.
    #[test]
    fn statement_patterns_can_rule_out_a_whole_text() {
        let text = "Rekisterin nimi on asiakasrekisteri.";
        assert!(!DISCLOSURE.may_match_within(text));
        assert!(!THIRD_COUNTRY.may_match_within(text));
        assert!(NO_DISCLOSURE.may_match_within(text) && NO_TRANSFER.may_match_within(text));
    }

    /// THIRD_COUNTRY without its branches' trailing `\w*` (and without
    /// `\byhdysvaltoihin\b`, which `yhdysval` covers) answers `is_match` as the
    /// pattern as first written, on every sentence of the text samples and on forms
    /// written to hit the branches.
    #[test]
    fn third_country_matches_as_first_written() {
        let first = Pattern::new(
            r"(?ix)
            yhdysval\w*|\busa\b|\byhdysvaltoihin\b|united\s+states|\bu\.s\.|förenta\s+staterna
          | privacy\s+shield|data\s+privacy\s+framework
          | vakiosopimuslausek\w*|mallisopimuslausek\w*|vakiolausek\w*|standard\s+contractual\s+clauses|standardavtalsklausul\w*
          | kolmansiin\s+maihin|kolmanteen\s+maahan|third\s+countr\w*|tredjeland\w*
          | \bkiina\w*|\bintia\w*",
        );
        let mut texts: Vec<String> = [
            "Tietoja siirretään Yhdysvaltoihin.",
            "USA:ssa",
            "Kiinaan ja Intiaan",
            "EU:n vakiosopimuslausekkeet",
            "third countries",
            "tredjeländer",
            "intiaani",
            "ikiinan",
            "susa",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for text in sample_texts(&["txt", "md"]) {
            texts.extend(crate::test_support::sentence_strings(&text));
        }
        let mut hits = 0;
        for text in &texts {
            assert_eq!(
                THIRD_COUNTRY.is_match(text),
                first.is_match(text),
                "{text:?}"
            );
            hits += usize::from(first.is_match(text));
        }
        assert!(hits >= 8, "{hits}");
    }

    #[test]
    fn short_category_keywords_are_letters_and_digits() {
        for (_, words) in CATEGORY_WORDS {
            for w in words.iter().filter(|w| w.chars().count() <= 4) {
                assert!(w.chars().all(char::is_alphanumeric), "{w:?}");
            }
        }
    }

    /// Every keyword, alone, after a letter, after a space, twice and inside longer
    /// words, and every line of the text samples: the same category both ways.
    #[test]
    fn categorise_is_categorise_by_contains() {
        let mut items: Vec<String> = Vec::new();
        for (_, words) in CATEGORY_WORDS.iter().chain(CATEGORY_FIRST) {
            for w in words.iter() {
                for form in [
                    w.to_string(),
                    format!("ala{w}"),
                    format!("x {w}"),
                    format!("{w}{w}"),
                    format!("Asiakkaan {}", w.to_uppercase()),
                    format!("{w} (sähköposti, ikä)"),
                ] {
                    items.push(form);
                }
            }
        }
        for text in sample_texts(&["txt", "md"]) {
            items.extend(text.lines().map(str::to_string));
            items.extend(text.split([',', ';']).map(str::to_string));
        }
        for item in &items {
            assert_eq!(categorise(item), categorise_by_contains(item), "{item:?}");
        }
        assert!(items.len() > 2_000);
    }

    /// The prefiltered sentence test of `transfer_statements` against the plain one,
    /// on every sentence of the text samples and on sentences written to hit it.
    #[test]
    fn transfer_prefilter_keeps_the_regex_result() {
        let plain = |s: &str| {
            !NO_TRANSFER.is_match(s)
                && (THIRD_COUNTRY.is_match(s)
                    || TRANSFER_WORDS.is_match(s) && TRANSFER_VERB_SET.any(&lowercase(s)))
        };
        let mut texts = vec![
            "Tietoja siirretään Yhdysvaltoihin vakiosopimuslausekkeiden nojalla.".to_string(),
            "Data is transferred to the U.S. under the Data Privacy Framework.".to_string(),
            "Uppgifter överförs till tredjeland (USA).".to_string(),
            "Tietoja ei siirretä EU:n ulkopuolelle.".to_string(),
            "Palvelin sijaitsee KIINASSA ja INTIASSA.".to_string(),
            "Transfers to the United\tStates: none.".to_string(),
            "Uſa und Förenta ſtaterna.".to_string(),
        ];
        texts.extend(sample_texts(&["txt", "md", "html"]));
        let mut hits = 0;
        for text in &texts {
            let expected: Vec<(usize, usize)> = sentences(text)
                .into_iter()
                .filter(|&(a, b)| plain(&text[a..b]))
                .collect();
            let got: Vec<(usize, usize)> =
                transfer_statements(text).iter().map(|s| s.range).collect();
            assert_eq!(got, expected);
            hits += got.len();
        }
        assert!(hits >= 6, "{hits}");
    }

    #[test]
    fn emails_are_deobfuscated() {
        assert_eq!(emails("kirjaamo(at)raisio.fi"), ["kirjaamo@raisio.fi"]);
        assert_eq!(
            emails("asalumnit-hallitus (ät) as-alumnit.fi"),
            ["asalumnit-hallitus@as-alumnit.fi"]
        );
        assert_eq!(
            emails("hallitus miuku akaa.hacklab.fi"),
            ["hallitus@akaa.hacklab.fi"]
        );
        assert_eq!(
            emails("Sähköposti: reetta.tuovinen-salo@utajarvi.fi"),
            ["reetta.tuovinen-salo@utajarvi.fi"]
        );
        assert!(emails("Tietoja ei luovuteta at all").is_empty());
    }

    #[test]
    fn finnish_phone_forms() {
        assert_eq!(phones("Puh. 044 3202 303"), ["+358443202303"]);
        assert_eq!(phones("Puhelin:\t(015) 1941"), ["+358151941"]);
        assert_eq!(phones("puh. +358 2 434 3111"), ["+35824343111"]);
        assert_eq!(phones("p. 09 1911"), ["+35891911"]);
        assert_eq!(phones("040-1787004"), ["+358401787004"]);
        assert_eq!(phones("PL 100, 21201 Raisio"), Vec::<String>::new());
        assert_eq!(phones("päivitetty 16.03.2024"), Vec::<String>::new());
    }

    #[test]
    fn business_id_check_digits() {
        assert_eq!(business_id_check_digit("3094125"), Some(8));
        let (valid, invalid) = business_ids("Y-tunnus 3094125-8, toinen 3094125-7");
        assert_eq!(valid, ["3094125-8"]);
        assert_eq!(invalid, ["3094125-7"]);
        let (valid, _) = business_ids("Y-tunnus: 2787520-2");
        assert_eq!(valid, ["2787520-2"]);
    }

    #[test]
    fn legal_basis_forms() {
        let (a, b) = legal_bases("EU:n yleisen tietosuoja-asetuksen 6 artiklan 1 c-kohta: lakisääteisen velvoitteen noudattamiseksi");
        assert_eq!(a, ["6(1)(c)"]);
        assert_eq!(b, [LegalBasis::LegalObligation]);
        assert_eq!(legal_bases("art. 6(1)(b)").0, ["6(1)(b)"]);
        assert_eq!(legal_bases("GDPR 6.1 a").1, [LegalBasis::Consent]);
        assert_eq!(legal_bases("Lakiperuste").1, [LegalBasis::LegalObligation]);
    }

    #[test]
    fn law_citations() {
        let c = citations("- EU:n yleinen tietosuoja-asetus (679/2016)\n- Tietosuoja laki (1050/2018)\n- Laki sähköisestä asioiden viranomaistoiminnassa (24.1.2003/13)");
        let numbers: Vec<_> = c.iter().map(|c| c.number.clone().unwrap()).collect();
        assert_eq!(numbers, ["2016/679", "1050/2018", "13/2003"]);
        let c = citations("Henkilötietolaki 10§ ja 24§");
        assert_eq!(c[0].number.as_deref(), Some("523/1999"));
        assert!(c[0].repealed);
        assert_eq!(
            citations("Henkilötietolain (523/99) 10 §")[0]
                .number
                .as_deref(),
            Some("523/1999")
        );
    }

    #[test]
    fn retention_forms() {
        let p = retention_periods("säilytetään 10-30 vuotta palvelun päättymisestä, viimeistään kahden vuoden kuluttua, pysyvästi");
        let d: Vec<_> = p.iter().map(|p| p.duration.clone()).collect();
        assert_eq!(d, [Some("P30Y".into()), Some("P2Y".into()), None]);
        assert!(p[2].permanent);
        assert_eq!(
            retention_periods("viisi (5) vuotta")[0].duration.as_deref(),
            Some("P5Y")
        );
        assert_eq!(
            retention_periods("asiakkuussuhteen päättymisen jälkeen vuoden ajan")[0]
                .duration
                .as_deref(),
            Some("P1Y")
        );
        let english = retention_periods(
            "The data will be stored for a year from the time the user last logged in",
        );
        assert_eq!(english[0].duration.as_deref(), Some("P1Y"));
        // One period, not ten years and a year.
        let ten =
            retention_periods("säilytetään enintään kymmenen vuoden ajan jäsenyyden päättymisestä");
        assert_eq!(ten.len(), 1);
        assert_eq!(ten[0].duration.as_deref(), Some("P10Y"));
        assert_eq!(
            ten[0].from_event.as_deref(),
            Some("jäsenyyden päättymisestä")
        );
        assert_eq!(
            retention_periods("kuusi kuukautta")[0].duration.as_deref(),
            Some("P6M")
        );
        assert_eq!(
            retention_periods("tio år")[0].duration.as_deref(),
            Some("P10Y")
        );
    }

    #[test]
    fn disclosure_and_transfer_statements() {
        assert_eq!(regular_disclosures("Ei luovuteta"), Some(false));
        assert_eq!(
            regular_disclosures("Henkilötietoihin ei kohdistu säännönmukaisia luotuvuksia. Tietoja voidaan luovuttaa asiakkaan suostumuksella Kelalle."),
            Some(false)
        );
        assert_eq!(
            regular_disclosures("Tietoja luovutetaan Kelalle ja Verohallinnolle."),
            Some(true)
        );
        // Exceptions and demands are not regular disclosures (corpus 18, 39).
        for occasional in [
            "Rekisterissä olevia tietoja ei luovuteta ulkopuolisille. Tietoja voidaan poikkeuksellisesti luovuttaa kolmansien osapuolien käyttöön lain tai viranomaisen vaatimuksesta.",
            "Rikosepäilytapauksissa tietoja voidaan luovuttaa viranomaisille.",
        ] {
            assert_eq!(regular_disclosures(occasional), Some(false), "{occasional}");
        }
        assert_eq!(
            outside_eea("Tietoja ei siirretä EU:n tai ETA:n ulkopuolelle."),
            Some(false)
        );
        assert_eq!(outside_eea("Ei siirtoja"), Some(false));
        assert_eq!(
            outside_eea("Tietoja voidaan siirtää myös Yhdysvaltoihin."),
            Some(true)
        );
        // Real variants from the corpus (05, 43, 45, 44).
        for yes in [
            "Yhdistys voi käyttää henkilötietojen käsittelyssä myös muita palveluntarjoajia, jotka sijaitsevat Euroopan unionin tai Euroopan talousalueen ulkopuolella. Henkilötietojen siirto Euroopan unionin tai Euroopan talousalueen ulkopuolelle toteutetaan aina jollakin lainmukaisella perusteella.",
            "Käsittelemme kaikkia potilas- ja muita henkilötietoja pääsääntöisesti Euroopan unionin tai Euroopan talousalueen sisällä.\n\nHenkilötietoja voidaan tarvittaessa siirtää myös Euroopan unionin tai Euroopan talousalueen ulkopuolelle tietosuojasäätelyn mukaisesti, mikäli tämä on tarpeen esimerkiksi tutkimuspalvelun hankkimiseksi.",
            "_\\*Google voi käsitellä tietoja EU:n ulkopuolella vakiolausekkein (SCCs)._",
            "Personal data may be transferred outside the EU/EEA using standard contractual clauses.",
        ] {
            assert_eq!(outside_eea(yes), Some(true), "{yes}");
        }
        for no in [
            "The data is stored in the EU/EEA area on a cloud server.",
            "Tietoja ei käsitellä eikä siirretä sellaisiin maihin, joiden tietosuojalainsäädäntöä EU:n komissio ei ole hyväksynyt.",
            "Tietoja ei luovuteta eikä siirretä EU:n tai Euroopan talousalueen ulkopuolelle.",
        ] {
            assert_eq!(outside_eea(no), Some(false), "{no}");
        }
    }

    #[test]
    fn data_items_and_categories() {
        let items = data_items(
            "Henkilötunnus, nimi, osoitetiedot, äidinkieli, sukupuoli, siviilisäätö ja kotikunta",
        );
        let cats: Vec<_> = items.iter().map(|i| i.category).collect();
        assert_eq!(
            cats,
            [
                DataCategory::NationalId,
                DataCategory::Name,
                DataCategory::Address,
                DataCategory::Language,
                DataCategory::Gender,
                DataCategory::MaritalStatus,
                DataCategory::Address
            ]
        );
    }

    #[test]
    fn rights_named() {
        let r = rights("Asiakkaalla on oikeus tarkastaa tietonsa ja vaatia virheellisen tiedon korjaamista. Oikeus tehdä valitus tietosuojavaltuutetulle.");
        assert_eq!(r, [Right::Access, Right::Rectification, Right::Complaint]);
    }
    #[test]
    fn more_phone_forms() {
        assert_eq!(phones("puh. 0100 0500"), ["+3581000500"]);
        assert_eq!(phones("tel. +46 8 123 456 78"), ["+46812345678"]);
        assert_eq!(phones("Puhelin: 09 1911"), ["+35891911"]);
    }

    #[test]
    fn addresses_on_two_lines() {
        // golden/corpus/15: the post office name has two words.
        assert_eq!(
            addresses("Kansalliskirjasto\nPL 26 (Teollisuuskatu 23)\n00014 Helsingin yliopisto\nPuhelin: 09 1911"),
            ["PL 26 (Teollisuuskatu 23), 00014 Helsingin yliopisto"]
        );
        assert_eq!(
            addresses("PB 4300\n00099 HELSINGFORS STAD"),
            ["PB 4300, 00099 HELSINGFORS STAD"]
        );
        assert_eq!(
            addresses("Ulkoministeriö, Post Box 176\nFI-00023 Valtioneuvosto"),
            ["Post Box 176, FI-00023 Valtioneuvosto"]
        );
        assert_eq!(
            addresses("PL 100, (Nallinkatu 2), 21201 Raisio"),
            ["PL 100, (Nallinkatu 2), 21201 Raisio"]
        );
    }

    #[test]
    fn name_then_role() {
        let (name, title) =
            name_and_title("Aki Lassila, kehittämispäällikkö\nKirjastoverkkopalvelut");
        assert_eq!(name.as_deref(), Some("Aki Lassila"));
        assert_eq!(title.as_deref(), Some("kehittämispäällikkö"));
        // A subheading kept in the text is no name (golden/corpus/44).
        let (name, _) =
            name_and_title("Contacts on matters concerning the register\nvirtualfinland.um@gov.fi");
        assert_eq!(name, None);
        let (name, _) = name_and_title("Rekisteriasioiden yhteyshenkilö\nMatti Meikäläinen");
        assert_eq!(name.as_deref(), Some("Matti Meikäläinen"));
        // golden/corpus/09 and 39: a firm's `T:mi`, and the business ID apart.
        let (name, _) = name_and_title("Rekisterinpitäjä\nT:mi puheterapeutti Kaisa Penttilä");
        assert_eq!(name.as_deref(), Some("T:mi puheterapeutti Kaisa Penttilä"));
        let (name, _) = name_and_title("Nimi: Akaa Hacklab ry (y-tunnus 3342592-1)");
        assert_eq!(name.as_deref(), Some("Akaa Hacklab ry"));
    }

    #[test]
    fn legal_basis_words_and_confidence() {
        // golden/corpus/40: legitimate interest and legal obligation in words.
        let (_, b, _) = legal_bases_scored("oikeusperuste henkilötietojen käsittelylle ovat rekisterinpitäjän oikeutettu etu ja laillinen velvoite.\n\nHenkilötietojen käsittelyn tarkoitus on ylläpitää yhdistyksen jäsenten yhteys- ja jäsenyystietoja.");
        assert_eq!(
            b,
            [LegalBasis::LegalObligation, LegalBasis::LegitimateInterests]
        );
        // golden/corpus/08.
        let (_, b, _) =
            legal_bases_scored("rekisterinpitäjän oikeutettu asiakassuhteesta johtuva etu");
        assert_eq!(b, [LegalBasis::LegitimateInterests]);
        // seed 002: a bare "Lakiperuste" is weak evidence.
        let (_, b, c) = legal_bases_scored("Lakiperuste");
        assert_eq!(b, [LegalBasis::LegalObligation]);
        assert_eq!(c[&LegalBasis::LegalObligation], 0.5);
        // Consent in a negation or a disclosure sentence is not a consent basis.
        let (_, b, _) = legal_bases_scored(
            "Käsittely perustuu sopimukseen. Tietoja ei luovuteta ilman suostumusta.",
        );
        assert_eq!(b, [LegalBasis::Contract]);
        let (_, b, _) = legal_bases_scored("Käsittely perustuu lakisääteisen velvoitteen noudattamiseen. Tietoja voidaan luovuttaa asiakkaan suostumuksella.");
        assert_eq!(b, [LegalBasis::LegalObligation]);
        let (a, b, c) =
            legal_bases_scored("Behandlingen grundar sig på artikel 6.1 c och artikel 9.2 h");
        assert_eq!(a, ["6(1)(c)", "9(2)(h)"]);
        assert_eq!(b, [LegalBasis::LegalObligation]);
        assert_eq!(c[&LegalBasis::LegalObligation], 1.0);
        assert_eq!(
            legal_bases("berättigat intresse").1,
            [LegalBasis::LegitimateInterests]
        );
        assert_eq!(
            legal_bases("allmänt intresse och myndighetsutövning").1,
            [LegalBasis::PublicTask]
        );
    }

    #[test]
    fn citation_notes_and_amendments() {
        let c = citations("- EU:n yleinen tietosuoja-asetus (679/2016)");
        assert!(c[0].note.as_deref().unwrap().contains("679/2016"));
        // seed 000: the amending act after a section is not a second citation.
        let c = citations("- Laki sähköisestä asioiden viranomaistoiminnassa (24.1.2003/13) 21 § (9.8.2019/908) Arkistointi");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].number.as_deref(), Some("13/2003"));
        let c = citations("Tietosuoja-asetus 2016/679 ja tietosuojalaki 1050/2018");
        let n: Vec<_> = c.iter().map(|c| c.number.clone().unwrap()).collect();
        assert_eq!(n, ["2016/679", "1050/2018"]);
        assert!(c[0].note.is_none());
        let c = citations(
            "potilaslaki 785/1992, potilasasiakirja-asetus 298/2009 ja toisiolaki 552/2019",
        );
        assert_eq!(c.len(), 3);
        assert!(c[1].repealed);
    }

    #[test]
    fn retention_from_event() {
        let p = retention_periods("Työllisyyspalveluiden asiakaskohtaiset tietoja säilytetään 10-30 vuotta palvelun päättymisestä.");
        assert_eq!(p[0].from_event.as_deref(), Some("palvelun päättymisestä"));
        let p = retention_periods(
            "Henkilötiedot säilytetään asiakkuussuhteen päättymisen jälkeen vuoden ajan.",
        );
        assert_eq!(
            p[0].from_event.as_deref(),
            Some("asiakkuussuhteen päättymisen jälkeen")
        );
        let p = retention_periods("Tiedot poistetaan 12 kuukautta viimeisestä kirjautumisesta.");
        assert_eq!(
            p[0].from_event.as_deref(),
            Some("viimeisestä kirjautumisesta")
        );
        let p = retention_periods(
            "Personuppgifterna sparas i 12 månader efter den senaste inloggningen.",
        );
        assert_eq!(
            p[0].from_event.as_deref(),
            Some("efter den senaste inloggningen")
        );
        let p = retention_periods(
            "säilytysaika on 12 vuotta potilaan kuolemasta tai 120 vuotta potilaan syntymästä",
        );
        assert_eq!(p[1].from_event.as_deref(), Some("potilaan syntymästä"));
        let p = retention_periods("viimeistään kahden vuoden kuluttua");
        assert_eq!(p[0].from_event, None);
    }

    #[test]
    fn categories_from_the_corpus() {
        assert_eq!(categorise("IP-osoitetieto"), DataCategory::Other);
        assert_eq!(categorise("Käyttäjätunnus"), DataCategory::Other);
        assert_eq!(categorise("Användarnamnet"), DataCategory::Other);
        assert_eq!(
            categorise("yhteystiedot (puhelinnumero, sähköpostiosoite)"),
            DataCategory::ContactDetails
        );
        assert_eq!(
            categorise("Rekisteröidyn kotipaikka"),
            DataCategory::Address
        );
        assert_eq!(
            categorise("yrityksen asiakaskertomukset"),
            DataCategory::ServiceHistory
        );
        let items = data_items("nimi, sähköpostiosoite");
        assert_eq!(items[1].dpv, "https://w3id.org/dpv/pd#EmailAddress");
    }

    #[test]
    fn swedish_sources_and_rights() {
        assert_eq!(
            source_kinds("Uppgifterna fås av de registrerade själva."),
            [SourceKind::DataSubject]
        );
        let r = rights("Den registrerade har rätt att granska sina uppgifter och kräva rättelse.");
        assert_eq!(r, [Right::Access, Right::Rectification]);
    }
}
