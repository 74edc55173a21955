"""Run checkov once over many directories and judge each directory on its own.

usage: checkov_batch.py CHECKOV DIR...

One checkov process for every directory (its start-up is most of what a run of one directory
costs), given their parent directories. Prints one line per directory, tab-separated: the directory as given, PASS or FAIL, the
summary ("dockerfile N passed, M failed, K skipped; kubernetes ..."), and the problems (failed
checks with their file and lines, a framework that ran no check on the directory, a file
checkov could not parse), joined by "\\n". Exit status 0 when checkov ran and its report was
read, whatever the verdicts; 2 when it could not run or its output could not be read.
"""

import json
import os
import subprocess
import sys

FRAMEWORKS = ("dockerfile", "kubernetes")


def reports(text):
    """checkov -o json with several -d prints one cumulative document after each: the last."""
    decoder, docs, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            break
        doc, at = decoder.raw_decode(text, at)
        docs.append(doc)
    if not docs:
        raise ValueError("no JSON report")
    last = docs[-1]
    return last if isinstance(last, list) else [last]


def main():
    checkov, dirs = sys.argv[1], sys.argv[2:]
    if not dirs:
        print("checkov_batch.py: no directory given", file=sys.stderr)
        return 2
    roots = {d: os.path.realpath(d) + os.sep for d in dirs}
    # checkov prints, after each -d, a report of everything so far: one -d per directory would
    # print a quadratic amount (100 directories made gigabytes). So one -d per parent of the
    # directories; what else a parent holds is in no directory's tally.
    parents = sorted({os.path.dirname(os.path.realpath(d)) for d in dirs})
    args = [checkov, "--framework", ",".join(FRAMEWORKS), "--skip-download", "-o", "json"]
    for parent in parents:
        args += ["-d", parent]
    run = subprocess.run(
        args,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        capture_output=True,
        text=True,
    )
    # checkov exits 1 when a check failed anywhere; anything else is checkov itself failing.
    if run.returncode not in (0, 1):
        print(f"checkov exited with status {run.returncode}:\n{run.stderr[-4000:]}", file=sys.stderr)
        return 2
    try:
        found = reports(run.stdout)
    except ValueError as error:
        print(f"checkov's JSON could not be read ({error}):\n{run.stdout[-2000:]}{run.stderr[-2000:]}", file=sys.stderr)
        return 2

    def owner(path):
        path = os.path.realpath(path)
        # The longest root that holds the file: a directory may sit inside another.
        best = None
        for d, root in roots.items():
            if path.startswith(root) and (best is None or len(root) > len(roots[best])):
                best = d
        return best

    tally = {d: {f: [0, 0, 0] for f in FRAMEWORKS} for d in dirs}
    problems = {d: [] for d in dirs}
    for report in found:
        framework = report.get("check_type")
        if framework not in FRAMEWORKS:
            continue
        results = report.get("results", {})
        for index, kind in enumerate(("passed_checks", "failed_checks", "skipped_checks")):
            for check in results.get(kind, []):
                d = owner(check.get("file_abs_path", ""))
                if d is None:
                    continue
                tally[d][framework][index] += 1
                if kind == "failed_checks":
                    lines = check.get("file_line_range") or []
                    where = f"{check.get('file_abs_path')}:{'-'.join(map(str, lines))}"
                    problems[d].append(f"{framework}: {check.get('check_id')} {check.get('check_name')} ({where})")
        for path in report.get("results", {}).get("parsing_errors", []) or []:
            d = owner(path)
            if d is not None:
                problems[d].append(f"{framework}: checkov could not parse {path}")
    for d in dirs:
        summary = []
        for framework in FRAMEWORKS:
            passed, failed, skipped = tally[d][framework]
            summary.append(f"{framework} {passed} passed, {failed} failed, {skipped} skipped")
            if passed == 0:
                problems[d].append(f"{framework}: no check ran (file missing or unparsable)")
        verdict = "FAIL" if problems[d] else "PASS"
        print("\t".join([d, verdict, "; ".join(summary), "\\n".join(problems[d])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
