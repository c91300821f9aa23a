//! Print the lines `seloste` ingests from a PDF: one per line, a blank line for a
//! paragraph break. With `--cues`, each line is prefixed with its page and cues
//! (`h1`..`h3` heading level, `b` emphasis). Warnings go to stderr.
//!
//! ```text
//! cargo run --release --example pdf_lines -- [--cues] FILE.pdf
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut cues = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--cues" => cues = true,
            _ => path = Some(arg),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: pdf_lines [--cues] FILE.pdf");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    match seloste::ingest::pdf::ingest_pdf(&bytes) {
        Ok(doc) => {
            let mut out = String::new();
            for line in &doc.lines {
                if cues && !line.text.is_empty() {
                    let page = line.page.map_or("-".to_string(), |p| p.to_string());
                    let level = line
                        .cue
                        .heading_level
                        .map_or(String::new(), |h| format!("h{h}"));
                    let bold = if line.cue.emphasis { "b" } else { "" };
                    out.push_str(&format!("[p{page} {level:2} {bold:1}] "));
                }
                out.push_str(&line.text);
                out.push('\n');
            }
            print!("{out}");
            for w in &doc.warnings {
                eprintln!("warning [{}]: {}", w.code, w.message);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
