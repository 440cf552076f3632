#!/usr/bin/env bash
# What `make run` relies on, without Redis or PostgreSQL: migrate and seed a fresh SQLite file,
# run a Celery task through a worker on the SQLite-backed broker, and fetch the sign-in page
# over HTTP. Everything it starts binds to 127.0.0.1 and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

unset DATABASE_URL REDIS_URL DJANGO_ALLOW_ASYNC_UNSAFE
export DJANGO_SETTINGS_MODULE=scr_tracker.settings.dev
SCR_VAR_DIR="$(mktemp -d)"
export SCR_VAR_DIR
PY=.venv/bin/python
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$SCR_VAR_DIR"
}
trap cleanup EXIT

$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo >"$SCR_VAR_DIR/seed.log"
grep "Demo data ready" "$SCR_VAR_DIR/seed.log"
test -f "$SCR_VAR_DIR/scr_tracker.sqlite3" || { echo "no SQLite database was created" >&2; exit 1; }

.venv/bin/celery -A scr_tracker worker --pool=solo --loglevel=WARNING -B --schedule "$SCR_VAR_DIR/beat" \
  >"$SCR_VAR_DIR/worker.log" 2>&1 &
pids+=($!)
$PY manage.py shell -c "
from scr_tracker.tasks import health_check
result = health_check.delay().get(timeout=90)
assert result['database'] == 'ok', result
print('health_check through the embedded broker:', result['database'])
"

port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
$PY manage.py runserver "127.0.0.1:$port" --noreload >"$SCR_VAR_DIR/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/sign-in/" 2>/dev/null && break
  sleep 0.5
done
page=$(curl -fsS "http://127.0.0.1:$port/sign-in/")
grep -q "Sign in to SCR Tracker" <<<"$page" || { echo "sign-in page did not render" >&2; cat "$SCR_VAR_DIR/web.log" >&2; exit 1; }
css=$(curl -fsS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/static/build/app.css")
[ "$css" = "200" ] || { echo "stylesheet not served ($css)" >&2; exit 1; }
echo "embedded defaults: sign-in page and stylesheet served on 127.0.0.1:$port"
