//! `seloste diff`: runs the binary on real results (extracted from `samples/` into a
//! temporary directory, then edited) and checks the report and the exit status.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::{json, Value};

fn seloste() -> Command {
    let mut c = Command::cargo_bin("seloste").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn samples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
}

const KOIRA: &str = "19_koiraparkki-tietosuojaseloste-jsx.txt.json";
const CONCEPTS: &str = "42_hy-concepts-rekisteriseloste.md.json";
const SEED: &str = "002_3663ef54c83f74ee.txt.json";
const AKAA_2: &str = "39_akaa-hacklab-rekisteriselosteet.md#2.json";

/// A temporary directory holding `golden/` (a real run over four sample documents,
/// one of them with two notices) and `actual/`, a copy of it.
struct Runs {
    dir: tempfile::TempDir,
}

impl Runs {
    fn new() -> Runs {
        let dir = tempfile::tempdir().unwrap();
        let golden = dir.path().join("golden");
        seloste()
            .args(["extract", "--today", "2026-11-22", "--quiet", "--out"])
            .arg(&golden)
            .arg(samples().join("corpus/19_koiraparkki-tietosuojaseloste-jsx.txt"))
            .arg(samples().join("corpus/39_akaa-hacklab-rekisteriselosteet.md"))
            .arg(samples().join("corpus/42_hy-concepts-rekisteriseloste.md"))
            .arg(samples().join("seeds/002_3663ef54c83f74ee.txt"))
            .assert()
            .success();
        assert!(golden.join("run.json").exists());
        assert!(golden.join(AKAA_2).exists());
        let actual = dir.path().join("actual");
        std::fs::create_dir_all(&actual).unwrap();
        for entry in std::fs::read_dir(&golden).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), actual.join(entry.file_name())).unwrap();
        }
        Runs { dir }
    }

    fn golden(&self) -> PathBuf {
        self.dir.path().join("golden")
    }

    fn actual(&self) -> PathBuf {
        self.dir.path().join("actual")
    }

    /// Edit one result file of ACTUAL.
    fn edit(&self, name: &str, f: impl FnOnce(&mut Value)) {
        edit(&self.actual().join(name), f);
    }

    fn diff(&self) -> Command {
        let mut c = seloste();
        c.arg("diff").arg(self.golden()).arg(self.actual());
        c
    }
}

fn edit(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn json_report(cmd: &mut Command) -> Value {
    let out = cmd.args(["--format", "json"]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn identical_runs_exit_0_and_volatile_keys_are_ignored() {
    let runs = Runs::new();
    runs.edit(CONCEPTS, |v| {
        v["tool_version"] = json!("9.9.9");
        v["millis"] = json!(123);
    });
    runs.diff()
        .assert()
        .code(0)
        .stdout(contains("5 documents compared: 5 unchanged, 0 changed"));
}

#[test]
fn missing_and_extra_documents() {
    let runs = Runs::new();
    std::fs::remove_file(runs.actual().join(SEED)).unwrap();
    std::fs::copy(
        runs.actual().join(KOIRA),
        runs.actual().join("sub-new.txt.json"),
    )
    .unwrap();
    // Not documents: the run's own files and JSON that is not a result.
    std::fs::write(runs.actual().join("run.json"), "{}").unwrap();
    std::fs::write(runs.actual().join("other.json"), r#"{"a": 1}"#).unwrap();
    std::fs::write(runs.actual().join("x.norm.txt"), "text").unwrap();
    runs.diff()
        .assert()
        .code(1)
        .stdout(contains(
            "4 documents compared: 4 unchanged, 0 changed; 1 missing, 1 extra",
        ))
        .stdout(contains(format!("missing {SEED}")))
        .stdout(contains("extra   sub-new.txt.json"));
}

#[test]
fn a_changed_field_is_shown_as_a_word_diff() {
    let runs = Runs::new();
    let mut old_text = String::new();
    runs.edit(CONCEPTS, |v| {
        let text = v["fields"]["controller"]["text"]
            .as_str()
            .unwrap()
            .to_string();
        old_text = text.clone();
        v["fields"]["controller"]["text"] = json!(text.replacen(
            "Tietojenkäsittelytieteen osasto",
            "Tietojenkäsittelytieteen laitos",
            1
        ));
        v["kind"] = json!("rekisteriseloste");
    });
    assert!(old_text.contains("Tietojenkäsittelytieteen osasto"));
    runs.diff()
        .args(["--color", "never"])
        .assert()
        .code(1)
        .stdout(contains("1 changed"))
        .stdout(contains("  1  fields.controller\n"))
        .stdout(contains("  1  kind\n"))
        .stdout(contains(format!("changed {CONCEPTS}")))
        .stdout(contains("~ /kind: \"tietosuojaseloste\" -> \"rekisteriseloste\""))
        .stdout(contains(
            "~ /fields/controller/text: Helsingin Yliopisto, Tietojenkäsittelytieteen [-osasto-]{+laitos+}↵↵PL",
        ))
        .stdout(contains('\x1b').not());
    // Colour on request (and never when NO_COLOR is set under auto: stdout is a pipe here).
    runs.diff()
        .args(["--color", "always"])
        .assert()
        .code(1)
        .stdout(contains("\x1b[31mosasto\x1b[0m"));
    runs.diff()
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stdout(contains('\x1b').not());
}

#[test]
fn a_changed_structured_value() {
    let runs = Runs::new();
    runs.edit(KOIRA, |v| {
        let c = &mut v["fields"]["controller"];
        c["emails"][0] = json!("uusi@example.fi");
        c["outside_eea"] = json!(true);
    });
    let report = json_report(&mut runs.diff());
    let changes = report["documents"][0]["changes"].as_array().unwrap();
    let ops: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["op"].as_str().unwrap(), c["pointer"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ops,
        [
            ("removed", "/fields/controller/emails"),
            ("added", "/fields/controller/emails"),
            ("added", "/fields/controller/outside_eea"),
        ]
    );
    assert_eq!(changes[1]["new"], "uusi@example.fi");
    assert_eq!(report["summary"]["topics"]["fields.controller"], 1);
}

#[test]
fn sections_are_compared_in_order_sets_as_sets() {
    let runs = Runs::new();
    // Sets: reordering emails and phones is no difference.
    for side in [runs.golden(), runs.actual()] {
        edit(&side.join(SEED), |v| {
            let c = &mut v["fields"]["controller"];
            c["emails"]
                .as_array_mut()
                .unwrap()
                .push(json!("toinen@example.fi"));
            c["phones"]
                .as_array_mut()
                .unwrap()
                .push(json!("+358401234567"));
        });
    }
    runs.edit(SEED, |v| {
        let c = &mut v["fields"]["controller"];
        c["emails"].as_array_mut().unwrap().reverse();
        c["phones"].as_array_mut().unwrap().reverse();
    });
    runs.diff().assert().code(0);
    // Sections: swapping two is a difference.
    runs.edit(SEED, |v| {
        v["sections"].as_array_mut().unwrap().swap(1, 2);
    });
    let report = json_report(&mut runs.diff());
    assert_eq!(report["summary"]["changed"], 1);
    assert_eq!(report["summary"]["topics"]["sections"], 1);
    assert!(report["summary"]["topics"]
        .get("fields.controller")
        .is_none());
}

#[test]
fn a_gap_added_and_a_conflict_changed() {
    let runs = Runs::new();
    runs.edit(SEED, |v| {
        v["gaps"].as_array_mut().unwrap().insert(
            0,
            json!({"field": "dpo", "rule": "test-rule", "severity": "warning", "message": "A new gap."}),
        );
        v["conflicts"][0]["severity"] = json!("info");
    });
    let rule = {
        let v: Value =
            serde_json::from_slice(&std::fs::read(runs.golden().join(SEED)).unwrap()).unwrap();
        v["conflicts"][0]["rule"].as_str().unwrap().to_string()
    };
    runs.diff()
        .assert()
        .code(1)
        .stdout(contains("+ /gaps/0 [test-rule (dpo)]: warning: A new gap."))
        .stdout(contains(format!("~ /conflicts/0/severity [{rule} (")));
    // Other gaps did not move in the comparison, though their indices did.
    let report = json_report(&mut runs.diff());
    assert_eq!(
        report["documents"][0]["changes"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn span_only_changes_are_counted_not_listed() {
    let runs = Runs::new();
    runs.edit(CONCEPTS, |v| {
        for s in v["sections"].as_array_mut().unwrap() {
            let end = s["span"]["end"].as_u64().unwrap();
            s["span"]["end"] = json!(end + 1);
        }
    });
    runs.diff()
        .assert()
        .code(1)
        .stdout(contains("1 changed (1 only in spans)"))
        .stdout(contains("13 changes only in spans"))
        .stdout(contains("/sections/0/span/end").not());
    runs.diff()
        .arg("--spans")
        .assert()
        .code(1)
        .stdout(contains("~ /sections/0/span/end"));
}

#[test]
fn a_multi_notice_file_and_top_level_arrays() {
    let runs = Runs::new();
    runs.edit(AKAA_2, |v| v["title"] = json!("Toinen rekisteri"));
    runs.diff()
        .assert()
        .code(1)
        .stdout(contains(format!("changed {AKAA_2}")))
        .stdout(contains("~ /title:"));
    // One file holding an array of results: elements matched by index.
    for side in [runs.golden(), runs.actual()] {
        edit(&side.join(KOIRA), |v| *v = json!([v.clone(), v.clone()]));
    }
    runs.edit(KOIRA, |v| v[1]["language"] = json!("sv"));
    runs.diff()
        .assert()
        .code(1)
        .stdout(contains("~ /1/language: \"fi\" -> \"sv\""));
}

#[test]
fn invalid_json_in_golden_is_an_error_naming_the_file() {
    let runs = Runs::new();
    std::fs::write(runs.golden().join(CONCEPTS), "{ not json").unwrap();
    runs.diff()
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(CONCEPTS).and(contains("is not valid JSON")));
    // The same broken file on both sides is still an error.
    std::fs::write(runs.actual().join(CONCEPTS), "{ not json").unwrap();
    runs.diff()
        .assert()
        .code(2)
        .stderr(contains("is not valid JSON"));
    seloste()
        .arg("diff")
        .arg(runs.golden())
        .arg(runs.dir.path().join("nowhere"))
        .assert()
        .code(2);
}

#[test]
fn ignore_keys_by_name_or_pointer() {
    let runs = Runs::new();
    runs.edit(CONCEPTS, |v| {
        v["title"] = json!("Muu otsikko");
        v["dates"]["updated"] = json!("2020-01-01");
        v["sections"][0]["score"] = json!(0.5);
    });
    runs.diff().args(["--ignore", "title"]).assert().code(1);
    runs.diff()
        .args([
            "--ignore", "title", "--ignore", "/dates", "--ignore", "score",
        ])
        .assert()
        .code(0);
}

#[test]
fn json_format_is_machine_readable() {
    let runs = Runs::new();
    std::fs::remove_file(runs.actual().join(SEED)).unwrap();
    runs.edit(CONCEPTS, |v| v["language"] = json!("en"));
    let report = json_report(runs.diff().arg("--color").arg("always"));
    assert_eq!(report["format"], "seloste-diff");
    assert_eq!(report["version"], 1);
    let s = &report["summary"];
    assert_eq!(
        (
            &s["compared"],
            &s["unchanged"],
            &s["changed"],
            &s["missing"],
            &s["extra"]
        ),
        (&json!(4), &json!(3), &json!(1), &json!(1), &json!(0))
    );
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["path"], SEED);
    assert_eq!(docs[0]["status"], "missing");
    assert_eq!(docs[1]["status"], "changed");
    assert_eq!(
        docs[1]["changes"][0],
        json!({"op": "changed", "pointer": "/language", "topic": "language", "old": "fi", "new": "en", "span_only": false})
    );
}

#[test]
fn markdown_format() {
    let runs = Runs::new();
    runs.edit(CONCEPTS, |v| v["language"] = json!("en"));
    runs.diff()
        .args(["--format", "markdown"])
        .assert()
        .code(1)
        .stdout(contains("| `language` | 1 |"))
        .stdout(contains(format!("#### `{CONCEPTS}`")))
        .stdout(contains("- changed `/language`: `\"fi\"` → `\"en\"`"));
}

#[test]
fn bless_writes_and_a_second_diff_exits_0() {
    let runs = Runs::new();
    runs.edit(CONCEPTS, |v| v["title"] = json!("Uusi otsikko"));
    std::fs::copy(
        runs.actual().join(KOIRA),
        runs.actual().join("new.txt.json"),
    )
    .unwrap();
    std::fs::remove_file(runs.actual().join(SEED)).unwrap();
    // Missing documents are kept unless named: differences remain, exit 1.
    runs.diff()
        .arg("--bless")
        .assert()
        .code(1)
        .stderr(contains(format!(
            "wrote {}",
            runs.golden().join(CONCEPTS).display()
        )))
        .stderr(contains("new.txt.json"))
        .stderr(contains("kept 1 missing document"));
    assert_eq!(
        std::fs::read(runs.golden().join(CONCEPTS)).unwrap(),
        std::fs::read(runs.actual().join(CONCEPTS)).unwrap()
    );
    assert!(runs.golden().join(SEED).exists());
    // Naming it deletes it.
    runs.diff()
        .args(["--bless", SEED])
        .assert()
        .code(0)
        .stderr(contains("deleted"));
    assert!(!runs.golden().join(SEED).exists());
    runs.diff().assert().code(0);
    // A name that is no document is an error, and nothing is written.
    runs.edit(KOIRA, |v| v["title"] = json!("X"));
    runs.diff()
        .args(["--bless", "no-such.txt"])
        .assert()
        .code(2);
    runs.diff().assert().code(1);
    // Restricted to one document.
    runs.edit(CONCEPTS, |v| v["title"] = json!("Y"));
    runs.diff()
        .args(["--bless", CONCEPTS.trim_end_matches(".json")])
        .assert()
        .code(1);
    runs.diff()
        .args(["--format", "json"])
        .assert()
        .code(1)
        .stdout(contains(KOIRA).and(contains(CONCEPTS).not()));
}

#[test]
fn single_files() {
    let runs = Runs::new();
    runs.edit(CONCEPTS, |v| v["title"] = json!("Toinen"));
    seloste()
        .arg("diff")
        .arg(runs.golden().join(CONCEPTS))
        .arg(runs.actual().join(CONCEPTS))
        .assert()
        .code(1)
        .stdout(contains("1 documents compared").not())
        .stdout(contains("1 document compared: 0 unchanged, 1 changed"));
    seloste()
        .arg("diff")
        .arg(runs.golden().join(CONCEPTS))
        .arg(runs.actual())
        .assert()
        .code(2);
}

#[test]
fn bless_into_a_new_golden_directory_or_file() {
    let runs = Runs::new();
    let fresh = runs.dir.path().join("approved");
    seloste()
        .arg("diff")
        .arg(&fresh)
        .arg(runs.actual())
        .assert()
        .code(2);
    seloste()
        .arg("diff")
        .arg(&fresh)
        .arg(runs.actual())
        .arg("--bless")
        .assert()
        .code(0)
        .stdout(contains("0 missing, 5 extra"));
    assert!(fresh.join(AKAA_2).exists() && !fresh.join("run.json").exists());
    seloste()
        .arg("diff")
        .arg(&fresh)
        .arg(runs.actual())
        .assert()
        .code(0);
    let one = runs.dir.path().join("one.json");
    seloste()
        .arg("diff")
        .arg(&one)
        .arg(runs.actual().join(CONCEPTS))
        .args(["--bless", "--format", "json"])
        .assert()
        .code(0)
        .stdout(contains("\"status\": \"extra\""));
    assert_eq!(
        std::fs::read(&one).unwrap(),
        std::fs::read(runs.actual().join(CONCEPTS)).unwrap()
    );
}
