//! `seloste report RUN_DIR`: a run as one self-contained HTML page for a reviewer (a
//! data protection officer): an overview, a heatmap of documents by field, one document
//! with its sections marked, and the versions of each register side by side.
//!
//! **Input.** Only the run's output: `RUN_DIR/run.json` (documents, statuses, groups),
//! the result files `RUN_DIR/<path>.json` (or `<path>#k.json`) and, when the run was made
//! with `--emit-text`, `RUN_DIR/<path>.norm.txt`. No input document is read: each
//! notice links to its source by the inputs recorded in `run.json` (relative inputs are
//! taken from the current directory; with several inputs, the one under which the
//! path exists is chosen, by its metadata only).
//!
//! **Output.** One HTML file (`RUN_DIR/report.html`, or `--out FILE`), written
//! atomically, made from the minijinja template `report.html` (auto-escaping on) with
//! the CSS and JavaScript inlined: no network, no external URL is loaded, so it works
//! from a file system or as an e-mail attachment. The same run gives a byte-identical
//! page (no clock is read; everything is in input order or sorted).
//!
//! **Data.** The heatmap rows (one per notice: `path`, or `path#k` for the k-th notice
//! of a document holding several; one per failed document) are embedded as compact
//! JSON in `<script type="application/json" id="report-data">` and drawn by the page's
//! script, virtualised (only the rows in view are in the DOM), so 20,000 rows open in
//! about a second. Per-notice details (sections, field texts and values, conflict
//! evidence, and the normalised text) are each in a `<script type="application/json">`
//! of their own, parsed only when the document is opened. What is embedded depends on
//! size ([`Tier`]): everything when it fits in `--embed-limit` (48 MiB by default);
//! otherwise the details without the normalised text; otherwise no details (the
//! document view then shows the findings only, and the page says so). All JSON in the
//! page has `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`, so document text
//! cannot close the script element; all other document text goes through the
//! template's HTML escaping or the script's `textContent`.
//!
//! **Cells** ([`Cell`]): each field of each notice is present, incomplete (present but
//! with a gap), missing and required (an error-severity gap), missing and optional, or
//! in conflict (named by a conflict; this wins over the others).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use rayon::prelude::*;
use serde::Serialize;

use crate::model::{FieldKey, NoticeResult, Severity};
use crate::output;
use crate::record::{DocumentRecord, Group, RunRecord, RUN_JSON};

const TEMPLATE: &str = include_str!("report.html");
const CSS: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Default size limit of the embedded per-document details, in MiB.
pub const DEFAULT_EMBED_LIMIT_MB: u64 = 48;
/// Most versions of one register shown side by side.
pub const MAX_SIDE_BY_SIDE: usize = 6;
/// Most characters of a field's text in the side-by-side view.
pub const MAX_SIDE_TEXT: usize = 1200;
/// Most groups listed in the versions view.
pub const MAX_GROUPS: usize = 1000;

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A run's output directory (`seloste extract --out RUN_DIR`).
    pub run_dir: PathBuf,
    /// Where to write the page (default: RUN_DIR/report.html).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Most MiB of per-document details (sections, field texts, normalised text) embedded in the page; past it the normalised text, then the details, are left out.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_EMBED_LIMIT_MB)]
    pub embed_limit: u64,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The state of one field of one notice in the heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    /// The field is there and nothing is said against it.
    Present,
    /// The field is there but a gap names it (e.g. rights that leave one out).
    Incomplete,
    /// Absent, and an error-severity gap names it: required information is missing.
    MissingRequired,
    /// Absent, and no error-severity gap names it.
    MissingOptional,
    /// Named by a conflict.
    Conflict,
    /// No result (the document failed or its result file is missing).
    NoResult,
}

impl Cell {
    /// One letter per state, as in the page's data: `p i r o c -`.
    pub fn code(self) -> char {
        match self {
            Cell::Present => 'p',
            Cell::Incomplete => 'i',
            Cell::MissingRequired => 'r',
            Cell::MissingOptional => 'o',
            Cell::Conflict => 'c',
            Cell::NoResult => '-',
        }
    }
}

/// The heatmap cells of one notice, one per [`FieldKey::ALL`].
pub fn cells(result: &NoticeResult) -> Vec<Cell> {
    FieldKey::ALL
        .iter()
        .map(|key| {
            if result.conflicts.iter().any(|c| c.fields.contains(key)) {
                return Cell::Conflict;
            }
            let gaps = result.gaps.iter().filter(|g| g.field == *key);
            let (mut any, mut required) = (false, false);
            for g in gaps {
                any = true;
                required |= g.severity == Severity::Error;
            }
            match (result.fields.contains_key(key), any, required) {
                (true, false, _) => Cell::Present,
                (true, true, _) => Cell::Incomplete,
                (false, _, true) => Cell::MissingRequired,
                (false, _, false) => Cell::MissingOptional,
            }
        })
        .collect()
}

/// What the page embeds per notice (decided for the whole run, by size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Details and normalised text.
    Full,
    /// Details without the normalised text.
    Fields,
    /// Only the heatmap row (findings with their messages).
    None,
}

impl Tier {
    /// Choose by the estimated sizes of all details with and without text.
    pub fn choose(with_text: u64, without_text: u64, limit: u64) -> Tier {
        if with_text <= limit {
            Tier::Full
        } else if without_text <= limit {
            Tier::Fields
        } else {
            Tier::None
        }
    }
}

/// One finding in a heatmap row: `[0 gap | 1 conflict, rule, severity, message, fields]`
/// (rule and message as indexes into the page's tables, fields as indexes into
/// [`FieldKey::ALL`]).
type Finding = (u8, usize, u8, usize, Vec<usize>);

/// One heatmap row, as embedded in the page.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Row {
    /// Result id: the document's path, or `path#k`.
    pub p: String,
    /// Status (`ok`, `skipped`, `error`, `timeout`, `missing` when the result file is gone).
    pub s: String,
    /// Kind of notice.
    pub k: String,
    /// Language.
    pub l: String,
    /// Title.
    pub t: String,
    /// Controller.
    pub c: String,
    /// Cells, one letter per field ([`Cell::code`]).
    pub x: String,
    /// Findings.
    pub f: Vec<Finding>,
    /// Index of the embedded details, or -1.
    pub d: i64,
    /// Link to the source document (relative to the page).
    pub u: String,
    /// Error message (failed documents).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub e: String,
}

/// Interns strings (rules, messages) into a table, in order of first use.
#[derive(Debug, Default)]
struct Interner {
    index: HashMap<String, usize>,
    items: Vec<String>,
}

impl Interner {
    fn get(&mut self, s: &str) -> usize {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        self.items.push(s.to_string());
        self.index.insert(s.to_string(), self.items.len() - 1);
        self.items.len() - 1
    }
}

fn sev_index(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// JSON for a `<script type="application/json">` element: `<`, `>`, `&` and the line
/// separators escaped, so no text inside can end the element or start a comment.
pub fn script_json<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for ch in json.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// One counted bar of the overview.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    /// What is counted (a status, kind, language, rule or severity).
    pub label: String,
    /// Total.
    pub count: usize,
    /// By severity (error, warning, info), for findings.
    pub by_severity: [usize; 3],
    /// Width in percent of the largest bar of its chart.
    pub pct: String,
    /// Widths of the severity parts, in percent of the largest bar.
    pub parts: [String; 3],
    /// Heatmap filter this bar sets (`rule`, `kind`, ...), and its value.
    pub filter: String,
    /// Filter value.
    pub value: String,
}

/// Counts for the overview charts.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overview {
    /// Documents by status (from the run record).
    pub status: BTreeMap<String, usize>,
    /// Notices by kind.
    pub kind: BTreeMap<String, usize>,
    /// Notices by language.
    pub language: BTreeMap<String, usize>,
    /// Gaps by rule, by severity.
    pub gaps: BTreeMap<String, [usize; 3]>,
    /// Conflicts by rule, by severity.
    pub conflicts: BTreeMap<String, [usize; 3]>,
    /// All findings by severity: gaps, conflicts.
    pub severity: [[usize; 3]; 2],
}

impl Overview {
    /// Count one notice.
    pub fn add_notice(&mut self, notice: &NoticeSummary) {
        *self.kind.entry(notice.kind.clone()).or_default() += 1;
        *self.language.entry(notice.language.clone()).or_default() += 1;
        for (kind, rule, severity, _, _) in &notice.findings {
            let s = sev_index(*severity) as usize;
            let by_rule = if *kind == 0 {
                &mut self.gaps
            } else {
                &mut self.conflicts
            };
            by_rule.entry(rule.clone()).or_default()[s] += 1;
            self.severity[usize::from(*kind)][s] += 1;
        }
    }

    /// Count one document's status.
    pub fn add_document(&mut self, doc: &DocumentRecord) {
        *self.status.entry(enum_name(&doc.status)).or_default() += 1;
    }
}

fn pct(n: usize, max: usize) -> String {
    if max == 0 {
        "0".into()
    } else {
        format!("{:.1}", n as f64 * 100.0 / max as f64)
    }
}

/// Bars of plain counts, largest first (ties by label).
pub fn count_bars(counts: &BTreeMap<String, usize>, filter: &str) -> Vec<Bar> {
    let mut v: Vec<(&String, &usize)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let max = v.first().map(|x| *x.1).unwrap_or(0);
    v.into_iter()
        .map(|(label, &count)| Bar {
            label: label.clone(),
            count,
            by_severity: [0; 3],
            pct: pct(count, max),
            parts: Default::default(),
            filter: filter.into(),
            value: label.clone(),
        })
        .collect()
}

/// Bars of findings by rule, split by severity, most first (ties by rule).
pub fn rule_bars(counts: &BTreeMap<String, [usize; 3]>) -> Vec<Bar> {
    let mut v: Vec<(&String, &[usize; 3])> = counts.iter().collect();
    let total = |c: &[usize; 3]| c.iter().sum::<usize>();
    v.sort_by(|a, b| total(b.1).cmp(&total(a.1)).then(a.0.cmp(b.0)));
    let max = v.first().map(|x| total(x.1)).unwrap_or(0);
    v.into_iter()
        .map(|(rule, c)| Bar {
            label: rule.clone(),
            count: total(c),
            by_severity: *c,
            pct: pct(total(c), max),
            parts: [pct(c[0], max), pct(c[1], max), pct(c[2], max)],
            filter: "rule".into(),
            value: rule.clone(),
        })
        .collect()
}

/// A notice's place: the record it came from and its result file.
#[derive(Debug, Clone)]
struct Entry {
    doc: usize,
    id: String,
    result: Option<PathBuf>,
    norm: Option<PathBuf>,
}

/// What the page needs of one notice besides its details: small, so that a run of
/// any size is held in memory as these only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoticeSummary {
    /// Kind of notice.
    pub kind: String,
    /// Dominant language.
    pub language: String,
    /// Title.
    pub title: String,
    /// Controller (as in the run record's digest).
    pub controller: String,
    /// Cells, one letter per field ([`Cell::code`]).
    pub cells: String,
    /// Gaps (0) then conflicts (1): kind, rule, severity, message, field indexes.
    pub findings: Vec<(u8, String, Severity, String, Vec<usize>)>,
}

impl NoticeSummary {
    /// The summary of one result.
    pub fn of(result: &NoticeResult) -> Self {
        let index = |f: &FieldKey| FieldKey::ALL.iter().position(|k| k == f);
        let mut findings = Vec::with_capacity(result.gaps.len() + result.conflicts.len());
        for g in &result.gaps {
            findings.push((
                0,
                g.rule.clone(),
                g.severity,
                g.message.clone(),
                index(&g.field).into_iter().collect(),
            ));
        }
        for c in &result.conflicts {
            findings.push((
                1,
                c.rule.clone(),
                c.severity,
                c.message.clone(),
                c.fields.iter().filter_map(index).collect(),
            ));
        }
        NoticeSummary {
            kind: enum_name(&result.kind),
            language: enum_name(&result.language),
            title: result.title.clone().unwrap_or_default(),
            controller: crate::record::NoticeDigest::of(result)
                .controller
                .unwrap_or_default(),
            cells: cells(result).into_iter().map(Cell::code).collect(),
            findings,
        }
    }
}

/// What pass 1 learns from one result file.
#[derive(Debug, Default)]
struct Scanned {
    summary: Option<NoticeSummary>,
    /// Field texts, for the versions shown side by side.
    side: Option<BTreeMap<String, String>>,
    /// Estimated bytes of the details without and with the text.
    size_fields: u64,
    size_text: u64,
}

/// The per-notice details embedded in the page (spans in UTF-16 code units of `text`).
#[derive(Debug, Serialize)]
struct Detail<'a> {
    /// The notice's normalised text, or null.
    text: Option<&'a str>,
    /// Why there is no text.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    /// `[start, end, field index or -1, heading, level, match, score]`.
    sec: Vec<(usize, usize, i64, &'a str, u8, String, f64)>,
    /// `[field index, text, structured values]`.
    fld: Vec<(usize, &'a str, &'a crate::model::StructuredValues)>,
    /// Per conflict, its evidence spans.
    ev: Vec<Vec<(usize, usize)>>,
    /// Warnings: `[code, message]`.
    warn: Vec<(&'a str, &'a str)>,
    /// Source format, encoding, pages, bytes, sha256.
    src: &'a crate::model::Source,
    /// Dates.
    dates: &'a crate::model::Dates,
}

/// UTF-16 offsets of the byte offsets of `text` (which must be char boundaries).
struct Utf16Map(Vec<u32>);

impl Utf16Map {
    fn new(text: &str) -> Self {
        let mut map = vec![0u32; text.len() + 1];
        let mut u = 0u32;
        for (i, ch) in text.char_indices() {
            map[i] = u;
            u += ch.len_utf16() as u32;
        }
        map[text.len()] = u;
        Utf16Map(map)
    }

    fn at(&self, text: &str, byte: usize) -> Option<usize> {
        (byte <= text.len() && text.is_char_boundary(byte)).then(|| self.0[byte] as usize)
    }
}

const NOTE_NO_TEXT: &str =
    "The run has no normalised text for this document: run extract with --emit-text to see the marked text.";
const NOTE_BAD_TEXT: &str =
    "The normalised text does not match this result (was the run changed?): run extract with --emit-text again.";
const NOTE_TOO_BIG: &str =
    "The normalised texts of this run are too large to embed (see --embed-limit): the fields are shown without the marked text.";

fn detail_json(result: &NoticeResult, norm: Option<&str>, tier: Tier) -> String {
    let (base, end) = match &result.source.notice {
        Some(n) => (n.span.start, Some(n.span.end)),
        None => (0, None),
    };
    let mut text = None;
    let mut note = None;
    let mut map = None;
    match (tier, norm) {
        (Tier::Full, Some(norm)) => {
            let end = end.unwrap_or(norm.len());
            let fits = base <= end
                && end <= norm.len()
                && norm.is_char_boundary(base)
                && norm.is_char_boundary(end);
            if fits {
                let slice = &norm[base..end];
                map = Some(Utf16Map::new(slice));
                text = Some(slice);
            } else {
                note = Some(NOTE_BAD_TEXT);
            }
        }
        (Tier::Full, None) => note = Some(NOTE_NO_TEXT),
        _ => note = Some(NOTE_TOO_BIG),
    }
    // Converts a whole-document byte span into the slice's UTF-16 offsets.
    let mut bad = false;
    let mut conv = |start: usize, end: usize| -> (usize, usize) {
        match (&map, text) {
            (Some(m), Some(t)) => {
                let s = start.checked_sub(base).and_then(|s| m.at(t, s));
                let e = end.checked_sub(base).and_then(|e| m.at(t, e));
                match (s, e) {
                    (Some(s), Some(e)) if s <= e => (s, e),
                    _ => {
                        bad = true;
                        (0, 0)
                    }
                }
            }
            _ => (0, 0),
        }
    };
    let sec = result
        .sections
        .iter()
        .map(|s| {
            let (a, b) = conv(s.span.start, s.span.end);
            (
                a,
                b,
                s.field
                    .and_then(|f| FieldKey::ALL.iter().position(|k| *k == f))
                    .map_or(-1, |i| i as i64),
                s.heading.as_str(),
                s.level,
                enum_name(&s.match_kind),
                (s.score * 1000.0).round() / 1000.0,
            )
        })
        .collect();
    let ev = result
        .conflicts
        .iter()
        .map(|c| c.evidence.iter().map(|e| conv(e.start, e.end)).collect())
        .collect();
    let mut detail = Detail {
        text,
        note,
        sec,
        fld: result
            .fields
            .iter()
            .map(|(k, v)| {
                let i = FieldKey::ALL.iter().position(|x| x == k).unwrap_or(0);
                (i, v.text.as_str(), &v.values)
            })
            .collect(),
        ev,
        warn: result
            .warnings
            .iter()
            .map(|w| (w.code.as_str(), w.message.as_str()))
            .collect(),
        src: &result.source,
        dates: &result.dates,
    };
    if bad {
        detail.text = None;
        detail.note = Some(NOTE_BAD_TEXT);
        for s in &mut detail.sec {
            (s.0, s.1) = (0, 0);
        }
        for e in &mut detail.ev {
            e.clear();
        }
    }
    script_json(&detail)
}

/// Lexically normalised absolute path (`.` and `..` resolved without the file system).
fn lexical(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The relative URL from directory `from` to file `to` (both absolute, normalised),
/// percent-encoded (`:` too, so no component reads as a URL scheme).
pub fn relative_url(from: &Path, to: &Path) -> String {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..a.len() {
        parts.push("..".into());
    }
    for c in &b[common..] {
        parts.push(encode_component(&c.as_os_str().to_string_lossy()));
    }
    parts.join("/")
}

fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where the source of `rel` is, from the inputs recorded in `run.json` (resolved
/// against the current directory): a file input whose name is `rel`; else, with one
/// input, that input joined with `rel`; with several, the first under which `rel`
/// exists (only its metadata is looked at), else the first.
fn source_path(inputs: &[PathBuf], rel: &str, cwd: &Path) -> PathBuf {
    let by_name = inputs
        .iter()
        .find(|i| i.file_name().is_some_and(|n| n.to_string_lossy() == rel));
    let path = match (by_name, inputs) {
        (Some(file), _) => file.clone(),
        (None, [dir]) => dir.join(rel),
        (None, [first, ..]) => inputs
            .iter()
            .map(|i| lexical(&i.join(rel), cwd))
            .find(|p| p.exists())
            .unwrap_or_else(|| first.join(rel)),
        (None, []) => PathBuf::from(rel),
    };
    lexical(&path, cwd)
}

/// One version in the side-by-side view.
#[derive(Debug, Serialize)]
struct Version {
    id: String,
    row: Option<usize>,
    newest: bool,
}

/// One differing field across the versions shown.
#[derive(Debug, Serialize)]
struct VersionField {
    field: String,
    variants: usize,
    message: String,
    texts: Vec<Option<String>>,
}

/// A group in the versions view.
#[derive(Debug, Serialize)]
struct VersionGroup {
    name: String,
    members: usize,
    newest: Option<String>,
    shown: Vec<Version>,
    fields: Vec<VersionField>,
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The page, built from the run in `run_dir`; `page_dir` is the directory the page
/// will be in (for the links to the sources), `cwd` what relative inputs are relative to.
pub fn build(run_dir: &Path, page_dir: &Path, cwd: &Path, limit: u64) -> Result<Built, String> {
    let run_path = run_dir.join(RUN_JSON);
    let bytes =
        std::fs::read(&run_path).map_err(|e| format!("cannot read {}: {e}", run_path.display()))?;
    let run: RunRecord = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a run record: {e}", run_path.display()))?;
    let inputs: Vec<PathBuf> = run
        .options
        .get("inputs")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(PathBuf::from))
                .collect()
        })
        .unwrap_or_default();
    let page_dir = lexical(page_dir, cwd);

    // The notices, in input order.
    let mut entries = Vec::new();
    for (i, d) in run.documents.iter().enumerate() {
        let norm = output::norm_text_path(run_dir, &d.path);
        if d.status.has_results() && output::is_safe_relative(&d.path) {
            let n = d.notices.max(1);
            for (k, path) in output::result_paths(run_dir, &d.path, n)
                .into_iter()
                .enumerate()
            {
                let id = if n > 1 {
                    format!("{}#{}", d.path, k + 1)
                } else {
                    d.path.clone()
                };
                entries.push(Entry {
                    doc: i,
                    id,
                    result: Some(path),
                    norm: Some(norm.clone()),
                });
            }
        } else {
            entries.push(Entry {
                doc: i,
                id: d.path.clone(),
                result: None,
                norm: None,
            });
        }
    }
    // Ids shown side by side in the versions view: their field texts are kept.
    let groups: Vec<&Group> = run.groups.iter().take(MAX_GROUPS).collect();
    let mut wanted: HashSet<&str> = HashSet::new();
    for g in &groups {
        for id in side_members(g) {
            wanted.insert(id);
        }
    }

    // Pass 1: read every result (in parallel, collected in order).
    let scanned: Vec<Scanned> = entries
        .par_iter()
        .map(|e| {
            let Some(path) = &e.result else {
                return Scanned::default();
            };
            let Some(result) = std::fs::read(path)
                .ok()
                .and_then(|b| serde_json::from_slice::<NoticeResult>(&b).ok())
            else {
                return Scanned::default();
            };
            let size_fields = detail_json(&result, None, Tier::Fields).len() as u64;
            let text_len = e
                .norm
                .as_ref()
                .and_then(|p| std::fs::metadata(p).ok())
                .map_or(0, |m| m.len());
            let text_len = match &result.source.notice {
                Some(n) => (n.span.end.saturating_sub(n.span.start) as u64).min(text_len),
                None => text_len,
            };
            // Text, plus about 10% for JSON escapes; sections and evidence are already counted.
            let size_text = size_fields + text_len + text_len / 10;
            let side = wanted.contains(e.id.as_str()).then(|| {
                result
                    .fields
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), truncate(&v.text, MAX_SIDE_TEXT)))
                    .collect()
            });
            Scanned {
                summary: Some(NoticeSummary::of(&result)),
                side,
                size_fields,
                size_text,
            }
        })
        .collect();

    let mut rules = Interner::default();
    let mut messages = Interner::default();
    let mut overview = Overview::default();
    for d in &run.documents {
        overview.add_document(d);
    }
    let mut rows = Vec::with_capacity(entries.len());
    let mut side_texts: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let (mut with_text, mut without_text) = (0u64, 0u64);
    let mut missing_results = 0usize;
    let mut has_result = Vec::with_capacity(entries.len());
    for (e, s) in entries.iter().zip(scanned) {
        let doc = &run.documents[e.doc];
        let source = source_path(&inputs, &doc.path, cwd);
        let mut row = Row {
            p: e.id.clone(),
            s: enum_name(&doc.status),
            k: doc.kind.clone().unwrap_or_default(),
            u: relative_url(&page_dir, &source),
            d: -1,
            e: doc.error.clone().unwrap_or_default(),
            x: std::iter::repeat_n(Cell::NoResult.code(), FieldKey::ALL.len()).collect(),
            ..Row::default()
        };
        if let Some(n) = s.summary {
            overview.add_notice(&n);
            with_text += s.size_text;
            without_text += s.size_fields;
            has_result.push(true);
            row.f = n
                .findings
                .into_iter()
                .map(|(kind, rule, severity, message, fields)| {
                    (
                        kind,
                        rules.get(&rule),
                        sev_index(severity),
                        messages.get(&message),
                        fields,
                    )
                })
                .collect();
            (row.k, row.l, row.t, row.c, row.x) =
                (n.kind, n.language, n.title, n.controller, n.cells);
            if let Some(side) = s.side {
                side_texts.insert(e.id.clone(), side);
            }
        } else if doc.status.has_results() {
            row.s = "missing".into();
            row.e = "the result file is missing or unreadable".into();
            missing_results += 1;
            has_result.push(false);
        } else {
            has_result.push(false);
        }
        rows.push(row);
    }

    // Pass 2: the details, when they fit.
    let tier = Tier::choose(with_text, without_text, limit);
    let details: Vec<(usize, String)> = if tier == Tier::None {
        Vec::new()
    } else {
        entries
            .par_iter()
            .enumerate()
            .filter(|(i, _)| has_result[*i])
            .filter_map(|(i, e)| {
                let r = std::fs::read(e.result.as_ref()?)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<NoticeResult>(&b).ok())?;
                let norm = if tier == Tier::Full {
                    e.norm
                        .as_ref()
                        .and_then(|p| std::fs::read(p).ok())
                        .and_then(|b| String::from_utf8(b).ok())
                } else {
                    None
                };
                Some((i, detail_json(&r, norm.as_deref(), tier)))
            })
            .collect()
    };
    for (n, (i, _)) in details.iter().enumerate() {
        rows[*i].d = n as i64;
    }

    // The versions view.
    let row_of: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.p.as_str(), i))
        .collect();
    let version_groups: Vec<VersionGroup> = groups
        .iter()
        .map(|g| {
            let shown: Vec<Version> = side_members(g)
                .into_iter()
                .map(|id| Version {
                    id: id.to_string(),
                    row: row_of.get(id).copied(),
                    newest: g.newest.as_deref() == Some(id),
                })
                .collect();
            let fields = g
                .differences
                .iter()
                .map(|d| VersionField {
                    field: d.field.clone(),
                    variants: d.variants,
                    message: d.message.clone(),
                    texts: shown
                        .iter()
                        .map(|v| side_texts.get(&v.id).and_then(|t| t.get(&d.field)).cloned())
                        .collect(),
                })
                .collect();
            VersionGroup {
                name: g.name.clone(),
                members: g.documents.len(),
                newest: g.newest.clone(),
                shown,
                fields,
            }
        })
        .collect();

    let data = Data {
        fields: FieldKey::ALL.iter().map(|k| k.as_str()).collect(),
        rules: &rules.items,
        msgs: &messages.items,
        tier,
        rows: &rows,
    };
    let notices = rows
        .iter()
        .filter(|r| r.s != "error" && r.s != "timeout")
        .count();
    let page = Page {
        tool_version: run.tool_version.clone(),
        today: run
            .options
            .get("today")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string(),
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
        documents: run.documents.len(),
        rows: rows.len(),
        notices,
        interrupted: run.interrupted,
        missing_results,
        tier,
        embed_limit_mb: limit / (1024 * 1024),
        groups_total: run.groups.len(),
        status_bars: count_bars(&overview.status, "status"),
        kind_bars: count_bars(&overview.kind, "kind"),
        language_bars: count_bars(&overview.language, "lang"),
        gap_bars: rule_bars(&overview.gaps),
        conflict_bars: rule_bars(&overview.conflicts),
        severity: overview.severity,
        fields: FieldKey::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_str(), (i * 360 / FieldKey::ALL.len()) as u32))
            .collect(),
        versions: version_groups,
    };
    let html = render(&page, &script_json(&data), &details)?;
    Ok(Built {
        html,
        rows: rows.len(),
        tier,
    })
}

/// The versions of a group shown side by side: the newest first, then the others in
/// order, at most [`MAX_SIDE_BY_SIDE`].
fn side_members(g: &Group) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    if let Some(n) = g.newest.as_deref() {
        v.push(n);
    }
    for d in &g.documents {
        if v.len() >= MAX_SIDE_BY_SIDE {
            break;
        }
        if Some(d.as_str()) != g.newest.as_deref() {
            v.push(d);
        }
    }
    v
}

/// The page's data block: tables, then one row per notice.
#[derive(Debug, Serialize)]
struct Data<'a> {
    fields: Vec<&'static str>,
    rules: &'a [String],
    msgs: &'a [String],
    tier: Tier,
    rows: &'a [Row],
}

/// Everything the template shows besides the embedded JSON.
#[derive(Debug, Serialize)]
struct Page {
    tool_version: String,
    today: String,
    inputs: Vec<String>,
    documents: usize,
    rows: usize,
    notices: usize,
    interrupted: bool,
    missing_results: usize,
    tier: Tier,
    embed_limit_mb: u64,
    groups_total: usize,
    status_bars: Vec<Bar>,
    kind_bars: Vec<Bar>,
    language_bars: Vec<Bar>,
    gap_bars: Vec<Bar>,
    conflict_bars: Vec<Bar>,
    severity: [[usize; 3]; 2],
    fields: Vec<(&'static str, u32)>,
    versions: Vec<VersionGroup>,
}

/// A built page.
#[derive(Debug)]
pub struct Built {
    /// The HTML.
    pub html: String,
    /// Heatmap rows.
    pub rows: usize,
    /// What was embedded.
    pub tier: Tier,
}

fn render(page: &Page, data: &str, details: &[(usize, String)]) -> Result<String, String> {
    let mut env = Environment::new();
    // Auto-escaping follows the name: `.html` is HTML-escaped.
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| format!("report template: {e}"))?;
    let details: Vec<Value> = details
        .iter()
        .map(|(_, json)| Value::from_safe_string(json.clone()))
        .collect();
    let template = env
        .get_template("report.html")
        .map_err(|e| format!("report template: {e}"))?;
    template
        .render(context! {
            page => Serde(page),
            css => Value::from_safe_string(CSS.to_string()),
            script => Value::from_safe_string(SCRIPT.to_string()),
            data => Value::from_safe_string(data.to_string()),
            details => details,
        })
        .map_err(|e| format!("report template: {e}"))
}

/// `seloste report`; returns the exit code (0 written, 2 error).
pub fn run(args: &ReportArgs) -> i32 {
    match run_checked(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("seloste report: {message}");
            2
        }
    }
}

fn run_checked(args: &ReportArgs) -> Result<(), String> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.run_dir.join("report.html"));
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let page_dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let built = build(
        &args.run_dir,
        page_dir,
        &cwd,
        args.embed_limit.saturating_mul(1024 * 1024),
    )?;
    output::write_atomic(&out, built.html.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    if !args.quiet {
        eprintln!(
            "seloste report: {} rows, details: {}; wrote {} ({} KiB)",
            built.rows,
            match built.tier {
                Tier::Full => "with text",
                Tier::Fields => "fields only",
                Tier::None => "none (too large)",
            },
            out.display(),
            built.html.len() / 1024
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Conflict, Gap};

    /// A small notice run through the pipeline.
    fn extraction() -> crate::pipeline::Extraction {
        let options = crate::pipeline::Options {
            today: "2026-11-22".into(),
            ..Default::default()
        };
        let text =
            "Asiakasrekisteri\n\nRekisterinpitäjä\n\nUtajärven kunta, kirjaamo(at)utajarvi.fi\n\n\
                    Tietojen siirto EU:n tai ETA:n ulkopuolelle\n\nTietoja ei siirretä.\n";
        crate::pipeline::extract("n.txt", text.as_bytes(), &options).unwrap()
    }

    fn notice() -> NoticeResult {
        extraction().results.remove(0)
    }

    fn at(cells: &[Cell], key: FieldKey) -> Cell {
        cells[FieldKey::ALL.iter().position(|k| *k == key).unwrap()]
    }

    #[test]
    fn cells_tell_present_missing_and_conflict() {
        let mut r = notice();
        let c = cells(&r);
        assert_eq!(c.len(), FieldKey::ALL.len());
        assert_eq!(at(&c, FieldKey::Controller), Cell::Present);
        assert_eq!(at(&c, FieldKey::Transfers), Cell::Present);
        // A municipality without a DPO: an error gap on an absent field.
        assert_eq!(at(&c, FieldKey::Dpo), Cell::MissingRequired);
        assert_eq!(at(&c, FieldKey::Processors), Cell::MissingOptional);
        r.gaps.push(Gap {
            field: FieldKey::Controller,
            rule: "x".into(),
            severity: Severity::Warning,
            message: String::new(),
        });
        r.conflicts.push(Conflict {
            rule: "y".into(),
            severity: Severity::Warning,
            fields: vec![FieldKey::Transfers, FieldKey::Dpo],
            message: String::new(),
            evidence: vec![],
        });
        let c = cells(&r);
        assert_eq!(at(&c, FieldKey::Controller), Cell::Incomplete);
        assert_eq!(at(&c, FieldKey::Transfers), Cell::Conflict);
        assert_eq!(at(&c, FieldKey::Dpo), Cell::Conflict, "conflict wins");
        let codes: String = c.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), 21);
    }

    #[test]
    fn overview_counts_and_bars() {
        let r = notice();
        let mut o = Overview::default();
        let n = NoticeSummary::of(&r);
        assert_eq!(n.cells.len(), 21);
        assert_eq!(n.findings.len(), r.gaps.len() + r.conflicts.len());
        o.add_notice(&n);
        o.add_notice(&n);
        assert_eq!(o.kind["tietosuojaseloste"], 2);
        assert_eq!(o.language["fi"], 2);
        let total: usize = o.gaps.values().flat_map(|c| c.iter()).sum();
        assert_eq!(total, 2 * r.gaps.len());
        assert_eq!(o.severity[0].iter().sum::<usize>(), total);
        let bars = rule_bars(&o.gaps);
        assert_eq!(bars[0].pct, "100.0");
        assert!(bars.windows(2).all(|w| w[0].count >= w[1].count));
        let mut status = BTreeMap::new();
        status.insert("ok".to_string(), 3);
        status.insert("error".to_string(), 1);
        let bars = count_bars(&status, "status");
        assert_eq!(bars[0].label, "ok");
        assert_eq!(bars[1].pct, "33.3");
    }

    #[test]
    fn script_json_cannot_end_the_script_element() {
        let s = script_json(&["</script><script>alert(1)</script>", "a & b", "\u{2028}"]);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}'));
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }

    #[test]
    fn tiers_by_size() {
        assert_eq!(Tier::choose(10, 5, 10), Tier::Full);
        assert_eq!(Tier::choose(11, 5, 10), Tier::Fields);
        assert_eq!(Tier::choose(30, 11, 10), Tier::None);
    }

    #[test]
    fn relative_urls_are_encoded() {
        let from = Path::new("/w/out");
        assert_eq!(
            relative_url(from, Path::new("/w/samples/a b#1.txt")),
            "../samples/a%20b%231.txt"
        );
        assert_eq!(relative_url(from, Path::new("/w/out/x:y.txt")), "x%3Ay.txt");
        let p = source_path(&[PathBuf::from("samples")], "corpus/a.md", Path::new("/w"));
        assert_eq!(p, Path::new("/w/samples/corpus/a.md"));
        let p = source_path(&[PathBuf::from("../x/n.txt")], "n.txt", Path::new("/w/a"));
        assert_eq!(p, Path::new("/w/x/n.txt"));
    }

    #[test]
    fn details_use_utf16_offsets_of_the_notice_text() {
        let mut extraction = extraction();
        let r = extraction.results.remove(0);
        let norm = extraction.norm.text;
        let json = detail_json(&r, Some(&norm), Tier::Full);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let t: Vec<u16> = v["text"].as_str().unwrap().encode_utf16().collect();
        for s in v["sec"].as_array().unwrap() {
            let (a, b) = (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            );
            let piece = String::from_utf16(&t[a..b]).unwrap();
            let heading = s[3].as_str().unwrap();
            assert!(piece.contains(heading), "{piece:?} has {heading:?}");
        }
        let none = detail_json(&r, None, Tier::Full);
        assert!(none.contains("--emit-text"));
    }
}
