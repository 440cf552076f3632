"""The retention job (SPEC §9, decision 0032): which cases, when, what it keeps, that it says so, and that it
is safe to run twice, by hand as a dry run, and from Celery beat."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
import time_machine
from celery.schedules import crontab
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django_fsm_log.models import StateLog

from audit.models import ANONYMISE, RETENTION_TRIGGERS, SYSTEM_ROLE, AppendOnlyError, AuditEntry, retention_erase
from audit.services import access_record
from incidents.choices import IncidentState
from incidents.models import Incident
from incidents.services import incident_close
from reports.statistics import national_statistics
from retention.services import ANONYMISED, anonymise_expired, kept_until
from retention.tasks import anonymise_expired_cases
from reviews.models import Document, SeriousCaseReview
from scr_tracker.celery import app
from tests.retention.canary_case import CANARY, CLOSED_ON, canary_case
from tests.retention.test_every_store import file_hits, table_hits, tables
from tests.scr_tracker.conftest import need
from tests.workflow import advise, case_in, decide, notified, submission_of, submit


def _on(day: date):
    return time_machine.travel(datetime.combine(day, time(10), tzinfo=ZoneInfo("Europe/London")), tick=False)


def closed_case(chair, closed_on: date, received_on: date = date(2015, 1, 9), **overrides) -> Incident:
    """A case not to initiate, its submission agreed by the panel, closed on `closed_on` (fictional)."""
    with _on(closed_on):
        incident = notified(
            chair,
            received_on=received_on,
            ofsted_notified_on=received_on - timedelta(days=1),
            incident_on=received_on - timedelta(days=5),
            la_aware_on=received_on - timedelta(days=4),
            **overrides,
        )
        # A decision of a regime with rapid reviews (SPEC §10) gives the review's summary too.
        rapid = {"rapid_review_summary": "Fictional summary", "national_review_recommended": False}
        decide(
            chair,
            incident,
            decided_on=received_on + timedelta(days=7),
            **(rapid if incident.regime != "wt2013" else {}),
        )
        submit(chair, incident, on=received_on + timedelta(days=8))
        advise(submission_of(incident), on=received_on + timedelta(days=9))
        return incident_close(
            actor=chair, incident_id=incident.pk, event_date=closed_on, reason="Nothing further (fictional)"
        )


def anonymised(incident: Incident) -> bool:
    return AuditEntry.objects.for_object(incident).filter(transition=ANONYMISE).exists()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    root = tmp_path / "private-documents"
    settings.PRIVATE_DOCUMENTS_ROOT = root
    return root


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table on the connection."""
    rows = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


# --- When -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed_on", "run_on", "expected"),
    [
        pytest.param(date(2015, 2, 5), date(2030, 2, 4), False, id="15-years-minus-a-day-kept"),
        pytest.param(date(2015, 2, 5), date(2030, 2, 5), False, id="the-last-day-of-the-period-kept"),
        pytest.param(date(2015, 2, 5), date(2030, 2, 6), True, id="15-years-plus-a-day-anonymised"),
        pytest.param(date(2015, 3, 31), date(2030, 3, 31), False, id="month-end-last-day-kept"),
        pytest.param(date(2015, 3, 31), date(2030, 4, 1), True, id="month-end-next-day-anonymised"),
        pytest.param(date(2016, 2, 29), date(2031, 2, 28), False, id="leap-day-kept-through-28-february"),
        pytest.param(date(2016, 2, 29), date(2031, 3, 1), True, id="leap-day-anonymised-on-1-march"),
    ],
)
def test_a_closed_case_is_kept_for_the_whole_period_and_anonymised_the_day_after(chair_a, closed_on, run_on, expected):
    incident = closed_case(chair_a, closed_on)
    with _on(run_on):
        run = anonymise_expired(today=run_on)
    assert anonymised(incident) is expected
    assert [case.reference for case in run.cases] == ([incident.reference] if expected else [])


def test_a_case_of_the_2018_regime_is_anonymised_the_same_way(chair_a):
    incident = closed_case(chair_a, date(2019, 3, 1), received_on=date(2019, 1, 14))
    assert incident.regime == "wt2018"
    anonymise_expired(today=date(2034, 3, 1))
    assert not anonymised(incident)
    anonymise_expired(today=date(2034, 3, 2))
    assert anonymised(incident)
    incident.refresh_from_db()
    assert incident.child_pseudonym == ANONYMISED


def test_the_period_is_the_setting_s(chair_a, settings):
    settings.RETENTION_YEARS = 6
    incident = closed_case(chair_a, date(2015, 2, 5))
    assert kept_until(date(2015, 2, 5)) == date(2021, 2, 5)
    anonymise_expired(today=date(2021, 2, 6))
    assert anonymised(incident)


def test_a_case_that_is_not_closed_is_kept_however_old(chair_a):
    with _on(date(2015, 3, 1)):
        open_cases = [case_in(state, chair_a) for state in (IncidentState.DECIDED, IncidentState.WITHDRAWN)]
        open_cases.append(case_in(IncidentState.NOTIFIED, chair_a))
    before = snapshot()
    run = anonymise_expired(today=date(2060, 1, 1))
    assert run.cases == []
    assert not any(anonymised(incident) for incident in open_cases)
    assert snapshot() == before


# --- What it does ---------------------------------------------------------------------------------------


def test_the_case_keeps_its_dates_states_and_choices_and_loses_its_words(chair_a, staff_a, private_root):
    incident = canary_case(chair_a, staff_a)
    review = SeriousCaseReview.objects.get(incidents=incident)
    document = Document.all_objects.get(review=review)
    kept = Incident.objects.values(
        "reference", "state", "regime", "incident_on", "la_aware_on", "received_on", "nature", "harm_types"
    ).get(pk=incident.pk)
    anonymise_expired(today=date(2030, 9, 2))
    assert Incident.objects.values(*kept).get(pk=incident.pk) == kept
    incident.refresh_from_db()
    assert (incident.child_pseudonym, incident.outline) == (ANONYMISED, ANONYMISED)
    document.refresh_from_db()
    assert document.title == ANONYMISED
    assert document.size > 0  # the row stays (counts), its bytes are gone
    assert not (private_root / document.stored_name).exists()
    assert Document.all_objects.filter(review=review).count() == 1


def test_the_anonymisation_is_one_audit_entry_by_the_system_without_case_content(chair_a, staff_a):
    incident = canary_case(chair_a, staff_a)
    anonymise_expired(today=date(2030, 9, 2))
    entry = AuditEntry.objects.for_object(incident).get(transition=ANONYMISE)
    assert entry.actor_id is None
    assert entry.actor_role == SYSTEM_ROLE
    assert entry.event_date == date(2030, 9, 2)
    assert (entry.from_state, entry.to_state) == ("closed", "closed")
    assert "retention rule" in entry.reason
    assert CLOSED_ON.isoformat() in entry.reason
    assert CANARY not in entry.reason
    assert entry.board_id == incident.board_id


def test_a_second_run_changes_nothing_and_writes_no_second_entry(chair_a, staff_a):
    incident = canary_case(chair_a, staff_a)
    first = anonymise_expired(today=date(2030, 9, 2))
    assert len(first.cases) == 1
    after_first = snapshot()
    second = anonymise_expired(today=date(2030, 9, 3))
    assert second.cases == []
    assert snapshot() == after_first
    assert AuditEntry.objects.for_object(incident).filter(transition=ANONYMISE).count() == 1


def test_a_dry_run_lists_the_cases_and_counts_and_changes_nothing(chair_a, staff_a, private_root):
    incident = canary_case(chair_a, staff_a)
    kept = closed_case(chair_a, date(2016, 1, 4))
    before = snapshot()
    out = StringIO()
    call_command("anonymise_expired", "--dry-run", "--date", "2030-09-02", stdout=out)
    assert snapshot() == before
    assert file_hits(private_root, CANARY)
    text = out.getvalue()
    assert incident.reference in text
    assert kept.reference not in text
    assert "closed 2015-09-01" in text
    assert "kept until 2030-09-01" in text
    assert "audit entries" in text
    assert "1 case(s) would be anonymised (dry run: nothing changed)" in text
    assert CANARY not in text
    # The same run without --dry-run touches the rows and files it listed.
    plan = anonymise_expired(today=date(2030, 9, 2), dry_run=True).cases[0].counts
    done = anonymise_expired(today=date(2030, 9, 2)).cases[0].counts
    assert plan == done
    assert done["files"] == 1
    assert done["audit_entries"] >= 10


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("anonymise_expired", "--date", "2 September 2030")


def test_statistics_are_the_same_after_anonymisation(chair_a, staff_a, board_a):
    canary_case(chair_a, staff_a)
    closed_case(chair_a, date(2015, 6, 1))
    closed_case(chair_a, date(2019, 3, 1), received_on=date(2019, 1, 14))
    periods = [
        (date(2014, 4, 1), date(2015, 3, 31)),
        (date(2015, 4, 1), date(2016, 3, 31)),
        (date(2018, 4, 1), date(2019, 3, 31)),
    ]
    before = [national_statistics(date_from=f, date_to=t, board=b) for f, t in periods for b in (None, board_a)]
    run = anonymise_expired(today=date(2035, 1, 1))
    assert len(run.cases) == 3
    after = [national_statistics(date_from=f, date_to=t, board=b) for f, t in periods for b in (None, board_a)]
    assert after == before
    assert before[0]["sins"] >= 1


def test_a_review_of_siblings_keeps_its_words_until_every_sibling_is_anonymised(chair_a, staff_a):
    incident = canary_case(chair_a, staff_a)
    review = SeriousCaseReview.objects.get(incidents=incident)
    sibling = closed_case(chair_a, date(2020, 1, 6), received_on=date(2015, 1, 9))
    review.incidents.add(sibling)
    anonymise_expired(today=date(2030, 9, 2))
    review.refresh_from_db()
    assert anonymised(incident)
    assert CANARY in review.terms_of_reference  # the sibling's period runs on
    anonymise_expired(today=date(2035, 1, 7))
    review.refresh_from_db()
    assert anonymised(sibling)
    assert CANARY not in review.terms_of_reference
    assert table_hits(CANARY) == {}


# --- Pages ----------------------------------------------------------------------------------------------


def test_the_case_page_of_an_anonymised_case_says_so_and_opens(chair_a, staff_a, sign_in, client):
    incident = canary_case(chair_a, staff_a)
    anonymise_expired(today=date(2030, 9, 2))
    review = SeriousCaseReview.objects.get(incidents=incident)
    with _on(date(2030, 9, 3)):
        sign_in(chair_a)
        page = client.get(reverse("incidents:case", args=[incident.public_id]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "This case was anonymised on 2 September 2030 under the retention rule" in text
        assert "Anonymised under the retention rule" in text  # the timeline's row, by the service itself
        assert ">System<" in text.replace("\n", "").replace(" ", "")
        assert CANARY not in text
        for url in (
            reverse("reviews:review", args=[review.public_id]),
            reverse("publication:publication", args=[review.publication.public_id]),
            reverse("panel:submission", args=[review.publication.submission.public_id]),
        ):
            other = client.get(url)
            assert other.status_code == 200, url
            assert CANARY not in other.content.decode()


def test_an_anonymised_case_takes_no_new_text(chair_a, staff_a, sign_in, client):
    """A note or a correction written after the job would be kept for ever (the job anonymises a case once):
    both are refused by their services, and the case page offers neither."""
    from audit.models import ANONYMISED_CASE_REFUSAL, NOTE
    from incidents.corrections import incident_correct
    from incidents.models import Incident as Case
    from scr_tracker.notes import note_add
    from scr_tracker.transitions import InvalidInput

    incident = closed_case(chair_a, date(2015, 6, 1))
    anonymise_expired(today=date(2030, 6, 2))
    entries = AuditEntry.objects.count()
    with _on(date(2030, 6, 3)):
        with pytest.raises(InvalidInput) as refused:
            note_add(
                actor=staff_a,
                queryset=Case.objects.all(),
                pk=incident.pk,
                kind="call",
                happened_on=date(2030, 6, 3),
                text="A fictional call after the anonymisation.",
            )
        assert refused.value.errors == {"text": [ANONYMISED_CASE_REFUSAL]}
        with pytest.raises(InvalidInput) as refused:
            incident_correct(
                actor=chair_a,
                incident_id=incident.pk,
                field="incident_on",
                new_value=incident.incident_on - timedelta(days=1),
                reason="A fictional reason after the anonymisation",
            )
        assert refused.value.errors == {"new_value": [ANONYMISED_CASE_REFUSAL]}
        sign_in(chair_a)
        page = client.get(reverse("incidents:case", args=[incident.public_id])).content.decode()
        assert reverse("incidents:note", args=[incident.public_id]) not in page
        assert reverse("incidents:correct", args=[incident.public_id, "incident_on"]) not in page
        answer = client.post(
            reverse("incidents:note", args=[incident.public_id]),
            {"kind": "call", "happened_on_0": "3", "happened_on_1": "6", "happened_on_2": "2030", "text": "Fictional"},
        )
        assert answer.status_code == 400 and ANONYMISED_CASE_REFUSAL in answer.content.decode()
    assert AuditEntry.objects.count() == entries and not AuditEntry.objects.filter(transition=NOTE).exists()
    assert Case.objects.get(pk=incident.pk).incident_on == incident.incident_on


def test_the_page_of_a_case_not_anonymised_says_nothing_of_it(chair_a, sign_in, client):
    incident = closed_case(chair_a, date(2015, 6, 1))
    with _on(date(2015, 6, 2)):
        sign_in(chair_a)
        page = client.get(reverse("incidents:case", args=[incident.public_id]))
    assert page.status_code == 200
    assert "anonymised" not in page.content.decode().lower()


# --- Scheduled ------------------------------------------------------------------------------------------


def test_beat_runs_the_job_daily_and_the_task_is_the_job(chair_a, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-daily-anonymise"]
    assert entry["task"] == "retention.anonymise_expired"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {2} and entry["schedule"].day_of_week == set(range(7))
    assert app.tasks["retention.anonymise_expired"].name == anonymise_expired_cases.name
    incident = closed_case(chair_a, date(2015, 2, 5))
    result = anonymise_expired_cases.apply(kwargs={"on": "2030-02-06"}).get()
    assert [case["reference"] for case in result["cases"]] == [incident.reference]
    assert anonymised(incident)


# --- The one sanctioned rewrite of the audit tables -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_rewrite_refuses_other_fields_and_outside_a_transaction(chair_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    entries = AuditEntry.objects.for_object(incident)
    with pytest.raises(AppendOnlyError, match="only inside its own transaction"):
        retention_erase(entries=entries, logs=StateLog.objects.none(), reason="")
    with transaction.atomic(), pytest.raises(AppendOnlyError, match="may erase only"):
        retention_erase(entries=entries, logs=StateLog.objects.none(), event_date="2015-01-01")
    with transaction.atomic(), pytest.raises(AppendOnlyError, match="audit entries and state logs only"):
        retention_erase(entries=Incident.objects.all(), logs=StateLog.objects.none(), reason="")
    assert entries.get().reason == ""  # notify gives no reason: nothing was written
    with pytest.raises(AppendOnlyError):
        entries.update(reason="changed")


def test_after_the_job_the_audit_tables_still_refuse_changes(chair_a, staff_a):
    incident = canary_case(chair_a, staff_a)
    anonymise_expired(today=date(2030, 9, 2))
    entry = AuditEntry.objects.for_object(incident).get(transition=ANONYMISE)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.postgres
def test_on_postgresql_the_triggers_refuse_every_other_change_during_and_after_the_job(chair_a, staff_a):
    if connection.vendor != "postgresql":
        need("PostgreSQL (set DATABASE_URL)")
    incident = canary_case(chair_a, staff_a)
    anonymise_expired(today=date(2030, 9, 2))
    entry = AuditEntry.objects.for_object(incident).get(transition=ANONYMISE)
    log = StateLog.objects.filter(object_id=incident.pk).first()
    request = RequestFactory().get("/")
    request.user = chair_a
    event = access_record(request=request, record=incident)

    def refused(sql: str, *params, operation="update"):
        # The savepoint is rolled back by the error: pytest.raises sits outside it.
        refusal = pytest.raises(ProgrammingError, match=f"pgtrigger: Cannot {operation} rows")
        with refusal, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    # After the job: a plain UPDATE or DELETE of an entry or a state log, as from a psql prompt.
    refused("UPDATE audit_auditentry SET reason = 'changed' WHERE id = %s", entry.pk)
    refused("UPDATE django_fsm_log_statelog SET description = 'changed' WHERE id = %s", log.pk)
    refused("DELETE FROM audit_auditentry WHERE id = %s", entry.pk, operation="delete")
    # While the job's triggers are lifted, deletes and the access events' updates stay refused.
    with pgtrigger.ignore(*RETENTION_TRIGGERS):
        refused("DELETE FROM audit_auditentry WHERE id = %s", entry.pk, operation="delete")
        refused("DELETE FROM django_fsm_log_statelog WHERE id = %s", log.pk, operation="delete")
        refused("UPDATE audit_accessevent SET request_id = 'x' WHERE id = %s", event.pk)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_case_pdf_still_kept_is_deleted_with_the_case(chair_a, private_root):
    from django.core.files.base import ContentFile

    from reports.models import JobState, ReportJob, ReportKind
    from reports.services import report_storage

    incident = closed_case(chair_a, date(2015, 2, 5))
    other = closed_case(chair_a, date(2016, 2, 5))
    storage = report_storage()
    jobs = {}
    for case in (incident, other):
        name = storage.save(f"reports/{case.reference}.pdf", ContentFile(b"%PDF-1.4 fictional"))
        jobs[case] = ReportJob.objects.create(
            kind=ReportKind.CASE_CHRONOLOGY,
            title="Case chronology",
            reference=case.reference,
            requested_by=chair_a,
            board=case.board,
            state=JobState.READY,
            stored_name=name,
            size=18,
        )
    run = anonymise_expired(today=date(2030, 2, 6))
    assert run.cases[0].counts["files"] == 1
    gone, kept = (ReportJob.objects.get(pk=jobs[case].pk) for case in (incident, other))
    assert (gone.state, gone.stored_name) == (JobState.EXPIRED, "")
    assert not storage.exists(jobs[incident].stored_name)
    assert kept.state == JobState.READY and storage.exists(kept.stored_name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_anonymise_a_case_once(chair_a):
    """Two threads released together (PostgreSQL: SQLite serialises writers and proves nothing): the second
    waits on the case's row lock, then finds it anonymised."""
    import threading
    import time as clock
    from unittest import mock

    from retention import services

    if connection.vendor != "postgresql":
        need("PostgreSQL (set DATABASE_URL)")
    incident = closed_case(chair_a, date(2015, 2, 5))
    real_erase = services._erase

    def slow_erase(records):
        clock.sleep(0.5)  # hold the row lock long enough for the other run to arrive
        real_erase(records)

    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(services.anonymise_expired(today=date(2030, 2, 6)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(services, "_erase", slow_erase):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert sorted(len(result.cases) for result in results) == [0, 1]
    assert AuditEntry.objects.for_object(incident).filter(transition=ANONYMISE).count() == 1
