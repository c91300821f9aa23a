//! Archive-scale runs of `seloste extract` and `seloste merge`.
//!
//! - **Inputs** ([`list_jobs`]): files, directories (recursively, in name order),
//!   `.zip` archives (entries read in memory, see [`crate::archive`]) and
//!   `--files-from`; `--include`/`--exclude` globs on the relative path; `--shard K/N`
//!   keeps the documents whose relative path hashes (FNV-1a 64) to shard K.
//! - **Run** ([`run`]): rayon workers read, extract and write one document each; its
//!   results go to disk (or to stdout with `--jsonl`) as soon as it is done, so memory
//!   is bounded by the number of workers times the largest document. Each document is
//!   isolated (`catch_unwind`, a time budget, size caps). Every finished document is
//!   appended to `OUT/run.partial.jsonl`; at the end `OUT/run.json` (input order,
//!   groups) and `OUT/summary.csv` are written atomically and the partial file removed.
//! - **Stop**: Ctrl-C (or SIGTERM) stops scheduling documents; the ones in flight finish
//!   and the record is written (`interrupted: true`, exit code 130). A second Ctrl-C
//!   exits at once; `--resume` then uses `run.partial.jsonl`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use sha2::Digest;

use crate::archive::{self, EntryKind, NestedZip, ZipCaps, ZipHandle};
use crate::model::NoticeResult;
use crate::output;
use crate::pipeline::{self, Options};
use crate::record::{self, DocumentRecord, RunRecord, Status};

/// Exit code of a run stopped by Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Where a document's bytes come from.
#[derive(Debug, Clone)]
pub enum JobSource {
    /// A file on disk: `root` joined with the relative path from byte `tail` on (the
    /// root itself when `tail` is at the end), so 20,000 jobs do not hold 20,000 paths.
    File(Arc<Path>, u32),
    /// A file on disk whose name does not round-trip through the relative path.
    Path(PathBuf),
    /// An entry of an archive on disk.
    Zip(Arc<ZipHandle>, usize),
    /// An entry of a zip inside an archive on disk.
    Nested(Arc<NestedZip>, usize),
    /// Known to fail before reading (unsafe entry name, unreadable archive...).
    Failed(String),
}

/// One document to process.
#[derive(Debug, Clone)]
pub struct Job {
    /// Relative path with `/` separators: the name in every output.
    pub relative: String,
    /// Where to read it.
    pub source: JobSource,
}

/// How to choose and find the documents.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Files, directories and archives, in the order given.
    pub inputs: Vec<PathBuf>,
    /// A file listing more inputs, one per line (`-`: standard input).
    pub files_from: Option<PathBuf>,
    /// Globs a document's relative path must match (any of them); empty: all.
    pub include: Vec<String>,
    /// Globs that exclude a document, directory or archive by its relative path.
    pub exclude: Vec<String>,
    /// `(k, n)`: keep only shard k of n (1-based).
    pub shard: Option<(u64, u64)>,
    /// Archive caps.
    pub caps: ZipCaps,
    /// Follow symbolic links inside input folders (`--follow-links`).
    pub follow_links: bool,
}

/// Parse `K/N` (1 <= K <= N).
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("--shard {s:?}: expected K/N with 1 <= K <= N, e.g. 2/8");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// FNV-1a 64 of a relative path: stable across machines, runs and Rust versions.
pub fn path_hash(relative: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in relative.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The shard (1-based) a relative path belongs to among `n`.
pub fn shard_of(relative: &str, n: u64) -> u64 {
    path_hash(relative) % n + 1
}

fn glob_set(globs: &[String], flag: &str) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| format!("{flag} {g:?}: {e}"))?);
    }
    b.build().map_err(|e| format!("{flag}: {e}"))
}

fn is_zip(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

/// A path from `--files-from` as a relative output name: the root and `.` removed;
/// `..` refused (it would name a place outside OUT).
fn listed_relative(path: &Path) -> Result<String, String> {
    use std::path::Component;
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir | Component::CurDir => {}
            Component::ParentDir => {
                return Err(
                    "a path with '..' cannot name its output; list it from a folder above it"
                        .into(),
                )
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
        }
    }
    if parts.is_empty() {
        return Err("empty path".into());
    }
    Ok(parts.join("/"))
}

struct Lister<'a> {
    selection: &'a Selection,
    include: GlobSet,
    exclude: GlobSet,
    jobs: Vec<Job>,
    problems: Vec<output::InputProblem>,
    seen: std::collections::HashSet<u128>,
}

impl Lister<'_> {
    fn keep_document(&self, relative: &str) -> bool {
        (self.include.is_empty() || self.include.is_match(relative))
            && !self.exclude.is_match(relative)
    }

    fn push(&mut self, relative: String, source: JobSource) {
        if let Some((k, n)) = self.selection.shard {
            if shard_of(&relative, n) != k {
                return;
            }
        }
        // 128 bits of SHA-256 per path rather than the path: listing 20,000 documents
        // should not cost 20,000 more strings.
        let digest = sha2::Sha256::digest(relative.as_bytes());
        let key = u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"));
        let source = if self.seen.insert(key) {
            source
        } else {
            JobSource::Failed(
                "another input has the same relative path; its results would overwrite these"
                    .into(),
            )
        };
        match &source {
            JobSource::Nested(nested, _) => nested.expect_one(),
            JobSource::Zip(zip, _) => zip.expect_one(),
            _ => {}
        }
        self.jobs.push(Job { relative, source });
    }

    fn add_archive(&mut self, path: &Path, relative: &str) {
        if self.exclude.is_match(relative) {
            return;
        }
        let caps = self.selection.caps;
        let mut zip = match archive::open_file(path) {
            Ok(z) => z,
            Err(e) => return self.push(relative.to_string(), JobSource::Failed(e)),
        };
        let entries = match archive::list(&mut zip, &caps, 1, &output::is_document_name) {
            Ok(e) => e,
            Err(e) => return self.push(relative.to_string(), JobSource::Failed(e)),
        };
        drop(zip); // closed until its first entry is read
        let outer = Arc::new(ZipHandle::new(path, caps));
        for entry in entries {
            let rel = format!("{relative}/{}", entry.name);
            match entry.kind {
                EntryKind::Unsafe(e) => {
                    // The raw name is never used as a path; the record names it safely.
                    let safe = format!("{relative}/#{}", entry.index);
                    self.push(safe, JobSource::Failed(e));
                }
                EntryKind::Bad(e) => self.push(rel, JobSource::Failed(e)),
                EntryKind::Document => {
                    if self.keep_document(&rel) {
                        self.push(rel, JobSource::Zip(outer.clone(), entry.index));
                    }
                }
                EntryKind::Zip => {
                    if self.exclude.is_match(&rel) {
                        continue;
                    }
                    self.add_nested(&outer, entry.index, &rel, &caps);
                }
            }
        }
    }

    fn add_nested(&mut self, outer: &Arc<ZipHandle>, index: usize, relative: &str, caps: &ZipCaps) {
        let listing = {
            outer
                .read(index)
                .and_then(archive::open_bytes)
                .and_then(|mut inner| archive::list(&mut inner, caps, 2, &output::is_document_name))
        };
        let entries = match listing {
            Ok(e) => e,
            Err(e) => return self.push(relative.to_string(), JobSource::Failed(e)),
        };
        let nested = Arc::new(NestedZip::new(outer.clone(), index, *caps));
        for entry in entries {
            let rel = format!("{relative}/{}", entry.name);
            match entry.kind {
                EntryKind::Unsafe(e) => {
                    self.push(format!("{relative}/#{}", entry.index), JobSource::Failed(e))
                }
                EntryKind::Bad(e) => self.push(rel, JobSource::Failed(e)),
                EntryKind::Document => {
                    if self.keep_document(&rel) {
                        self.push(rel, JobSource::Nested(nested.clone(), entry.index));
                    }
                }
                EntryKind::Zip => unreachable!("listed at depth 2"),
            }
        }
    }

    /// One input: `prefix` is the relative name of the input itself (None: a
    /// command-line input, whose directory contents or file name name the outputs).
    fn add_input(&mut self, input: &Path, prefix: Option<&str>) {
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                return self.problems.push(output::InputProblem {
                    path: input.display().to_string(),
                    message: e.to_string(),
                })
            }
        };
        if meta.is_file() {
            let relative = prefix.map(str::to_string).unwrap_or_else(|| {
                input.file_name().map_or_else(
                    || input.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            });
            if is_zip(&relative) {
                self.add_archive(input, &relative);
            } else if self.keep_document(&relative) {
                let tail = relative.len() as u32;
                self.push(relative, JobSource::File(Arc::from(input), tail));
            }
            return;
        }
        let join = |rel: String| match prefix {
            Some(p) if rel.is_empty() => p.to_string(),
            Some(p) => format!("{p}/{rel}"),
            None => rel,
        };
        let relative_of = |p: &Path| {
            p.strip_prefix(input)
                .unwrap_or(p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        let root: Arc<Path> = Arc::from(input);
        let tail = prefix.map_or(0, |p| p.len() + 1);
        let exclude = self.exclude.clone();
        let walk = walkdir::WalkDir::new(input)
            .follow_links(self.selection.follow_links)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !e.file_type().is_dir()
                    || !exclude.is_match(join(relative_of(e.path())))
            });
        for entry in walk {
            match entry {
                Ok(e) => {
                    if !e.file_type().is_file() {
                        continue;
                    }
                    let relative = join(relative_of(e.path()));
                    if is_zip(&relative) {
                        self.add_archive(e.path(), &relative);
                    } else if output::is_document_name(&relative) && self.keep_document(&relative) {
                        let source = match relative.get(tail..) {
                            Some(t) if root.join(t) == e.path() => {
                                JobSource::File(root.clone(), tail as u32)
                            }
                            _ => JobSource::Path(e.path().to_path_buf()),
                        };
                        self.push(relative, source);
                    }
                }
                Err(e) => self.problems.push(output::InputProblem {
                    path: e
                        .path()
                        .map_or_else(|| input.display().to_string(), |p| p.display().to_string()),
                    message: e.to_string(),
                }),
            }
        }
    }
}

/// List the documents to process, in a deterministic order: inputs as given (then
/// `--files-from` lines), directories in name order, archive entries in name order.
pub fn list_jobs(selection: &Selection) -> Result<(Vec<Job>, Vec<output::InputProblem>), String> {
    let mut lister = Lister {
        selection,
        include: glob_set(&selection.include, "--include")?,
        exclude: glob_set(&selection.exclude, "--exclude")?,
        jobs: Vec::new(),
        problems: Vec::new(),
        seen: Default::default(),
    };
    for input in &selection.inputs {
        lister.add_input(input, None);
    }
    if let Some(list) = &selection.files_from {
        let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let f = std::fs::File::open(list)
                .map_err(|e| format!("--files-from {}: {e}", list.display()))?;
            Box::new(std::io::BufReader::new(f))
        };
        for line in reader.lines() {
            let line = line.map_err(|e| format!("--files-from {}: {e}", list.display()))?;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let path = PathBuf::from(line);
            match listed_relative(&path) {
                Ok(rel) => lister.add_input(&path, Some(&rel)),
                Err(e) => lister.problems.push(output::InputProblem {
                    path: line.to_string(),
                    message: e,
                }),
            }
        }
    }
    Ok((lister.jobs, lister.problems))
}

/// Everything a run needs besides the jobs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Output directory (none with `--jsonl` alone).
    pub out: Option<PathBuf>,
    /// Extraction options (the deadline is set per document).
    pub options: Options,
    /// Time budget per document.
    pub timeout: Duration,
    /// Write `.norm.txt` files.
    pub emit_text: bool,
    /// Results to stdout, one per line, instead of files.
    pub jsonl: bool,
    /// Skip documents unchanged since the previous run in `out`.
    pub resume: bool,
    /// Worker threads (0: all cores).
    pub jobs: usize,
    /// Print nothing on stderr but errors (and no progress bar).
    pub quiet: bool,
    /// Archive caps.
    pub caps: ZipCaps,
    /// The options recorded in `run.json`.
    pub recorded_options: serde_json::Value,
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Stop scheduling documents on Ctrl-C / SIGTERM; a second one exits at once.
fn install_stop_handler() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if STOP.swap(true, Ordering::SeqCst) {
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
    });
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keep panic messages (with their location) for the document's record instead of
/// printing them across the progress bar.
fn install_panic_hook() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        std::panic::set_hook(Box::new(|info| {
            let what = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown".into());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{what}{at}")));
        }));
    });
}

struct Context<'a> {
    config: &'a RunConfig,
    previous: Option<std::collections::HashMap<String, DocumentRecord>>,
    stdout: Mutex<()>,
}

fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    if let Ok(m) = std::fs::metadata(path) {
        if m.len() > max {
            return Err(format!(
                "skipped: the file is {} bytes, over the limit of {max} bytes",
                m.len()
            ));
        }
    }
    std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))
}

fn read_job(job: &Job, ctx: &Context) -> Result<Vec<u8>, String> {
    let max = ctx.config.options.max_bytes;
    match &job.source {
        JobSource::File(root, tail) => {
            let tail = *tail as usize;
            let path = match job.relative.get(tail..) {
                Some(t) if !t.is_empty() => root.join(t),
                _ => root.to_path_buf(),
            };
            read_file(&path, max)
        }
        JobSource::Path(path) => read_file(path, max),
        JobSource::Zip(zip, index) => zip.read(*index),
        JobSource::Nested(nested, index) => nested.read(*index),
        JobSource::Failed(e) => Err(e.clone()),
    }
}

fn write_results(
    job: &Job,
    ctx: &Context,
    results: &[NoticeResult],
    norm: &str,
) -> Result<(), String> {
    if ctx.config.jsonl {
        let mut lines = String::new();
        for r in results {
            lines.push_str(&serde_json::to_string(r).map_err(|e| e.to_string())?);
            lines.push('\n');
        }
        let _guard = ctx.stdout.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = std::io::stdout().lock();
        out.write_all(lines.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write to standard output: {e}"))?;
        return Ok(());
    }
    let Some(out) = &ctx.config.out else {
        return Ok(());
    };
    if !output::is_safe_relative(&job.relative) {
        return Err(format!("unsafe output path {:?}", job.relative));
    }
    let paths = output::result_paths(out, &job.relative, results.len());
    for (result, path) in results.iter().zip(&paths) {
        output::write_json_result(path, result)
            .map_err(|e| format!("cannot write the result: {e}"))?;
    }
    if ctx.config.emit_text {
        output::write_result_file(&output::norm_text_path(out, &job.relative), norm.as_bytes())
            .map_err(|e| format!("cannot write the normalised text: {e}"))?;
    }
    Ok(())
}

/// Read, extract and write one document; never panics outward.
fn process(job: &Job, ctx: &Context) -> DocumentRecord {
    let start = Instant::now();
    let mut record = process_inner(job, ctx);
    record.millis = start.elapsed().as_millis() as u64;
    job_done(job);
    record
}

/// Release the job's archive (closed or freed after its last entry).
fn job_done(job: &Job) {
    match &job.source {
        JobSource::Nested(nested, _) => nested.done_one(),
        JobSource::Zip(zip, _) => zip.done_one(),
        _ => {}
    }
}

fn process_inner(job: &Job, ctx: &Context) -> DocumentRecord {
    let start = Instant::now();
    let rel = job.relative.as_str();
    let bytes = match read_job(job, ctx) {
        Ok(b) => b,
        Err(e) => return DocumentRecord::failed(rel, None, e),
    };
    let sha = pipeline::sha256_hex(&bytes);
    if let (Some(previous), Some(out)) = (&ctx.previous, &ctx.config.out) {
        if let Some(p) = previous.get(rel) {
            let unchanged = p.status.has_results()
                && p.sha256.as_deref() == Some(sha.as_str())
                && p.notices > 0
                && output::result_paths(out, rel, p.notices)
                    .iter()
                    .all(|f| f.is_file());
            if unchanged {
                let mut skipped = p.clone();
                skipped.status = Status::Skipped;
                return skipped;
            }
        }
    }
    let options = Options {
        deadline: Some(start + ctx.config.timeout),
        ..ctx.config.options.clone()
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pipeline::extract_hashed(rel, &bytes, &sha, &options)
    }));
    drop(bytes);
    let extraction = match outcome {
        Ok(Ok(x)) => x,
        Ok(Err(crate::ingest::IngestError::Timeout)) => {
            let mut r = DocumentRecord::failed(
                rel,
                Some(sha),
                format!(
                    "timed out: extraction took longer than {:?} (--timeout)",
                    ctx.config.timeout
                ),
            );
            r.status = Status::Timeout;
            return r;
        }
        Ok(Err(e)) => return DocumentRecord::failed(rel, Some(sha), e.to_string()),
        Err(panic) => {
            let what = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown".into());
            return DocumentRecord::failed(
                rel,
                Some(sha),
                format!("internal error while extracting: {what}"),
            );
        }
    };
    if let Err(e) = write_results(job, ctx, &extraction.results, &extraction.norm.text) {
        return DocumentRecord::failed(rel, Some(sha), e);
    }
    DocumentRecord::ok(rel, &extraction.results)
}

/// What a run keeps per document: its outcome and where its record is in the
/// partial record file.
#[derive(Debug, Clone, Copy)]
pub struct Brief {
    /// Outcome.
    pub status: Status,
    /// Gaps by severity.
    pub gaps: record::SeverityCounts,
    /// Conflicts by severity.
    pub conflicts: record::SeverityCounts,
    at: (u64, u64),
}

/// What a finished run found.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// One brief per processed document, in input order.
    pub documents: Vec<Brief>,
    /// Number of cross-document groups.
    pub groups: usize,
    /// Some documents were not processed because of Ctrl-C.
    pub interrupted: bool,
}

fn progress_bar(total: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr_with_hz(4),
    );
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} documents, {per_sec}, ETA {eta}, {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb.set_message("0 failed");
    pb
}

/// Run the jobs; write results, `run.json` and `summary.csv`.
pub fn run(jobs: Vec<Job>, config: &RunConfig) -> Result<RunOutcome, String> {
    install_stop_handler();
    install_panic_hook();
    let mut previous = None;
    if let Some(out) = &config.out {
        std::fs::create_dir_all(out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        if config.resume {
            remove_stale_temporaries(out);
            previous = record::read_previous(out)
                .filter(|(version, _)| version == env!("CARGO_PKG_VERSION"))
                .map(|(_, docs)| docs);
        }
    }
    let partial = record::PartialWriter::create(config.out.as_deref())
        .map_err(|e| format!("cannot write the run record: {e}"))?;
    let ctx = Context {
        config,
        previous,
        stdout: Mutex::new(()),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let pb = progress_bar(jobs.len(), config.quiet);
    let failed = AtomicUsize::new(0);
    let log = |line: String| {
        if pb.is_hidden() {
            eprintln!("{line}");
        } else {
            pb.println(line);
        }
    };
    let briefs: Vec<Option<Brief>> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                if STOP.load(Ordering::SeqCst) {
                    job_done(job);
                    return None;
                }
                let record = process(job, &ctx);
                let at = match partial.append(&record) {
                    Ok(at) => at,
                    Err(e) => {
                        log(format!("seloste: cannot append to the run record: {e}"));
                        return None;
                    }
                };
                if record.status.failed() {
                    let n = failed.fetch_add(1, Ordering::Relaxed) + 1;
                    pb.set_message(format!("{n} failed"));
                    log(record.summary_line());
                } else if !config.quiet && pb.is_hidden() {
                    log(record.summary_line());
                }
                pb.inc(1);
                Some(Brief {
                    status: record.status,
                    gaps: record.gaps,
                    conflicts: record.conflicts,
                    at,
                })
            })
            .collect()
    });
    pb.finish_and_clear();
    drop(jobs); // the paths are no longer needed: keep the end of the run small
    let interrupted = briefs.iter().any(Option::is_none);
    let documents: Vec<Brief> = briefs.into_iter().flatten().collect();
    // The records are read back once, in input order: each goes to the grouping, to
    // run.json and to summary.csv; run.json ends with the groups.
    let read_back = |b: &Brief| {
        partial
            .read(b.at)
            .map_err(|e| format!("cannot read the run record back: {e}"))
    };
    let run_error = |e: std::io::Error| format!("cannot write run.json: {e}");
    let csv_error = |e: std::io::Error| format!("cannot write summary.csv: {e}");
    let mut writers = match &config.out {
        Some(out) => {
            let head = RunRecord {
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                schema_version: crate::model::SCHEMA_VERSION.to_string(),
                options: config.recorded_options.clone(),
                interrupted,
                documents: Vec::new(),
                groups: Vec::new(),
            };
            let run_file =
                output::AtomicFile::create(&out.join(record::RUN_JSON)).map_err(run_error)?;
            let csv_file =
                output::AtomicFile::create(&out.join(record::SUMMARY_CSV)).map_err(csv_error)?;
            Some((
                record::RunJsonWriter::new(run_file, &head).map_err(run_error)?,
                record::SummaryWriter::new(csv_file).map_err(csv_error)?,
            ))
        }
        None => None,
    };
    let mut builder = record::GroupBuilder::default();
    for b in &documents {
        let d = read_back(b)?;
        builder.add(&d);
        if let Some((run, csv)) = &mut writers {
            run.document(&d).map_err(run_error)?;
            csv.row(&d).map_err(csv_error)?;
        }
    }
    let groups = builder.finish();
    if let (Some(out), Some((run, csv))) = (&config.out, writers) {
        run.finish(&groups)
            .and_then(output::AtomicFile::commit)
            .map_err(run_error)?;
        csv.finish()
            .and_then(output::AtomicFile::commit)
            .map_err(csv_error)?;
        drop(partial);
        let _ = std::fs::remove_file(out.join(record::RUN_PARTIAL));
    }
    Ok(RunOutcome {
        documents,
        groups: groups.len(),
        interrupted,
    })
}

/// A killed run can leave the temporary files of atomic writes (`.seloste-*.tmp`)
/// behind; `--resume` removes them.
fn remove_stale_temporaries(out: &Path) {
    for entry in walkdir::WalkDir::new(out)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with(".seloste-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write `run.json` and `summary.csv` into `out`, atomically.
pub fn write_record(out: &Path, run: &RunRecord) -> Result<(), String> {
    output::write_atomic(&out.join(record::RUN_JSON), output::to_json(run).as_bytes())
        .map_err(|e| format!("cannot write run.json: {e}"))?;
    output::write_atomic(
        &out.join(record::SUMMARY_CSV),
        &record::summary_csv(&run.documents),
    )
    .map_err(|e| format!("cannot write summary.csv: {e}"))
}

/// `seloste merge`: join the records of several output directories (e.g. shards) into
/// `out`, copying their result files (atomically, same relative paths) and redoing the
/// cross-document grouping. Documents are ordered by path, component-wise (the order
/// of one run over the same tree). Returns the exit code.
pub fn merge(inputs: &[PathBuf], out: &Path, quiet: bool) -> Result<i32, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let out_canon = out.canonicalize().map_err(|e| e.to_string())?;
    let mut documents: Vec<DocumentRecord> = Vec::new();
    let mut sources: Vec<usize> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut options = Vec::new();
    let version = env!("CARGO_PKG_VERSION");
    for (i, input) in inputs.iter().enumerate() {
        if input.canonicalize().ok().as_ref() == Some(&out_canon) {
            return Err(format!("{} is both an input and --out", input.display()));
        }
        let bytes = std::fs::read(input.join(record::RUN_JSON))
            .map_err(|e| format!("{}: no run.json: {e}", input.display()))?;
        let run: RunRecord = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}/run.json: {e}", input.display()))?;
        if run.tool_version != version && !quiet {
            eprintln!(
                "seloste: {} was made by seloste {}, this is {version}",
                input.display(),
                run.tool_version
            );
        }
        options.push(run.options);
        for d in run.documents {
            if seen.insert(d.path.clone()) {
                documents.push(d);
                sources.push(i);
            } else if !quiet {
                eprintln!(
                    "seloste: {}: {} is already in an earlier input; kept the first",
                    input.display(),
                    d.path
                );
            }
        }
    }
    let mut order: Vec<usize> = (0..documents.len()).collect();
    order.sort_by(|&a, &b| {
        documents[a]
            .path
            .split('/')
            .cmp(documents[b].path.split('/'))
    });
    let mut merged = Vec::with_capacity(documents.len());
    let mut slots: Vec<Option<DocumentRecord>> = documents.into_iter().map(Some).collect();
    for i in order {
        let mut d = slots[i].take().expect("each index once");
        let from = &inputs[sources[i]];
        if d.status.has_results() && output::is_safe_relative(&d.path) {
            let copy = || -> std::io::Result<()> {
                let src = output::result_paths(from, &d.path, d.notices);
                let dst = output::result_paths(out, &d.path, d.notices);
                for (s, t) in src.iter().zip(&dst) {
                    output::write_atomic(t, &std::fs::read(s)?)?;
                }
                let norm = output::norm_text_path(from, &d.path);
                if norm.is_file() {
                    output::write_atomic(
                        &output::norm_text_path(out, &d.path),
                        &std::fs::read(norm)?,
                    )?;
                }
                Ok(())
            };
            if let Err(e) = copy() {
                d.status = Status::Error;
                d.error = Some(format!(
                    "cannot copy the result from {}: {e}",
                    from.display()
                ));
            }
        }
        merged.push(d);
    }
    let run = RunRecord {
        tool_version: version.to_string(),
        schema_version: crate::model::SCHEMA_VERSION.to_string(),
        options: serde_json::json!({
            "merged_from": inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "runs": options,
        }),
        interrupted: false,
        groups: record::groups(&merged),
        documents: merged,
    };
    write_record(out, &run)?;
    let failed = run.documents.iter().filter(|d| d.status.failed()).count();
    if !quiet {
        eprintln!(
            "seloste: merged {} documents ({} failed, {} groups) into {}",
            run.documents.len(),
            failed,
            run.groups.len(),
            out.display()
        );
    }
    Ok(i32::from(failed > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_paths() {
        let paths: Vec<String> = (0..1000).map(|i| format!("d{}/f{i}.txt", i % 7)).collect();
        let mut counts = [0usize; 4];
        for p in &paths {
            let s = shard_of(p, 4);
            assert!((1..=4).contains(&s));
            counts[(s - 1) as usize] += 1;
        }
        assert_eq!(counts.iter().sum::<usize>(), 1000);
        assert!(counts.iter().all(|&c| c > 150), "{counts:?}");
        assert_eq!(path_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(parse_shard("2/8").unwrap(), (2, 8));
        assert!(parse_shard("0/8").is_err());
        assert!(parse_shard("9/8").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn listed_paths_stay_inside_out() {
        assert_eq!(listed_relative(Path::new("/a/b.txt")).unwrap(), "a/b.txt");
        assert_eq!(listed_relative(Path::new("./a/b.txt")).unwrap(), "a/b.txt");
        assert!(listed_relative(Path::new("../a.txt")).is_err());
    }
}
