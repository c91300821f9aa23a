//! The run record: `OUT/run.json` (with the cross-document `groups`),
//! `OUT/run.partial.jsonl` (appended while a run goes on, so a stopped run can be
//! resumed) and `OUT/summary.csv` (one row per document for spreadsheet users).
//!
//! Results stream to disk while the run goes on; the record keeps only one small
//! [`DocumentRecord`] per document, with a [`NoticeDigest`] per notice: the names and
//! dates the summary and the grouping need, and a short hash of each field's text, so
//! grouping needs no second pass over the result files.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{FieldKey, NoticeResult, Severity};
use crate::normalise::lowercase;

/// File name of the run record in `OUT`.
pub const RUN_JSON: &str = "run.json";
/// File name of the record appended while a run goes on.
pub const RUN_PARTIAL: &str = "run.partial.jsonl";
/// File name of the spreadsheet summary.
pub const SUMMARY_CSV: &str = "summary.csv";

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

impl SeverityCounts {
    fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }

    /// All findings.
    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

/// Status of one document in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Extracted.
    Ok,
    /// Could not be extracted.
    Error,
    /// Unchanged since the previous run (`--resume`): its results were kept.
    Skipped,
    /// Extraction ran past the time budget per document.
    Timeout,
}

impl Status {
    /// The document has no usable result (error or timeout).
    pub fn failed(self) -> bool {
        matches!(self, Status::Error | Status::Timeout)
    }

    /// The document's results are on disk.
    pub fn has_results(self) -> bool {
        matches!(self, Status::Ok | Status::Skipped)
    }
}

/// The small per-notice summary kept in the record: names and dates for
/// `summary.csv`, and what the cross-document grouping needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeDigest {
    /// Dominant language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The notice's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `fields.controller.name`, or the first line of its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// First line of `fields.register_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_name: Option<String>,
    /// `dates.drafted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafted: Option<String>,
    /// `dates.updated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Fields of the error-severity gaps (the missing required information).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// A short hash (16 hex digits of SHA-256) of each field's whitespace-normalised text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_hashes: BTreeMap<String, String>,
}

fn first_line(s: &str) -> Option<String> {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// The first 16 hex digits of the SHA-256 of `text`'s words joined by single spaces
/// (`normalise::single_spaced`), hashed word by word without building that text.
fn text_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    crate::pipeline::hex(&hasher.finalize()[..8])
}

fn enum_name<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
}

impl NoticeDigest {
    /// The digest of one result.
    pub fn of(result: &NoticeResult) -> Self {
        let controller = result.fields.get(&FieldKey::Controller).and_then(|f| {
            f.values
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .or_else(|| first_line(&f.text))
        });
        let register_name = result
            .fields
            .get(&FieldKey::RegisterName)
            .and_then(|f| first_line(&f.text));
        let mut missing: Vec<String> = Vec::new();
        for g in &result.gaps {
            let name = g.field.as_str().to_string();
            if g.severity == Severity::Error && !missing.contains(&name) {
                missing.push(name);
            }
        }
        NoticeDigest {
            language: enum_name(&result.language),
            title: result.title.clone(),
            controller,
            register_name,
            drafted: result.dates.drafted.clone(),
            updated: result.dates.updated.clone(),
            missing,
            field_hashes: result
                .fields
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), text_hash(&v.text)))
                .collect(),
        }
    }
}

/// One document's entry in the run record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// Relative path (for a zip entry: `<archive path>/<entry path>`).
    pub path: String,
    /// SHA-256 of the input bytes, when they could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Outcome.
    pub status: Status,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Kind of notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Number of notices the document holds (usually 1).
    #[serde(default)]
    pub notices: usize,
    /// Number of fields found (over all its notices).
    #[serde(default)]
    pub fields: usize,
    /// Gaps by severity.
    #[serde(default)]
    pub gaps: SeverityCounts,
    /// Conflicts by severity.
    #[serde(default)]
    pub conflicts: SeverityCounts,
    /// One digest per notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digests: Vec<NoticeDigest>,
    /// Wall-clock milliseconds spent on the document (volatile: differs between runs).
    #[serde(default)]
    pub millis: u64,
}

impl DocumentRecord {
    /// The record of a successful extraction.
    pub fn ok(path: &str, results: &[NoticeResult]) -> Self {
        let mut gaps = SeverityCounts::default();
        let mut conflicts = SeverityCounts::default();
        for result in results {
            for g in &result.gaps {
                gaps.add(g.severity);
            }
            for c in &result.conflicts {
                conflicts.add(c.severity);
            }
        }
        let first = &results[0];
        DocumentRecord {
            path: path.to_string(),
            sha256: Some(first.source.sha256.clone()),
            status: Status::Ok,
            error: None,
            kind: Some(enum_name(&first.kind).unwrap_or_default()),
            notices: results.len(),
            fields: results.iter().map(|r| r.fields.len()).sum(),
            gaps,
            conflicts,
            digests: results.iter().map(NoticeDigest::of).collect(),
            millis: 0,
        }
    }

    /// The record of a failed document.
    pub fn failed(path: &str, sha256: Option<String>, error: String) -> Self {
        DocumentRecord {
            path: path.to_string(),
            sha256,
            status: Status::Error,
            error: Some(error),
            kind: None,
            notices: 0,
            fields: 0,
            gaps: SeverityCounts::default(),
            conflicts: SeverityCounts::default(),
            digests: Vec::new(),
            millis: 0,
        }
    }

    /// The one-line summary printed on stderr.
    pub fn summary_line(&self) -> String {
        match self.status {
            Status::Ok | Status::Skipped => format!(
                "{}: {}{}, {} fields, gaps {}E/{}W/{}I, conflicts {}E/{}W/{}I",
                self.path,
                if self.status == Status::Skipped {
                    "unchanged, skipped: "
                } else {
                    ""
                },
                self.kind.as_deref().unwrap_or("?"),
                self.fields,
                self.gaps.error,
                self.gaps.warning,
                self.gaps.info,
                self.conflicts.error,
                self.conflicts.warning,
                self.conflicts.info
            ),
            Status::Error | Status::Timeout => format!(
                "{}: {}: {}",
                self.path,
                if self.status == Status::Timeout {
                    "timeout"
                } else {
                    "error"
                },
                self.error.as_deref().unwrap_or("unknown")
            ),
        }
    }
}

/// A cross-document difference: a field whose content differs between the versions
/// of one register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDifference {
    /// Always `cross-document-difference`.
    pub rule: String,
    /// Always `info`.
    pub severity: Severity,
    /// The field.
    pub field: String,
    /// Number of distinct contents among the versions (absence counts as one).
    pub variants: usize,
    /// Plain-English explanation.
    pub message: String,
}

/// Documents with the same controller and register name (spec/rules.md, "Across
/// documents").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// `<controller> / <register name>` as written in the group's first document.
    pub name: String,
    /// The members: result paths (`path`, or `path#k` for the k-th notice of a
    /// document holding several), in input order.
    pub documents: Vec<String>,
    /// The newest version by `dates.updated`, then `dates.drafted`; null when the
    /// dates do not decide (missing or tied).
    pub newest: Option<String>,
    /// Fields whose content differs between the versions.
    pub differences: Vec<GroupDifference>,
}

/// The run record, `OUT/run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// `seloste` version.
    pub tool_version: String,
    /// Schema version of the results.
    pub schema_version: String,
    /// The options that decide the results (not `--jobs`, `--quiet`, `--resume`).
    #[serde(default)]
    pub options: serde_json::Value,
    /// The run was stopped (Ctrl-C) before every document was processed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// One entry per document, in input order.
    pub documents: Vec<DocumentRecord>,
    /// Groups of documents with the same controller and register name.
    #[serde(default)]
    pub groups: Vec<Group>,
}

/// The first line of `run.partial.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialHeader {
    /// `seloste` version.
    pub tool_version: String,
    /// Schema version of the results.
    pub schema_version: String,
}

/// Lower-case letters and digits, words separated by one space: the comparison key of
/// a controller or register name.
pub fn name_key(s: &str) -> String {
    lowercase(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Group the notices of a run by (controller, register name or title) and report the
/// fields that differ between the versions. Only groups of two or more are reported.
pub fn groups(documents: &[DocumentRecord]) -> Vec<Group> {
    let mut builder = GroupBuilder::default();
    for d in documents {
        builder.add(d);
    }
    builder.finish()
}

/// One group being built: its members and, per field, the distinct content hashes.
#[derive(Debug, Default)]
struct GroupState {
    name: String,
    /// Member id and the set of fields it has (bit i: `FieldKey::ALL[i]`).
    members: Vec<(String, u32)>,
    /// Newest `(updated, drafted)` so far, its member and how many members have it.
    best: (Option<String>, Option<String>),
    best_member: Option<String>,
    best_count: usize,
    /// Distinct text hashes per field (index into `FieldKey::ALL`).
    hashes: Vec<std::collections::HashSet<u64>>,
}

/// Builds the cross-document groups one record at a time (in input order), keeping
/// per notice only its id, a field mask and the field hashes' distinct values, so a
/// run never holds all records in memory.
#[derive(Debug, Default)]
pub struct GroupBuilder {
    index: HashMap<(String, String), usize>,
    groups: Vec<GroupState>,
}

impl GroupBuilder {
    /// Add the notices of one document.
    pub fn add(&mut self, doc: &DocumentRecord) {
        if !doc.status.has_results() {
            return;
        }
        let several = doc.digests.len() > 1;
        for (k, digest) in doc.digests.iter().enumerate() {
            let Some(controller) = digest.controller.as_deref() else {
                continue;
            };
            let Some(register) = digest.register_name.as_deref().or(digest.title.as_deref()) else {
                continue;
            };
            let key = (name_key(controller), name_key(register));
            if key.0.is_empty() || key.1.is_empty() {
                continue;
            }
            let id = if several {
                format!("{}#{}", doc.path, k + 1)
            } else {
                doc.path.clone()
            };
            let groups = &mut self.groups;
            let slot = *self.index.entry(key).or_insert_with(|| {
                groups.push(GroupState {
                    name: format!("{controller} / {register}"),
                    hashes: vec![Default::default(); FieldKey::ALL.len()],
                    ..GroupState::default()
                });
                groups.len() - 1
            });
            let g = &mut self.groups[slot];
            let mut mask = 0u32;
            for (i, key) in FieldKey::ALL.iter().enumerate() {
                if let Some(h) = digest.field_hashes.get(key.as_str()) {
                    mask |= 1 << i;
                    g.hashes[i].insert(u64::from_str_radix(h, 16).unwrap_or(0));
                }
            }
            let date = (digest.updated.clone(), digest.drafted.clone());
            if g.members.is_empty() || date > g.best {
                g.best = date;
                g.best_member = Some(id.clone());
                g.best_count = 1;
            } else if date == g.best {
                g.best_count += 1;
            }
            g.members.push((id, mask));
        }
    }

    /// The groups of two or more notices, in order of first appearance.
    pub fn finish(self) -> Vec<Group> {
        self.groups
            .into_iter()
            .filter(|g| g.members.len() > 1)
            .map(|g| {
                let newest = (g.best_count == 1 && g.best != (None, None))
                    .then_some(g.best_member)
                    .flatten();
                let mut differences = Vec::new();
                for (i, key) in FieldKey::ALL.iter().enumerate() {
                    let field = key.as_str();
                    let absent: Vec<&str> = g
                        .members
                        .iter()
                        .filter(|(_, mask)| mask & (1 << i) == 0)
                        .map(|(id, _)| id.as_str())
                        .collect();
                    let variants = g.hashes[i].len() + usize::from(!absent.is_empty());
                    if variants < 2 {
                        continue;
                    }
                    let mut message = format!(
                        "{field} differs between the {} versions of this register ({variants} different contents)",
                        g.members.len()
                    );
                    if !absent.is_empty() {
                        message.push_str(&format!("; absent from {}", absent.join(", ")));
                    }
                    differences.push(GroupDifference {
                        rule: "cross-document-difference".into(),
                        severity: Severity::Info,
                        field: field.to_string(),
                        variants,
                        message,
                    });
                }
                Group {
                    name: g.name,
                    documents: g.members.into_iter().map(|(id, _)| id).collect(),
                    newest,
                    differences,
                }
            })
            .collect()
    }
}

/// Read the record of a previous run in `out`: `run.json`, and the documents of
/// `run.partial.jsonl` (a run that was stopped), which take precedence. Returns the
/// tool version and the documents by path; `None` when there is no record.
pub fn read_previous(out: &Path) -> Option<(String, HashMap<String, DocumentRecord>)> {
    let mut version = None;
    let mut docs = HashMap::new();
    if let Ok(bytes) = std::fs::read(out.join(RUN_JSON)) {
        if let Ok(run) = serde_json::from_slice::<RunRecord>(&bytes) {
            version = Some(run.tool_version);
            for d in run.documents {
                docs.insert(d.path.clone(), d);
            }
        }
    }
    if let Ok(file) = std::fs::File::open(out.join(RUN_PARTIAL)) {
        let mut lines = std::io::BufReader::new(file).lines();
        if let Some(Ok(first)) = lines.next() {
            if let Ok(header) = serde_json::from_str::<PartialHeader>(&first) {
                let same = version.as_ref().is_none_or(|v| *v == header.tool_version);
                if !same {
                    docs.clear();
                }
                version = Some(header.tool_version);
                // A run killed mid-write leaves at most a torn last line: skip it.
                for line in lines.map_while(Result::ok) {
                    if let Ok(d) = serde_json::from_str::<DocumentRecord>(&line) {
                        docs.insert(d.path.clone(), d);
                    }
                }
            }
        }
    }
    version.map(|v| (v, docs))
}

/// `OUT/summary.csv`: UTF-8 with BOM, `;` as delimiter, one row per document.
pub fn summary_csv(documents: &[DocumentRecord]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = SummaryWriter::new(&mut buf).expect("writing to memory");
    for d in documents {
        w.row(d).expect("writing to memory");
    }
    w.finish().expect("writing to memory");
    buf
}

/// Writes `summary.csv` one row at a time.
pub struct SummaryWriter<W: Write> {
    w: csv::Writer<W>,
}

impl<W: Write> SummaryWriter<W> {
    /// Start: the BOM and the header row.
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record([
            "path",
            "status",
            "error",
            "kind",
            "language",
            "title",
            "controller",
            "register_name",
            "drafted",
            "updated",
            "gaps_error",
            "gaps_warning",
            "gaps_info",
            "conflicts_error",
            "conflicts_warning",
            "conflicts_info",
            "missing_required",
        ])?;
        Ok(SummaryWriter { w })
    }

    /// One document's row.
    pub fn row(&mut self, d: &DocumentRecord) -> std::io::Result<()> {
        let first = d.digests.first().cloned().unwrap_or_default();
        let mut missing: Vec<&str> = Vec::new();
        for m in d.digests.iter().flat_map(|g| &g.missing) {
            if !missing.contains(&m.as_str()) {
                missing.push(m);
            }
        }
        let status = enum_name(&d.status).unwrap_or_default();
        let n = |x: usize| x.to_string();
        self.w.write_record([
            d.path.as_str(),
            &status,
            d.error.as_deref().unwrap_or(""),
            d.kind.as_deref().unwrap_or(""),
            first.language.as_deref().unwrap_or(""),
            first.title.as_deref().unwrap_or(""),
            first.controller.as_deref().unwrap_or(""),
            first.register_name.as_deref().unwrap_or(""),
            first.drafted.as_deref().unwrap_or(""),
            first.updated.as_deref().unwrap_or(""),
            &n(d.gaps.error),
            &n(d.gaps.warning),
            &n(d.gaps.info),
            &n(d.conflicts.error),
            &n(d.conflicts.warning),
            &n(d.conflicts.info),
            &missing.join("|"),
        ])?;
        Ok(())
    }

    /// Flush and return the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// Writes `run.json` one document at a time, in the layout of [`crate::output::to_json`]:
/// [`Self::new`] writes the head, [`Self::document`] each document in turn and
/// [`Self::finish`] the groups, which are known only once every document has been seen.
pub struct RunJsonWriter<W: Write> {
    out: W,
    documents: usize,
    /// The pretty JSON of the document being written, reused from one to the next.
    buffer: Vec<u8>,
}

impl<W: Write> RunJsonWriter<W> {
    /// Write everything before the first document.
    pub fn new(mut out: W, head: &RunRecord) -> std::io::Result<Self> {
        writeln!(out, "{{")?;
        writeln!(out, "  \"tool_version\": {},", pretty(&head.tool_version))?;
        writeln!(
            out,
            "  \"schema_version\": {},",
            pretty(&head.schema_version)
        )?;
        write!(out, "  \"options\": ")?;
        write_indented(&mut out, pretty(&head.options).as_bytes(), b"\n  ")?;
        writeln!(out, ",")?;
        if head.interrupted {
            writeln!(out, "  \"interrupted\": true,")?;
        }
        write!(out, "  \"documents\": [")?;
        Ok(RunJsonWriter {
            out,
            documents: 0,
            buffer: Vec::new(),
        })
    }

    /// Write the next document.
    pub fn document(&mut self, document: &DocumentRecord) -> std::io::Result<()> {
        self.buffer.clear();
        serde_json::to_writer_pretty(&mut self.buffer, document)?;
        let separator = if self.documents == 0 { "" } else { "," };
        write!(self.out, "{separator}\n    ")?;
        write_indented(&mut self.out, &self.buffer, b"\n    ")?;
        self.documents += 1;
        Ok(())
    }

    /// Write the groups and the end of the record.
    pub fn finish(mut self, groups: &[Group]) -> std::io::Result<W> {
        let out = &mut self.out;
        writeln!(out, "{}],", if self.documents == 0 { "" } else { "\n  " })?;
        // One group at a time: a group of thousands of versions is still one string.
        write!(out, "  \"groups\": [")?;
        for (i, g) in groups.iter().enumerate() {
            write!(out, "{}\n    ", if i == 0 { "" } else { "," })?;
            write_indented(&mut *out, pretty(g).as_bytes(), b"\n    ")?;
        }
        writeln!(out, "{}]", if groups.is_empty() { "" } else { "\n  " })?;
        writeln!(out, "}}")?;
        Ok(self.out)
    }
}

/// `json` with each line break followed by `indent` (pretty JSON has no line breaks
/// inside strings, so this indents every line but the first).
fn write_indented(mut out: impl Write, json: &[u8], indent: &[u8]) -> std::io::Result<()> {
    let mut lines = json.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.write_all(first)?;
    }
    for line in lines {
        out.write_all(indent)?;
        out.write_all(line)?;
    }
    Ok(())
}

fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Appends finished documents to `OUT/run.partial.jsonl`, one flushed line each, and
/// reads them back by position (so the run keeps no records in memory).
pub struct PartialWriter {
    file: std::sync::Mutex<(std::io::BufWriter<std::fs::File>, u64)>,
    reader: std::fs::File,
}

impl PartialWriter {
    /// Start a new partial record (truncating an old one) with its header line, in
    /// `out`, or in an anonymous temporary file when there is no `out`.
    pub fn create(out: Option<&Path>) -> std::io::Result<Self> {
        let file = match out {
            Some(out) => std::fs::OpenOptions::new()
                .create(true)
                .truncate(true)
                .read(true)
                .write(true)
                .open(out.join(RUN_PARTIAL))?,
            None => tempfile::tempfile()?,
        };
        let reader = file.try_clone()?;
        let mut file = std::io::BufWriter::new(file);
        let header = PartialHeader {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            schema_version: crate::model::SCHEMA_VERSION.to_string(),
        };
        let line = serde_json::to_string(&header).unwrap_or_default();
        writeln!(file, "{line}")?;
        file.flush()?;
        Ok(PartialWriter {
            file: std::sync::Mutex::new((file, line.len() as u64 + 1)),
            reader,
        })
    }

    /// Append one record and flush it to the operating system; returns where it is.
    pub fn append(&self, record: &DocumentRecord) -> std::io::Result<(u64, u64)> {
        let line = serde_json::to_string(record).unwrap_or_default();
        let mut guard = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let (file, pos) = &mut *guard;
        writeln!(file, "{line}")?;
        file.flush()?;
        let at = *pos;
        *pos += line.len() as u64 + 1;
        Ok((at, line.len() as u64))
    }

    /// Read back the record appended at `(offset, len)`.
    pub fn read(&self, (offset, len): (u64, u64)) -> std::io::Result<DocumentRecord> {
        let mut buf = vec![0; len as usize];
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&self.reader, &mut buf, offset)?;
        #[cfg(windows)]
        {
            let mut done = 0;
            while done < buf.len() {
                let n = std::os::windows::fs::FileExt::seek_read(
                    &self.reader,
                    &mut buf[done..],
                    offset + done as u64,
                )?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                done += n;
            }
        }
        serde_json::from_slice(&buf).map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(
        path: &str,
        controller: &str,
        register: &str,
        updated: &str,
        purpose: &str,
    ) -> DocumentRecord {
        let mut d = DocumentRecord::failed(path, None, String::new());
        d.status = Status::Ok;
        d.error = None;
        d.digests = vec![NoticeDigest {
            controller: Some(controller.into()),
            register_name: Some(register.into()),
            updated: (!updated.is_empty()).then(|| updated.into()),
            field_hashes: [("purpose".to_string(), text_hash(purpose))].into(),
            ..NoticeDigest::default()
        }];
        d
    }

    #[test]
    fn same_controller_and_register_form_a_group_with_its_newest_version() {
        let docs = [
            doc(
                "a.txt",
                "Utajärven kunta",
                "Asiakasrekisteri",
                "2019-01-01",
                "x",
            ),
            doc(
                "b.txt",
                "UTAJÄRVEN KUNTA.",
                "asiakasrekisteri",
                "2021-05-01",
                "y",
            ),
            doc("c.txt", "Muu kunta", "Asiakasrekisteri", "2021-05-01", "y"),
        ];
        let g = groups(&docs);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].documents, ["a.txt", "b.txt"]);
        assert_eq!(g[0].newest.as_deref(), Some("b.txt"));
        assert_eq!(g[0].differences.len(), 1);
        assert_eq!(g[0].differences[0].field, "purpose");
        assert_eq!(g[0].differences[0].rule, "cross-document-difference");
    }

    #[test]
    fn tied_dates_leave_newest_open() {
        let docs = [
            doc("a.txt", "K", "R", "", "x"),
            doc("b.txt", "K", "R", "", "x  "),
        ];
        let g = groups(&docs);
        assert_eq!(g[0].newest, None);
        assert!(g[0].differences.is_empty(), "whitespace does not count");
    }

    #[test]
    fn streamed_run_record_is_the_whole_record_as_json() {
        let mut documents = vec![
            doc("a.txt", "Kunta", "Rekisteri", "2019-01-01", "x"),
            doc(
                "b.txt",
                "Kunta",
                "Rekisteri",
                "2021-05-01",
                "y \"lainaus\"\nrivi",
            ),
            DocumentRecord::failed("c.pdf", None, "salattu PDF".into()),
        ];
        documents[1].millis = 12;
        let mut builder = GroupBuilder::default();
        for d in &documents {
            builder.add(d);
        }
        let groups = builder.finish();
        assert_eq!(groups.len(), 1);
        for (documents, groups, interrupted) in [
            (documents.clone(), groups.clone(), false),
            (Vec::new(), Vec::new(), true),
        ] {
            let run = RunRecord {
                tool_version: "0.1.0".into(),
                schema_version: "1".into(),
                options: serde_json::json!({"max_bytes": 10, "include": ["*.txt"]}),
                interrupted,
                documents,
                groups,
            };
            let head = RunRecord {
                documents: Vec::new(),
                groups: Vec::new(),
                ..run.clone()
            };
            let mut writer = RunJsonWriter::new(Vec::new(), &head).unwrap();
            for d in &run.documents {
                writer.document(d).unwrap();
            }
            let streamed = writer.finish(&run.groups).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                crate::output::to_json(&run)
            );
        }
    }

    #[test]
    fn text_hash_is_the_hash_of_the_single_spaced_text() {
        for text in ["", "a", "  Rekisterin \n nimi\t ", "ä\u{a0}ö\u{3000}x y"] {
            let single = crate::normalise::single_spaced(text);
            assert_eq!(
                text_hash(text),
                crate::pipeline::sha256_hex(single.as_bytes())[..16],
                "{text:?}"
            );
        }
    }

    #[test]
    fn summary_has_bom_and_semicolons() {
        let csv = summary_csv(&[doc("a;b.txt", "K", "R", "", "x")]);
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("path;status;"));
        assert!(text.contains("\"a;b.txt\";ok;"));
    }
}
