#!/usr/bin/env python3
"""Print a compact view of seloste results: sections, fields, gaps, conflicts.

Usage: scripts/show.py OUT_DIR_OR_JSON [...]
"""
import json, sys, pathlib

def show(p):
    r = json.loads(pathlib.Path(p).read_text())
    print(f"=== {r['source']['path']}  kind={r['kind']} lang={r['language']} title={r['title']!r} dates={r['dates']}")
    for s in r["sections"]:
        f = s["field"] if not s.get("fields") else "+".join(s["fields"])
        print(f"  L{s['level']} {s['match']:7} {s['score']:.2f} {str(f):28} | {s['heading'][:70]}")
    for k, v in r["fields"].items():
        extra = {x: y for x, y in v.items() if x not in ("text", "provenance")}
        print(f"  F {k}: {v['text'][:90]!r} {json.dumps(extra, ensure_ascii=False)[:200] if extra else ''}")
    for g in r["gaps"]:
        print(f"  GAP {g['rule']} {g['severity']}")
    for c in r["conflicts"]:
        print(f"  CONFLICT {c['rule']} {c['severity']}: {c['message'][:150]}")
    for w in r["warnings"]:
        print(f"  WARN {w['code']}: {w['message'][:120]}")

for a in sys.argv[1:]:
    p = pathlib.Path(a)
    files = sorted(p.rglob("*.json")) if p.is_dir() else [p]
    for f in files:
        if f.name != "run.json":
            show(f)
