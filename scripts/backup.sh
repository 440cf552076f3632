#!/usr/bin/env bash
# A full backup (docs/operations.md): pg_dump -Fc of DATABASE_URL's database and a copy of the private
# documents directory (settings.PRIVATE_DOCUMENTS_ROOT), into a new timestamped directory with
# manifest.json (created_at, database, pg_dump version, app revision, every table's row count, every
# file and its size) and SHA256SUMS (`sha256sum -c SHA256SUMS` inside the directory checks them).
#
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME scripts/backup.sh [BACKUP_ROOT]
#
# BACKUP_ROOT (or $BACKUP_ROOT, default var/backups) gets scr-tracker-YYYYMMDDTHHMMSSZ/. The directory
# is built as .partial and renamed only once complete and checked. Exits non-zero on any failure;
# never prints the database password. Prints the backup directory's path as its last line.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
tool() { "$PY" scripts/backup_tool.py "$@"; }

# As the settings do (scr_tracker/env.py), DATABASE_URL_FILE wins over DATABASE_URL.
if [ -n "${DATABASE_URL_FILE:-}" ]; then
  DATABASE_URL=$(<"$DATABASE_URL_FILE")
  export DATABASE_URL
  unset DATABASE_URL_FILE
fi
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
root=${1:-${BACKUP_ROOT:-var/backups}}
mkdir -p "$root"
root=$(cd "$root" && pwd)
name="scr-tracker-$(date -u +%Y%m%dT%H%M%SZ)"
dir="$root/$name"
work="$dir.partial"
[ ! -e "$dir" ] || { echo "backup: $dir already exists" >&2; exit 1; }
mkdir "$work"
trap 'status=$?; if [ "$status" -ne 0 ]; then rm -rf "$work"; echo "backup FAILED (exit $status); nothing kept" >&2; fi' EXIT
trap 'exit 130' INT TERM

started=$(date +%s.%N)
echo "backup of $(tool mask) into $dir"

tool dump "$work"

documents=$(tool documents-root)
if [ -d "$documents" ]; then
  mkdir "$work/documents"
  cp -a "$documents/." "$work/documents/"
else
  echo "backup: warning: the private documents directory $documents does not exist; no documents in this backup" >&2
fi

tool files "$work"
(
  cd "$work"
  find . -type f ! -name SHA256SUMS -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum >SHA256SUMS
  sha256sum --check --quiet --strict SHA256SUMS
)
mv "$work" "$dir"

seconds=$(awk -v start="$started" -v end="$(date +%s.%N)" 'BEGIN { printf "%.1f", end - start }')
echo "backup complete in $seconds s: database.dump $(stat -c %s "$dir/database.dump") bytes," \
  "$(wc -l <"$dir/SHA256SUMS") files checksummed in SHA256SUMS"
echo "$dir"
