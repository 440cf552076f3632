"""Backups and the restore drill (SECURITY row 20, issue 18): scripts/backup.sh and scripts/restore-drill.sh run
as an operator would, on a small seeded PostgreSQL database of the test's own, on DATABASE_URL's server. Every
database here has a unique name and is dropped at the end."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.scr_tracker.conftest import need

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        need("PostgreSQL (set DATABASE_URL)")
    for tool in ("pg_dump", "pg_restore", "sha256sum"):
        if shutil.which(tool) is None:
            need(tool)
    return url


def url_for(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def admin(url: str):
    return psycopg.connect(url_for(url, "postgres"), autocommit=True)


def exists(url: str, name: str) -> bool:
    with admin(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop(url: str, name: str) -> None:
    with admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run(command: list[str], url: str, documents: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "scr_tracker.settings.test",
        "PRIVATE_DOCUMENTS_ROOT": str(documents),
        **extra,
    }
    if "DRILL_DATABASE" not in extra:
        env.pop("DRILL_DATABASE", None)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def drill(backup: Path, url: str, documents: Path, **extra: str) -> subprocess.CompletedProcess:
    return run(["bash", "scripts/restore-drill.sh", str(backup)], url, documents, **extra)


# A review's stored document (its row and its file in the private documents directory), as an upload leaves it.
STORED_NAME = "0123456789abcdef0123456789abcdef.pdf"
STORED_BYTES = b"%PDF-1.4 a fictional overview report\n"
NOT_DEMO = "fictional.person@board.invalid"
DOCUMENT_ROW = f"""
import hashlib, django
django.setup()
from accounts.models import User
from reviews.models import Document, DocumentKind, DocumentType, SeriousCaseReview
Document.objects.create(
    review=SeriousCaseReview.objects.order_by("pk").first(), kind=DocumentKind.OVERVIEW_REPORT,
    title="Overview report (fictional)", original_name="overview.pdf", stored_name="{STORED_NAME}",
    content_type=DocumentType.PDF, size={len(STORED_BYTES)}, sha256="{hashlib.sha256(STORED_BYTES).hexdigest()}",
    uploaded_by=User.objects.get(email="chair@northfield.example"),
)
# A board user who is not a demo user, as a real backup holds: no known password.
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import Board, Role
person = User.objects.create_user(
    email="{NOT_DEMO}", full_name="Fictional Person", role=Role.BOARD_STAFF, board=Board.objects.get(code="EMR")
)
TOTPDevice.objects.create(user=person, name="Authenticator", confirmed=True)
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A migrated database with the demo data and two fictional documents, and its backup."""
    server = server_url()
    name = unique("scr_backup_test_source")
    url = url_for(server, name)
    base = tmp_path_factory.mktemp("backup")
    documents = base / "private-documents"
    (documents / "ab").mkdir(parents=True)
    (documents / "ab" / "fictional-report.pdf").write_bytes(b"%PDF-1.4 fictional demo document\n")
    (documents / "notes with a space.txt").write_text("Fictional notes for the drill.\n")
    (documents / STORED_NAME).write_bytes(STORED_BYTES)
    with admin(server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        for command in (["manage.py", "migrate", "--noinput"], ["manage.py", "seed_demo"], ["-c", DOCUMENT_ROW]):
            done = run([PY, *command], url, documents)
            assert done.returncode == 0, done.stderr
        done = run(["bash", "scripts/backup.sh", str(base / "backups")], url, documents)
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        backup = Path(done.stdout.strip().splitlines()[-1])
        yield {"url": url, "name": name, "backup": backup, "documents": documents, "base": base, "backup_run": done}
    finally:
        drop(server, name)


def copy_of(source, label: str) -> Path:
    copy = source["base"] / unique(label)
    shutil.copytree(source["backup"], copy)
    return copy


def test_the_backup_holds_the_dump_the_documents_a_manifest_and_checksums(source):
    backup = source["backup"]
    assert re.fullmatch(r"scr-tracker-\d{8}T\d{6}Z", backup.name)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["name"] == source["name"]
    assert manifest["pg_dump_version"].startswith("pg_dump (PostgreSQL)")
    assert manifest["tables"]["accounts_user"] == 9  # the demo users and one who is not
    assert manifest["tables"]["incidents_incident"] > 0
    assert {entry["path"]: entry["size"] for entry in manifest["files"]} == {
        "database.dump": (backup / "database.dump").stat().st_size,
        "documents/ab/fictional-report.pdf": 33,
        "documents/notes with a space.txt": 31,
        f"documents/{STORED_NAME}": len(STORED_BYTES),
    }
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    check = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=backup, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    assert check.stdout.count(": OK") == 5  # the dump, three documents and the manifest
    # The password of the URL is never printed (the machine's server may need none; this one is made up).
    secret = "not-a-real-password-1234"
    with_password = source["url"].replace("postgres@", f"postgres:{secret}@", 1)
    masked = run([PY, "scripts/backup_tool.py", "mask"], with_password, source["documents"])
    assert masked.stdout.strip() == with_password.replace(secret, "***")
    assert secret not in source["backup_run"].stdout + source["backup_run"].stderr


def sign_in_traces(url: str) -> tuple[int, int]:
    """What the drill's sign-in writes (sessions, django-axes' access log), in the database it signed in on."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM django_session), (SELECT count(*) FROM axes_accesslog)"
        ).fetchone()


def test_the_drill_restores_with_no_row_lost_and_signs_in_to_a_case_page(source):
    scratch = unique("scr_drill_test")
    before = sign_in_traces(source["url"])
    done = drill(source["backup"], source["url"], source["documents"], DRILL_DATABASE=scratch)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "rows lost: 0" in done.stdout
    assert re.search(
        r"^restore time: \d+\.\d s \(pg_restore, 3 documents copied and checked, migrate\)$", done.stdout, re.M
    )
    assert re.search(
        r"^smoke test: chair@northfield\.example signed in \(password and TOTP code\); case NFD-", done.stdout, re.M
    )
    assert f"scratch database {scratch} dropped" in done.stdout
    assert not exists(source["url"], scratch)
    assert "documents checked against their rows: 1" in done.stdout
    assert sign_in_traces(source["url"]) == before  # signed in on the scratch database, not the source


def test_the_drill_reads_database_url_file_and_signs_in_a_user_who_is_not_a_demo_user(source, tmp_path):
    """The compose file gives DATABASE_URL_FILE (which the settings prefer): the drill's migrate and sign-in must
    still reach the scratch database, not the database the file names. A real backup holds no demo user: a real
    one is signed in with a session of both factors, as the tests do."""
    url_file = tmp_path / "database_url"
    url_file.write_text(source["url"] + "\n")
    before = sign_in_traces(source["url"])
    done = drill(source["backup"], "", source["documents"], DATABASE_URL_FILE=str(url_file), DRILL_USER_EMAIL=NOT_DEMO)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "rows lost: 0" in done.stdout
    assert re.search(
        rf"^smoke test: {re.escape(NOT_DEMO)} signed in \(a session with both factors\); case EMR-", done.stdout, re.M
    )
    assert sign_in_traces(source["url"]) == before


def test_the_drill_fails_when_its_user_is_not_in_the_backup(source):
    done = drill(source["backup"], source["url"], source["documents"], DRILL_USER_EMAIL="nobody@board.invalid")
    assert done.returncode != 0
    assert "Smoke test: no active user nobody@board.invalid in the restored database." in done.stderr
    assert "rows lost: 0" in done.stdout
    assert "scratch database scr_drill_" in done.stdout  # dropped all the same


def test_a_tampered_dump_fails_the_drill_before_anything_is_restored(source):
    tampered = copy_of(source, "tampered")
    dump = tampered / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01  # one byte changed, the size unchanged
    dump.write_bytes(bytes(data))
    scratch = unique("scr_drill_test")
    done = drill(tampered, source["url"], source["documents"], DRILL_DATABASE=scratch)
    assert done.returncode != 0
    assert "checksums do not match" in done.stderr
    assert "./database.dump: FAILED" in done.stdout
    assert "restoring into" not in done.stdout
    assert "scratch database" not in done.stdout
    assert not exists(source["url"], scratch)


def test_a_document_added_to_the_backup_fails_the_drill_before_restoring(source):
    added = copy_of(source, "added")
    (added / "documents" / "unlisted.txt").write_text("not in the manifest\n")
    done = drill(added, source["url"], source["documents"], DRILL_DATABASE=unique("scr_drill_test"))
    assert done.returncode != 0
    assert "files not in the manifest: documents/unlisted.txt." in done.stderr
    assert "restoring into" not in done.stdout


def test_a_table_with_fewer_rows_than_the_manifest_fails_the_drill_and_the_scratch_database_goes(source):
    short = copy_of(source, "short")
    manifest = json.loads((short / "manifest.json").read_text())
    manifest["tables"]["accounts_user"] += 2  # as if two users' rows had not been restored
    (short / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    sums = (short / "SHA256SUMS").read_text()
    digest = hashlib.sha256((short / "manifest.json").read_bytes()).hexdigest()
    (short / "SHA256SUMS").write_text(re.sub(r"^[0-9a-f]{64}(?=  \./manifest\.json$)", digest, sums, flags=re.M))
    scratch = unique("scr_drill_test")
    done = drill(short, source["url"], source["documents"], DRILL_DATABASE=scratch)
    assert done.returncode != 0
    assert "rows lost: 2; tables that differ from the manifest:" in done.stdout
    assert "  accounts_user: 11 in the backup, 9 restored" in done.stdout
    assert "smoke test" not in done.stdout
    assert f"scratch database {scratch} dropped" in done.stdout
    assert not exists(source["url"], scratch)


def test_the_drill_refuses_a_target_database_that_already_exists_and_leaves_it_alone(source):
    existing = unique("scr_drill_test_existing")
    with admin(source["url"]) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(existing)))
    try:
        with psycopg.connect(url_for(source["url"], existing), autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (id integer)")
        done = drill(source["backup"], source["url"], source["documents"], DRILL_DATABASE=existing)
        assert done.returncode != 0
        assert f"Refused: the database '{existing}' already exists" in done.stderr
        assert "restoring into" not in done.stdout
        with psycopg.connect(url_for(source["url"], existing)) as conn:
            assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)  # neither dropped nor restored into
    finally:
        drop(source["url"], existing)


def test_the_drill_refuses_the_backups_source_database(source):
    done = drill(
        source["backup"], url_for(source["url"], "postgres"), source["documents"], DRILL_DATABASE=source["name"]
    )
    assert done.returncode != 0
    assert "is the backup's source database" in done.stderr
    with psycopg.connect(source["url"]) as conn:
        assert conn.execute("SELECT count(*) FROM accounts_user").fetchone() == (9,)


def test_a_document_whose_file_was_not_backed_up_fails_the_drill(source, tmp_path):
    """A backup taken while a stored document's file was missing checks by its own checksums; the drill still
    finds the document's row without its file."""
    stored = source["documents"] / STORED_NAME
    aside = tmp_path / STORED_NAME
    stored.rename(aside)
    try:
        made = run(["bash", "scripts/backup.sh", str(tmp_path / "backups")], source["url"], source["documents"])
    finally:
        aside.rename(stored)
    assert made.returncode == 0, made.stderr
    scratch = unique("scr_drill_test")
    done = drill(Path(made.stdout.strip().splitlines()[-1]), source["url"], source["documents"], DRILL_DATABASE=scratch)
    assert done.returncode != 0
    assert "rows lost: 0" in done.stdout
    assert f"  {STORED_NAME}: its row is restored, its file is not" in done.stderr
    assert "smoke test" not in done.stdout
    assert not exists(source["url"], scratch)
