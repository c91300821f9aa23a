//! The output contract (`spec/schema.md`): one document's result and every value in it.
//!
//! These types are serialised to JSON for `extract` and published as JSON Schema by
//! `seloste schema`; their names are fixed by the schema and must not be renamed.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The schema version written into every result.
pub const SCHEMA_VERSION: &str = "1";

/// Input format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PDF with a text layer.
    Pdf,
    /// HTML page or fragment.
    Html,
    /// Plain text or Markdown.
    Text,
}

impl Format {
    /// The name used in output and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Text => "text",
        }
    }
}

/// Dominant language of a notice or section.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Finnish.
    Fi,
    /// Swedish.
    Sv,
    /// English.
    En,
}

/// What kind of notice a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A GDPR-era notice (EU 2016/679, Tietosuojalaki 1050/2018).
    Tietosuojaseloste,
    /// A Personal Data Act era notice (Henkilötietolaki 523/1999).
    Rekisteriseloste,
    /// An organisation-wide statement with no register-specific sections.
    GeneralStatement,
}

/// The field keys of the schema, in the schema's order (which is the output order).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FieldKey {
    /// Who is responsible for the register.
    Controller,
    /// The controller's named representative.
    ControllerRepresentative,
    /// The person or role handling register matters.
    ContactPerson,
    /// Data protection officer.
    Dpo,
    /// Sector, service area or department.
    OrganisationUnit,
    /// The register's or processing activity's name.
    RegisterName,
    /// Purpose of processing.
    Purpose,
    /// Legal basis of processing.
    LegalBasis,
    /// Laws cited as central.
    Legislation,
    /// Groups of people in the register.
    DataSubjects,
    /// The personal data kept.
    DataContent,
    /// Where the data comes from.
    Sources,
    /// Recipients and regular disclosures.
    Disclosures,
    /// Transfers outside the EU/EEA.
    Transfers,
    /// How long data is kept.
    Retention,
    /// Protection of manual and digital data.
    Security,
    /// Data subject's rights.
    Rights,
    /// Automated decision-making and profiling.
    AutomatedDecisions,
    /// Combining the register with other registers.
    RegisterCombination,
    /// Processors handling data on the controller's behalf.
    Processors,
    /// Form of the register (electronic / manual).
    RegisterForm,
}

impl FieldKey {
    /// Every key, in schema order.
    pub const ALL: [FieldKey; 21] = [
        FieldKey::Controller,
        FieldKey::ControllerRepresentative,
        FieldKey::ContactPerson,
        FieldKey::Dpo,
        FieldKey::OrganisationUnit,
        FieldKey::RegisterName,
        FieldKey::Purpose,
        FieldKey::LegalBasis,
        FieldKey::Legislation,
        FieldKey::DataSubjects,
        FieldKey::DataContent,
        FieldKey::Sources,
        FieldKey::Disclosures,
        FieldKey::Transfers,
        FieldKey::Retention,
        FieldKey::Security,
        FieldKey::Rights,
        FieldKey::AutomatedDecisions,
        FieldKey::RegisterCombination,
        FieldKey::Processors,
        FieldKey::RegisterForm,
    ];

    /// The key as written in JSON (`controller_representative`).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKey::Controller => "controller",
            FieldKey::ControllerRepresentative => "controller_representative",
            FieldKey::ContactPerson => "contact_person",
            FieldKey::Dpo => "dpo",
            FieldKey::OrganisationUnit => "organisation_unit",
            FieldKey::RegisterName => "register_name",
            FieldKey::Purpose => "purpose",
            FieldKey::LegalBasis => "legal_basis",
            FieldKey::Legislation => "legislation",
            FieldKey::DataSubjects => "data_subjects",
            FieldKey::DataContent => "data_content",
            FieldKey::Sources => "sources",
            FieldKey::Disclosures => "disclosures",
            FieldKey::Transfers => "transfers",
            FieldKey::Retention => "retention",
            FieldKey::Security => "security",
            FieldKey::Rights => "rights",
            FieldKey::AutomatedDecisions => "automated_decisions",
            FieldKey::RegisterCombination => "register_combination",
            FieldKey::Processors => "processors",
            FieldKey::RegisterForm => "register_form",
        }
    }

    /// Parse the JSON name of a key.
    pub fn parse(name: &str) -> Option<FieldKey> {
        FieldKey::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range `[start, end)` of the normalised text, with the page for PDFs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// 1-based page number (PDF only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl Span {
    /// A span without a page.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end,
            page: None,
        }
    }
}

/// How a section's field was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The heading equals a dictionary entry after normalisation.
    Exact,
    /// The heading matched a dictionary entry by stems, word overlap or edit distance.
    Fuzzy,
    /// No heading: the field was decided from the content.
    Content,
}

/// Where the input came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// Path as given, relative to the input root.
    pub path: String,
    /// Input format.
    pub format: Format,
    /// SHA-256 of the input bytes, lowercase hex.
    pub sha256: String,
    /// Size of the input in bytes.
    pub bytes: u64,
    /// Character encoding detected (text and HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Number of pages (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Which notice of the document this is, when one document holds several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<NoticeIndex>,
}

/// The place of a notice in a document that holds several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NoticeIndex {
    /// 1-based number of this notice.
    pub index: usize,
    /// How many notices the document holds.
    pub count: usize,
    /// The notice's bytes in the normalised text.
    pub span: Span,
}

/// ISO dates from the notice's metadata lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dates {
    /// When the notice was drawn up (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafted: Option<String>,
    /// When the notice was last updated (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
}

/// One section of the notice, in document order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    /// The heading as written (numbering and markup removed); empty for a
    /// heading-less paragraph classified by content.
    pub heading: String,
    /// Nesting level, 1 = top.
    pub level: u8,
    /// Field keys the section fills: one, several for a combined heading, empty
    /// when the heading is unknown. `field` is the first of them or null.
    pub field: Option<FieldKey>,
    /// All fields a combined heading names (only when more than one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldKey>,
    /// How the field was decided.
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    /// Confidence of the match, 0..1.
    pub score: f64,
    /// The whole section: heading and body.
    pub span: Span,
    /// Language of the section's text, when it can be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// Where a field's text came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    /// The heading of the contributing section.
    pub heading: String,
    /// How the section was matched.
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    /// Confidence of the match.
    pub score: f64,
    /// The body text that was used.
    pub span: Span,
}

/// A field value: the text plus its provenance, and the structured values that the
/// field's type carries (absent when not found).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldValue {
    /// Clean running text: paragraphs separated by a blank line, list items on their own lines.
    pub text: String,
    /// One entry per contributing section.
    pub provenance: Vec<Provenance>,
    /// Structured values (contacts, legal bases, periods...).
    #[serde(flatten)]
    pub values: StructuredValues,
}

/// Structured values of a field; which keys appear depends on the field (schema.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StructuredValues {
    /// Organisation or person name (contact fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role title (contact fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// E-mail addresses, de-obfuscated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// Phone numbers in E.164.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    /// Postal addresses as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Finnish business IDs with a valid check digit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_ids: Vec<String>,
    /// GDPR articles of the legal basis, e.g. `6(1)(c)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gdpr_articles: Vec<String>,
    /// Legal bases named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<LegalBasis>,
    /// Confidence of each basis in `bases`, 0..1: 1.0 for a GDPR article letter, 0.9
    /// for the basis named in words, 0.5 for weak evidence (a bare `Lakiperuste`, a
    /// list line `laki (...)`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub basis_confidence: BTreeMap<LegalBasis, f64>,
    /// Laws cited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
    /// Items of personal data, each with a category.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<DataItem>,
    /// Kinds of data sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<SourceKind>,
    /// Organisations named as sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub named: Vec<String>,
    /// Whether there are regular disclosures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular: Option<bool>,
    /// Named recipient organisations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Whether data is transferred outside the EU/EEA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside_eea: Option<bool>,
    /// Retention periods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<RetentionPeriod>,
    /// Rights stated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights: Vec<Right>,
    /// W3C Data Privacy Vocabulary IRI of each value in `bases` and `rights`, keyed by
    /// the value (`"consent"` -> `https://w3id.org/dpv#Consent`); see `src/data/dpv.tsv`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dpv: BTreeMap<String, String>,
}

impl StructuredValues {
    /// True when no structured value was found.
    pub fn is_empty(&self) -> bool {
        *self == StructuredValues::default()
    }
}

/// A legal basis of GDPR Art. 6(1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// 6(1)(a).
    Consent,
    /// 6(1)(b).
    Contract,
    /// 6(1)(c).
    LegalObligation,
    /// 6(1)(d).
    VitalInterests,
    /// 6(1)(e).
    PublicTask,
    /// 6(1)(f).
    LegitimateInterests,
}

impl LegalBasis {
    /// Every variant, in declaration order.
    pub const ALL: [LegalBasis; 6] = [
        LegalBasis::Consent,
        LegalBasis::Contract,
        LegalBasis::LegalObligation,
        LegalBasis::VitalInterests,
        LegalBasis::PublicTask,
        LegalBasis::LegitimateInterests,
    ];
}

/// A law cited by the notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Citation {
    /// The citation as written.
    pub text: String,
    /// The statute number, normalised (`1050/2018`, `2016/679`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The law's name from the table of laws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the law has been repealed.
    pub repealed: bool,
    /// How the number was normalised, when it differs from the text (`679/2016`
    /// written for the EU regulation 2016/679).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Category of a data content item.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Henkilötunnus, personal identity code.
    NationalId,
    /// Name.
    Name,
    /// Contact details in general.
    ContactDetails,
    /// Postal address.
    Address,
    /// Phone number.
    Phone,
    /// E-mail address.
    Email,
    /// Date of birth or age.
    DateOfBirth,
    /// Bank account.
    BankAccount,
    /// Property identifier (kiinteistötunnus).
    PropertyId,
    /// Business ID.
    BusinessId,
    /// Mother tongue or language of communication.
    Language,
    /// Gender.
    Gender,
    /// Marital status.
    MaritalStatus,
    /// Occupation, job title, employer.
    Occupation,
    /// Family members and composition.
    Family,
    /// Financial data.
    Financial,
    /// Health data.
    Health,
    /// Service and customer history.
    ServiceHistory,
    /// Anything else.
    Other,
}

impl DataCategory {
    /// Every variant, in declaration order.
    pub const ALL: [DataCategory; 19] = [
        DataCategory::NationalId,
        DataCategory::Name,
        DataCategory::ContactDetails,
        DataCategory::Address,
        DataCategory::Phone,
        DataCategory::Email,
        DataCategory::DateOfBirth,
        DataCategory::BankAccount,
        DataCategory::PropertyId,
        DataCategory::BusinessId,
        DataCategory::Language,
        DataCategory::Gender,
        DataCategory::MaritalStatus,
        DataCategory::Occupation,
        DataCategory::Family,
        DataCategory::Financial,
        DataCategory::Health,
        DataCategory::ServiceHistory,
        DataCategory::Other,
    ];
}

/// One item of personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DataItem {
    /// The item as written.
    pub text: String,
    /// Its category.
    pub category: DataCategory,
    /// W3C Data Privacy Vocabulary IRI of the category (`src/data/dpv.tsv`).
    #[serde(default)]
    pub dpv: String,
}

/// Kind of a data source.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The person themselves.
    DataSubject,
    /// An authority.
    Authority,
    /// Another register of the controller.
    OtherRegister,
    /// A third party.
    ThirdParty,
    /// A public source.
    PublicSource,
}

/// A retention period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RetentionPeriod {
    /// The period as written.
    pub text: String,
    /// ISO 8601 duration (`P1Y`); absent for permanent retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Kept permanently.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub permanent: bool,
    /// The event the period runs from, as written (`asiakkuuden päättymisestä`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_event: Option<String>,
}

/// A data subject's right.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Right of access.
    Access,
    /// Right to rectification.
    Rectification,
    /// Right to erasure.
    Erasure,
    /// Right to restriction of processing.
    Restriction,
    /// Right to object.
    Objection,
    /// Right to data portability.
    Portability,
    /// Right to withdraw consent.
    WithdrawConsent,
    /// Right to lodge a complaint with a supervisory authority.
    Complaint,
}

impl Right {
    /// Every variant, in declaration order.
    pub const ALL: [Right; 8] = [
        Right::Access,
        Right::Rectification,
        Right::Erasure,
        Right::Restriction,
        Right::Objection,
        Right::Portability,
        Right::WithdrawConsent,
        Right::Complaint,
    ];
}

/// Severity of a finding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The notice breaks the law's information duty.
    Error,
    /// Likely a problem.
    Warning,
    /// For information.
    Info,
}

/// Required information that is missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Gap {
    /// The field that is missing or incomplete.
    pub field: FieldKey,
    /// Stable rule id (`gdpr-13-1-a`).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Plain-English explanation for a DPO.
    pub message: String,
}

/// Statements that contradict each other or the law.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conflict {
    /// Stable rule id (`repealed-law`).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Fields involved.
    pub fields: Vec<FieldKey>,
    /// Plain-English explanation for a DPO.
    pub message: String,
    /// Spans of the statements involved.
    pub evidence: Vec<Span>,
}

/// An ingestion problem that did not stop extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    /// Stable code (`encoding-guessed`, `page-furniture-removed`...).
    pub code: String,
    /// Explanation.
    pub message: String,
}

impl Warning {
    /// A warning with a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// One document's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NoticeResult {
    /// `"1"` until a breaking change.
    pub schema_version: String,
    /// The input.
    pub source: Source,
    /// Dominant language.
    pub language: Language,
    /// The notice's own title line.
    pub title: Option<String>,
    /// The kind of notice.
    pub kind: NoticeKind,
    /// Metadata dates.
    pub dates: Dates,
    /// Field values by key, in schema order.
    pub fields: BTreeMap<FieldKey, FieldValue>,
    /// Every section, in document order.
    pub sections: Vec<Section>,
    /// Missing required information.
    pub gaps: Vec<Gap>,
    /// Contradictions.
    pub conflicts: Vec<Conflict>,
    /// Ingestion problems.
    pub warnings: Vec<Warning>,
}
