"""What keeps an import quick without changing what it writes (SPEC §8 "Import", decision 0022): a row
is one savepoint; its audit entries, StateLog rows and versions are written together at its end; a
transition asks each of its conditions once; a case's clock rows read its decisions once.
`test_same_as_api.py` shows that the cases it writes are those entered through the API."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import DateTimeField
from django.test.utils import CaptureQueriesContext
from django_fsm_log.models import StateLog
from simple_history.signals import pre_create_historical_record

from audit.models import AuditEntry, _hold_history
from imports.fictional import SCENARIOS, fictional_rows
from imports.models import ImportState
from imports.replay import REVIEW_EVENTS
from imports.services import import_apply, import_run_create
from imports.spreadsheets import csv_bytes
from incidents.models import Incident
from incidents.services import incident_close
from publication.models import Publication
from reviews.choices import DecisionKind
from reviews.models import SeriousCaseReview
from scr_tracker.clock_rows import clock_rows_sync
from tests.workflow import decide, notified, settle_submission, submit

pytestmark = pytest.mark.django_db


def _statements(queries, start: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].upper().startswith(start.upper())]


def test_an_import_row_is_one_savepoint_and_its_events_take_none_of_their_own(chair_a):
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    run = import_run_create(actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(rows))
    with CaptureQueriesContext(connection) as queries:
        run = import_apply(actor=chair_a, run_id=run.pk)
    assert run.state == ImportState.IMPORTED
    events = AuditEntry.objects.filter(imported_line__isnull=False).count()
    assert events > 3 * len(rows), "each row replays several events"
    # One a row, beside the few of the import's own steps (savepoints here, inside the test's transaction).
    assert len(rows) <= len(_statements(queries, "SAVEPOINT")) <= len(rows) + 4
    # A row's entries are written together at its end, one statement, beside the import's own entries.
    assert len(rows) <= len(_statements(queries, 'INSERT INTO "audit_auditentry"')) <= len(rows) + 2
    assert 1 <= len(_statements(queries, 'INSERT INTO "django_fsm_log_statelog"')) <= len(rows)
    # So are the versions django-simple-history keeps: one statement a row for each kind of record.
    assert len(_statements(queries, 'INSERT INTO "incidents_historicalincident"')) == len(rows)


def test_each_imported_entry_points_at_the_state_log_row_of_its_own_transition(chair_a):
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    run = import_run_create(actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(rows))
    assert import_apply(actor=chair_a, run_id=run.pk).state == ImportState.IMPORTED
    entries = AuditEntry.objects.filter(imported_line__isnull=False).exclude(state_log=None).select_related("state_log")
    assert entries.count() == StateLog.objects.count() > 3 * len(rows)
    for entry in entries:
        log = entry.state_log
        assert (log.content_type_id, int(log.object_id), log.transition) == (
            entry.content_type_id,
            entry.object_id,
            entry.transition,
        )
        assert (log.source_state, log.state, log.by_id) == (entry.from_state, entry.to_state, chair_a.pk)
        assert (log.description or "") == entry.reason


def test_a_refusal_late_in_a_row_rolls_the_whole_row_back_and_the_rows_after_it_are_replayed(chair_a):
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    late = next(i for i, row in enumerate(rows) if row.get("published_on"))
    rows[late]["published_on"] = rows[late]["signed_off_on"].replace(year=rows[late]["signed_off_on"].year - 1)
    run = import_run_create(actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(rows))
    run = import_apply(actor=chair_a, run_id=run.pk)
    assert run.state == ImportState.REFUSED
    assert {(p["line"], p["column"]) for p in run.problems} == {(late + 2, "published_on")}
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(imported_line__isnull=False).exists()


def test_a_transition_asks_each_of_its_conditions_once(chair_a):
    incident = notified(chair_a)
    decide(chair_a, incident, decision=DecisionKind.NOT_INITIATE)
    settle_submission(incident, chair_a)
    with CaptureQueriesContext(connection) as queries:
        incident_close(actor=chair_a, incident_id=incident.pk, event_date=date(2015, 2, 5))
    open_submission = [sql for sql in _statements(queries, "SELECT") if '"panel_panelsubmission"."state" IN' in sql]
    assert len(open_submission) == 1  # `no_open_submission`, asked by the runner and not again by django-fsm


def test_a_cases_clock_rows_read_its_decisions_once(chair_a):
    incident = notified(chair_a)
    decide(chair_a, incident, decision=DecisionKind.NOT_INITIATE)
    submit(chair_a, incident)
    incident = Incident.objects.get(pk=incident.pk)
    with CaptureQueriesContext(connection) as queries:
        clock_rows_sync(incident)
    decisions = [sql for sql in _statements(queries, "SELECT") if 'FROM "reviews_decision"' in sql]
    assert len(decisions) == 1
    assert "_held_decisions" not in incident.__dict__, "nothing is held once the rows are written"


def _versions(board) -> dict[str, list[tuple]]:
    """Every historical row of the board's cases, reviews and publications, in the order written, without
    what differs between boards and runs (ids, references, the moments of writing)."""
    out = {}
    for model, scope in (
        (Incident, {"board": board}),
        (SeriousCaseReview, {"board": board}),
        (Publication, {"review__board": board}),
    ):
        history = model.history.model
        ids = model.objects.filter(**scope).values_list("pk", flat=True)
        versions = history.objects.filter(id__in=list(ids)).order_by("history_date", "history_id")
        skip = {"id", "history_id", "history_date", "public_id", "reference", "history_user", "external_reference"}
        names = [
            f.attname
            for f in history._meta.fields
            if f.name not in skip and not f.attname.endswith("_id") and not isinstance(f, DateTimeField)
        ]
        out[model.__name__] = [tuple(getattr(v, name) for name in names) for v in versions]
    return out


def test_an_imports_versions_are_those_its_saves_write_one_at_a_time(chair_a, chair_b):
    """A row's django-simple-history rows are held and written together at its end (decision 0022); they
    are the rows that writing each version as it is saved gives."""
    for chair in (chair_a, chair_b):
        rows = fictional_rows(len(SCENARIOS), board_code=chair.board.code)
        run = import_run_create(actor=chair, board=chair.board, file_name="history.csv", content=csv_bytes(rows))
        if chair is chair_b:  # one version at a time, as outside an import
            assert pre_create_historical_record.disconnect(dispatch_uid="audit_hold_history_in_import")
        try:
            assert import_apply(actor=chair, run_id=run.pk).state == ImportState.IMPORTED
        finally:
            pre_create_historical_record.connect(_hold_history, dispatch_uid="audit_hold_history_in_import")
    held, one_at_a_time = _versions(chair_a.board), _versions(chair_b.board)
    assert len(held["Incident"]) > 2 * len(SCENARIOS) and held["SeriousCaseReview"] and held["Publication"]
    assert held == one_at_a_time


def test_a_row_without_review_events_looks_for_no_review(chair_a):
    """The replay reads a case's review (and its submission) only for a row that gives some of their events."""
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    not_initiated = [
        row
        for n, row in enumerate(rows)
        if SCENARIOS[n].startswith("not_initiated") and not any(row.get(name) for name in REVIEW_EVENTS)
    ]
    assert len(not_initiated) >= 3
    content = csv_bytes(not_initiated)
    run = import_run_create(actor=chair_a, board=chair_a.board, file_name="history.csv", content=content)
    with CaptureQueriesContext(connection) as queries:
        assert import_apply(actor=chair_a, run_id=run.pk).state == ImportState.IMPORTED
    looked_for = [
        sql
        for sql in _statements(queries, "SELECT")
        if 'FROM "reviews_seriouscasereview" INNER JOIN "reviews_seriouscasereview_incidents"' in sql
        and 'ORDER BY "reviews_seriouscasereview"."initiated_on" DESC' in sql  # the case's latest review
    ]
    assert looked_for == []
