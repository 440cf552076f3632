#!/usr/bin/env bash
# Start the web server and a Celery worker with beat on the embedded defaults (SQLite database,
# SQLite-backed broker). Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-scr_tracker.settings.dev}"
mkdir -p var

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping SCR Tracker..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A scr_tracker worker -B --loglevel=INFO --concurrency=1 \
  --schedule "var/celerybeat-schedule" >var/celery.log 2>&1 &
pids+=($!)
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)

sleep 2
cat <<MSG

  SCR Tracker is running at http://127.0.0.1:${PORT}/
  Celery worker and beat: logging to var/celery.log

  Sign in with any demo user above (password: demo-password-not-for-real-use).
  For a security code, add the user's TOTP secret to an authenticator app, or in another
  terminal run:  make demo-code EMAIL=chair@northfield.example

  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
