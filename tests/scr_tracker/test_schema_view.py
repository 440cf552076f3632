"""`GET /api/v1/schema/`: generated once per process, then served as stored (issue 18, finding 4).

drf-spectacular loads its extensions' classes lazily on the first generation, and not thread-safely:
several first requests at once answered 500 (`'NoneType' object has no attribute 'startswith'`).
Only a fresh process shows it, so the requests are made in one, started for the test.
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.urls import reverse

from tests.api import openapi_schema, token_client

THREADS = 8

# A fresh process: nothing generated yet. The threads wait at a barrier, then all ask at once. The
# user is authenticated by the request factory, so the process needs no database.
FIRST_REQUESTS_AT_ONCE = """
import hashlib, json, sys, threading
import django
django.setup()
from django.urls import resolve, reverse
from rest_framework.test import APIRequestFactory, force_authenticate
from accounts.models import User

threads = int(sys.argv[1])
path = reverse("api:schema")
view = resolve(path).func
barrier = threading.Barrier(threads)
answers = [None] * threads

def ask(i):
    request = APIRequestFactory().get(path, {"format": "json"})
    force_authenticate(request, user=User(email="reader@test.example", full_name="Reader", role="secretariat"))
    barrier.wait()
    try:
        response = view(request)
        response.render()
        answers[i] = [response.status_code, hashlib.sha256(response.content).hexdigest()]
    except Exception as exc:  # the server would answer 500
        answers[i] = [500, f"{type(exc).__name__}: {exc}"]

workers = [threading.Thread(target=ask, args=(i,)) for i in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(json.dumps(answers))
"""


def test_first_requests_at_once_all_get_the_same_schema():
    completed = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS_AT_ONCE, str(THREADS)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "scr_tracker.settings.test", "PYTHONPATH": str(settings.BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    answers = json.loads(completed.stdout.strip().splitlines()[-1])
    assert [status for status, _ in answers] == [200] * THREADS, answers
    assert len({body for _, body in answers}) == 1, answers


def test_the_served_schema_is_the_stored_one(secretariat):
    client = token_client(secretariat)
    first = client.get(reverse("api:schema"), {"format": "json"})
    again = client.get(reverse("api:schema"), {"format": "json"})
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert first.json() == openapi_schema()
    assert first.json()["components"]["securitySchemes"]  # the extensions were all loaded
