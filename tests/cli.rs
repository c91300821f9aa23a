//! Tests that run the `seloste` binary.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

fn seloste() -> Command {
    Command::cargo_bin("seloste").unwrap()
}

fn samples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
}

#[test]
fn extract_writes_one_result_per_document_in_the_input_layout() {
    let out = tempfile::tempdir().unwrap();
    seloste()
        .args(["extract", "--today", "2026-11-22", "--emit-text", "-o"])
        .arg(out.path())
        .arg(samples())
        .assert()
        .success()
        .stderr(contains(
            "seeds/002_3663ef54c83f74ee.txt: tietosuojaseloste",
        ));
    let result = out.path().join("seeds/002_3663ef54c83f74ee.txt.json");
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(result).unwrap()).unwrap();
    assert_eq!(value["source"]["path"], "seeds/002_3663ef54c83f74ee.txt");
    assert!(out
        .path()
        .join("seeds/002_3663ef54c83f74ee.txt.norm.txt")
        .exists());
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("run.json")).unwrap()).unwrap();
    assert!(run["documents"].as_array().unwrap().len() >= 17);
}

#[test]
fn a_single_file_is_written_under_its_name() {
    let out = tempfile::tempdir().unwrap();
    seloste()
        .args(["extract", "-q", "-o"])
        .arg(out.path())
        .arg(samples().join("seeds/004_1bc9164291d3d5c3.txt"))
        .assert()
        .success();
    assert!(out.path().join("004_1bc9164291d3d5c3.txt.json").exists());
}

#[test]
fn bad_files_fail_alone_with_a_named_cause() {
    let input = tempfile::tempdir().unwrap();
    let dir = input.path();
    std::fs::write(dir.join("a_empty.txt"), b"").unwrap();
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 31 % 256) as u8).collect();
    std::fs::write(dir.join("b_binary.txt"), binary).unwrap();
    std::fs::write(dir.join("c_one_line.txt"), vec![b'a'; 3 << 20]).unwrap();
    std::fs::copy(
        samples().join("seeds/003_16ba26a6995fb9ba.txt"),
        dir.join("d_good.txt"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    seloste()
        .args(["extract", "-o"])
        .arg(out.path())
        .arg(dir)
        .assert()
        .code(1)
        .stderr(contains("a_empty.txt: error: the file is empty"))
        .stderr(contains("b_binary.txt: error: not a text document"))
        .stderr(contains(
            "c_one_line.txt: error: not a text document: a line of",
        ))
        .stderr(contains("d_good.txt: tietosuojaseloste"));
    assert!(out.path().join("d_good.txt.json").exists());
    assert!(!out.path().join("a_empty.txt.json").exists());
    let run = std::fs::read_to_string(out.path().join("run.json")).unwrap();
    assert!(run.contains("\"status\": \"error\""));
    // No temporary files are left behind.
    for e in std::fs::read_dir(out.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    for (dir, jobs) in [(&one, "1"), (&many, "4")] {
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
            .arg(dir.path())
            .arg(samples())
            .assert()
            .success();
    }
    for entry in walkdir::WalkDir::new(one.path()).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(one.path()).unwrap();
            let mut a = std::fs::read(entry.path()).unwrap();
            let mut b = std::fs::read(many.path().join(rel)).unwrap();
            if rel == Path::new("run.json") {
                // Only the volatile `millis` may differ in the run record.
                let strip = |bytes: &[u8]| {
                    let mut run: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                    for d in run["documents"].as_array_mut().unwrap() {
                        d.as_object_mut().unwrap().remove("millis");
                    }
                    serde_json::to_vec(&run).unwrap()
                };
                (a, b) = (strip(&a), strip(&b));
            }
            assert!(
                a == b,
                "{} differs between --jobs 1 and --jobs 4",
                rel.display()
            );
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    seloste().args(["extract"]).assert().code(2);
    seloste()
        .args(["extract", "--today", "tomorrow", "-o", "/tmp/x"])
        .arg(samples())
        .assert()
        .code(2)
        .stderr(contains("--today"));
    seloste()
        .args(["extract", "-o", "/tmp/x", "/nonexistent/input"])
        .assert()
        .code(2);
}

#[test]
fn schema_is_json_schema_for_the_result() {
    let out = seloste()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(schema["title"], "NoticeResult");
    for key in [
        "schema_version",
        "source",
        "language",
        "title",
        "kind",
        "dates",
        "fields",
        "sections",
        "gaps",
        "conflicts",
        "warnings",
    ] {
        assert!(schema["properties"].get(key).is_some(), "{key}");
    }
}
