#!/bin/sh
# Copy seeds from samples/ (and the small hostile files) into fuzz/corpus/<target>/.
# The corpora are not committed (fuzz/.gitignore); run this before `cargo fuzz run`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seed() { # target, files...
    t=$1
    shift
    mkdir -p "$here/corpus/$t"
    for f in "$@"; do
        [ -f "$f" ] || continue
        # Skip big files: libFuzzer's default -max_len is small anyway.
        [ "$(wc -c <"$f")" -le 262144 ] || continue
        cp "$f" "$here/corpus/$t/$(basename "$f")"
    done
}
seed pdf "$root"/samples/*/*.pdf "$root"/tests/data/pdf/*.pdf "$root"/tests/hostile/*.pdf
seed html "$root"/samples/*/*.html "$root"/tests/data/html/*.html "$root"/tests/hostile/*.html
seed text "$root"/samples/*/*.txt "$root"/samples/*/*.md "$root"/tests/hostile/*.txt
seed extract "$root"/samples/*/*.txt "$root"/samples/*/*.md
seed zip "$root"/tests/hostile/*.zip
# A few valid zips of sample documents for the zip target.
if command -v python3 >/dev/null; then
    python3 - "$root" "$here/corpus/zip" <<'PY'
import sys, zipfile, glob, os
root, out = sys.argv[1], sys.argv[2]
txts = sorted(glob.glob(os.path.join(root, "samples", "seeds", "*.txt")))[:3]
with zipfile.ZipFile(os.path.join(out, "samples.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for t in txts:
        z.write(t, "docs/" + os.path.basename(t))
with zipfile.ZipFile(os.path.join(out, "stored.zip"), "w", zipfile.ZIP_STORED) as z:
    for t in txts[:1]:
        z.write(t, os.path.basename(t))
PY
fi
for t in pdf html text extract zip; do
    echo "$t: $(ls "$here/corpus/$t" | wc -l) seeds"
done
