//! The command line: `seloste extract` and `seloste schema`.
//!
//! Exit codes: 0 every document was processed (gaps and conflicts are findings, not
//! failures); 1 some documents failed; 2 usage or setup error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rayon::prelude::*;

use crate::model::NoticeResult;
use crate::output::{self, DocumentRecord, InputDoc, RunRecord};
use crate::pipeline::{self, Options};

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
}

/// Arguments of `extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or directories (searched recursively for .txt, .md, .html, .pdf and files without an extension).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Also write the normalised text the spans point into, as OUT/<relative path>.norm.txt.
    #[arg(long)]
    pub emit_text: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Today's date for the future-date check (YYYY-MM-DD; default: the system date).
    #[arg(long)]
    pub today: Option<String>,
    /// Largest input file accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_bytes: u64,
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
    }
}

/// Read, extract and write one document; never panics outward.
fn process_one(doc: &InputDoc, args: &ExtractArgs, options: &Options) -> DocumentRecord {
    let bytes = match std::fs::metadata(&doc.path) {
        Ok(m) if m.len() > options.max_bytes => {
            return DocumentRecord::failed(
                &doc.relative,
                None,
                format!(
                    "skipped: the file is {} bytes, over the limit of {} bytes",
                    m.len(),
                    options.max_bytes
                ),
            )
        }
        _ => match std::fs::read(&doc.path) {
            Ok(b) => b,
            Err(e) => {
                return DocumentRecord::failed(
                    &doc.relative,
                    None,
                    format!("cannot read the file: {e}"),
                )
            }
        },
    };
    let sha = pipeline::sha256_hex(&bytes);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pipeline::extract(&doc.relative, &bytes, options)
    }));
    let extraction = match outcome {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return DocumentRecord::failed(&doc.relative, Some(sha), e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown".into());
            return DocumentRecord::failed(
                &doc.relative,
                Some(sha),
                format!("internal error while extracting: {what}"),
            );
        }
    };
    let paths = output::result_paths(&args.out, &doc.relative, extraction.results.len());
    for (result, path) in extraction.results.iter().zip(&paths) {
        if let Err(e) = output::write_atomic(path, output::to_json(result).as_bytes()) {
            return DocumentRecord::failed(
                &doc.relative,
                Some(sha),
                format!("cannot write the result: {e}"),
            );
        }
    }
    if args.emit_text {
        let path = output::norm_text_path(&args.out, &doc.relative);
        if let Err(e) = output::write_atomic(&path, extraction.norm.text.as_bytes()) {
            return DocumentRecord::failed(
                &doc.relative,
                Some(sha),
                format!("cannot write the normalised text: {e}"),
            );
        }
    }
    DocumentRecord::ok(&doc.relative, &extraction.results)
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
    let (docs, problems) = output::collect_inputs(&args.inputs);
    for p in &problems {
        eprintln!("seloste: {}: {}", p.path, p.message);
    }
    if docs.is_empty() && !problems.is_empty() {
        return Err("no readable input".into());
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let records: Vec<DocumentRecord> = pool.install(|| {
        docs.par_iter()
            .map(|doc| {
                let record = process_one(doc, args, &options);
                if !args.quiet || record.status == output::Status::Error {
                    eprintln!("{}", record.summary_line());
                }
                record
            })
            .collect()
    });
    let failed = records
        .iter()
        .filter(|r| r.status == output::Status::Error)
        .count()
        + problems.len();
    let run = RunRecord {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: crate::model::SCHEMA_VERSION.to_string(),
        documents: records,
    };
    write_run_record(&args.out, &run)?;
    if !args.quiet {
        eprintln!(
            "seloste: {} documents, {} failed; results in {}",
            run.documents.len(),
            failed,
            args.out.display()
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

fn write_run_record(out: &Path, run: &RunRecord) -> Result<(), String> {
    output::write_atomic(&out.join("run.json"), output::to_json(run).as_bytes())
        .map_err(|e| format!("cannot write run.json: {e}"))
}

/// Exit code type used by tests that call the CLI in-process.
pub fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(code as u8)
}
