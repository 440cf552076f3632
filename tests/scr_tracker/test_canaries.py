"""Canaries (SECURITY row 3): lists, search, counts, exports, feeds, reports and emails are scoped.

Boards A and B hold the same records (tests/scr_tracker/matrix_world.py), every text typed into them
carrying the board's canary: `mark` in what the national panel may read, `hidden` in what it must not.
Every answer the access matrix gives a persona 200 for (every list, dashboard, export, feed, statistics
page, API list and record), then searches, every export in both formats, the board's annual report
PDF, and the notifications and emails a reminder sweep sends, are searched for the canaries the
persona must not see.
"""

import io
import shutil
import subprocess
import zipfile

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from reminders.services import reminders_sweep
from reports.exports import EXPORTS, FORMATS
from reports.models import ReportKind
from reports.services import job_create
from reports.tasks import render_report
from scr_tracker.celery import app
from tests.scr_tracker.matrix import PERSONAS
from tests.scr_tracker.matrix_world import TODAY
from tests.scr_tracker.test_matrix import requests_of_the_matrix

BOARD_A = ("staff_a", "chair_a")
STATISTICS = "/api/v1/statistics/national/"
PANEL = ("panel", "secretariat")


def body_text(response) -> str:
    """What a person reads in the answer: the text, the cells of a workbook, the text of a PDF."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return " ".join(workbook.read(name).decode(errors="replace") for name in workbook.namelist())
    if content.startswith(b"%PDF"):
        return pdf_text(content)
    return content.decode(errors="replace")


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) reads the PDFs")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def reference(world) -> str:
    """How the board's case references begin (AAA-2015-001): rows without typed text show them."""
    return f"{world.board.code}-2015-"


KINDS = {  # each kind of collection must be among the answers scanned, with board A's own rows in it
    "search": "?q=",
    "CSV export": ".csv",
    "XLSX export": ".xlsx",
    "calendar feed": ".ics",
    "annual report PDF": "/download/",
    "email": "email ",
    "API list": "/api/v1/incidents/",
    "dashboard": "GET /?",
}


def forbidden_for(persona: str, world_a, world_b) -> tuple[str, ...]:
    """The canaries a persona must never read."""
    if persona in BOARD_A:
        return (world_b.mark, world_b.hidden, world_b.people, reference(world_b))
    if persona == "staff_b":
        return (world_a.mark, world_a.hidden, world_a.people, reference(world_a))
    if persona in PANEL:
        return (world_a.hidden, world_b.hidden, world_a.people, world_b.people)
    return (world_a.hidden, world_b.hidden)  # the administrator manages accounts, and reads no case


@pytest.fixture
def eager_celery():
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


def test_no_response_shows_a_canary_its_reader_may_not_see(worlds, eager_celery, django_capture_on_commit_callbacks):
    world_a, world_b, personas = worlds
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        swept = reminders_sweep(today=TODAY)  # notifications and emails of both boards' clocks
        board_job = job_create(
            user=personas.users["chair_a"], kind=ReportKind.BOARD_ANNUAL, parameters={"board": "AAA", "year": 2015}
        )
    render_report(board_job.pk)

    answers = []  # (persona, what was asked, text)
    with time_machine.travel(TODAY, tick=False):
        asked = set()
        for _route, row, method, path, _ in requests_of_the_matrix(world_a):
            if method != "GET":
                continue
            for persona, code in zip(PERSONAS, row.codes("GET"), strict=True):
                if code == "200" and persona != "anon" and (persona, path) not in asked:
                    asked.add((persona, path))
        extra = [f"{reverse('incidents:list')}?q=Child", f"{reverse('incidents:list')}?q=fictional"]
        extra += [reverse("reports:export", args=[name, fmt]) for name in EXPORTS for fmt in FORMATS]
        extra += [reverse("panel:submissions") + "?state=", reverse("reviews:actions") + "?status=&overdue=overdue"]
        asked |= {(persona, path) for persona in (*BOARD_A, "staff_b", *PANEL) for path in extra}
        asked.add(("chair_a", reverse("reports:job_download", args=[board_job.public_id])))
        # A calendar feed's address is its owner's credential: board A's is read as its owner, B's as B's.
        feed_a = reverse("reminders:calendar", args=[world_a.calendar_token])
        asked = {(persona, path) for persona, path in asked if path != feed_a} | {("staff_a", feed_a)}
        asked.add(("staff_b", reverse("reminders:calendar", args=[world_b.calendar_token])))
        for persona, path in sorted(asked):
            answer = personas.request(persona, "GET", path, api=path.startswith("/api/"))
            if answer.status == 200:
                answers.append((persona, f"GET {path}", body_text(answer.response)))
        counts = {
            persona: personas.request(persona, "GET", f"{STATISTICS}?from=2014-04-01&to=2015-03-31", api=True)
            for persona in ("staff_a", "chair_a", "staff_b", "secretariat", "panel")
        }
    # Counts carry no canary: the two boards hold the same records, so a board's own count is half the nation's.
    sins = {persona: answer.response.json()["sins"] for persona, answer in counts.items()}
    national = sins["secretariat"]
    assert national > 0 and sins == {
        "staff_a": national // 2,
        "chair_a": national // 2,
        "staff_b": national // 2,
        "secretariat": national,
        "panel": national,
    }, sins
    emails = {user.email: persona for persona, user in personas.users.items()}
    emails |= {world_a.staff.email: "staff_a", world_a.chair.email: "chair_a"}
    for message in mail.outbox:
        for address in message.to:
            if address in emails:
                answers.append((emails[address], f"email {message.subject!r} to {address}", message.body))

    hits = [
        f"{what} as {persona}: {canary}"
        for persona, what, text in answers
        for canary in forbidden_for(persona, world_a, world_b)
        if canary in text
    ]
    own = sum(1 for persona, _, text in answers if persona in BOARD_A and reference(world_a) in text)
    kinds_missing = [
        kind
        for kind, sign in KINDS.items()
        if not any(
            persona in BOARD_A and sign in f"{what}?" and reference(world_a) in text for persona, what, text in answers
        )
    ]
    panel_reads = sum(1 for persona, _, text in answers if persona in PANEL and world_a.mark in text)
    mailed = sum(1 for _, what, _ in answers if what.startswith("email"))
    print(
        f"\nCanary scan: {len(answers)} responses scanned ({mailed} emails; the sweep made {swept.notifications}"
        f" notifications); canary hits: {len(hits)}; board A read its own canary in {own}, "
        f"the panel A's in {panel_reads}"
    )
    assert not hits, f"{len(hits)} canaries where they must not be:\n" + "\n".join(hits)
    assert not kinds_missing, f"Not scanned with board A's own rows in them: {kinds_missing}"
    assert own > 40 and panel_reads > 10 and mailed > 0  # the scan reads records that are there
