//! `seloste diff GOLDEN ACTUAL`: what changed between two runs, document by document
//! and field by field, for migration reviews; `--bless` copies the reviewed result over
//! the golden one. The comparison itself is [`crate::diff`].
//!
//! **Documents.** GOLDEN and ACTUAL are both run output directories (`extract --out`)
//! or both single result files. In a directory, a document is a `*.json` file whose
//! object has `schema_version` and `source` (or an array of such objects: a file
//! holding several notices), matched by its path relative to the directory;
//! `<path>#2.json` files are ordinary documents. The run's own files (`run.json`,
//! `run.partial.jsonl`, `summary.csv`, `report.html`, `*.norm.txt`), other JSON files
//! and hidden files are not documents.
//!
//! **Exit status** (as diff(1)): 0 no differences, 1 differences, 2 error (unreadable
//! or invalid JSON, named on stderr). With `--bless`, the status tells what is left
//! after blessing: 0 when GOLDEN now matches ACTUAL, 1 when differences remain.
//!
//! **`--bless [PATH...]`** writes ACTUAL's file over GOLDEN's (atomically) for every
//! changed and extra document, or only for those named (a document path as printed,
//! with or without `.json`, a folder, or a path under GOLDEN or ACTUAL). A *missing*
//! document (in GOLDEN only) is deleted from GOLDEN only when named explicitly: a
//! document missing from a run usually failed, and its approved result is kept. Each
//! file written or deleted is named on stderr.
//!
//! **`--format json`** prints one object (stable; new keys may be added):
//!
//! ```text
//! { "format": "seloste-diff", "version": 1, "golden": PATH, "actual": PATH,
//!   "summary": { "compared", "unchanged", "changed", "changed_spans_only",
//!                "missing", "extra": counts,
//!                "topics": { TOPIC: documents in which it changed } },
//!   "documents": [ { "path": relative path, "status": "changed" | "missing" | "extra",
//!                    "span_changes": count of span-only changes,
//!                    "changes": [ { "op": "added" | "removed" | "changed",
//!                                   "pointer": JSON Pointer, "topic": TOPIC,
//!                                   "label"?: matched element, "old"?: value,
//!                                   "new"?: value, "span_only": bool } ] } ] }
//! ```
//!
//! Only documents with differences are listed, in path order; `changes` leaves out
//! span-only changes unless `--spans` is given. TOPIC is `fields.<key>` for a field,
//! else the top-level key (`kind`, `title`, `language`, `dates`, `sections`, `gaps`,
//! `conflicts`, `warnings`, `source`). See [`crate::diff`] for pointers and sets.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::diff::{diff_results, Change, DiffOptions, Op};

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The approved results: a run output directory or one result file.
    pub golden: PathBuf,
    /// The new results: a run output directory or one result file.
    pub actual: PathBuf,
    /// Also ignore KEY: a field name (`score`) or a JSON Pointer (`/source/sha256`); repeatable. Timings (`millis`) and `tool_version` are always ignored.
    #[arg(long, value_name = "KEY")]
    pub ignore: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Colour the human output: auto = when stdout is a terminal and NO_COLOR is unset.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// List changes that are only in spans (byte offsets moved because text moved); by default they are counted.
    #[arg(long)]
    pub spans: bool,
    /// Copy ACTUAL's result over GOLDEN's for changed and extra documents, or only for the PATHs given (then named missing documents are deleted). Put it after GOLDEN ACTUAL.
    #[arg(long, num_args = 0.., value_name = "PATH")]
    pub bless: Option<Vec<String>>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Summary, then a compact list per document.
    Human,
    /// One JSON object, stable (its keys are described in src/review.rs).
    Json,
    /// Markdown for a review ticket.
    #[value(alias = "md")]
    Markdown,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How one document compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Same on both sides (after ignoring volatile keys and set order).
    Unchanged,
    /// Different.
    Changed,
    /// In GOLDEN only.
    Missing,
    /// In ACTUAL only.
    Extra,
}

/// One document's comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentDiff {
    /// Path relative to GOLDEN and ACTUAL (`corpus/a.md.json`).
    pub path: String,
    /// Unchanged, changed, missing or extra.
    pub status: Status,
    /// The differences (changed documents only).
    pub changes: Vec<Change>,
}

impl DocumentDiff {
    /// Number of changes that are only in spans.
    pub fn span_changes(&self) -> usize {
        self.changes.iter().filter(|c| c.span_only).count()
    }

    /// Changed, but only in spans.
    pub fn only_spans(&self) -> bool {
        self.status == Status::Changed && self.changes.iter().all(|c| c.span_only)
    }
}

/// The comparison of two runs (or two files).
#[derive(Debug, Clone)]
pub struct Report {
    /// GOLDEN as given.
    pub golden: PathBuf,
    /// ACTUAL as given.
    pub actual: PathBuf,
    /// Both are single files.
    pub single_file: bool,
    /// Every document, in path order.
    pub documents: Vec<DocumentDiff>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Documents on both sides.
    pub compared: usize,
    /// Of those, unchanged.
    pub unchanged: usize,
    /// Of those, changed.
    pub changed: usize,
    /// Of the changed, changed only in spans.
    pub changed_spans_only: usize,
    /// In GOLDEN only.
    pub missing: usize,
    /// In ACTUAL only.
    pub extra: usize,
    /// Per topic (`fields.controller`, `gaps`, ...): in how many documents it changed
    /// (span-only changes not counted).
    pub topics: BTreeMap<String, usize>,
}

impl Report {
    /// GOLDEN's file of a document.
    pub fn golden_path(&self, doc: &DocumentDiff) -> PathBuf {
        if self.single_file {
            self.golden.clone()
        } else {
            self.golden.join(&doc.path)
        }
    }

    /// ACTUAL's file of a document.
    pub fn actual_path(&self, doc: &DocumentDiff) -> PathBuf {
        if self.single_file {
            self.actual.clone()
        } else {
            self.actual.join(&doc.path)
        }
    }

    /// True when some document differs.
    pub fn has_differences(&self) -> bool {
        self.documents.iter().any(|d| d.status != Status::Unchanged)
    }

    /// The counts.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for d in &self.documents {
            match d.status {
                Status::Unchanged => s.unchanged += 1,
                Status::Changed => {
                    s.changed += 1;
                    if d.only_spans() {
                        s.changed_spans_only += 1;
                    }
                    let topics: BTreeSet<&str> = d
                        .changes
                        .iter()
                        .filter(|c| !c.span_only)
                        .map(|c| c.topic.as_str())
                        .collect();
                    for t in topics {
                        *s.topics.entry(t.to_string()).or_default() += 1;
                    }
                }
                Status::Missing => s.missing += 1,
                Status::Extra => s.extra += 1,
            }
        }
        s.compared = s.unchanged + s.changed;
        s
    }
}

/// `seloste diff`; returns the exit status.
pub fn run(args: &DiffArgs) -> i32 {
    match run_checked(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("seloste diff: {message}");
            2
        }
    }
}

fn run_checked(args: &DiffArgs) -> Result<i32, String> {
    let options = DiffOptions {
        ignore: args.ignore.clone(),
    };
    let report = compare(&args.golden, &args.actual, &options, args.bless.is_some())?;
    if let Some(wanted) = &args.bless {
        for w in wanted {
            if !report.documents.iter().any(|d| names(&report, d, w)) {
                return Err(format!(
                    "--bless {w}: no such document in {} or {}",
                    report.golden.display(),
                    report.actual.display()
                ));
            }
        }
    }
    let style = Style {
        color: use_color(args.color),
        spans: args.spans,
    };
    let text = match args.format {
        OutputFormat::Human => render_human(&report, &style),
        OutputFormat::Markdown => render_markdown(&report, &style),
        OutputFormat::Json => render_json(&report, &style),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {e}"));
        }
    }
    drop(stdout);
    match &args.bless {
        Some(wanted) => {
            let remaining = bless(&report, wanted)?;
            Ok(i32::from(remaining > 0))
        }
        None => Ok(i32::from(report.has_differences())),
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Compare GOLDEN with ACTUAL (two run directories or two result files). With
/// `golden_may_be_absent` (blessing), a GOLDEN directory that does not exist yet is
/// taken as empty.
pub fn compare(
    golden: &Path,
    actual: &Path,
    options: &DiffOptions,
    golden_may_be_absent: bool,
) -> Result<Report, String> {
    let actual_meta =
        std::fs::metadata(actual).map_err(|e| format!("{}: {e}", actual.display()))?;
    let golden_meta = match std::fs::metadata(golden) {
        Ok(m) => Some(m),
        Err(e) if golden_may_be_absent && e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", golden.display())),
    };
    // A GOLDEN that does not exist yet takes ACTUAL's kind.
    let golden_is_dir = golden_meta
        .as_ref()
        .map_or(actual_meta.is_dir(), |m| m.is_dir());
    match (golden_is_dir, actual_meta.is_dir()) {
        (false, false) => {
            let new = load(actual)?;
            let (status, changes) = match golden_meta {
                None => (Status::Extra, Vec::new()),
                Some(_) => {
                    let changes = diff_results(&load(golden)?, &new, options);
                    let status = if changes.is_empty() {
                        Status::Unchanged
                    } else {
                        Status::Changed
                    };
                    (status, changes)
                }
            };
            let path = golden.file_name().map_or_else(
                || golden.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Ok(Report {
                golden: golden.to_path_buf(),
                actual: actual.to_path_buf(),
                single_file: true,
                documents: vec![DocumentDiff {
                    path,
                    status,
                    changes,
                }],
            })
        }
        (true, true) => {
            let old = match golden_meta {
                Some(_) => list(golden)?,
                None => BTreeSet::new(),
            };
            let new = list(actual)?;
            let all: Vec<&String> = old.union(&new).collect();
            let documents = all
                .par_iter()
                .map(|name| {
                    compare_one(
                        name,
                        old.contains(*name).then(|| golden.join(name)),
                        new.contains(*name).then(|| actual.join(name)),
                        options,
                    )
                })
                .collect::<Result<Vec<Option<DocumentDiff>>, String>>()?;
            Ok(Report {
                golden: golden.to_path_buf(),
                actual: actual.to_path_buf(),
                single_file: false,
                documents: documents.into_iter().flatten().collect(),
            })
        }
        _ => Err(format!(
            "{} and {} must both be directories (run outputs) or both result files",
            golden.display(),
            actual.display()
        )),
    }
}

/// The candidate result files under a run directory: `*.json` but the run record,
/// skipping hidden files and folders; relative paths with `/`.
fn list(root: &Path) -> Result<BTreeSet<String>, String> {
    let mut names = BTreeSet::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", root.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if name.ends_with(".json") && name != "run.json" {
            names.insert(name);
        }
    }
    Ok(names)
}

/// One document of two run directories, from its files (`None`: absent on that side).
fn compare_one(
    name: &str,
    golden: Option<PathBuf>,
    actual: Option<PathBuf>,
    options: &DiffOptions,
) -> Result<Option<DocumentDiff>, String> {
    let doc = |status, changes| {
        Some(DocumentDiff {
            path: name.to_string(),
            status,
            changes,
        })
    };
    let old = golden.as_deref().map(read).transpose()?;
    let new = actual.as_deref().map(read).transpose()?;
    if let (Some(g), Some(a), Some(path)) = (&old, &new, &golden) {
        if g == a {
            // The same bytes (most documents of a run): unchanged, if a result at all;
            // checking that needs no tree of values.
            return Ok(probe(g, path)?
                .then(|| doc(Status::Unchanged, Vec::new()))
                .flatten());
        }
    }
    let parse_side = |bytes: Option<Vec<u8>>, path: &Option<PathBuf>| match (bytes, path) {
        (Some(b), Some(p)) => parse(&b, p).map(|v| v.filter(crate::diff::is_result)),
        _ => Ok(None),
    };
    let old = parse_side(old, &golden)?;
    let new = parse_side(new, &actual)?;
    Ok(match (old, new) {
        (Some(g), Some(a)) => {
            let changes = diff_results(&g, &a, options);
            let status = if changes.is_empty() {
                Status::Unchanged
            } else {
                Status::Changed
            };
            doc(status, changes)
        }
        (Some(_), None) => doc(Status::Missing, Vec::new()),
        (None, Some(_)) => doc(Status::Extra, Vec::new()),
        (None, None) => None,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn parse(bytes: &[u8], path: &Path) -> Result<Option<Value>, String> {
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

fn load(path: &Path) -> Result<Value, String> {
    Ok(parse(&read(path)?, path)?.unwrap_or_default())
}

/// The keys that make an object a result, skipped over without building values.
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "schema_version")]
    _schema_version: serde::de::IgnoredAny,
    #[serde(rename = "source")]
    _source: serde::de::IgnoredAny,
}

/// [`crate::diff::is_result`] on the bytes of a file; an error for invalid JSON.
fn probe(bytes: &[u8], path: &Path) -> Result<bool, String> {
    if serde_json::from_slice::<Probe>(bytes).is_ok() {
        return Ok(true);
    }
    if serde_json::from_slice::<Vec<Probe>>(bytes).is_ok_and(|v| !v.is_empty()) {
        return Ok(true);
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| false)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

/// Does the `--bless` argument `wanted` name this document?
fn names(report: &Report, doc: &DocumentDiff, wanted: &str) -> bool {
    let w = Path::new(wanted);
    if report.single_file {
        return w == report.golden || w == report.actual || wanted == doc.path;
    }
    let rel = w
        .strip_prefix(&report.golden)
        .or_else(|_| w.strip_prefix(&report.actual))
        .unwrap_or(w);
    let rel = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if rel.is_empty() {
        return true;
    }
    let p = &doc.path;
    *p == rel
        || *p == format!("{rel}.json")
        || p.starts_with(&format!("{rel}/"))
        || p.starts_with(&format!("{rel}#"))
}

/// Write ACTUAL over GOLDEN for the chosen documents; returns how many documents
/// still differ.
fn bless(report: &Report, wanted: &[String]) -> Result<usize, String> {
    let mut remaining = 0;
    let mut kept_missing = 0;
    for doc in report
        .documents
        .iter()
        .filter(|d| d.status != Status::Unchanged)
    {
        let chosen = if wanted.is_empty() {
            doc.status != Status::Missing
        } else {
            wanted.iter().any(|w| names(report, doc, w))
        };
        if !chosen {
            remaining += 1;
            if doc.status == Status::Missing && wanted.is_empty() {
                kept_missing += 1;
            }
            continue;
        }
        let target = report.golden_path(doc);
        if doc.status == Status::Missing {
            std::fs::remove_file(&target)
                .map_err(|e| format!("cannot delete {}: {e}", target.display()))?;
            eprintln!("seloste diff: deleted {}", target.display());
        } else {
            let source = report.actual_path(doc);
            let bytes = std::fs::read(&source)
                .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
            crate::output::write_atomic(&target, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            eprintln!("seloste diff: wrote {}", target.display());
        }
    }
    if kept_missing > 0 {
        eprintln!(
            "seloste diff: kept {kept_missing} missing document(s) in {}; name them with --bless PATH to delete them",
            report.golden.display()
        );
    }
    Ok(remaining)
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// List span-only changes instead of counting them.
    pub spans: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn paint(s: &str, code: &str, style: &Style) -> String {
    if style.color {
        format!("{code}{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn topics_by_count(summary: &Summary) -> Vec<(&String, &usize)> {
    let mut t: Vec<_> = summary.topics.iter().collect();
    t.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    t
}

/// The human report: summary, then each document that differs.
pub fn render_human(report: &Report, style: &Style) -> String {
    let s = report.summary();
    let mut out = format!(
        "{} compared: {} unchanged, {} changed",
        plural(s.compared, "document", "documents"),
        s.unchanged,
        s.changed
    );
    if s.changed_spans_only > 0 {
        out.push_str(&format!(" ({} only in spans)", s.changed_spans_only));
    }
    out.push_str(&format!("; {} missing, {} extra\n", s.missing, s.extra));
    if !s.topics.is_empty() {
        out.push_str("changed in (documents):\n");
        let width = s.topics.values().max().map_or(1, |n| n.to_string().len());
        for (topic, n) in topics_by_count(&s) {
            out.push_str(&format!("  {n:>width$}  {topic}\n"));
        }
    }
    // Missing and extra documents one line each, then each changed document.
    let mut first = true;
    for (status, word, colour) in [
        (Status::Missing, "missing", RED),
        (Status::Extra, "extra  ", GREEN),
    ] {
        for doc in report.documents.iter().filter(|d| d.status == status) {
            if std::mem::take(&mut first) {
                out.push('\n');
            }
            out.push_str(&format!("{} {}\n", paint(word, colour, style), doc.path));
        }
    }
    for doc in report
        .documents
        .iter()
        .filter(|d| d.status == Status::Changed)
    {
        out.push_str(&format!(
            "\n{} {}\n",
            paint("changed", YELLOW, style),
            paint(&doc.path, BOLD, style)
        ));
        out.push_str(&render_changes(&doc.changes, style));
    }
    out
}

/// One line per change (`~ /pointer [label]: old -> new`, `+ ...`, `- ...`); changed
/// text as a word diff; span-only changes counted unless `style.spans`.
pub fn render_changes(changes: &[Change], style: &Style) -> String {
    let mut out = String::new();
    let mut spans = 0;
    for c in changes {
        if c.span_only && !style.spans {
            spans += 1;
            continue;
        }
        let (sign, colour) = match c.op {
            Op::Added => ("+", GREEN),
            Op::Removed => ("-", RED),
            Op::Changed => ("~", YELLOW),
        };
        out.push_str("  ");
        out.push_str(&paint(sign, colour, style));
        out.push(' ');
        out.push_str(&c.pointer);
        if let Some(label) = &c.label {
            out.push_str(&format!(" [{label}]"));
        }
        out.push_str(": ");
        let mark = if style.color {
            Mark::Color
        } else {
            Mark::Plain
        };
        match (c.op, &c.old, &c.new) {
            (Op::Changed, Some(old), Some(new)) => out.push_str(&change_text(old, new, mark)),
            (Op::Added, _, Some(v)) => out.push_str(&paint(&describe(v), GREEN, style)),
            (Op::Removed, Some(v), _) => out.push_str(&paint(&describe(v), RED, style)),
            _ => {}
        }
        out.push('\n');
    }
    if spans > 0 {
        let line = format!(
            "  … {} only in spans (text moved; --spans lists them)\n",
            plural(spans, "change", "changes")
        );
        out.push_str(&paint(&line, DIM, style));
    }
    out
}

/// Markdown for a review ticket.
pub fn render_markdown(report: &Report, style: &Style) -> String {
    let s = report.summary();
    let mut out = format!(
        "### seloste diff: {} → {}\n\n",
        md_code(&report.golden.display().to_string()),
        md_code(&report.actual.display().to_string())
    );
    out.push_str(&format!(
        "**{} compared**: {} unchanged, {} changed",
        plural(s.compared, "document", "documents"),
        s.unchanged,
        s.changed
    ));
    if s.changed_spans_only > 0 {
        out.push_str(&format!(" ({} only in spans)", s.changed_spans_only));
    }
    out.push_str(&format!("; {} missing, {} extra.\n", s.missing, s.extra));
    if !s.topics.is_empty() {
        out.push_str("\n| changed | documents |\n|---|---:|\n");
        for (topic, n) in topics_by_count(&s) {
            out.push_str(&format!("| {} | {n} |\n", md_code(topic)));
        }
    }
    for (status, title) in [(Status::Missing, "Missing"), (Status::Extra, "Extra")] {
        let docs: Vec<_> = report
            .documents
            .iter()
            .filter(|d| d.status == status)
            .collect();
        if !docs.is_empty() {
            out.push_str(&format!("\n#### {title}\n\n"));
            for d in docs {
                out.push_str(&format!("- {}\n", md_code(&d.path)));
            }
        }
    }
    for doc in report
        .documents
        .iter()
        .filter(|d| d.status == Status::Changed)
    {
        out.push_str(&format!("\n#### {}\n\n", md_code(&doc.path)));
        let mut spans = 0;
        for c in &doc.changes {
            if c.span_only && !style.spans {
                spans += 1;
                continue;
            }
            let verb = match c.op {
                Op::Added => "added",
                Op::Removed => "removed",
                Op::Changed => "changed",
            };
            out.push_str(&format!("- {verb} {}", md_code(&c.pointer)));
            if let Some(label) = &c.label {
                out.push_str(&format!(" ({})", md_escape(label)));
            }
            out.push_str(": ");
            match (c.op, &c.old, &c.new) {
                (Op::Changed, Some(old), Some(new)) => {
                    out.push_str(&change_text(old, new, Mark::Markdown))
                }
                (Op::Added, _, Some(v)) | (Op::Removed, Some(v), _) => {
                    out.push_str(&md_code(&describe(v)))
                }
                _ => {}
            }
            out.push('\n');
        }
        if spans > 0 {
            out.push_str(&format!(
                "- _{} only in spans (text moved)_\n",
                plural(spans, "change", "changes")
            ));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    version: u32,
    golden: String,
    actual: String,
    summary: Summary,
    documents: Vec<JsonDocument<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    path: &'a str,
    status: Status,
    span_changes: usize,
    changes: Vec<&'a Change>,
}

/// The machine-readable report (see the module documentation).
pub fn render_json(report: &Report, style: &Style) -> String {
    let json = JsonReport {
        format: "seloste-diff",
        version: 1,
        golden: report.golden.display().to_string(),
        actual: report.actual.display().to_string(),
        summary: report.summary(),
        documents: report
            .documents
            .iter()
            .filter(|d| d.status != Status::Unchanged)
            .map(|d| JsonDocument {
                path: &d.path,
                status: d.status,
                span_changes: d.span_changes(),
                changes: d
                    .changes
                    .iter()
                    .filter(|c| style.spans || !c.span_only)
                    .collect(),
            })
            .collect(),
    };
    crate::output::to_json(&json)
}

/// How word-diff marks are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// `[-old-]{+new+}`.
    Plain,
    /// Red and green.
    Color,
    /// `~~old~~ **new**`.
    Markdown,
}

/// Unchanged words kept on each side of a change (tokens: words and spaces).
const CONTEXT_TOKENS: usize = 8;

/// `old -> new`, as a word diff when either is running text.
fn change_text(old: &Value, new: &Value, mark: Mark) -> String {
    match (old, new) {
        (Value::String(a), Value::String(b))
            if a.contains(char::is_whitespace) || b.contains(char::is_whitespace) =>
        {
            word_diff(a, b, mark)
        }
        _ => {
            let (a, b) = (short(old), short(new));
            match mark {
                Mark::Markdown => format!("{} → {}", md_code(&a), md_code(&b)),
                Mark::Color => format!("{RED}{a}{RESET} -> {GREEN}{b}{RESET}"),
                Mark::Plain => format!("{a} -> {b}"),
            }
        }
    }
}

fn visible(s: &str) -> String {
    s.replace("\r\n", "↵").replace('\n', "↵")
}

/// A word-level diff of two texts, unchanged stretches shortened to a few words of
/// context around each change.
pub fn word_diff_plain(old: &str, new: &str) -> String {
    word_diff(old, new, Mark::Plain)
}

fn word_diff(old: &str, new: &str, mark: Mark) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut segments: Vec<(ChangeTag, Vec<&str>)> = Vec::new();
    for change in diff.iter_all_changes() {
        match segments.last_mut() {
            Some((tag, tokens)) if *tag == change.tag() => tokens.push(change.value()),
            _ => segments.push((change.tag(), vec![change.value()])),
        }
    }
    let last = segments.len().saturating_sub(1);
    let mut out = String::new();
    for (i, (tag, tokens)) in segments.iter().enumerate() {
        match tag {
            ChangeTag::Equal => {
                let n = tokens.len();
                let k = CONTEXT_TOKENS;
                let text = if i == 0 && n > k {
                    format!("…{}", tokens[n - k..].concat())
                } else if i == last && n > k {
                    format!("{}…", tokens[..k].concat())
                } else if n > 2 * k + 1 {
                    format!("{} … {}", tokens[..k].concat(), tokens[n - k..].concat())
                } else {
                    tokens.concat()
                };
                out.push_str(&match mark {
                    Mark::Markdown => md_escape(&text),
                    _ => visible(&text),
                });
            }
            ChangeTag::Delete | ChangeTag::Insert => {
                let text = tokens.concat();
                let deleted = *tag == ChangeTag::Delete;
                out.push_str(&match mark {
                    Mark::Plain if deleted => format!("[-{}-]", visible(&text)),
                    Mark::Plain => format!("{{+{}+}}", visible(&text)),
                    Mark::Color if deleted => format!("{RED}{}{RESET}", visible(&text)),
                    Mark::Color => format!("{GREEN}{}{RESET}", visible(&text)),
                    Mark::Markdown => {
                        let core = text.trim();
                        if core.is_empty() {
                            if deleted {
                                String::new()
                            } else {
                                md_escape(&text)
                            }
                        } else {
                            let lead = &text[..text.len() - text.trim_start().len()];
                            let trail = &text[text.trim_end().len()..];
                            let m = if deleted { "~~" } else { "**" };
                            format!(
                                "{}{m}{}{m}{}",
                                md_escape(lead),
                                md_escape(core),
                                md_escape(trail)
                            )
                        }
                    }
                });
            }
        }
    }
    out
}

/// A compact description of an added or removed value.
fn describe(v: &Value) -> String {
    if let Some(o) = v.as_object() {
        if let (Some(sev), Some(msg)) = (
            o.get("severity").and_then(Value::as_str),
            o.get("message").and_then(Value::as_str),
        ) {
            return truncate(&format!("{sev}: {msg}"));
        }
        if let (Some(heading), Some(level)) =
            (o.get("heading").and_then(Value::as_str), o.get("level"))
        {
            let field = o.get("field").and_then(Value::as_str).unwrap_or("no field");
            let how = o.get("match").and_then(Value::as_str).unwrap_or("");
            return truncate(&format!("{heading:?} (level {level}, {field}, {how})"));
        }
    }
    short(v)
}

fn short(v: &Value) -> String {
    truncate(&v.to_string())
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(197).collect::<String>())
    } else {
        s.to_string()
    }
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push('↵'),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn md_code(s: &str) -> String {
    let s = s.replace('\n', "↵");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(changes: Vec<Change>) -> Report {
        Report {
            golden: "g".into(),
            actual: "a".into(),
            single_file: false,
            documents: vec![
                DocumentDiff {
                    path: "a.json".into(),
                    status: Status::Changed,
                    changes,
                },
                DocumentDiff {
                    path: "b.json".into(),
                    status: Status::Missing,
                    changes: vec![],
                },
                DocumentDiff {
                    path: "c.json".into(),
                    status: Status::Unchanged,
                    changes: vec![],
                },
            ],
        }
    }

    #[test]
    fn word_diff_marks_changed_words_with_context() {
        let d = word_diff_plain(
            "one two three four five six seven eight nine ten eleven twelve thirteen",
            "one two three four five six seven EIGHT nine ten eleven twelve thirteen",
        );
        assert_eq!(
            d,
            "…four five six seven [-eight-]{+EIGHT+} nine ten eleven twelve…"
        );
        assert_eq!(word_diff_plain("a\nb", "a\nc"), "a↵[-b-]{+c+}");
        let md = word_diff("the old text", "the new text", Mark::Markdown);
        assert_eq!(md, "the ~~old~~**new** text");
    }

    #[test]
    fn human_report_summarises_then_lists() {
        let a = json!({"kind": "rekisteriseloste", "fields": {"dpo": {"text": "a b"}}, "sections": [{"heading": "H", "level": 1, "span": {"start": 1, "end": 2}}]});
        let b = json!({"kind": "tietosuojaseloste", "fields": {"dpo": {"text": "a c"}}, "sections": [{"heading": "H", "level": 1, "span": {"start": 3, "end": 4}}]});
        let r = report(diff_results(&a, &b, &DiffOptions::default()));
        let s = r.summary();
        assert_eq!(
            (s.compared, s.unchanged, s.changed, s.missing, s.extra),
            (2, 1, 1, 1, 0)
        );
        assert_eq!(s.topics.len(), 2);
        let text = render_human(&r, &Style::default());
        assert!(
            text.starts_with("2 documents compared: 1 unchanged, 1 changed; 1 missing, 0 extra\n"),
            "{text}"
        );
        assert!(
            text.contains("  ~ /kind: \"rekisteriseloste\" -> \"tietosuojaseloste\"\n"),
            "{text}"
        );
        assert!(
            text.contains("  ~ /fields/dpo/text: a [-b-]{+c+}\n"),
            "{text}"
        );
        assert!(text.contains("2 changes only in spans"), "{text}");
        assert!(text.contains("\nmissing b.json\n"), "{text}");
        assert!(!text.contains('\x1b'));
        let coloured = render_human(
            &r,
            &Style {
                color: true,
                spans: true,
            },
        );
        assert!(coloured.contains('\x1b') && coloured.contains("/sections/0/span/start"));
        let md = render_markdown(&r, &Style::default());
        assert!(
            md.contains("- changed `/fields/dpo/text`: a ~~b~~**c**"),
            "{md}"
        );
        let json: Value = serde_json::from_str(&render_json(&r, &Style::default())).unwrap();
        assert_eq!(json["summary"]["changed"], 1);
        assert_eq!(json["documents"][0]["span_changes"], 2);
        assert_eq!(json["documents"][0]["changes"].as_array().unwrap().len(), 2);
        assert_eq!(json["documents"][1]["status"], "missing");
    }

    #[test]
    fn bless_names_documents_by_path_folder_or_source() {
        let r = report(vec![]);
        let doc = |p: &str| DocumentDiff {
            path: p.into(),
            status: Status::Changed,
            changes: vec![],
        };
        assert!(names(&r, &doc("corpus/x.md.json"), "corpus/x.md.json"));
        assert!(names(&r, &doc("corpus/x.md.json"), "corpus/x.md"));
        assert!(names(&r, &doc("corpus/x.md.json"), "corpus"));
        assert!(names(&r, &doc("corpus/x.md.json"), "g/corpus/x.md.json"));
        assert!(names(&r, &doc("corpus/x.md#2.json"), "a/corpus/x.md"));
        assert!(!names(&r, &doc("corpus/x.md.json"), "corpus/y.md"));
        assert!(!names(&r, &doc("corpusx/a.json"), "corpus"));
    }
}
