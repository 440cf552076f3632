#!/usr/bin/env python
"""Audit the pinned dependencies with `pip-audit --strict`, and say plainly which of three things happened.

    .venv/bin/python scripts/dependency_audit.py [-r requirements.txt] [--pip-audit PATH]

- exit 0, `AUDITED`: every dependency was looked up and none has a known vulnerability;
- exit 1, `VULNERABILITIES FOUND` (each listed with its fix versions), or pip-audit could not be run;
- exit 3, `NOT AUDITED` with the reason: pip-audit could not look up every dependency (the
  vulnerability service unreachable, or a dependency it does not know). Without `--strict`
  pip-audit would mark those "not audited" and exit 0; with it, it stops at the first one, so no
  partial result counts as a pass.

`.ci/run` fails on 1 and reports 3 as NOT AUDITED without failing, since its machine cannot reach
the vulnerability service (README, "Tests").
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

NOT_AUDITED = 3


def _reason(stderr: str) -> str:
    """pip-audit's own last word: the strict refusal or the exception, without the logger's prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    last = (errors or lines or ["pip-audit gave no reason"])[-1]
    return last.split(":", 2)[-1].strip() if last.startswith("ERROR:") else last


def _vulnerable(report: dict) -> list[str]:
    return [
        f"{dependency['name']} {dependency['version']}: {vuln['id']}"
        f" (fixed in {', '.join(vuln.get('fix_versions') or []) or 'no release yet'})"
        for dependency in report.get("dependencies", [])
        for vuln in dependency.get("vulns", [])
    ]


def audit(requirements: list[str], pip_audit: str) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "report.json"
        command = [pip_audit, "--strict", "--progress-spinner", "off", "--format", "json", "--output", str(output)]
        for path in requirements:
            command += ["--requirement", path]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv
        except OSError as exc:
            print(f"DEPENDENCY AUDIT FAILED: pip-audit could not be run ({exc})")
            return 1
        try:
            report = json.loads(output.read_text()) if output.exists() else None
        except ValueError:
            report = None

    if report is None:
        if completed.returncode == 0:
            print("DEPENDENCY AUDIT FAILED: pip-audit wrote no report")
            return 1
        # --strict stops before writing the report when a dependency cannot be looked up.
        print(f"NOT AUDITED: {_reason(completed.stderr)}")
        return NOT_AUDITED
    skipped = [dependency for dependency in report.get("dependencies", []) if "skip_reason" in dependency]
    if skipped:
        print(f"NOT AUDITED: {len(skipped)} dependencies could not be looked up, e.g. {skipped[0]['skip_reason']}")
        return NOT_AUDITED
    vulnerable = _vulnerable(report)
    if vulnerable or completed.returncode != 0:
        print(f"VULNERABILITIES FOUND ({len(vulnerable)}):")
        for line in vulnerable or [_reason(completed.stderr)]:
            print(f"  {line}")
        return 1
    print(f"AUDITED: {len(report.get('dependencies', []))} dependencies, no known vulnerabilities")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--requirement", action="append", dest="requirements")
    parser.add_argument("--pip-audit", default=str(Path(sys.executable).with_name("pip-audit")))
    args = parser.parse_args()
    return audit(args.requirements or ["requirements.txt"], args.pip_audit)


if __name__ == "__main__":
    sys.exit(main())
