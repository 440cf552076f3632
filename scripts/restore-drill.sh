#!/usr/bin/env bash
# The restore drill (docs/operations.md): prove that a backup made by scripts/backup.sh restores.
#
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/ANY scripts/restore-drill.sh BACKUP_DIR
#
# 1. Checks every checksum (SHA256SUMS) and that the directory holds exactly the manifest's files;
#    on any mismatch it stops before restoring anything.
# 2. Creates a scratch database on DATABASE_URL's server: DRILL_DATABASE, or a new unique name.
#    Refuses a database that already exists, the backup's source and DATABASE_URL's own database.
# 3. pg_restore into it, copies the documents into a scratch directory and checks their checksums,
#    runs `manage.py migrate` against it, compares every table's row count with the manifest, and checks
#    every document's row against its restored file (there, same size and SHA-256).
# 4. Smoke test through Django's test client (nothing long-lived): a demo user (DRILL_USER_EMAIL,
#    default chair@northfield.example) signs in with password and TOTP code and opens a case page,
#    expecting 200 and the case's reference.
# Reports the restore time in seconds and "rows lost: 0" (or the tables that differ, exit 1). The scratch
# database and directory are dropped at the end, on failure too. Never prints the database password.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
tool() { "$PY" scripts/backup_tool.py "$@"; }
now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }

[ $# -eq 1 ] || { echo "usage: scripts/restore-drill.sh BACKUP_DIR" >&2; exit 2; }
[ -d "$1" ] || { echo "restore drill: $1 is not a directory" >&2; exit 2; }
# As the settings do (scr_tracker/env.py), DATABASE_URL_FILE wins over DATABASE_URL.
if [ -n "${DATABASE_URL_FILE:-}" ]; then
  DATABASE_URL=$(<"$DATABASE_URL_FILE")
  export DATABASE_URL
  unset DATABASE_URL_FILE
fi
# The drill's documents go to a scratch directory, never the live one a file may name.
unset PRIVATE_DOCUMENTS_ROOT_FILE
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL server to restore into (any database on it)}"
backup=$(cd "$1" && pwd)
server_url=$DATABASE_URL

scratch=""
scratch_documents=""
cleanup() {
  status=$?
  if [ -n "$scratch" ]; then
    DATABASE_URL=$server_url tool drop-scratch "$scratch" && echo "scratch database $scratch dropped" || {
      echo "restore drill: could not drop the scratch database $scratch: drop it by hand" >&2
      status=1
    }
  fi
  [ -z "$scratch_documents" ] || rm -rf "$scratch_documents"
  [ "$status" -eq 0 ] || echo "restore drill FAILED (exit $status)" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "restore drill of $backup on $(tool mask)"
echo "checking checksums"
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) || {
  echo "restore drill: the backup's checksums do not match (SHA256SUMS): not restoring" >&2
  exit 1
}
tool verify "$backup"

name=${DRILL_DATABASE:-scr_drill_$(date -u +%Y%m%d%H%M%S)_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')}
tool create-scratch "$name" "$backup"
scratch=$name
scratch_url=$(tool scratch-url "$scratch")
echo "restoring into the scratch database $scratch"

started=$(now)
tool restore "$backup" "$scratch"
scratch_documents=$(mktemp -d "${TMPDIR:-/tmp}/scr-drill-documents.XXXXXX")
if [ -d "$backup/documents" ]; then
  cp -a "$backup/documents/." "$scratch_documents/"
  # The restored copies against the backup's checksums: the documents' lines of SHA256SUMS, from the copy.
  sums=$(grep -F '  ./documents/' "$backup/SHA256SUMS" || true)
  if [ -n "$sums" ]; then
    (cd "$scratch_documents" && sed 's#  \./documents/#  ./#' <<<"$sums" | sha256sum --check --quiet --strict) || {
      echo "restore drill: a restored document differs from the backup" >&2
      exit 1
    }
  fi
fi
restored=$(find "$scratch_documents" -type f | wc -l)
on_scratch() { DATABASE_URL=$scratch_url PRIVATE_DOCUMENTS_ROOT=$scratch_documents "$@"; }
on_scratch "$PY" manage.py migrate --noinput >/dev/null
restore_seconds=$(since "$started")
echo "restore time: $restore_seconds s (pg_restore, $restored documents copied and checked, migrate)"

on_scratch tool compare "$backup"
on_scratch tool documents
on_scratch tool smoke
echo "restore drill passed: restore time $restore_seconds s, rows lost: 0"
