#!/usr/bin/env python3
"""Runs `siprelayctl sip-check` once on the whole torture corpus and compares each JSON
line with expected.tsv: valid files must say "valid":true (and match the optional
call_id, cseq, via_count, sdp_media columns), invalid ones "valid":false with the
manifest's status and a reason. Exits non-zero on any mismatch.

usage: check_cli.py SIPRELAYCTL TORTURE_DIR"""
import json
import os
import subprocess
import sys


def load_manifest(path):
    cases, errors = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            col = line.split("\t")
            if len(col) < 4 or col[1] not in ("valid", "invalid"):
                errors.append(f"expected.tsv:{n}: malformed line")
                continue
            col += [""] * (8 - len(col))
            opt = [None if c in ("", "-") else c for c in col[4:8]]
            cases.append({
                "file": col[0], "valid": col[1] == "valid",
                "status": None if col[1] == "valid" else int(col[2]),
                "call_id": opt[0], "cseq": opt[1],
                "via_count": None if opt[2] is None else int(opt[2]),
                "sdp_media": None if opt[3] is None else int(opt[3]),
            })
    return cases, errors


def compare(case, obj, raw):
    """Returns a list of problems with one sip-check result."""
    got = []
    if case["valid"]:
        if obj.get("valid") is not True:
            return [f"expected valid, got status {obj.get('status')} {obj.get('reason')!r}"]
        kind = "response" if raw.startswith(b"SIP/") else "request"
        if obj.get("kind") != kind:
            got.append(f"kind {obj.get('kind')!r}, want {kind!r}")
        if case["call_id"] is not None and obj.get("call_id") != case["call_id"]:
            got.append(f"call_id {obj.get('call_id')!r}, want {case['call_id']!r}")
        if case["cseq"] is not None:
            seq, method = case["cseq"].split(" ", 1)
            cseq = obj.get("cseq") or {}
            if cseq.get("seq") != int(seq) or cseq.get("method") != method:
                got.append(f"cseq {cseq!r}, want {case['cseq']!r}")
        for key in ("via_count", "sdp_media"):
            if case[key] is not None and obj.get(key) != case[key]:
                got.append(f"{key} {obj.get(key)!r}, want {case[key]}")
    else:
        if obj.get("valid") is not False:
            return [f"expected {case['status']}, accepted"]
        if obj.get("status") != case["status"]:
            got.append(f"status {obj.get('status')} {obj.get('reason')!r}, want {case['status']}")
        if not obj.get("reason"):
            got.append("no reason")
    return got


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ctl, tdir = sys.argv[1], sys.argv[2]
    cases, problems = load_manifest(os.path.join(tdir, "expected.tsv"))
    if not cases:
        problems.append("manifest is empty")
    paths = [os.path.join(tdir, "corpus", c["file"]) for c in cases]
    problems += [f"{p}: missing" for p in paths if not os.path.isfile(p)]
    if problems:
        print("\n".join(problems))
        return 1

    proc = subprocess.run([ctl, "sip-check", *paths], capture_output=True, timeout=120)
    if proc.returncode < 0:
        problems.append(f"siprelayctl killed by signal {-proc.returncode}")
    results = {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        try:
            obj = json.loads(line)
            name = os.path.basename(obj["file"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"not a sip-check JSON line: {line[:120]!r}")
            continue
        if name in results:
            problems.append(f"{name}: reported twice")
        results[name] = obj

    ok = 0
    for case, path in zip(cases, paths):
        obj = results.get(case["file"])
        if obj is None:
            got = ["no output line"]
        else:
            with open(path, "rb") as f:
                got = compare(case, obj, f.read())
        if got:
            problems.append(f"{case['file']}: " + "; ".join(got))
        else:
            ok += 1

    for p in problems:
        print("MISMATCH " + p)
    if proc.stderr and problems:
        print("siprelayctl stderr:\n" + proc.stderr.decode("utf-8", "replace")[:2000])
    valid = sum(c["valid"] for c in cases)
    print(f"sip-check-cli: {len(cases)} files ({valid} valid, {len(cases) - valid} invalid), "
          f"{ok} as expected, {len(problems)} problems (siprelayctl exit {proc.returncode})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
