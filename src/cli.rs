//! The command line: `seloste extract`, `merge`, `schema`, `diff` and `report`.
//!
//! Exit codes: 0 every document was processed (gaps and conflicts are findings, not
//! failures); 1 some documents failed (or `--fail-on` findings); 2 usage or setup
//! error; 130 stopped by Ctrl-C (the record is written, `--resume` finishes the run).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::archive::ZipCaps;
use crate::batch::{self, RunConfig, Selection};
use crate::model::NoticeResult;
use crate::output;
use crate::pipeline::Options;
use crate::record::Status;

/// Extract Finnish privacy notices into one schema, with gaps and conflicts.
#[derive(Debug, Parser)]
#[command(name = "seloste", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract every document under the inputs into OUT/<relative path>.json.
    Extract(ExtractArgs),
    /// Print the JSON Schema of one document's result.
    Schema,
    /// Join the records and results of several `extract --out` directories (shards).
    Merge(MergeArgs),
    /// Compare two runs (or two result files) field by field: GOLDEN (approved) against ACTUAL; exit 0 same, 1 different, 2 error.
    Diff(crate::review::DiffArgs),
    /// Write RUN_DIR/report.html: the run as one self-contained page (overview, heatmap, documents, versions).
    Report(crate::report::ReportArgs),
}

/// Arguments of `extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files, directories (searched recursively for .txt, .md, .html, .pdf, files without an extension, and .zip archives) and .zip archives.
    #[arg(required_unless_present = "files_from")]
    pub inputs: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short, required_unless_present = "jsonl")]
    pub out: Option<PathBuf>,
    /// Also write the normalised text the spans point into, as OUT/<relative path>.norm.txt.
    #[arg(long, conflicts_with = "jsonl")]
    pub emit_text: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Today's date for the future-date check (YYYY-MM-DD; default: the system date).
    #[arg(long)]
    pub today: Option<String>,
    /// Largest input file (or archive entry) accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_bytes: u64,
    /// Print nothing on stderr but errors (and no progress bar).
    #[arg(long, short)]
    pub quiet: bool,
    /// Only documents whose relative path matches one of these globs (`*` also matches `/`).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out documents, folders and archives whose relative path matches one of these globs.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read more inputs from FILE, one path per line (`-`: standard input); outputs keep the path as written.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Follow symbolic links inside input folders (also out of the folder); a link loop
    /// or a dangling link is then an error of its own. Default: links are not read.
    #[arg(long)]
    pub follow_links: bool,
    /// Time budget per document, in seconds; past it the document's status is `timeout`.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub timeout: f64,
    /// Skip documents whose sha256 and tool version match the previous run in OUT.
    #[arg(long, conflicts_with = "jsonl")]
    pub resume: bool,
    /// Write each result as one line of JSON on stdout instead of result files.
    #[arg(long)]
    pub jsonl: bool,
    /// Process only shard K of N (by a stable hash of the relative path), e.g. 2/8.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Also exit 1 when a document has an error-severity finding (`errors`), an
    /// error-severity gap (`gaps`) or any conflict (`conflicts`).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    /// Most entries read from one zip archive.
    #[arg(long, default_value_t = 100_000)]
    pub zip_max_entries: usize,
    /// Most uncompressed bytes (as declared) in one zip archive.
    #[arg(long, default_value_t = 16 * 1024 * 1024 * 1024)]
    pub zip_max_total: u64,
    /// Highest compression ratio of one zip entry (a zip bomb guard).
    #[arg(long, default_value_t = 200)]
    pub zip_max_ratio: u64,
}

/// Findings that make `extract` exit 1 (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any gap or conflict of error severity.
    Errors,
    /// Any gap of error severity (missing required information).
    Gaps,
    /// Any conflict.
    Conflicts,
}

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Output directories of earlier runs (e.g. one per shard).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Directory to merge into: results are copied, run.json and summary.csv rewritten.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Diff(args) => crate::review::run(&args),
        Command::Report(args) => crate::report::run(&args),
        Command::Schema => {
            let schema = schemars::schema_for!(NoticeResult);
            print!("{}", output::to_json(&schema));
            0
        }
        Command::Extract(args) => match extract(&args) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("seloste: {message}");
                2
            }
        },
        Command::Merge(args) => match batch::merge(&args.inputs, &args.out, args.quiet) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("seloste: {message}");
                2
            }
        },
    }
}

fn validate_today(today: &str) -> Result<(), String> {
    today
        .parse::<jiff::civil::Date>()
        .map(|_| ())
        .map_err(|e| format!("--today {today:?} is not a date (YYYY-MM-DD): {e}"))
}

/// `seloste extract`; returns the exit code, or an error message for exit code 2.
pub fn extract(args: &ExtractArgs) -> Result<i32, String> {
    let mut options = Options {
        max_bytes: args.max_bytes,
        ..Options::default()
    };
    if let Some(today) = &args.today {
        validate_today(today)?;
        options.today = today.clone();
    }
    if !(args.timeout.is_finite() && args.timeout >= 0.0) {
        return Err(format!("--timeout {}: expected seconds >= 0", args.timeout));
    }
    let shard = args.shard.as_deref().map(batch::parse_shard).transpose()?;
    let caps = ZipCaps {
        max_entries: args.zip_max_entries,
        max_total: args.zip_max_total,
        max_ratio: args.zip_max_ratio.max(1),
        max_entry: args.max_bytes,
    };
    let selection = Selection {
        inputs: args.inputs.clone(),
        files_from: args.files_from.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        shard,
        caps,
        follow_links: args.follow_links,
    };
    let (jobs, problems) = batch::list_jobs(&selection)?;
    for p in &problems {
        eprintln!("seloste: {}: {}", p.path, p.message);
    }
    if jobs.is_empty() && !problems.is_empty() {
        return Err("no readable input".into());
    }
    let recorded_options = serde_json::json!({
        "inputs": args.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "files_from": args.files_from.as_ref().map(|p| p.display().to_string()),
        "include": args.include,
        "exclude": args.exclude,
        "follow_links": args.follow_links,
        "shard": args.shard,
        "today": options.today,
        "max_bytes": args.max_bytes,
        "timeout_secs": args.timeout,
        "emit_text": args.emit_text,
        "jsonl": args.jsonl,
        "zip_max_entries": caps.max_entries,
        "zip_max_total": caps.max_total,
        "zip_max_ratio": caps.max_ratio,
    });
    let config = RunConfig {
        out: args.out.clone(),
        options,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        emit_text: args.emit_text,
        jsonl: args.jsonl,
        resume: args.resume,
        jobs: args.jobs.unwrap_or(0),
        quiet: args.quiet,
        caps,
        recorded_options,
    };
    let outcome = batch::run(jobs, &config)?;
    let docs = &outcome.documents;
    let failed = docs.iter().filter(|r| r.status.failed()).count() + problems.len();
    let finding = |d: &&batch::Brief| {
        args.fail_on.iter().any(|f| match f {
            FailOn::Errors => d.gaps.error + d.conflicts.error > 0,
            FailOn::Gaps => d.gaps.error > 0,
            FailOn::Conflicts => d.conflicts.total() > 0,
        })
    };
    let flagged = docs.iter().filter(finding).count();
    if !args.quiet {
        let skipped = docs.iter().filter(|d| d.status == Status::Skipped).count();
        let mut line = format!("seloste: {} documents, {} failed", docs.len(), failed);
        if skipped > 0 {
            line.push_str(&format!(", {skipped} unchanged (skipped)"));
        }
        if !args.fail_on.is_empty() {
            line.push_str(&format!(", {flagged} with --fail-on findings"));
        }
        if let Some(out) = &args.out {
            line.push_str(&format!("; record in {}", out.display()));
        }
        if outcome.interrupted {
            line.push_str("; interrupted: run again with --resume to finish");
        }
        eprintln!("{line}");
    }
    Ok(if outcome.interrupted {
        batch::EXIT_INTERRUPTED
    } else if failed > 0 || flagged > 0 {
        1
    } else {
        0
    })
}

/// Exit code type used by tests that call the CLI in-process.
pub fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(code as u8)
}
