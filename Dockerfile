# SCR Tracker image: one image for the web server (default CMD), the Celery worker and beat,
# and the one-shot migrate job (see docker-compose.yml). Docker cannot run on the development
# machines; tests/scr_tracker/test_docker_compose.py checks this file against the code.

# --- Stage 1: front-end assets, built with the same commands as the Makefile's `assets` target.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
RUN npm run --silent build \
 && mkdir -p static/build/govuk \
 && cp -R node_modules/govuk-frontend/dist/govuk/assets/images static/build/govuk/ \
 && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/govuk/

# --- Stage 2: the Python runtime.
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=scr_tracker.settings.prod \
    SCR_VAR_DIR=/var/lib/scr-tracker \
    WEB_CONCURRENCY=3

# The libraries WeasyPrint loads (the `runtime` list in scripts/install-system-packages.sh).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

# The processes run as an unprivileged user that cannot write the application code.
RUN groupadd --system --gid 10001 scr \
 && useradd --system --uid 10001 --gid scr --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin scr

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /build/static/build static/build

# Hashed, compressed static files for WhiteNoise. The key exists only for this command: the
# settings refuse to load without one, and collectstatic never signs anything.
RUN SECRET_KEY=collectstatic-only DJANGO_SETTINGS_MODULE=scr_tracker.settings.prod \
    python manage.py collectstatic --noinput

# SCR_VAR_DIR: the beat schedule and other local state; a volume in docker-compose.yml.
RUN mkdir -p /var/lib/scr-tracker && chown scr:scr /var/lib/scr-tracker

USER scr
EXPOSE 8000

# Workers: WEB_CONCURRENCY (gunicorn reads it; 3 by default), about 2 per core + 1. Access log
# to stdout. No control socket (the user has no home to put it in, and nothing uses it). TLS is
# terminated by the proxy in front, which sets X-Forwarded-Proto.
CMD ["gunicorn", "scr_tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm", "--no-control-socket"]
