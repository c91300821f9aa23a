//! Hostile inputs (issue 8): one `seloste extract` batch over damaged, malicious and
//! odd files mixed with good ones. Every hostile file fails alone with a named cause
//! (or gives a correct result), nothing panics, aborts or hangs, nothing is written
//! outside `--out`, and the good files' results are byte-identical to a run of the
//! good files alone.
//!
//! The small hostile files are committed in `tests/hostile/` (made by
//! `scripts/make_hostile.py --small tests/hostile`); the large ones (a 10,000-page PDF,
//! nesting 100,000 deep, a 50 MB line, zip bombs) are generated at test time with
//! `python3 scripts/make_hostile.py --large`. Symlinks, a FIFO and an unreadable file
//! are made here.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What must happen to one input.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A per-file error whose message contains this text.
    Error(&'static str),
    /// A result file.
    Ok,
    /// Not listed at all (a symlink or a FIFO in a walked folder: not a regular file).
    Skipped,
}

use Expect::{Error, Ok as Good, Skipped};

/// Every hostile input, by its path relative to the input root, and its outcome.
const HOSTILE: &[(&str, Expect)] = &[
    // tests/hostile/ (committed)
    ("hostile/empty.html", Error("the file is empty")),
    ("hostile/empty.pdf", Error("the file is empty")),
    ("hostile/empty.txt", Error("the file is empty")),
    ("hostile/invalid_utf8.txt", Good),
    ("hostile/pdf_broken_xref.pdf", Good),
    ("hostile/pdf_cut_10.pdf", Error("unreadable PDF")),
    ("hostile/pdf_cut_50.pdf", Good),
    ("hostile/pdf_cut_90.pdf", Good),
    (
        "hostile/pdf_encrypted_user_password.pdf",
        Error("encrypted"),
    ),
    (
        "hostile/pdf_flate_bomb.pdf",
        Error("a page's content could not be read"),
    ),
    ("hostile/pdf_form_draws_itself.pdf", Good),
    ("hostile/pdf_page_tree_cycle.pdf", Good),
    ("hostile/pdf_q_bomb.pdf", Good),
    (
        "hostile/pdf_scanned_image_only.pdf",
        Error("no text layer: the PDF needs OCR"),
    ),
    ("hostile/pdf_xref_prev_loop.pdf", Good),
    ("hostile/random_bytes.html", Error("not a text document")),
    ("hostile/random_bytes.pdf", Error("unreadable PDF")),
    ("hostile/random_bytes.txt", Error("not a text document")),
    ("hostile/utf16be_no_bom.txt", Good),
    ("hostile/utf16le_no_bom.txt", Good),
    (
        "hostile/zip_nested_3_deep.zip/level2.zip/level3.zip",
        Error("nested deeper than 2 levels"),
    ),
    ("hostile/zip_truncated.zip", Error("unreadable zip archive")),
    (
        "hostile/zip_unsafe_names.zip/#0",
        Error("unsafe entry name"),
    ),
    (
        "hostile/zip_unsafe_names.zip/#1",
        Error("unsafe entry name"),
    ),
    ("hostile/zip_unsafe_names.zip/ok/notice.txt", Good),
    // generated at test time
    ("large/html_deep_b_unclosed.html", Good),
    ("large/html_deep_div.html", Good),
    ("large/html_deep_table.html", Good),
    ("large/pdf_10000_pages.pdf", Good),
    ("large/pdf_deep_dict_nesting.pdf", Good),
    ("large/pdf_deep_nesting_content.pdf", Good),
    ("large/pdf_deep_nesting_object.pdf", Good),
    ("large/text_50mb_one_line.txt", Error("with no line break")),
    ("large/zip_bomb_ratio.zip/a_good.txt", Good),
    ("large/zip_bomb_ratio.zip/bomb.txt", Error("over the limit")),
    // made here
    ("special/dangling.txt", Skipped),
    ("special/fifo.txt", Skipped),
    ("special/link_outside.txt", Skipped),
    ("special/loop", Skipped),
];

/// Good documents of several formats, copied into `good/` of both runs.
const GOOD: &[&str] = &[
    "samples/corpus/04_hy-norppa-kurssipalaute-seloste.md",
    "samples/corpus/11_evon-capital-tietosuojaseloste-jsx.txt",
    "samples/corpus/12_wwf-norppagalleria-rekisteriseloste.html",
    "samples/corpus/03_hy-kurssipalaute-seloste-2021.pdf",
    "samples/pdf-producers/001__rl_helv.pdf",
    "samples/html-pages/001__web_utf8.html",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn copy_good(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for g in GOOD {
        let src = root().join(g);
        std::fs::copy(&src, to.join(src.file_name().unwrap())).unwrap();
    }
}

fn extract(inputs: &[&Path], out: &Path) -> (i32, String) {
    let output = Command::cargo_bin("seloste")
        .unwrap()
        .args(["extract", "--today", "2026-11-22", "--jobs", "2"])
        .args(["--timeout", "60", "-o"])
        .arg(out)
        .args(inputs)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stderr)
}

/// All files under `dir`, relative, with their bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.display().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn hostile_files_fail_alone_and_good_results_are_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let input = base.join("in");
    copy_dir(&root().join("tests/hostile"), &input.join("hostile"));
    let generated = std::process::Command::new("python3")
        .arg(root().join("scripts/make_hostile.py"))
        .arg("--large")
        .arg(input.join("large"))
        .status()
        .expect("python3 is needed to generate the large hostile files");
    assert!(generated.success());
    copy_good(&input.join("good"));

    // Links, a FIFO, an unreadable file.
    let special = input.join("special");
    std::fs::create_dir_all(&special).unwrap();
    let outside = base.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(
        root().join("samples/corpus/11_evon-capital-tietosuojaseloste-jsx.txt"),
        outside.join("secret.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), special.join("link_outside.txt"))
        .unwrap();
    std::os::unix::fs::symlink("..", special.join("loop")).unwrap();
    std::os::unix::fs::symlink(base.join("nowhere.txt"), special.join("dangling.txt")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(special.join("fifo.txt"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let unreadable = special.join("unreadable.txt");
    std::fs::copy(root().join(GOOD[1]), &unreadable).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    // As root (CI containers) a mode-000 file is still readable: then it is a good file.
    let as_root = std::fs::File::open(&unreadable).is_ok();
    let unreadable_expect = if as_root {
        eprintln!("running as root: special/unreadable.txt is readable, expected to succeed");
        Good
    } else {
        Error("cannot read the file")
    };
    // A file that is gone by the time it is read: a command-line input that vanished
    // after the caller listed it (deterministic stand-in for a file deleted mid-run).
    let vanished = base.join("vanished.txt");

    let out = base.join("out");
    let started = Instant::now();
    let (code, stderr) = extract(&[&input, &vanished], &out);
    let elapsed = started.elapsed();
    eprintln!("hostile batch: {elapsed:?}\n{stderr}");
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o644)).unwrap();

    assert_eq!(code, 1, "exit code 1: some documents failed");
    assert!(!stderr.contains("panicked"), "no panic message");
    assert!(!stderr.contains("internal error"), "no caught panic either");

    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let docs: BTreeMap<String, serde_json::Value> = record["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap().to_string(), d.clone()))
        .collect();

    // A zip of 16 zips, each entry past the ratio cap.
    let nested: Vec<String> = (0..16)
        .map(|i| format!("large/zip_bomb_nested.zip/inner{i:02}.zip/zeros.txt"))
        .collect();
    let mut all: Vec<(&str, Expect)> = HOSTILE.to_vec();
    all.push(("special/unreadable.txt", unreadable_expect));
    all.extend(
        nested
            .iter()
            .map(|n| (n.as_str(), Error("compression ratio"))),
    );
    let mut wrong = Vec::new();
    for (rel, expect) in all {
        let doc = docs.get(rel);
        // One result file, or `#k` files for a PDF holding several notices.
        let notices = doc.and_then(|d| d["notices"].as_u64()).unwrap_or(1) as usize;
        let result = seloste::output::result_paths(&out, rel, notices)[0].clone();
        let ok = match expect {
            Error(cause) => {
                let line = stderr
                    .lines()
                    .find(|l| l.contains(rel) && l.contains(cause));
                let recorded = doc.is_some_and(|d| {
                    d["status"] != "ok" && d["error"].as_str().is_some_and(|e| e.contains(cause))
                });
                line.is_some() && recorded && !result.exists()
            }
            Good => doc.is_some_and(|d| d["status"] == "ok") && result.exists(),
            Skipped => doc.is_none() && !stderr.contains(rel) && !result.exists(),
        };
        if !ok {
            wrong.push(format!(
                "{rel}: expected {expect:?}; record {doc:?}; result file {}",
                result.exists()
            ));
        }
    }
    // The vanished input is named with its cause.
    if !stderr
        .lines()
        .any(|l| l.contains("vanished.txt") && l.contains("No such file"))
    {
        wrong.push("vanished.txt: not reported".into());
    }
    assert!(
        wrong.is_empty(),
        "unexpected outcomes:\n{}",
        wrong.join("\n")
    );

    // Every listed document is accounted for above or is a good file.
    for path in docs.keys() {
        let known = HOSTILE.iter().any(|(r, _)| r == path)
            || path == "special/unreadable.txt"
            || nested.contains(path)
            || path.starts_with("good/");
        assert!(known, "unexpected document in run.json: {path}");
    }

    // Nothing outside OUT: the only entries of the temporary root are ours, and no
    // file named after the unsafe zip entries exists anywhere.
    let mut top: Vec<String> = std::fs::read_dir(base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["in", "out", "outside"]);
    for (name, _) in files(base) {
        assert!(
            !name.ends_with("/x.txt.json"),
            "unsafe entry written: {name}"
        );
    }
    assert!(!Path::new("/etc/x.txt.json").exists());
    assert_eq!(
        files(&outside).len(),
        1,
        "nothing written next to the link target"
    );

    // The good files' results equal a run of the good files alone.
    let alone_in = base.join("alone");
    copy_good(&alone_in.join("good"));
    let alone_out = base.join("alone_out");
    let (code, stderr) = extract(&[&alone_in], &alone_out);
    assert_eq!(code, 0, "{stderr}");
    let alone: BTreeMap<_, _> = files(&alone_out.join("good"));
    let mixed: BTreeMap<_, _> = files(&out.join("good"));
    assert_eq!(alone.len(), GOOD.len());
    assert_eq!(
        alone.keys().collect::<Vec<_>>(),
        mixed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &alone {
        assert!(
            mixed[name] == *bytes,
            "good/{name} differs in the mixed run"
        );
    }

    if !cfg!(debug_assertions) {
        assert!(
            elapsed.as_secs() < 60,
            "the hostile batch took {elapsed:?} (caps should keep it fast)"
        );
    }
}

/// `--files-from` with a path through `..`: refused, nothing written outside OUT.
#[test]
fn a_listed_path_with_dot_dot_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let sub = base.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(root().join(GOOD[1]), base.join("up.txt")).unwrap();
    let list = base.join("list.txt");
    std::fs::write(&list, format!("{}/../up.txt\n", sub.display())).unwrap();
    let out = sub.join("out");
    let output = Command::cargo_bin("seloste")
        .unwrap()
        .args(["extract", "--today", "2026-11-22", "-o"])
        .arg(&out)
        .arg("--files-from")
        .arg(&list)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("up.txt"), "{stderr}");
    assert!(!base.join("up.txt.json").exists());
    assert!(!sub.join("up.txt.json").exists());
    let written: Vec<_> = files(base)
        .into_keys()
        .filter(|n| n.ends_with(".json") && !n.starts_with("sub/out/"))
        .collect();
    assert!(written.is_empty(), "written outside OUT: {written:?}");
}
