#!/usr/bin/env python3
"""List the structured values extracted per document, for checking by reading.

Usage: scripts/values_table.py OUT_DIR [--type emails|phones|...] [--doc SUBSTRING]

OUT_DIR is the output of `seloste extract samples --out OUT_DIR`. Each line is
`document  field  value-type  value`, so the values of one type over all documents can be
compared with the source documents (the accuracy table in the issue-5 report was judged
from this listing).
"""
import argparse
import json
import pathlib

SCALAR = ("name", "title", "regular", "outside_eea", "basis_confidence")
LISTS = ("emails", "phones", "addresses", "business_ids", "gdpr_articles", "bases",
         "kinds", "named", "recipients", "rights")


def rows(path, result):
    doc = str(path)
    for key in ("drafted", "updated"):
        if key in result.get("dates", {}):
            yield doc, "dates", key, result["dates"][key]
    for field, value in result.get("fields", {}).items():
        for k in SCALAR:
            if k in value:
                yield doc, field, k, value[k]
        for k in LISTS:
            for x in value.get(k, []):
                yield doc, field, k, x
        for c in value.get("citations", []):
            yield doc, field, "citations", f"{c.get('number')} | {c.get('name')} | repealed={c['repealed']}" + (f" | note={c['note']}" if c.get("note") else "") + f" | {c['text'][:60]}"
        for p in value.get("periods", []):
            d = "permanent" if p.get("permanent") else p.get("duration")
            yield doc, field, "periods", f"{d} | from={p.get('from_event')} | {p['text']}"
        for i in value.get("items", []):
            yield doc, field, "items", f"{i['category']} | {i['text']}"
    for w in result.get("warnings", []):
        if w["code"] in ("invalid-business-id", "law-number-normalised"):
            yield doc, "warnings", w["code"], w["message"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--type")
    ap.add_argument("--doc")
    a = ap.parse_args()
    root = pathlib.Path(a.out)
    for path in sorted(root.rglob("*.json")):
        if path.name == "run.json":
            continue
        if a.doc and a.doc not in str(path):
            continue
        result = json.loads(path.read_text())
        for doc, field, kind, value in rows(path.relative_to(root), result):
            if a.type and kind != a.type:
                continue
            print(f"{doc}\t{field}\t{kind}\t{value}")


if __name__ == "__main__":
    main()
