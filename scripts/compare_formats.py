#!/usr/bin/env python3
"""Check that the same notice gives the same result whatever its format.

Usage: scripts/compare_formats.py REFERENCE_DIR OTHER_DIR
  REFERENCE_DIR: results of the text versions, e.g. golden/seeds (files NNN_*.json)
  OTHER_DIR:     results of renderings named NNN__<producer>.<ext>.json, e.g. the output
                 of `seloste extract ../shared/pdf-producers/pdf -o OUT`

Compares, per document: field keys, the field of each section in order, kind, title,
gaps (rule and severity), conflict rules and dates. Prints the differences and a
per-producer count of identical results.
"""
import collections
import glob
import json
import os
import sys

ASPECTS = ["fields", "sections", "kind", "title", "gaps", "conflicts", "dates"]


def summary(r):
    return [
        sorted(r["fields"]),
        [s["field"] for s in r["sections"]],
        r["kind"],
        r["title"],
        sorted((g["rule"], g["severity"]) for g in r["gaps"]),
        sorted(c["rule"] for c in r["conflicts"]),
        r["dates"],
    ]


def main(ref_dir, other_dir):
    reference = {}
    for f in glob.glob(os.path.join(ref_dir, "*.json")):
        reference[os.path.basename(f)[:3]] = summary(json.load(open(f)))
    same, total = collections.Counter(), collections.Counter()
    for f in sorted(glob.glob(os.path.join(other_dir, "*.json"))):
        name = os.path.basename(f)
        doc = name[:3]
        if doc not in reference or "__" not in name:
            continue
        producer = name.split("__")[1].rsplit(".", 2)[0]
        mine = summary(json.load(open(f)))
        total[producer] += 1
        diffs = [a for a, x, y in zip(ASPECTS, mine, reference[doc]) if x != y]
        if diffs:
            detail = []
            if "fields" in diffs:
                detail.append("fields " + str(sorted(set(mine[0]) ^ set(reference[doc][0]))))
            if "title" in diffs:
                detail.append(f"title {mine[3]!r} vs {reference[doc][3]!r}")
            print(f"{name}: differs in {', '.join(diffs)} {'; '.join(detail)}")
        else:
            same[producer] += 1
    for p in sorted(total):
        print(f"{p:18} {same[p]}/{total[p]} identical")
    print(f"{'ALL':18} {sum(same.values())}/{sum(total.values())} identical")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
