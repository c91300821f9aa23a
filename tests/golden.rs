//! Golden tests: every document under `samples/` is extracted and compared with its
//! reviewed expectation under `golden/` (same relative path plus `.json`).
//! Set `SELOSTE_BLESS=1` to rewrite the golden files from the current output; review
//! the change (`git diff golden/`) against the source documents before committing.

use std::path::{Path, PathBuf};

use seloste::diff::{diff_results, DiffOptions};
use seloste::output::{collect_inputs, result_paths, to_json};
use seloste::pipeline::{extract, Options};
use seloste::review::{render_changes, Style};

/// A fixed date so that the future-date check does not depend on when tests run.
const TODAY: &str = "2026-11-22";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options {
        today: TODAY.into(),
        ..Options::default()
    }
}

#[test]
fn samples_match_golden_files() {
    let samples = root().join("samples");
    let golden = root().join("golden");
    let bless = std::env::var_os("SELOSTE_BLESS").is_some();
    let (docs, problems) = collect_inputs(&[samples]);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        docs.len() >= 20,
        "expected the bundled samples, found {}",
        docs.len()
    );
    let mut failures = Vec::new();
    let mut compared = 0;
    for doc in &docs {
        let bytes = std::fs::read(&doc.path).unwrap();
        let results = match extract(&doc.relative, &bytes, &options()) {
            Ok(x) => x.results,
            Err(e) => {
                failures.push(format!("{}: extraction failed: {e}", doc.relative));
                continue;
            }
        };
        for (result, path) in
            results
                .iter()
                .zip(result_paths(&golden, &doc.relative, results.len()))
        {
            let actual = serde_json::to_value(result).unwrap();
            compared += 1;
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, to_json(&actual)).unwrap();
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                failures.push(format!(
                    "{}: no golden file {}",
                    doc.relative,
                    path.display()
                ));
                continue;
            };
            let expected: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            // The same comparison and rendering as `seloste diff`; span-only changes
            // are counted, and listed when nothing else changed.
            let changes = diff_results(&expected, &actual, &DiffOptions::default());
            if !changes.is_empty() {
                let style = Style {
                    color: false,
                    spans: changes.iter().all(|c| c.span_only),
                };
                failures.push(format!(
                    "{} differs from {}:\n{}",
                    doc.relative,
                    rel(&path),
                    render_changes(&changes, &style)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} results ({} documents) differ from their golden files (SELOSTE_BLESS=1 rewrites them):\n{}",
        failures.len(),
        compared,
        docs.len(),
        failures.join("\n")
    );
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

#[test]
fn golden_files_follow_the_published_schema() {
    let schema = serde_json::to_value(schemars::schema_for!(seloste::model::NoticeResult)).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let mut count = 0;
    for entry in walkdir::WalkDir::new(root().join("golden")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "json") {
            let value: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
            count += 1;
        }
    }
    assert!(count >= 20, "only {count} golden files");
}

#[test]
fn spans_point_into_the_normalised_text() {
    let (docs, _) = collect_inputs(&[root().join("samples")]);
    for doc in docs {
        let bytes = std::fs::read(&doc.path).unwrap();
        let x = extract(&doc.relative, &bytes, &options()).unwrap();
        let text = &x.norm.text;
        for r in &x.results {
            for s in &r.sections {
                assert!(
                    s.span.start <= s.span.end && s.span.end <= text.len(),
                    "{}",
                    doc.relative
                );
                assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
            }
            for f in r.fields.values() {
                for p in &f.provenance {
                    assert!(
                        text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end)
                    );
                    assert!(p.span.end <= text.len());
                }
            }
            for c in &r.conflicts {
                for e in &c.evidence {
                    assert!(
                        e.end <= text.len()
                            && text.is_char_boundary(e.start)
                            && text.is_char_boundary(e.end)
                    );
                }
            }
        }
    }
}
