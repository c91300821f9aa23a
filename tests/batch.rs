//! Archive-scale runs: zip inputs, selection, resume, shards, merge, run record.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

fn seloste() -> Command {
    Command::cargo_bin("seloste").unwrap()
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(samples().join(name)).unwrap()
}

const A: &str = "seeds/002_3663ef54c83f74ee.txt";
const B: &str = "seeds/003_16ba26a6995fb9ba.txt";
const C: &str = "corpus/15_finna-asiakasrekisterin-seloste.html";

fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn run_json(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap()
}

fn statuses(out: &Path) -> Vec<(String, String)> {
    run_json(out)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

/// A copy of the text and HTML samples (PDF ingestion has tests of its own); returns
/// the number of documents.
fn copy_samples(to: &Path) -> usize {
    let mut n = 0;
    for f in files_under(&samples()) {
        if f.ends_with(".pdf") {
            continue;
        }
        let p = to.join(&f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(samples().join(&f), p).unwrap();
        n += 1;
    }
    n
}

/// run.json without the volatile `millis` fields.
fn stable_record(out: &Path) -> Value {
    let mut run = run_json(out);
    for d in run["documents"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("millis");
    }
    run
}

#[test]
fn zip_entries_never_escape_out() {
    let root = tempfile::tempdir().unwrap();
    let zip = zip_bytes(&[
        ("../../x.txt", &sample(A)),
        ("/etc/x.txt", &sample(A)),
        ("dir\\..\\..\\y.txt", &sample(A)),
        ("good/a.txt", &sample(A)),
    ]);
    std::fs::create_dir(root.path().join("in")).unwrap();
    std::fs::write(root.path().join("in/archive.zip"), zip).unwrap();
    let out = root.path().join("deep/out");
    seloste()
        .args(["extract", "-q", "--today", "2026-11-22", "-o"])
        .arg(&out)
        .arg(root.path().join("in"))
        .assert()
        .code(1)
        .stderr(contains("unsafe entry name \"../../x.txt\""))
        .stderr(contains("unsafe entry name \"/etc/x.txt\""));
    assert_eq!(
        files_under(&out),
        ["archive.zip/good/a.txt.json", "run.json", "summary.csv"]
    );
    // Nothing was written next to or above OUT.
    assert_eq!(
        files_under(root.path()).len(),
        4,
        "{:?}",
        files_under(root.path())
    );
    let docs = statuses(&out);
    assert_eq!(docs.iter().filter(|(_, s)| s == "error").count(), 3);
    assert!(docs.contains(&("archive.zip/good/a.txt".into(), "ok".into())));
    let result: Value =
        serde_json::from_slice(&std::fs::read(out.join("archive.zip/good/a.txt.json")).unwrap())
            .unwrap();
    assert_eq!(result["source"]["path"], "archive.zip/good/a.txt");
}

#[test]
fn a_zip_bomb_entry_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![b' '; 8 << 20];
    let zip = zip_bytes(&[("bomb.txt", &zeros), ("ok.txt", &sample(B))]);
    std::fs::write(dir.path().join("a.zip"), zip).unwrap();
    let out = dir.path().join("out");
    seloste()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(dir.path().join("a.zip"))
        .assert()
        .code(1)
        .stderr(contains("a.zip/bomb.txt: error: compression ratio"));
    assert_eq!(
        statuses(&out),
        [
            ("a.zip/bomb.txt".to_string(), "error".to_string()),
            ("a.zip/ok.txt".to_string(), "ok".to_string())
        ]
    );
    // A cap on entries fails the whole archive, with its name.
    let out2 = dir.path().join("out2");
    seloste()
        .args(["extract", "-q", "--zip-max-entries", "1", "-o"])
        .arg(&out2)
        .arg(dir.path().join("a.zip"))
        .assert()
        .code(1)
        .stderr(contains("a.zip: error: the archive has 2 entries"));
}

#[test]
fn nested_zips_are_read_to_depth_two() {
    let dir = tempfile::tempdir().unwrap();
    let deepest = zip_bytes(&[("d.txt", &sample(A))]);
    let inner = zip_bytes(&[("c.txt", &sample(A)), ("deeper.zip", &deepest)]);
    let outer = zip_bytes(&[("b.txt", &sample(B)), ("sub/inner.zip", &inner)]);
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/outer.zip"), outer).unwrap();
    let out = dir.path().join("out");
    seloste()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(dir.path().join("in"))
        .assert()
        .code(1)
        .stderr(contains("nested deeper than 2 levels"));
    assert!(out.join("outer.zip/sub/inner.zip/c.txt.json").is_file());
    assert!(out.join("outer.zip/b.txt.json").is_file());
    let docs = statuses(&out);
    assert_eq!(docs[0], ("outer.zip/b.txt".into(), "ok".into()));
    assert_eq!(
        docs[1],
        ("outer.zip/sub/inner.zip/c.txt".into(), "ok".into())
    );
    assert_eq!(
        docs[2],
        ("outer.zip/sub/inner.zip/deeper.zip".into(), "error".into())
    );
}

fn tree(dir: &Path) {
    for (rel, src) in [("a/x.txt", A), ("b/y.txt", B), ("c.html", C), ("a/z.md", A)] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, sample(src)).unwrap();
    }
}

#[test]
fn include_and_exclude_select_by_relative_path() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("in"));
    let out = dir.path().join("out");
    seloste()
        .args(["extract", "-q", "--include", "*.txt", "--include", "*.html"])
        .args(["--exclude", "b", "-o"])
        .arg(&out)
        .arg(dir.path().join("in"))
        .assert()
        .success();
    let paths: Vec<String> = statuses(&out).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["a/x.txt", "c.html"]);
}

#[test]
fn files_from_a_list_or_stdin() {
    let dir = tempfile::tempdir().unwrap();
    tree(&dir.path().join("in"));
    std::fs::write(dir.path().join("list"), "in/b/y.txt\n\nin/a\n").unwrap();
    let out = dir.path().join("out");
    seloste()
        .current_dir(dir.path())
        .args(["extract", "-q", "--files-from", "list", "-o", "out"])
        .assert()
        .success();
    let paths: Vec<String> = statuses(&out).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["in/b/y.txt", "in/a/x.txt", "in/a/z.md"]);
    assert!(out.join("in/b/y.txt.json").is_file());
    let out2 = dir.path().join("out2");
    seloste()
        .current_dir(dir.path())
        .args(["extract", "-q", "--files-from", "-", "-o", "out2"])
        .write_stdin("in/c.html\n../escape.txt\n")
        .assert()
        .code(1)
        .stderr(contains("../escape.txt: a path with '..'"));
    assert_eq!(statuses(&out2), [("in/c.html".into(), "ok".into())]);
}

#[test]
fn resume_skips_unchanged_documents() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    tree(&input);
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        seloste()
            .args(["extract", "-q", "--today", "2026-11-22", "-o"])
            .arg(&out)
            .arg(&input)
            .args(extra)
            .assert()
            .success();
    };
    run(&[]);
    let first = stable_record(&out);
    std::fs::write(input.join("a/x.txt"), sample(B)).unwrap();
    std::fs::write(input.join("new.txt"), sample(A)).unwrap();
    std::fs::remove_file(out.join("c.html.json")).unwrap();
    run(&["--resume"]);
    assert_eq!(
        statuses(&out),
        [
            ("a/x.txt".into(), "ok".into()),
            ("a/z.md".into(), "skipped".into()),
            ("b/y.txt".into(), "skipped".into()),
            ("c.html".into(), "ok".into()),
            ("new.txt".into(), "ok".into()),
        ]
    );
    // A skipped document keeps its record (counts, digests) from the earlier run.
    let now = stable_record(&out);
    let mut skipped = now["documents"][1].clone();
    skipped["status"] = "ok".into();
    assert_eq!(skipped, first["documents"][1]);

    // A run that was killed leaves run.partial.jsonl (header + one line per
    // document, possibly torn at the end); --resume reads it.
    let record = run_json(&out);
    let mut partial = String::from("{\"tool_version\":\"");
    partial.push_str(record["tool_version"].as_str().unwrap());
    partial.push_str("\",\"schema_version\":\"1\"}\n");
    for d in record["documents"].as_array().unwrap() {
        partial.push_str(&serde_json::to_string(d).unwrap());
        partial.push('\n');
    }
    partial.push_str("{\"path\":\"torn");
    std::fs::remove_file(out.join("run.json")).unwrap();
    std::fs::write(out.join("run.partial.jsonl"), partial).unwrap();
    run(&["--resume"]);
    assert!(statuses(&out).iter().all(|(_, s)| s == "skipped"));
    assert!(!out.join("run.partial.jsonl").exists());
}

#[test]
fn shards_cover_every_document_once_and_merge_back() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy_samples(&input);
    let full = dir.path().join("full");
    seloste()
        .args(["extract", "-q", "--today", "2026-11-22", "-o"])
        .arg(&full)
        .arg(&input)
        .assert()
        .success();
    let all: Vec<String> = statuses(&full).into_iter().map(|(p, _)| p).collect();
    let mut seen = Vec::new();
    let mut shard_dirs = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        seloste()
            .args(["extract", "-q", "--today", "2026-11-22", "--shard"])
            .arg(format!("{k}/3"))
            .arg("-o")
            .arg(&out)
            .arg(&input)
            .assert()
            .success();
        seen.extend(statuses(&out).into_iter().map(|(p, _)| p));
        shard_dirs.push(out);
    }
    let mut sorted = seen.clone();
    sorted.sort();
    let mut expected = all.clone();
    expected.sort();
    assert_eq!(sorted, expected, "every document in exactly one shard");

    let merged = dir.path().join("merged");
    seloste()
        .args(["merge", "-q", "-o"])
        .arg(&merged)
        .args(&shard_dirs)
        .assert()
        .success();
    let (a, b) = (stable_record(&full), stable_record(&merged));
    assert_eq!(a["documents"], b["documents"]);
    assert_eq!(a["groups"], b["groups"]);
    for f in files_under(&full) {
        if f != "run.json" {
            assert_eq!(
                std::fs::read(full.join(&f)).unwrap(),
                std::fs::read(merged.join(&f)).unwrap(),
                "{f}"
            );
        }
    }
}

#[test]
fn summary_csv_is_for_spreadsheets() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let n = copy_samples(&input);
    let out = dir.path().join("out");
    seloste()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let csv = std::fs::read(out.join("summary.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFpath;status;"));
    let text = String::from_utf8(csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 1 + n);
    let header: Vec<&str> = rows[0].split(';').collect();
    assert!(header.contains(&"missing_required"));
    assert!(header.contains(&"controller"));
    assert!(rows.iter().any(|r| r.contains(";ok;") && r.contains("dpo")));
}

#[test]
fn fail_on_findings() {
    let dir = tempfile::tempdir().unwrap();
    let input = samples().join(A);
    for (flag, code) in [(None, 0), (Some("gaps"), 1), (Some("errors"), 1)] {
        let mut cmd = seloste();
        cmd.args(["extract", "-q", "-o"])
            .arg(dir.path())
            .arg(&input);
        if let Some(f) = flag {
            cmd.args(["--fail-on", f]);
        }
        cmd.assert().code(code);
    }
    // A notice without conflicts passes --fail-on conflicts.
    let run = run_json(dir.path());
    let conflicts = &run["documents"][0]["conflicts"];
    let any = conflicts["error"].as_u64().unwrap()
        + conflicts["warning"].as_u64().unwrap()
        + conflicts["info"].as_u64().unwrap();
    seloste()
        .args(["extract", "-q", "--fail-on", "conflicts", "-o"])
        .arg(dir.path())
        .arg(&input)
        .assert()
        .code(i32::from(any > 0));
}

#[test]
fn jsonl_streams_one_result_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let n = copy_samples(dir.path());
    let output = seloste()
        .args(["extract", "-q", "--jsonl", "--jobs", "2"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    let mut paths: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["source"]["path"].as_str().unwrap().to_string()
        })
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), n);
}

#[test]
fn run_record_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy_samples(&input);
    // A second version of one register, to have a group.
    let mut v2 = sample(A);
    v2.extend_from_slice("\nPäivitetty 1.2.2024\n".as_bytes());
    std::fs::write(input.join("v2.txt"), v2).unwrap();
    std::fs::write(
        input.join("more.zip"),
        zip_bytes(&[("x.txt", &sample(B)), ("y.html", &sample(C))]),
    )
    .unwrap();
    let mut records = Vec::new();
    for jobs in ["1", "2", "4"] {
        let out = dir.path().join(format!("out{jobs}"));
        seloste()
            .args([
                "extract",
                "-q",
                "--today",
                "2026-11-22",
                "--jobs",
                jobs,
                "-o",
            ])
            .arg(&out)
            .arg(&input)
            .assert()
            .success();
        records.push(stable_record(&out));
        assert_eq!(
            std::fs::read(dir.path().join("out1/summary.csv")).unwrap(),
            std::fs::read(out.join("summary.csv")).unwrap()
        );
    }
    assert_eq!(records[0], records[1]);
    assert_eq!(records[0], records[2]);
    assert!(!records[0]["groups"].as_array().unwrap().is_empty());
}

#[test]
fn a_time_budget_of_zero_times_every_document_out() {
    let dir = tempfile::tempdir().unwrap();
    seloste()
        .args(["extract", "-q", "--timeout", "0", "-o"])
        .arg(dir.path())
        .arg(samples().join(A))
        .assert()
        .code(1)
        .stderr(contains("timeout: timed out"));
    assert_eq!(
        statuses(dir.path()),
        [("002_3663ef54c83f74ee.txt".into(), "timeout".into())]
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let text = sample(A);
    for i in 0..400 {
        std::fs::write(input.join(format!("{i:04}.txt")), &text).unwrap();
    }
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("seloste"))
        .args(["extract", "-q", "--jobs", "1", "-o"])
        .arg(&out)
        .arg(&input)
        .spawn()
        .unwrap();
    let partial = out.join("run.partial.jsonl");
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&partial)
        .map(|s| s.lines().count() < 6)
        .unwrap_or(true)
        && started.elapsed().as_secs() < 60
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let done = statuses(&out).len();
    if status.code() == Some(130) {
        assert_eq!(run_json(&out)["interrupted"], true);
        assert!(done < 400);
    }
    // Only complete result files are left.
    for f in files_under(&out) {
        assert!(!f.ends_with(".tmp"), "{f}");
        if f.ends_with(".json") {
            let _: Value = serde_json::from_slice(&std::fs::read(out.join(&f)).unwrap()).unwrap();
        }
    }
    seloste()
        .args(["extract", "-q", "--resume", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let after = statuses(&out);
    assert_eq!(after.len(), 400);
    assert_eq!(after.iter().filter(|(_, s)| s == "skipped").count(), done);
}

/// Links inside an input folder are not read by default; `--follow-links` reads them,
/// and then a link loop is an error of its own that does not stop the run.
#[cfg(unix)]
#[test]
fn links_are_followed_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(input.join("a.txt"), sample(A)).unwrap();
    std::fs::write(outside.join("b.txt"), sample(B)).unwrap();
    std::os::unix::fs::symlink(outside.join("b.txt"), input.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("loop")).unwrap();

    let plain = dir.path().join("plain");
    seloste()
        .args(["extract", "-q", "--out"])
        .arg(&plain)
        .arg(&input)
        .assert()
        .code(0);
    assert_eq!(
        files_under(&plain),
        ["a.txt.json", "run.json", "summary.csv"]
    );

    let followed = dir.path().join("followed");
    seloste()
        .args(["extract", "-q", "--follow-links", "--out"])
        .arg(&followed)
        .arg(&input)
        .assert()
        .code(1)
        .stderr(contains("loop"));
    let files = files_under(&followed);
    assert!(files.contains(&"link.txt.json".to_string()), "{files:?}");
    assert!(files.contains(&"a.txt.json".to_string()), "{files:?}");
}
