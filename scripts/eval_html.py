#!/usr/bin/env python3
"""Measure HTML ingestion against the true text of each seed document.

usage: scripts/eval_html.py HTML_PAGES_DIR TRUTH_DIR [--bin PATH] [--verbose]

For every page `<doc>__<kind>.html` in HTML_PAGES_DIR (kind `clean`, `web_utf8`,
`web_cp1252`) the text extracted by `examples/html_lines` (built with
`cargo build --example html_lines`) is compared with TRUTH_DIR/<doc>.txt:

* similarity: 1 - Levenshtein(a, b) / max(len(a), len(b)) on white-space-collapsed text;
* leaked: boilerplate tokens in the output. Boilerplate tokens are the word tokens of
  a web page's visible text that its clean counterpart does not have (menu, banner,
  breadcrumbs, footer...).

A third kind, `web_nomain`, is the utf-8 web page with its <main> and <article> tags
removed: it exercises the fallback content detection.

trafilatura (pip install trafilatura) is run on the same pages when installed, as a
reference; otherwise its columns are skipped with a note. Targets: similarity >= 0.99
for clean and web pages, zero leaked tokens.
"""

import argparse
import html.parser
import os
import re
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover - the pure-Python path is used instead
    np = None

try:
    import trafilatura
except ImportError:
    trafilatura = None

TOKEN = re.compile(r"\w+", re.UNICODE)
PAGE = re.compile(r"^(?P<doc>.+)__(?P<kind>clean|web_utf8|web_cp1252)\.html$")


def collapse(text):
    """White space collapsed to single spaces, trimmed."""
    return " ".join(text.split())


def levenshtein(a, b):
    """Edit distance (insert, delete, substitute = 1), two rows.

    The common prefix and suffix are stripped first (this keeps the distance exact).
    With numpy each row is computed vectorised: substitution and deletion element-wise,
    insertion as a running minimum (cur[j] = min(tmp[j], cur[j-1] + 1))."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    if np is not None:
        bcodes = np.array([ord(c) for c in b], dtype=np.int64)
        offsets = np.arange(len(b) + 1, dtype=np.int64)
        prev = offsets.copy()
        for i, ca in enumerate(a, 1):
            cost = (bcodes != ord(ca)).astype(np.int64)
            tmp = np.empty(len(b) + 1, dtype=np.int64)
            tmp[0] = i
            tmp[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
            prev = np.minimum.accumulate(tmp - offsets) + offsets
        return int(prev[-1])
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def similarity(got, want):
    got, want = collapse(got), collapse(want)
    longest = max(len(got), len(want))
    if longest == 0:
        return 1.0
    return 1.0 - levenshtein(got, want) / longest


class VisibleText(html.parser.HTMLParser):
    """All text a browser would render (no head, script, style, noscript, template)."""

    SKIP = {"head", "script", "style", "noscript", "template", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def read_html(path):
    raw = open(path, "rb").read()
    encoding = "cp1252" if "cp1252" in os.path.basename(path) else "utf-8"
    return raw.decode(encoding, errors="replace")


def visible_tokens(markup):
    parser = VisibleText()
    parser.feed(markup)
    return tokens(" ".join(parser.parts))


def tokens(text):
    return {t.lower() for t in TOKEN.findall(text)}


def run_ours(binary, path):
    proc = subprocess.run([binary, path], capture_output=True)
    if proc.returncode != 0:
        return "", proc.stderr.decode("utf-8", "replace").strip()
    return proc.stdout.decode("utf-8"), None


def run_trafilatura(markup):
    text = trafilatura.extract(markup, include_tables=True, include_comments=False)
    return text or ""


def default_binary():
    candidates = []
    for target in (os.environ.get("CARGO_TARGET_DIR"), "target", "/tmp/target-html"):
        if target:
            for profile in ("release", "debug"):
                candidates.append(os.path.join(target, profile, "examples", "html_lines"))
    for c in candidates:
        if os.path.exists(c):
            return c
    sys.exit("html_lines not found: cargo build --example html_lines, or pass --bin")


def strip_landmarks(markup):
    return re.sub(r"</?(main|article)\b[^>]*>", "", markup)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pages")
    ap.add_argument("truth")
    ap.add_argument("--bin", dest="binary")
    ap.add_argument("--verbose", action="store_true", help="list leaked tokens")
    args = ap.parse_args()
    binary = args.binary or default_binary()

    pages = sorted(f for f in os.listdir(args.pages) if PAGE.match(f))
    clean_tokens = {}
    for f in pages:
        m = PAGE.match(f)
        if m["kind"] == "clean":
            clean_tokens[m["doc"]] = visible_tokens(read_html(os.path.join(args.pages, f)))

    tmpdir = tempfile.mkdtemp(prefix="eval_html_")
    jobs = []  # (doc, kind, path, markup)
    for f in pages:
        m = PAGE.match(f)
        path = os.path.join(args.pages, f)
        markup = read_html(path)
        jobs.append((m["doc"], m["kind"], path, markup))
        if m["kind"] == "web_utf8":
            stripped = strip_landmarks(markup)
            nomain = os.path.join(tmpdir, f"{m['doc']}__web_nomain.html")
            with open(nomain, "w", encoding="utf-8") as out:
                out.write(stripped)
            jobs.append((m["doc"], "web_nomain", nomain, stripped))

    rows = []
    for doc, kind, path, markup in jobs:
        truth_path = os.path.join(args.truth, f"{doc}.txt")
        if not os.path.exists(truth_path):
            print(f"skip {path}: no {truth_path}", file=sys.stderr)
            continue
        truth = open(truth_path, encoding="utf-8").read()
        furniture = set()
        if kind != "clean" and doc in clean_tokens:
            furniture = visible_tokens(markup) - clean_tokens[doc]
        ours, err = run_ours(binary, path)
        if err:
            print(f"{path}: {err}", file=sys.stderr)
        row = {
            "doc": doc,
            "kind": kind,
            "sim": similarity(ours, truth),
            "leak": sorted(furniture & tokens(ours)),
        }
        if trafilatura is not None:
            theirs = run_trafilatura(markup)
            row["t_sim"] = similarity(theirs, truth)
            row["t_leak"] = sorted(furniture & tokens(theirs))
        rows.append(row)

    have_t = trafilatura is not None
    header = f"{'page':<22} {'seloste':>8} {'leaked':>6}"
    if have_t:
        header += f" {'trafilatura':>11} {'leaked':>6}"
    print(header)
    for r in rows:
        line = f"{r['doc'] + '__' + r['kind']:<22} {r['sim']:>8.4f} {len(r['leak']):>6}"
        if have_t:
            line += f" {r['t_sim']:>11.4f} {len(r['t_leak']):>6}"
        print(line)
        if args.verbose and r["leak"]:
            print(f"    leaked: {' '.join(r['leak'])}")
    print()
    groups = [
        ("clean (bare)", ("clean",)),
        ("web (CMS)", ("web_utf8", "web_cp1252")),
        ("web, no main/article", ("web_nomain",)),
    ]
    summary = f"{'kind':<22} {'pages':>5} {'seloste':>8} {'leaked':>6}"
    if have_t:
        summary += f" {'trafilatura':>11} {'leaked':>6}"
    print(summary)
    ok = True
    for name, kinds in groups:
        sel = [r for r in rows if r["kind"] in kinds]
        if not sel:
            continue
        mean = sum(r["sim"] for r in sel) / len(sel)
        leaked = sum(len(r["leak"]) for r in sel)
        line = f"{name:<22} {len(sel):>5} {mean:>8.4f} {leaked:>6}"
        if have_t:
            t_mean = sum(r["t_sim"] for r in sel) / len(sel)
            t_leaked = sum(len(r["t_leak"]) for r in sel)
            line += f" {t_mean:>11.4f} {t_leaked:>6}"
        print(line)
        if kinds != ("web_nomain",):
            ok &= mean >= 0.99 and leaked == 0
    if not have_t:
        print("\n(trafilatura not installed: its columns are skipped; pip install trafilatura)")
    print(f"\ntargets (>= 0.99 on clean and web, zero leaked): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
