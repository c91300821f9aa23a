//! Bench of `seloste diff` on a large run: `cargo bench --bench diff [-- DOCUMENTS]`.
//!
//! Writes DOCUMENTS (default 5,000) copies of the `golden/` results into a temporary
//! GOLDEN and ACTUAL, with small changes in ACTUAL (a title, moved spans, an added gap,
//! a changed email, a missing document), then times the comparison (listing, reading,
//! parsing and diffing both trees, as `seloste diff` does) and the rendering, and
//! prints the time per thousand documents. A plain `main` (no harness), so it needs no
//! bench crate.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use seloste::diff::DiffOptions;
use seloste::review::{compare, render_human, render_json, Style};

fn golden_files() -> Vec<(String, Value)> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/golden"));
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "json") {
            let name = entry.file_name().to_string_lossy().into_owned();
            let value = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
            files.push((name, value));
        }
    }
    assert!(
        !files.is_empty(),
        "no golden files under {}",
        root.display()
    );
    files
}

/// A small change of the kind a new run brings, chosen by the document's number.
fn perturb(i: usize, v: &mut Value) -> bool {
    let mut changed = false;
    if i.is_multiple_of(10) {
        v["title"] = json!(format!("Muutettu otsikko {i}"));
        changed = true;
    }
    if i.is_multiple_of(7) {
        for s in v["sections"].as_array_mut().into_iter().flatten() {
            for k in ["start", "end"] {
                let n = s["span"][k].as_u64().unwrap_or(0);
                s["span"][k] = json!(n + 3);
            }
        }
        changed = true;
    }
    if i.is_multiple_of(13) {
        if let Some(gaps) = v["gaps"].as_array_mut() {
            gaps.insert(
                0,
                json!({"field": "dpo", "rule": "bench-rule", "severity": "warning", "message": "Added by the bench."}),
            );
            changed = true;
        }
    }
    if i.is_multiple_of(17) {
        if let Some(fields) = v["fields"].as_object_mut() {
            if let Some(f) = fields.values_mut().next() {
                f["text"] = json!(format!(
                    "{} Lisätty lause {i}.",
                    f["text"].as_str().unwrap_or("")
                ));
                changed = true;
            }
        }
    }
    changed
}

fn write(path: &Path, v: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn per_thousand(d: Duration, n: usize) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0 * 1000.0 / n as f64)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5000);
    let files = golden_files();
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    let actual = dir.path().join("actual");
    let started = Instant::now();
    let mut changed = 0;
    let mut bytes = 0;
    for i in 0..n {
        let (name, value) = &files[i % files.len()];
        let rel = format!("part{:03}/{i:05}-{name}", i / 500);
        let text = serde_json::to_string_pretty(value).unwrap();
        bytes += text.len();
        write(&golden.join(&rel), value);
        if i % 50 == 49 {
            continue; // missing in ACTUAL
        }
        let mut v = value.clone();
        changed += usize::from(perturb(i, &mut v));
        write(&actual.join(&rel), &v);
    }
    eprintln!(
        "wrote {n} documents per side ({:.0} MB), {changed} changed, in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let options = DiffOptions::default();
    let threads = rayon::current_num_threads();
    let mut compare_times = Vec::new();
    let mut report = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = compare(&golden, &actual, &options, false).unwrap();
        compare_times.push(t.elapsed());
        report = Some(r);
    }
    let report = report.unwrap();
    let s = report.summary();
    assert_eq!(s.compared + s.missing, n);
    compare_times.sort();
    let t = Instant::now();
    let human = render_human(&report, &Style::default());
    let human_time = t.elapsed();
    let t = Instant::now();
    let json = render_json(&report, &Style::default());
    let json_time = t.elapsed();

    // Where the time goes: reading the files, parsing them.
    let t = Instant::now();
    let mut texts = Vec::new();
    for root in [&golden, &actual] {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                texts.push(std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let read_time = t.elapsed();
    let t = Instant::now();
    for text in &texts {
        let _: Value = serde_json::from_slice(text).unwrap();
    }
    let parse_time = t.elapsed();
    drop(texts);

    // Worst case: every document differs, so none takes the same-bytes shortcut.
    let all_changed = dir.path().join("all-changed");
    for i in 0..n {
        let (name, value) = &files[i % files.len()];
        let rel = format!("part{:03}/{i:05}-{name}", i / 500);
        let mut v = value.clone();
        v["title"] = json!(format!("Otsikko {i}"));
        perturb(i, &mut v);
        write(&all_changed.join(&rel), &v);
    }
    let t = Instant::now();
    let worst = compare(&golden, &all_changed, &options, false).unwrap();
    let worst_time = t.elapsed();
    assert_eq!(worst.summary().changed, n);

    // The same comparison on one thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let t = Instant::now();
    pool.install(|| compare(&golden, &actual, &options, false).unwrap());
    let one_thread = t.elapsed();

    println!(
        "{} documents: {} unchanged, {} changed ({} only in spans), {} missing",
        n, s.unchanged, s.changed, s.changed_spans_only, s.missing
    );
    println!(
        "compare (read + parse + diff), {threads} threads: median {:.3} s, {} per 1000 documents",
        compare_times[2].as_secs_f64(),
        per_thousand(compare_times[2], n)
    );
    println!(
        "compare, 1 thread: {:.3} s, {} per 1000 documents",
        one_thread.as_secs_f64(),
        per_thousand(one_thread, n)
    );
    println!(
        "compare, every document changed, {threads} threads: {:.3} s, {} per 1000 documents",
        worst_time.as_secs_f64(),
        per_thousand(worst_time, n)
    );
    println!(
        "on 1 thread, reading all files takes {} and parsing all of them into JSON values {} per 1000 documents",
        per_thousand(read_time, n),
        per_thousand(parse_time, n)
    );
    println!(
        "render human: {} per 1000 documents ({} KB); json: {} per 1000 documents ({} KB)",
        per_thousand(human_time, n),
        human.len() / 1024,
        per_thousand(json_time, n),
        json.len() / 1024
    );
}
