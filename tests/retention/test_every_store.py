"""SECURITY row 13: a closed case past its retention period, with a canary string in every text it can hold,
leaves no trace of it anywhere once the job has run: not in any column of any table of the database (every
table the connection has, history tables, django-fsm-log's StateLog and the audit entries included) nor in
any file of the private store. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from audit.models import ANONYMISE, AuditEntry
from retention.services import anonymise_expired
from tests.retention.canary_case import CANARY, canary_case

RUN_ON = date(2030, 9, 2)  # closed 1 September 2015: kept through 1 September 2030


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    root = tmp_path / "private-documents"
    settings.PRIVATE_DOCUMENTS_ROOT = root
    return root


def tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_hits(needle: str) -> dict[str, int]:
    """Rows of each table with the needle in any column (read as text), for every table on the connection."""
    found = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the introspection
            hits = sum(
                1
                for row in cursor.fetchall()
                if any(
                    needle
                    in (
                        bytes(value).decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else str(value)
                    )
                    for value in row
                    if value is not None
                )
            )
            if hits:
                found[table] = hits
    return found


def file_hits(root: Path, needle: str) -> list[Path]:
    """Files of the store whose name or bytes hold the needle."""
    if not root.exists():
        return []
    encoded = needle.encode()
    return [
        path for path in root.rglob("*") if path.is_file() and (needle in path.name or encoded in path.read_bytes())
    ]


def test_no_store_holds_an_expired_case_s_words_after_the_job(chair_a, staff_a, private_root, capsys):
    incident = canary_case(chair_a, staff_a)
    before = table_hits(CANARY)
    # The canary is everywhere a case's words go: the records, their history, the state logs, the audit
    # entries (reasons, a correction's old and new text, a case note) and the stored document.
    assert {
        "incidents_incident",
        "incidents_historicalincident",
        "reviews_decision",
        "reviews_seriouscasereview",
        "reviews_historicalseriouscasereview",
        "reviews_stopperiod",
        "reviews_contribution",
        "reviews_historicalcontribution",
        "reviews_recommendation",
        "reviews_historicalrecommendation",
        "reviews_action",
        "reviews_historicalaction",
        "reviews_document",
        "publication_publication",
        "publication_historicalpublication",
        "panel_panelsubmission",
        "panel_submissionevent",
        "django_fsm_log_statelog",
        "audit_auditentry",
    } <= set(before), before
    assert file_hits(private_root, CANARY)

    run = anonymise_expired(today=RUN_ON)

    assert [case.reference for case in run.cases] == [incident.reference]
    searched = tables()
    left = table_hits(CANARY)
    files = file_hits(private_root, CANARY)
    assert left == {}
    assert files == []
    assert AuditEntry.objects.for_object(incident).filter(transition=ANONYMISE).count() == 1
    with capsys.disabled():
        print(
            f"\nstores searched ({connection.vendor}): {len(searched)} tables + files, "
            f"{sum(left.values()) + len(files)} expired records left (before: {sum(before.values())} rows in "
            f"{len(before)} tables)"
        )
