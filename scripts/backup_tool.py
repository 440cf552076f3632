#!/usr/bin/env python
"""The database and manifest steps of scripts/backup.sh and scripts/restore-drill.sh (docs/operations.md).

    backup_tool.py mask                       DATABASE_URL with its password masked
    backup_tool.py documents-root             settings.PRIVATE_DOCUMENTS_ROOT
    backup_tool.py dump DIR                   pg_dump -Fc and every table's row count, in one snapshot
    backup_tool.py files DIR                  add the file list (path, size) to DIR/manifest.json
    backup_tool.py verify DIR                 the files in DIR are those the manifest and SHA256SUMS name
    backup_tool.py create-scratch NAME [DIR]  create the database NAME (refused if it exists or is DIR's source)
    backup_tool.py scratch-url NAME           DATABASE_URL with NAME as its database
    backup_tool.py restore DIR NAME           pg_restore DIR/database.dump into NAME
    backup_tool.py drop-scratch NAME          drop NAME (only a name create-scratch would accept)
    backup_tool.py compare DIR                every table's row count in DATABASE_URL against the manifest
    backup_tool.py documents                  every document row's file restored, with its size and SHA-256
    backup_tool.py smoke                      sign in a demo user and open a case page (Django's test client)

The server is DATABASE_URL's. Its password reaches pg_dump and pg_restore through PGPASSWORD, never
their command line, and is never printed. Exit 0 on success, 1 with the reason on stderr otherwise.
"""

import json
import logging
import os
import re
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DUMP = "database.dump"
DOCUMENTS = "documents"
SCRATCH_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables a migration newer than the backup may add rows to without anything being lost.
MAY_GROW = {"django_migrations"}
STATIC_AS_THEY_ARE = "django.contrib.staticfiles.storage.StaticFilesStorage"


class Refused(Exception):
    pass


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise Refused("DATABASE_URL is not set: it names the PostgreSQL database (and server) to use.")
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise Refused("DATABASE_URL is not a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/NAME).")
    return url


def masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def libpq_env(url: str, name: str | None = None) -> dict[str, str]:
    """The connection as libpq's environment variables, so that no password is on a command line."""
    parts = urlsplit(url)
    env = {**os.environ, "PGDATABASE": name or database_name(url)}
    env.pop("DATABASE_URL", None)
    for key, value in (
        ("PGHOST", parts.hostname),
        ("PGPORT", parts.port),
        ("PGUSER", parts.username and unquote(parts.username)),
        ("PGPASSWORD", parts.password and unquote(parts.password)),
    ):
        if value:
            env[key] = str(value)
    return env


def connect(url: str, name: str | None = None, **options):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or None,
        port=parts.port or None,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        dbname=name or database_name(url),
        connect_timeout=10,
        **options,
    )


def table_counts(cursor) -> dict[str, int]:
    """Every ordinary and partitioned table outside PostgreSQL's own schemas, with its row count."""
    from psycopg import sql

    cursor.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2"
    )
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def git_revision() -> str | None:
    if os.environ.get("APP_REVISION"):
        return os.environ["APP_REVISION"]
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argv
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH, as a person would
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def tool_version(tool: str) -> str:
    return subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv
    if done.returncode != 0:
        raise Refused(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip()}")


def dump(directory: Path) -> None:
    """pg_dump and the row counts from one exported snapshot: the counts are the dump's, even while people work."""
    url = database_url()
    with connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        counts = table_counts(cursor)
        run(
            ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}", "--file", str(directory / DUMP)],
            libpq_env(url),
        )
        cursor.execute("COMMIT")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"name": database_name(url), "server_version": server_version},
        "pg_dump_version": tool_version("pg_dump"),
        "app_revision": git_revision(),
        "tables": counts,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def listed_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*")
        if (path.is_file() or path.is_symlink()) and path.relative_to(directory).as_posix() not in (MANIFEST, SUMS)
    )


def files(directory: Path) -> None:
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["files"] = [
        {"path": path.relative_to(directory).as_posix(), "size": path.stat().st_size}
        for path in listed_files(directory)
    ]
    manifest["documents_included"] = (directory / DOCUMENTS).is_dir()
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def sums_names(directory: Path) -> set[str]:
    names = set()
    for line in (directory / SUMS).read_text().splitlines():
        match = re.fullmatch(r"\\?[0-9a-f]{64} [ *](.+)", line)
        if not match:
            raise Refused(f"{SUMS} has a line that is not a checksum: {line[:80]!r}")
        names.add(match.group(1).removeprefix("./"))
    return names


def verify(directory: Path) -> None:
    """No file added, none missing, none resized: the manifest, SHA256SUMS and the directory agree."""
    for name in (MANIFEST, SUMS, DUMP):
        if not (directory / name).is_file():
            raise Refused(f"{directory} is not a backup: {name} is missing.")
    manifest = json.loads((directory / MANIFEST).read_text())
    in_manifest = {entry["path"]: entry["size"] for entry in manifest["files"]}
    present = {path.relative_to(directory).as_posix(): path.stat().st_size for path in listed_files(directory)}
    summed = sums_names(directory)
    problems = []
    if extra := sorted(set(present) - set(in_manifest)):
        problems.append(f"files not in the manifest: {', '.join(extra)}.")
    if missing := sorted(set(in_manifest) - set(present)):
        problems.append(f"files missing: {', '.join(missing)}.")
    problems += [
        f"{name} is {present[name]} bytes, not {size}."
        for name, size in in_manifest.items()
        if present.get(name, size) != size
    ]
    if summed != set(in_manifest) | {MANIFEST}:
        problems.append(f"{SUMS} does not name exactly the manifest's files and the manifest.")
    if problems:
        raise Refused("The backup does not match its manifest: " + " ".join(problems))


def check_scratch_name(name: str, directory: Path | None = None) -> None:
    if not SCRATCH_NAME.match(name):
        raise Refused(f"{name!r} is not a scratch database name (lower-case letters, digits, _; at most 63).")
    sources = {database_name(database_url())}
    if directory is not None:
        sources.add(json.loads((directory / MANIFEST).read_text())["database"]["name"])
    if name in sources:
        raise Refused(
            f"Refused: {name!r} is the backup's source database (or DATABASE_URL's); the drill never restores there."
        )
    if name in ("postgres", "template0", "template1"):
        raise Refused(f"Refused: {name!r} is one of PostgreSQL's own databases.")


def maintenance(url: str):
    return connect(url, name=os.environ.get("DRILL_MAINTENANCE_DB", "postgres"), autocommit=True)


def create_scratch(name: str, directory: Path | None) -> None:
    from psycopg import sql

    check_scratch_name(name, directory)
    with maintenance(database_url()) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            raise Refused(f"Refused: the database {name!r} already exists; the drill restores only into a new one.")
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_scratch(name: str) -> None:
    from psycopg import sql

    check_scratch_name(name)
    with maintenance(database_url()) as conn, conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def restore(directory: Path, name: str) -> None:
    check_scratch_name(name, directory)
    command = ["pg_restore", "--no-password", "--exit-on-error", "--no-owner", "--no-privileges"]
    run([*command, "--dbname", name, str(directory / DUMP)], libpq_env(database_url(), name))


def compare(directory: Path) -> bool:
    """Print each table whose count differs from the manifest and the rows lost; True when nothing differs."""
    expected = json.loads((directory / MANIFEST).read_text())["tables"]
    with connect(database_url()) as conn, conn.cursor() as cursor:
        found = table_counts(cursor)
    differing = []
    lost = 0
    for table, count in expected.items():
        now = found.get(table)
        if now == count or (table in MAY_GROW and now is not None and now > count):
            continue
        differing.append(
            f"  {table}: {count} in the backup, " + ("table missing" if now is None else f"{now} restored")
        )
        lost += max(count - (now or 0), 0)
    added = sorted(set(found) - set(expected))
    print(f"tables compared: {len(expected)}, rows in the backup: {sum(expected.values())}")
    if added:
        print(f"tables the migrations added since the backup: {', '.join(added)}")
    if differing:
        print(f"rows lost: {lost}; tables that differ from the manifest:")
        print("\n".join(differing))
        return False
    print("rows lost: 0")
    return True


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def documents() -> None:
    """Every stored document's row (withdrawn ones too) against its restored file: there, same size, same SHA-256."""
    import hashlib

    django_setup()
    from django.conf import settings

    from reviews.models import Document

    root = Path(settings.PRIVATE_DOCUMENTS_ROOT)
    problems = []
    checked = 0
    for stored_name, size, sha256 in Document.all_objects.values_list("stored_name", "size", "sha256").iterator():
        checked += 1
        path = root / stored_name
        if not path.is_file():
            problems.append(f"  {stored_name}: its row is restored, its file is not")
            continue
        digest = hashlib.sha256()
        with path.open("rb") as file:
            for block in iter(lambda file=file: file.read(1 << 20), b""):
                digest.update(block)
        if path.stat().st_size != size or digest.hexdigest() != sha256:
            problems.append(f"  {stored_name}: the restored file's size or SHA-256 is not its row's")
    print(f"documents checked against their rows: {checked}")
    if problems:
        raise Refused("documents that differ from their rows:\n" + "\n".join(problems))


def smoke() -> None:
    """Sign a demo user in through both steps (password, then the current TOTP code) and open a case page.

    DRILL_USER_EMAIL picks the user (default chair@northfield.example). A user who is not a demo user
    (a real backup holds none) is signed in as the tests do: force_login with their confirmed device."""
    django_setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.demo import DEMO_PASSWORD, demo_totp_key, is_demo_email
    from accounts.middleware import SIGNED_IN_AT
    from accounts.models import User
    from incidents.selectors import incidents_for_user

    setup_test_environment()  # the test client's host, a local mailbox
    logging.getLogger("axes").setLevel(logging.WARNING)  # its sign-in lines are no part of the drill's report
    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # WhiteNoise: no collectstatic needed here
    email = os.environ.get("DRILL_USER_EMAIL", "chair@northfield.example")
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise Refused(f"Smoke test: no active user {email} in the restored database.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise Refused(f"Smoke test: {email} has no confirmed authenticator in the restored database.")
    incident = incidents_for_user(user).order_by("reference").first()
    if incident is None:
        raise Refused(f"Smoke test: {email} can see no case in the restored database.")
    memory = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    drill_settings = {
        # The drill's requests touch no shared cache (the restored service's Redis may be the live one's).
        "CACHES": {"default": memory, "progress": {**memory, "LOCATION": "progress"}},
        # The static files' names as they are, with or without a collectstatic manifest on this host.
        "STORAGES": {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_AS_THEY_ARE}},
    }
    with override_settings(**drill_settings):
        client = Client()
        if is_demo_email(email):
            answer = client.post(
                reverse("accounts:sign_in"), {"username": email, "password": DEMO_PASSWORD}, secure=True
            )
            if answer.status_code != 302 or answer["Location"] != reverse("accounts:sign_in_code"):
                raise Refused(f"Smoke test: the password step answered {answer.status_code}, not the code step.")
            step = int(time.time()) // 30
            if device.last_t >= step:  # this step's code was used before the backup: a code works once
                time.sleep(30 - time.time() % 30 + 1)
            code = totp(bytes.fromhex(demo_totp_key(email.lower())), step=30, t0=0, digits=6)
            answer = client.post(reverse("accounts:sign_in_code"), {"code": f"{code:06d}"}, secure=True)
            if answer.status_code != 302 or not client.session.get(SIGNED_IN_AT):
                raise Refused(f"Smoke test: the security code step answered {answer.status_code}, not signed in.")
            how = "password and TOTP code"
        else:
            client.force_login(user)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session[SIGNED_IN_AT] = timezone.now().isoformat()
            session.save()
            how = "a session with both factors"
        answer = client.get(reverse("incidents:case", args=[incident.public_id]), secure=True)
    if answer.status_code != 200 or incident.reference not in answer.content.decode():
        raise Refused(f"Smoke test: the case page answered {answer.status_code} without the case's reference.")
    print(f"smoke test: {email} signed in ({how}); case {incident.reference} page 200 with its reference")


def main(argv: list[str]) -> int:
    command, *args = argv or ["help"]
    try:
        if command == "mask":
            print(masked(database_url()))
        elif command == "documents-root":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.dev")
            sys.path.insert(0, str(ROOT))
            from django.conf import settings

            print(settings.PRIVATE_DOCUMENTS_ROOT)
        elif command == "dump":
            dump(Path(args[0]))
        elif command == "files":
            files(Path(args[0]))
        elif command == "verify":
            verify(Path(args[0]))
        elif command == "create-scratch":
            create_scratch(args[0], Path(args[1]) if len(args) > 1 else None)
        elif command == "scratch-url":
            check_scratch_name(args[0])
            print(with_database(database_url(), args[0]))
        elif command == "restore":
            restore(Path(args[0]), args[1])
        elif command == "drop-scratch":
            drop_scratch(args[0])
        elif command == "compare":
            return 0 if compare(Path(args[0])) else 1
        elif command == "documents":
            documents()
        elif command == "smoke":
            smoke()
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    except Exception as error:  # a driver's error can quote a connection string: say its kind and first line only
        first = str(error).splitlines()[0] if str(error) else ""
        url = os.environ.get("DATABASE_URL", "")
        password = urlsplit(url).password if url else None
        if password:
            first = first.replace(password, "***")
        print(f"{command} failed: {type(error).__name__}: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
