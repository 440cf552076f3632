#!/usr/bin/env bash
# CI's restore drill on the demo data (.ci/run): a fresh PostgreSQL database, migrated and seeded with
# seed_demo, two fictional documents, scripts/backup.sh, then scripts/restore-drill.sh. Prints the restore
# time and rows lost; fails on any mismatch. The databases and directories it makes are removed on exit.
#
#   PG_SERVER_URL=postgres://postgres@127.0.0.1:5432 scripts/drill-demo-data.sh   (that server by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
server=${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432}
server=${server%/}
source_db="scr_ci_backup_source_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
work=$(mktemp -d "${TMPDIR:-/tmp}/scr-ci-drill.XXXXXX")

unset REDIS_URL DRILL_DATABASE DRILL_USER_EMAIL DATABASE_URL_FILE PRIVATE_DOCUMENTS_ROOT_FILE
export DJANGO_SETTINGS_MODULE=scr_tracker.settings.dev SCR_VAR_DIR="$work/var" PRIVATE_DOCUMENTS_ROOT="$work/private-documents"
created=""
cleanup() {
  status=$?
  if [ -n "$created" ]; then
    DATABASE_URL="$server/postgres" "$PY" scripts/backup_tool.py drop-scratch "$source_db" || status=1
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

DATABASE_URL="$server/postgres" "$PY" scripts/backup_tool.py create-scratch "$source_db"
created=1
export DATABASE_URL="$server/$source_db"
"$PY" manage.py migrate --noinput >/dev/null
"$PY" manage.py seed_demo >"$work/seed.log"
grep "Demo data ready" "$work/seed.log"
mkdir -p "$PRIVATE_DOCUMENTS_ROOT/demo"
printf '%%PDF-1.4 fictional demo document for the restore drill\n' >"$PRIVATE_DOCUMENTS_ROOT/demo/fictional-report.pdf"
printf 'Fictional notes for the restore drill.\n' >"$PRIVATE_DOCUMENTS_ROOT/demo/notes.txt"

bash scripts/backup.sh "$work/backups" | tee "$work/backup.log"
backup=$(tail -n 1 "$work/backup.log")
bash scripts/restore-drill.sh "$backup" | tee "$work/drill.log"
summary=$(grep -E '^restore drill passed: restore time [0-9.]+ s, rows lost: 0$' "$work/drill.log") || {
  echo "the restore drill did not report rows lost: 0" >&2
  exit 1
}
echo "demo data: ${summary#restore drill passed: }"
