//! `seloste report`: the page for the samples' run (plus a hostile notice) is
//! self-contained, escapes document text, is deterministic, and renders in headless
//! Chromium without errors with one heatmap row per notice.
//!
//! The browser part runs when `/usr/bin/chromium` (or `$SELOSTE_CHROMIUM`) exists; it
//! is skipped with a notice otherwise, unless `SELOSTE_REQUIRE_CHROMIUM=1` (set by
//! `.ci/run`), which makes a missing browser a failure. The screenshot is saved as
//! `<target>/tmp/report-samples.png`.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn seloste() -> Command {
    Command::cargo_bin("seloste").unwrap()
}

fn samples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
}

const HOSTILE: &str = "Tietosuojaseloste <script>alert(1)</script>\n\n\
Rekisterinpitäjä\n\n\
Yritys <script>alert(1)</script> Oy, Katu 1, 00100 Helsinki, info@example.fi\n\
</script><script>alert(2)</script>\n\n\
Rekisterin nimi\n\n\
Asiakasrekisteri <img src=x onerror=alert(3)>\n\n\
Henkilötietojen käsittelyn tarkoitus\n\n\
Asiakassuhteen hoito. Lisätietoja <a href=\"https://evil.example/x.js\">täällä</a> ja https://example.com/tietosuoja.\n\n\
Rekisterin tietosisältö\n\n\
Nimi, sähköpostiosoite.\n";

/// A run of the samples and the hostile notice in `dir/out`; returns the run dir.
fn make_run(dir: &Path) -> PathBuf {
    let hostile = dir.join("hostile");
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::write(hostile.join("notice<script>.txt"), HOSTILE).unwrap();
    let out = dir.join("out");
    seloste()
        .args([
            "extract",
            "--today",
            "2026-11-22",
            "--emit-text",
            "-q",
            "-o",
        ])
        .arg(&out)
        .arg(samples())
        .arg(&hostile)
        .assert()
        .success();
    out
}

/// `seloste report -q RUN_DIR`, and the page it writes.
fn report(run_dir: &Path) -> String {
    seloste()
        .args(["report", "-q"])
        .arg(run_dir)
        .assert()
        .success();
    std::fs::read_to_string(run_dir.join("report.html")).unwrap()
}

/// Heatmap rows the run should give: one per notice, one per failed document.
fn expected_rows(run_dir: &Path) -> usize {
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run_dir.join("run.json")).unwrap()).unwrap();
    run["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["notices"].as_u64().unwrap_or(0).max(1) as usize)
        .sum()
}

/// The JSON of `<script type="application/json" id="report-data">`.
fn report_data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/json\" id=\"report-data\">")
        .unwrap();
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).unwrap()
}

#[test]
fn report_escapes_text_loads_nothing_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let out = make_run(dir.path());
    let html = report(&out);

    // Document text never becomes markup.
    let lower = html.to_lowercase();
    assert!(
        !lower.contains("<script>alert"),
        "raw <script>alert in page"
    );
    assert!(!lower.contains("</script><script>alert"));
    assert!(!lower.contains("<img src=x"));
    assert!(
        html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
        "the notice's <script> is kept as escaped text"
    );
    // Every script element is one of ours: two inline scripts, or JSON data.
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..i + html[i..].find('>').unwrap() + 1];
        assert!(
            tag == "<script>" || tag.starts_with("<script type=\"application/json\" id=\""),
            "unexpected {tag}"
        );
    }
    assert_eq!(html.matches("<script>").count(), 2);
    // Nothing external is loaded: no src/href to a network URL, no stylesheet links.
    let tags =
        regex::Regex::new(r#"(?i)\b(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:|//)"#)
            .unwrap();
    assert!(tags.find(&html).is_none(), "{:?}", tags.find(&html));
    assert!(!lower.contains("<link") && !lower.contains("@import") && !lower.contains("url("));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));

    // One row per notice; the hostile notice is a row, its title as data.
    let data = report_data(&html);
    let rows = data["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected_rows(&out));
    assert_eq!(data["tier"], "full");
    let hostile = rows
        .iter()
        .find(|r| r["p"] == "notice<script>.txt")
        .expect("hostile row");
    assert_eq!(hostile["t"], "Tietosuojaseloste <script>alert(1)</script>");
    assert_eq!(hostile["x"].as_str().unwrap().len(), 21);
    assert!(hostile["d"].as_i64().unwrap() >= 0, "details embedded");
    // The link back to the source is relative to the page, encoded.
    assert_eq!(hostile["u"], "../hostile/notice%3Cscript%3E.txt");
    // Versions: the samples have groups, rendered by the template (escaped).
    assert!(html.contains("class=\"group\""));

    // Same run, same page, byte for byte; --out elsewhere.
    let other = dir.path().join("elsewhere/page.html");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    seloste()
        .args(["report", "-q", "--out"])
        .arg(&other)
        .arg(&out)
        .assert()
        .success();
    let again = report(&out);
    assert!(again == html, "report is not deterministic");
    assert!(std::fs::metadata(&other).unwrap().len() > 10_000);

    // A small embed limit leaves the texts out and says so.
    seloste()
        .args(["report", "-q", "--embed-limit", "0", "--out"])
        .arg(&other)
        .arg(&out)
        .assert()
        .success();
    let small = std::fs::read_to_string(&other).unwrap();
    assert_eq!(report_data(&small)["tier"], "none");
    assert!(small.contains("too large to embed"));
}

#[test]
fn report_without_emit_text_says_how_to_get_the_marked_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    seloste()
        .args(["extract", "--today", "2026-11-22", "-q", "-o"])
        .arg(&out)
        .arg(samples().join("seeds"))
        .assert()
        .success();
    let html = report(&out);
    assert!(html.contains("run extract with --emit-text to see the marked text"));
}

#[test]
fn report_of_a_missing_run_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    seloste()
        .arg("report")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run.json"));
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("SELOSTE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    if std::env::var("SELOSTE_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
        panic!(
            "SELOSTE_REQUIRE_CHROMIUM=1 but {} does not exist (apt-get install chromium)",
            path.display()
        );
    }
    None
}

/// Run headless Chromium with `extra` arguments on `url`; returns (stdout, stderr).
fn run_chromium(browser: &Path, profile: &Path, extra: &[&str], url: &str) -> (String, String) {
    let out_file = profile.with_extension("stdout");
    let err_file = profile.with_extension("stderr");
    let mut child = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (
        std::fs::read_to_string(out_file).unwrap_or_default(),
        std::fs::read_to_string(err_file).unwrap_or_default(),
    )
}

/// The attributes of the dumped `<body ...>` tag.
fn body_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<body")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught")))
        .collect()
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!(
            "notice: no chromium (/usr/bin/chromium or SELOSTE_CHROMIUM): browser test skipped"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = make_run(dir.path());
    let html = report(&out);
    let page = out.join("report.html");
    let data = report_data(&html);
    let rows = data["rows"].as_array().unwrap();
    let expected = expected_rows(&out);
    let url = format!("file://{}", page.display())
        .replace('<', "%3C")
        .replace('>', "%3E");

    // The heatmap: rendered, one row per notice, no error.
    let (dom, stderr) = run_chromium(&browser, &dir.path().join("p1"), &["--dump-dom"], &url);
    assert!(
        body_attr(&dom, "data-rows").is_some(),
        "the page's script did not finish: {}",
        &stderr[stderr.len().saturating_sub(3000)..]
    );
    assert_eq!(body_attr(&dom, "data-errors"), None, "errors in the page");
    assert!(
        console_errors(&stderr).is_empty(),
        "{:?}",
        console_errors(&stderr)
    );
    assert_eq!(body_attr(&dom, "data-rows"), Some(expected.to_string()));
    assert_eq!(
        body_attr(&dom, "data-rendered-rows"),
        Some(expected.to_string())
    );
    let dom_rows: usize = body_attr(&dom, "data-dom-rows").unwrap().parse().unwrap();
    assert!(dom_rows > 0 && dom_rows <= expected);
    assert_eq!(dom.matches("class=\"hm-row").count(), dom_rows);

    // The document view of the hostile notice: its text marked, <script> as text.
    let hostile = rows
        .iter()
        .position(|r| r["p"] == "notice<script>.txt")
        .unwrap();
    let (dom, stderr) = run_chromium(
        &browser,
        &dir.path().join("p2"),
        &["--dump-dom"],
        &format!("{url}#doc-{hostile}"),
    );
    assert_eq!(body_attr(&dom, "data-errors"), None, "errors in the page");
    assert!(console_errors(&stderr).is_empty());
    let view = &dom[dom.find("id=\"doc\"").unwrap()..];
    assert!(view.contains("class=\"text\""), "marked text shown");
    assert!(view.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        view.contains("class=\"sec f0\""),
        "controller section labelled"
    );
    assert!(!view.to_lowercase().contains("<script>alert"));

    // A notice with a conflict: its evidence is marked.
    let conflicted = rows
        .iter()
        .position(|r| {
            r["f"].as_array().unwrap().iter().any(|f| {
                f[0] == 1
                    && f[1]
                        == data["rules"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .position(|x| x == "repealed-law")
                            .unwrap()
            })
        })
        .expect("a sample with a repealed-law conflict");
    let (dom, _) = run_chromium(
        &browser,
        &dir.path().join("p3"),
        &["--dump-dom"],
        &format!("{url}#doc-{conflicted}"),
    );
    assert_eq!(body_attr(&dom, "data-errors"), None);
    assert!(dom.contains("<mark class=\"ev\""), "evidence marked");

    // Filters, sorting and a bar of the overview, driven by a script added to a copy.
    let rule = data["rules"]
        .as_array()
        .unwrap()
        .iter()
        .position(|x| x == "repealed-law")
        .unwrap();
    let with_rule = rows
        .iter()
        .filter(|r| r["f"].as_array().unwrap().iter().any(|f| f[1] == rule))
        .count();
    let general = rows
        .iter()
        .filter(|r| r["k"] == "general_statement")
        .count();
    let driver = r#"<script>
(function () {
  function count() { return document.getElementById("f-count").textContent.split(" ")[0]; }
  function set(id, v, ev) { var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event(ev, { bubbles: true })); }
  var out = [];
  set("f-rule", "repealed-law", "change"); out.push(count());
  set("f-rule", "", "change"); set("f-text", "notice<script>", "input"); out.push(count());
  set("f-text", "", "input"); set("f-sort", "problems", "change");
  document.querySelectorAll(".hm-head .col")[3].click();
  out.push(document.querySelector(".hm-row").children[5].className);
  document.querySelector('.bar[data-filter="kind"][data-value="general_statement"]').click(); out.push(count());
  document.body.setAttribute("data-driven", out.join("|"));
})();
</script>"#;
    let at = html.rfind("</body>").unwrap();
    let driven = out.join("driven.html");
    std::fs::write(&driven, format!("{}{driver}{}", &html[..at], &html[at..])).unwrap();
    let (dom, _) = run_chromium(
        &browser,
        &dir.path().join("p5"),
        &["--dump-dom"],
        &format!("file://{}", driven.display()),
    );
    assert_eq!(body_attr(&dom, "data-errors"), None);
    assert_eq!(
        body_attr(&dom, "data-driven"),
        Some(format!("{with_rule}|1|cell c-r|{general}")),
        "rule filter, search, sort by the dpo column (missing required first), kind bar"
    );

    // The screenshot.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-samples.png");
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &browser,
        &dir.path().join("p4"),
        &[&format!("--screenshot={}", shot.display())],
        &url,
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "no screenshot at {}", shot.display());
    eprintln!("screenshot: {}", shot.display());
}
