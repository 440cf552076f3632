"""The service against a throwaway PostgreSQL cluster that goes away (tests/scr_tracker/test_database_down.py).

Run as `python -m tests.scr_tracker.database_down_probe PHASE` with DATABASE_URL naming the throwaway
cluster, never the machine's; prints one JSON object.

- `down`: migrates, signs a chair in, notifies one case as a control (it writes), then notifies another
  and stops the cluster (the command in PROBE_STOP) from inside that request's transaction, once its
  state log, its case row and its audit entry are written and not yet committed; then asks for a page,
  an API list and an API write with the cluster down. Reports each answer and what was logged.
- `check` (the cluster started again): what the database holds, and the page again with the same
  session (PROBE_SESSION, PROBE_PAGE).
"""

import json
import logging
import os
import subprocess
import sys
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_fsm_log.models import StateLog  # noqa: E402

from audit.models import AccessEvent, AuditEntry  # noqa: E402
from incidents.models import Incident  # noqa: E402

CUT = "Child Cut"  # the pseudonym of the case whose notification loses its database


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[dict] = []

    def emit(self, record):
        exception = record.exc_info[1] if record.exc_info else None
        self.records.append(
            {
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                "exception": f"{type(exception).__module__}.{type(exception).__name__}" if exception else None,
            }
        )


def answer(response, records: list) -> dict:
    return {
        "status": response.status_code,
        "content_type": response.get("Content-Type", ""),
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
        "cookies_set": sorted(response.cookies),
        "logged": records,
    }


def held() -> dict:
    cut = Incident.objects.get(child_pseudonym=CUT)
    kind = ContentType.objects.get_for_model(Incident)
    return {
        "state_logs": StateLog.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "access_events": AccessEvent.objects.count(),
        "cut_state": cut.state,
        "cut_ofsted_notified_on": str(cut.ofsted_notified_on),
        "cut_state_logs": StateLog.objects.filter(content_type=kind, object_id=cut.pk).count(),
        "cut_audit_entries": AuditEntry.objects.for_object(cut).count(),
    }


def down() -> dict:
    from tests.conftest import sign_in_with_both_factors
    from tests.factories import BoardFactory, ChairFactory
    from tests.incidents.test_pages import date_fields
    from tests.workflow import draft

    call_command("migrate", verbosity=0)
    chair = ChairFactory(board=BoardFactory(code="AAA", name="Alphaford Safeguarding Children Board"))
    control, cut = draft(chair, child_pseudonym="Child Control"), draft(chair, child_pseudonym=CUT)
    client = sign_in_with_both_factors(Client(raise_request_exception=False), chair)
    notify = {**date_fields("event_date", date(2015, 1, 9)), **date_fields("ofsted_notified_on", date(2015, 1, 8))}
    report = {"control": client.post(reverse("incidents:transition", args=[control.public_id, "notify"]), notify)}
    report["control"] = {"status": report["control"].status_code, "state": Incident.objects.get(pk=control.pk).state}
    page = reverse("incidents:case", args=[cut.public_id])
    report["page_up"] = client.get(page).status_code
    report["before"] = held()

    stop = json.loads(os.environ["PROBE_STOP"])

    def lose_the_database(sender, instance, created, **kwargs):
        if created and instance.transition == "notify" and instance.object_id == cut.pk:
            subprocess.run(stop, check=True, capture_output=True, timeout=120)

    post_save.connect(lose_the_database, sender=AuditEntry, weak=False)
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    requests = {
        "page_post": lambda: client.post(reverse("incidents:transition", args=[cut.public_id, "notify"]), notify),
        "page_get": lambda: client.get(page),
        "api_get": lambda: client.get(reverse("api:incident-list")),
        "api_post": lambda: client.post(
            reverse("api:incident-notify", args=[cut.public_id]),
            {"event_date": "2015-01-09", "ofsted_notified_on": "2015-01-08"},
            content_type="application/json",
        ),
    }
    for name, request in requests.items():
        recorder.records = []
        report[name] = answer(request(), recorder.records)
    report["session"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    report["page"] = page
    return report


def check() -> dict:
    """What the database holds, and whether the session of before reads the page again."""
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = os.environ["PROBE_SESSION"]
    return {**held(), "page_again": client.get(os.environ["PROBE_PAGE"]).status_code}


if __name__ == "__main__":
    setup_test_environment()  # the test client's host and the in-memory mail
    phase = sys.argv[1]
    print(json.dumps({"down": down, "check": check}[phase]()))
