"""Append-only in the database too (issue 18, SECURITY row 11): on PostgreSQL a trigger of each of the
audit entries', the access events', the refused accesses', the failed sign-ins' and django-fsm-log's
StateLog tables refuses every UPDATE and DELETE,
whoever sends it (decision 0029). On SQLite the models' own guards stand alone."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import ProgrammingError, connection, models, transaction
from django.db.models.deletion import ProtectedError
from django.test import RequestFactory
from django_fsm_log.models import StateLog

from audit.models import AccessEvent, AccessRefusal, AuditEntry, SignInFailure
from audit.services import access_record, sign_in_failure_record
from tests.factories import StaffFactory
from tests.scr_tracker.conftest import need
from tests.workflow import case_in

pytestmark = pytest.mark.postgres

TABLES = {
    "audit": AuditEntry._meta.db_table,
    "access": AccessEvent._meta.db_table,
    "refusal": AccessRefusal._meta.db_table,
    "sign_in": SignInFailure._meta.db_table,
    "state_log": StateLog._meta.db_table,
}


@pytest.fixture(autouse=True)
def postgres_only(request):
    if connection.vendor != "postgresql":
        need("PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def rows(chair_a):
    """One row of each table: a case notified (a StateLog and its audit entry) and looked at."""
    incident = case_in("notified", chair_a)
    entry = AuditEntry.objects.for_object(incident).get()
    request = RequestFactory().get("/")
    request.user = chair_a
    event = access_record(request=request, record=incident)
    refusal = AccessRefusal.objects.create(
        user=chair_a, user_role=chair_a.role, method="GET", path="/cases/x/", status=404, request_id="r"
    )
    failure = sign_in_failure_record(request=request, step=SignInFailure.Step.PASSWORD, email="nobody@test.example")
    return {"audit": entry, "access": event, "refusal": refusal, "sign_in": failure, "state_log": entry.state_log}


def refused(operation: str, table: str):
    """The trigger's RAISE EXCEPTION (SQLSTATE P0001), which psycopg 3 classes as a ProgrammingError."""
    return pytest.raises(ProgrammingError, match=f"pgtrigger: Cannot {operation} rows from {table} table")


def snapshot(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


# Each table's text column to rewrite, as someone with a psql prompt would.
TEXT_COLUMN = {
    "audit": "reason",
    "access": "request_id",
    "refusal": "path",
    "sign_in": "email",
    "state_log": "description",
}


@pytest.mark.parametrize("kind", TABLES)
def test_a_raw_update_is_refused_by_the_database_and_changes_nothing(rows, kind):
    table, before = TABLES[kind], snapshot(TABLES[kind])
    assert before
    quoted = connection.ops.quote_name(table)
    with refused("update", table), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quoted} SET {TEXT_COLUMN[kind]} = 'rewritten' WHERE id = %s", [rows[kind].pk])  # noqa: S608
    assert snapshot(table) == before


@pytest.mark.parametrize("kind", TABLES)
def test_a_raw_delete_is_refused_by_the_database_and_removes_nothing(rows, kind):
    table, before = TABLES[kind], snapshot(TABLES[kind])
    quoted = connection.ops.quote_name(table)
    with refused("delete", table), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608
    assert snapshot(table) == before


@pytest.mark.parametrize("kind", TABLES)
def test_a_queryset_update_that_bypasses_the_models_guards_is_refused(rows, kind):
    """Django's own QuerySet, not the app's AuditQuerySet that raises AppendOnlyError first."""
    row = rows[kind]
    table, before = TABLES[kind], snapshot(TABLES[kind])
    with refused("update", table), transaction.atomic():
        models.QuerySet(type(row)).filter(pk=row.pk).update(**{TEXT_COLUMN[kind]: "rewritten"})
    assert snapshot(table) == before


@pytest.mark.parametrize("kind", ["audit", "access", "refusal", "sign_in"])
def test_a_queryset_delete_that_bypasses_the_models_guards_is_refused(rows, kind):
    row = rows[kind]
    table, before = TABLES[kind], snapshot(TABLES[kind])
    with refused("delete", table), transaction.atomic():
        models.QuerySet(type(row)).filter(pk=row.pk).delete()
    assert snapshot(table) == before


def test_a_state_log_without_an_entry_cannot_be_deleted_through_its_manager(chair_a):
    """An insert still works; django-fsm-log's plain manager (no guard of ours) cannot delete it."""
    incident = case_in("draft", chair_a)
    log = StateLog.objects.create(
        by=chair_a,
        state="notified",
        source_state="draft",
        transition="notify",
        content_type=ContentType.objects.get_for_model(incident),
        object_id=incident.pk,
    )
    with refused("delete", TABLES["state_log"]), transaction.atomic():
        StateLog.objects.filter(pk=log.pk).delete()
    assert StateLog.objects.filter(pk=log.pk).exists()


def test_inserts_still_work(rows, chair_a):
    before = {kind: len(snapshot(table)) for kind, table in TABLES.items()}
    incident = case_in("notified", chair_a)
    request = RequestFactory().get("/")
    request.user = chair_a
    access_record(request=request, record=incident)
    AccessRefusal.objects.create(user=chair_a, user_role=chair_a.role, method="GET", path="/x/", status=403)
    sign_in_failure_record(request=request, step=SignInFailure.Step.SECOND_FACTOR, email=chair_a.email)
    after = {kind: len(snapshot(table)) for kind, table in TABLES.items()}
    # The draft's creation writes no StateLog; notifying writes one StateLog and its entry.
    assert {kind: after[kind] - before[kind] for kind in TABLES} == dict.fromkeys(TABLES, 1)


def test_deleting_a_user_who_made_a_transition_is_refused_before_any_sql(chair_a):
    """People are deactivated, never deleted: their entries keep them (AuditEntry.actor is PROTECT)."""
    incident = case_in("notified", chair_a)
    with pytest.raises(ProtectedError):
        chair_a.delete()
    assert StateLog.objects.get(object_id=incident.pk).by == chair_a


def test_deleting_a_user_named_by_a_state_log_alone_is_refused_by_the_database(chair_a, board_a):
    """StateLog.by is SET_NULL: the user's deletion would rewrite the log, an UPDATE the trigger refuses."""
    staff = StaffFactory(board=board_a)
    incident = case_in("draft", chair_a)
    log = StateLog.objects.create(
        by=staff,
        state="notified",
        transition="notify",
        content_type=ContentType.objects.get_for_model(incident),
        object_id=incident.pk,
    )
    with refused("update", TABLES["state_log"]), transaction.atomic():
        staff.delete()
    log.refresh_from_db()
    assert log.by_id == staff.pk
    assert type(staff).objects.filter(pk=staff.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_still_empties_the_tables(board_a, chair_a):
    """TRUNCATE fires no row trigger: a transactional test's teardown still empties the tables."""
    incident = case_in("notified", chair_a)
    request = RequestFactory().get("/")
    request.user = chair_a
    access_record(request=request, record=incident)
    AccessRefusal.objects.create(user=chair_a, user_role=chair_a.role, method="GET", path="/x/", status=404)
    sign_in_failure_record(request=request, step=SignInFailure.Step.LOCKED_OUT, email=chair_a.email)
    assert all(snapshot(table) for table in TABLES.values())
    call_command("flush", interactive=False, verbosity=0)
    assert not any(snapshot(table) for table in TABLES.values())
