#!/usr/bin/env bash
# Time `seloste report` on a large run: copies the samples into N documents (default
# 20000), extracts them, writes the report and opens it three times in headless
# Chromium; the page logs how long after navigation start the heatmap was drawn.
# Usage: scripts/report_timing.sh [N] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
work=${2:-$(mktemp -d)}
bin=$PWD/target/release/seloste
cargo build --release -q
mkdir -p "$work/in"
python3 - "$n" "$work/in" <<'PY'
import os, shutil, sys
n, dest = int(sys.argv[1]), sys.argv[2]
files = sorted(os.path.join(d, f) for d, _, fs in os.walk("samples") for f in fs)
i = k = 0
while i < n:
    d = os.path.join(dest, f"batch{k:04d}"); os.makedirs(d, exist_ok=True)
    for f in files[: n - i]:
        shutil.copy(f, os.path.join(d, os.path.basename(f)))
    i += min(len(files), n - i); k += 1
PY
/usr/bin/time -f "extract: %e s" "$bin" extract "$work/in" --out "$work/out" --jobs 2 -q --today 2026-11-22 --emit-text
/usr/bin/time -f "report: %e s, %M KiB" "$bin" report "$work/out"
ls -l "$work/out/report.html"
for i in 1 2 3; do
  rm -rf "$work/profile"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --window-size=1400,900 --enable-logging=stderr --v=0 \
    --dump-dom "file://$work/out/report.html" 2>"$work/chromium.log" | grep -o '<body data-rows[^>]*>'
  grep -o '"seloste report: [^"]*"' "$work/chromium.log"
done
