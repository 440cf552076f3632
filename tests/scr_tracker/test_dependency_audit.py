"""scripts/dependency_audit.py tells "vulnerabilities found" from "could not audit" (issue 18, finding 7).

pip-audit, unable to reach its vulnerability service, marked every dependency "not audited" and
exited 0, so the audit passed vacuously. The script runs it `--strict` and says which of the three
outcomes it was; pip-audit is replaced here by a stub that answers as pip-audit does.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "dependency_audit.py"

CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {
            "name": "example-lib",
            "version": "1.0",
            "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["1.0.1"], "aliases": [], "description": ""}],
        },
    ],
    "fixes": [],
}
# Without --strict: every dependency skipped, exit 0 (the vacuous pass).
ALL_SKIPPED = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"}
    ],
    "fixes": [],
}
STRICT_REFUSAL = "ERROR:pip_audit._cli:Django: Dependency not found on PyPI and could not be audited: django (5.2.19)\n"
UNREACHABLE = (
    "Traceback (most recent call last):\n  ...\nrequests.exceptions.ConnectionError: Max retries exceeded"
    " (Caused by NameResolutionError: Failed to resolve the vulnerability service)\n"
)


def stub(tmp_path, *, report=None, stderr="", returncode=0) -> Path:
    """A pip-audit that records its arguments, writes `report` to `--output` and exits `returncode`."""
    path = tmp_path / "pip-audit"
    path.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import json, sys
            args = sys.argv[1:]
            open({str(tmp_path / "args.json")!r}, "w").write(json.dumps(args))
            report = {json.dumps(report)!r}
            if report != "null":
                open(args[args.index("--output") + 1], "w").write(report)
            sys.stderr.write({stderr!r})
            sys.exit({returncode})
            """
        )
    )
    path.chmod(0o755)
    return path


def run(tmp_path, pip_audit: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "-r", "requirements.txt", "--pip-audit", str(pip_audit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_runs_pip_audit_strict_on_the_requirements(tmp_path):
    run(tmp_path, stub(tmp_path, report=CLEAN))
    args = json.loads((tmp_path / "args.json").read_text())
    assert "--strict" in args
    assert args[args.index("--requirement") + 1] == "requirements.txt"


def test_every_dependency_looked_up_and_none_vulnerable_passes(tmp_path):
    completed = run(tmp_path, stub(tmp_path, report=CLEAN))
    assert completed.returncode == 0
    assert completed.stdout.strip() == "AUDITED: 1 dependencies, no known vulnerabilities"


def test_vulnerabilities_found_fail_and_are_listed(tmp_path):
    completed = run(tmp_path, stub(tmp_path, report=VULNERABLE, returncode=1))
    assert completed.returncode == 1
    assert "VULNERABILITIES FOUND (1):" in completed.stdout
    assert "example-lib 1.0: PYSEC-0000-1 (fixed in 1.0.1)" in completed.stdout


@pytest.mark.parametrize(
    ("stderr", "reason"),
    [
        (STRICT_REFUSAL, "Django: Dependency not found on PyPI and could not be audited: django (5.2.19)"),
        (UNREACHABLE, "requests.exceptions.ConnectionError: Max retries exceeded"),
    ],
)
def test_a_dependency_that_could_not_be_looked_up_is_not_audited_with_the_reason(tmp_path, stderr, reason):
    completed = run(tmp_path, stub(tmp_path, report=None, stderr=stderr, returncode=1))
    assert completed.returncode == 3
    assert completed.stdout.startswith("NOT AUDITED: ")
    assert reason in completed.stdout


def test_a_report_of_skipped_dependencies_is_not_a_pass(tmp_path):
    completed = run(tmp_path, stub(tmp_path, report=ALL_SKIPPED, returncode=0))
    assert completed.returncode == 3
    assert completed.stdout.startswith("NOT AUDITED: 1 dependencies could not be looked up")


def test_pip_audit_that_cannot_run_fails(tmp_path):
    completed = run(tmp_path, tmp_path / "missing" / "pip-audit")
    assert completed.returncode == 1
    assert completed.stdout.startswith("DEPENDENCY AUDIT FAILED")


def test_make_and_ci_run_the_script():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\npip-audit:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/dependency_audit.py" in recipe
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/dependency_audit.py" in ci and "NOT AUDITED" in ci
