#!/usr/bin/env bash
# Regenerate docs/report.png (overview and heatmap) and docs/report-document.png (one
# notice, the page's other sections hidden) from the samples' run, in headless
# Chromium (Debian's chromium package).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build --release -q
./target/release/seloste extract samples --out "$tmp/out" --emit-text --today 2026-11-22 -q
./target/release/seloste report "$tmp/out" -q
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$tmp/profile" --window-size=1400,1300 \
  --screenshot=docs/report.png "file://$tmp/out/report.html" 2>/dev/null
sed 's|</head>|<style>#overview,#heatmap,#versions,header{display:none}</style></head>|' \
  "$tmp/out/report.html" > "$tmp/out/document.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$tmp/profile" --window-size=1400,850 \
  --screenshot=docs/report-document.png "file://$tmp/out/document.html#doc-11" 2>/dev/null
ls -l docs/report.png docs/report-document.png
