//! Print the lines HTML ingestion extracts from a file.
//!
//! ```text
//! cargo run --example html_lines -- [--cues] PAGE.html
//! ```
//!
//! With `--cues` every line is prefixed with its cues: `h2` heading level, `E`
//! emphasis, `L` list item (`.` when none), then a tab. The encoding and warnings go
//! to standard error.

use std::io::Write;
use std::process::ExitCode;

use seloste::ingest::html::ingest_html;

fn main() -> ExitCode {
    let mut cues = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--cues" => cues = true,
            "-h" | "--help" => {
                eprintln!("usage: html_lines [--cues] PAGE.html");
                return ExitCode::SUCCESS;
            }
            _ => path = Some(arg),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: html_lines [--cues] PAGE.html");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let ingested = match ingest_html(&bytes) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "encoding: {}",
        ingested.encoding.as_deref().unwrap_or("unknown")
    );
    for w in &ingested.warnings {
        eprintln!("warning {}: {}", w.code, w.message);
    }
    let mut out = std::io::stdout().lock();
    for line in &ingested.lines {
        let written = if cues {
            let c = &line.cue;
            let level = c
                .heading_level
                .map_or("..".to_string(), |l| format!("h{l}"));
            let emph = if c.emphasis { 'E' } else { '.' };
            let list = if c.list_item { 'L' } else { '.' };
            writeln!(out, "{level}{emph}{list}\t{}", line.text)
        } else {
            writeln!(out, "{}", line.text)
        };
        if written.is_err() {
            // A closed pipe (`| head`) is not an error.
            break;
        }
    }
    ExitCode::SUCCESS
}
