#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into fuzz/corpus/<target>/ from the repository's
own policy/ and tests/fixtures (small: a few hundred kB in all). Run by scripts/fuzz."""
import glob, json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def read(p):
    with open(os.path.join(root, p), "rb") as f:
        return f.read()


versions = sorted(glob.glob("policy/*/*.yaml", root_dir=root)) + sorted(
    glob.glob("tests/fixtures/diff/policy/*/*.yaml", root_dir=root)
)
checks = sorted(glob.glob("tests/fixtures/check/**/*.yaml", recursive=True, root_dir=root))[:40]

# yaml_load: a selector byte (0 facts, 1 glossary, 2 parameters, 3 a version) + the file.
for i, name in enumerate(["facts.yaml", "glossary.yaml", "parameters.yaml"]):
    put("yaml_load", name, bytes([i]) + read("policy/" + name))
for p in versions + checks:
    put("yaml_load", p.replace("/", "_"), b"\x03" + read(p))

# markdown: every prose field of the versions (text, body, notes …) and the docs.
prose = []
def walk(v):
    if isinstance(v, str) and len(v) > 20:
        prose.append(v)
    elif isinstance(v, dict):
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
try:
    import yaml
    for p in versions:
        walk(yaml.safe_load(read(p)))
except ImportError:
    pass
for i, t in enumerate(sorted(set(prose), key=len, reverse=True)[:150]):
    put("markdown", f"prose{i:03}", t)
for p in sorted(glob.glob("docs/*.md", root_dir=root)) + ["README.md"]:
    put("markdown", p.replace("/", "_"), read(p)[:20000])

# rules: 16 bytes of fact values + a rule from the shipped policy.
rules = set()
for p in versions:
    for m in re.finditer(rb"^\s*rule:\s*(.+)$", read(p), re.M):
        rules.add(m.group(1).strip().strip(b'"'))
for i, r in enumerate(sorted(rules)):
    put("rules", f"rule{i:03}", bytes(range(1, 17)) + r)
for i, r in enumerate([b"b0 and not b1 or i0 >= 18", b"age(d0, ansokningsdatum) in r0",
                       b"e0 in [1, 2] and d1 + 3 months < 2024-01-01", b"m0 > k0 or i1 - p0 < 0"]):
    put("rules", f"extra{i}", bytes(16) + r)

# case_file: the case fixtures and the policy tests (cases with expectations).
for p in sorted(glob.glob("tests/fixtures/cases/*", root_dir=root)) + sorted(
        glob.glob("policy/*/tests/*.yaml", root_dir=root)):
    put("case_file", p.replace("/", "_"), read(p))

# batch_jsonl / batch_csv: the case fixtures as rows.
rows = []
try:
    import yaml
    for p in sorted(glob.glob("tests/fixtures/cases/*.yaml", root_dir=root)):
        rows.append(yaml.safe_load(read(p)))
except ImportError:
    pass
lines = [json.dumps(r, default=str, ensure_ascii=False) for r in rows]
put("batch_jsonl", "cases", "\n".join(lines) + "\n")
for i, l in enumerate(lines):
    put("batch_jsonl", f"case{i}", l + "\n")
put("batch_csv", "cases",
    "arende,ansokningsdatum,insatser,fodelsedatum,personkrets,onskar_arbeta_eller_studera,"
    "forutsattningar_med_jobbcoach,forutsattningar_med_jobbcoach.av,stodbehov_arbete_eller_studier,"
    "stodbehov_arbete_eller_studier.av\n"
    "c1,2023-09-01,lss-insteg,1999-05-01,1,ja,ja,Anna A,ja,Anna A\n"
    "c2,2023-09-01,lss-insteg,1999-05-01,ingen,ja,,,,\n"
    "c3,2023-09-01,lss-insteg,1999-05-01,1,ja,ja,,ja,Anna A\n"
    "c4,2023-09-01\n")
put("batch_csv", "special", "ansokningsdatum,insatser,sarskilda_skal.manader\n2023-09-01,lss,6\n")

# diff: two versions of one document, split at a 0xFF byte.
pairs = [("policy/stod-arbete-studier/2022-05.yaml", "policy/stod-arbete-studier/2023-07.yaml"),
         ("tests/fixtures/diff/policy/stod/2024-01.yaml", "tests/fixtures/diff/policy/stod/2025-01.yaml"),
         ("policy/uppsokande-arbetsmarknadsinsats/remiss-2022.yaml",) * 2]
for i, (a, b) in enumerate(pairs):
    put("diff", f"pair{i}", read(a) + b"\xff" + read(b))
print(f"seeds written to {out}", file=sys.stderr)
