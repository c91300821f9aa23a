#!/usr/bin/env bash
# Archive-scale benchmark of `seloste extract` (not a test; takes ~15 minutes on 2 cores).
#
# Builds synthetic archives under /tmp (copies and small variations of the text,
# Markdown and HTML files in samples/, in nested folders, one in ten inside zip
# files, a few zips inside zips) and reports documents per second with --jobs 1 and
# --jobs 2 and the peak resident memory, at N and N/10 documents: the peak memory
# should not grow with the size of the archive.
#
#   scripts/bench_batch.sh            # N = 20000
#   N=4000 scripts/bench_batch.sh     # a quicker run
#
# Needs python3 and GNU time (`apt-get install time`).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
WORK=${WORK:-/tmp/seloste-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
mkdir -p "$WORK"
BIN="$WORK/seloste" # a copy: later builds do not change the binary under test
cp "$CARGO_TARGET_DIR/release/seloste" "$BIN"
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install time" >&2; exit 2; }

make_archive() { # make_archive COUNT DIR
    python3 - "$1" "$2" <<'PY'
import os, random, sys, zipfile
count, root = int(sys.argv[1]), sys.argv[2]
rng = random.Random(6)
srcs = []
for d, _, files in os.walk("samples"):
    for f in sorted(files):
        if f.rsplit(".", 1)[-1] in ("txt", "md", "html"):
            srcs.append((f, open(os.path.join(d, f), "rb").read()))
srcs.sort()

def variant(i):
    name, data = srcs[i % len(srcs)]
    ext = name.rsplit(".", 1)[-1]
    # Small variations: a changed year, an extra line, a version stamp.
    if i % 3 == 1:
        data = data.replace(b"2018", b"2019", 1)
    line = ("\nPäivitetty %d.%d.20%02d\n" % (1 + i % 28, 1 + i % 12, 10 + i % 15)).encode()
    if ext == "html":
        data = data.replace(b"</body>", b"<p>" + line + b"</p></body>", 1)
    else:
        data = data + line
    return "%06d_%s" % (i, name), data

os.makedirs(root, exist_ok=True)
zipped = 0
i = 0
while i < count:
    folder = os.path.join(root, "org%02d" % (i // 2000), "dept%02d" % (i // 200 % 10), "y%d" % (i // 50 % 4))
    if i % 1000 == 500 and i + 100 <= count:
        # 100 documents in one zip; every other zip holds 20 of them in an inner zip.
        os.makedirs(folder, exist_ok=True)
        with zipfile.ZipFile(os.path.join(folder, "batch%06d.zip" % i), "w", zipfile.ZIP_DEFLATED) as z:
            inner_docs = 20 if (i // 1000) % 2 == 0 else 0
            for k in range(100 - inner_docs):
                n, d = variant(i + k)
                z.writestr("notices/" + n, d)
            if inner_docs:
                import io
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zi:
                    for k in range(100 - inner_docs, 100):
                        n, d = variant(i + k)
                        zi.writestr(n, d)
                z.writestr("inner.zip", buf.getvalue())
        zipped += 100
        i += 100
        continue
    os.makedirs(folder, exist_ok=True)
    n, d = variant(i)
    with open(os.path.join(folder, n), "wb") as f:
        f.write(d)
    i += 1
print("%s: %d documents (%d in zip files)" % (root, count, zipped), file=sys.stderr)
PY
}

run() { # run COUNT JOBS
    local dir="$WORK/in$1" out="$WORK/out$1-j$2" log="$WORK/time$1-j$2.txt"
    rm -rf "$out"
    /usr/bin/time -v "$BIN" extract "$dir" -o "$out" --today 2026-11-22 --jobs "$2" -q \
        2>"$log" || true
    local secs cpu rss docs
    secs=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' |
        awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$log")
    rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
    docs=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); d=r['documents']; print(len(d), sum(x['status']=='ok' for x in d), len(r['groups']))" "$out/run.json")
    set -- "$1" "$2" $docs
    # docs/s: wall clock (what a user waits); docs/CPU-s: less sensitive to other load.
    printf "%6d documents  --jobs %s  %7.1f s  %6.1f docs/s  %6.1f docs/CPU-s  peak RSS %6.1f MiB  (ok %s, groups %s)\n" \
        "$3" "$2" "$secs" "$(echo "$3 / $secs" | bc -l)" "$(echo "$3 / $cpu" | bc -l)" \
        "$(echo "$rss / 1024" | bc -l)" "$4" "$5"
}

SMALL=$((N / 10))
[ -d "$WORK/in$N" ] || make_archive "$N" "$WORK/in$N"
[ -d "$WORK/in$SMALL" ] || make_archive "$SMALL" "$WORK/in$SMALL"
echo "seloste $("$BIN" --version | awk '{print $2}'), $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for jobs in ${JOBS:-1 2}; do
    run "$SMALL" "$jobs"
    run "$N" "$jobs"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
