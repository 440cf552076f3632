"""An import keeps all or nothing, a check or a dry run saves nothing, a second import creates nothing,
and every entry it writes says it was imported, from which file and line, by whom."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from audit.models import AuditEntry
from imports.fictional import SCENARIOS, fictional_rows
from imports.models import ImportRun, ImportState
from imports.services import import_apply, import_check, import_run_create
from imports.spreadsheets import csv_bytes
from incidents.models import Incident
from panel.models import PanelSubmission
from scr_tracker.transitions import RoleNotPermitted

pytestmark = pytest.mark.django_db


def upload(chair, rows, name="history.csv"):
    return import_run_create(actor=chair, board=chair.board, file_name=name, content=csv_bytes(rows))


def test_the_check_shows_what_would_be_created_and_saves_nothing(chair_a):
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    run = import_check(actor=chair_a, run_id=upload(chair_a, rows).pk)
    assert run.state == ImportState.CHECKED
    assert not Incident.objects.exists()
    assert not PanelSubmission.objects.exists()
    assert not AuditEntry.objects.filter(imported_line__isnull=False).exists()
    summary = run.summary
    assert summary["cases"] == len(SCENARIOS)
    assert sum(item["count"] for item in summary["by_state"]) == len(SCENARIOS)
    assert {item["state"] for item in summary["by_state"]} >= {"Draft", "Withdrawn", "Closed", "Decided"}
    clocks = {(item["regime"], item["clock"]): item for item in summary["clocks"]}
    assert any(item["missed"] for item in clocks.values()) and any(item["met"] for item in clocks.values())
    assert run.content, "the file is kept until it is confirmed"
    # Confirmed, the same file makes what the check said.
    run = import_apply(actor=chair_a, run_id=run.pk)
    assert run.state == ImportState.IMPORTED
    assert run.summary == summary
    assert run.incidents.count() == Incident.objects.count() == len(SCENARIOS)


def test_a_second_import_of_the_same_file_creates_nothing(chair_a):
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    import_apply(actor=chair_a, run_id=upload(chair_a, rows).pk)
    counts = (Incident.objects.count(), PanelSubmission.objects.count(), AuditEntry.objects.count())
    again = import_apply(actor=chair_a, run_id=upload(chair_a, rows).pk)
    assert again.state == ImportState.IMPORTED
    assert again.summary["cases"] == 0 and again.summary["already_in"] == len(SCENARIOS)
    # Only the second run's own entries (uploaded, imported) are new.
    assert (Incident.objects.count(), PanelSubmission.objects.count(), AuditEntry.objects.count() - 2) == counts


def test_a_row_with_a_reference_already_in_is_recognised(chair_a):
    rows = fictional_rows(2, board_code="AAA")
    import_apply(actor=chair_a, run_id=upload(chair_a, rows).pk)
    first = Incident.objects.get(external_reference="HIST-00001")
    # A later file that names the case by the service's reference, and no external reference.
    rows[0].update(reference=first.reference, external_reference="")
    again = import_apply(actor=chair_a, run_id=upload(chair_a, rows).pk)
    assert again.summary["already_in"] == 2 and Incident.objects.count() == 2


def test_an_imported_case_keeps_its_references_and_is_numbered_in_its_own_year(chair_a):
    rows = fictional_rows(3, board_code="AAA")
    rows[1]["reference"] = "AAA-2016-901"
    import_apply(actor=chair_a, run_id=upload(chair_a, rows).pk)
    first, second, third = (Incident.objects.get(external_reference=f"HIST-0000{n}") for n in (1, 2, 3))
    assert second.reference == "AAA-2016-901"
    assert first.reference.startswith(f"AAA-{rows[0]['la_aware_on'].year}-")
    assert third.reference.startswith(f"AAA-{rows[2]['received_on'].year}-")


def test_every_entry_is_marked_imported_with_its_file_line_and_importing_chair(chair_a):
    rows = fictional_rows(len(SCENARIOS), board_code="AAA")
    run = import_apply(actor=chair_a, run_id=upload(chair_a, rows, name="westbrook-history.csv").pk)
    entries = AuditEntry.objects.exclude(object_id=run.pk, transition__in=["upload", "import"])
    assert entries.count() > 100
    assert set(entries.values_list("imported_from", flat=True)) == {"westbrook-history.csv"}
    assert set(entries.values_list("actor", flat=True)) == {chair_a.pk}
    for incident in Incident.objects.all():
        line = int(incident.external_reference.removeprefix("HIST-")) + 1
        assert set(AuditEntry.objects.for_object(incident).values_list("imported_line", flat=True)) <= {line}
    # The panel's own events are the panel's, recorded by the importing chair.
    advice = entries.filter(transition="record_advice")
    assert advice.exists() and set(advice.values_list("actor_role", flat=True)) == {Role.PANEL_MEMBER}
    assert set(entries.filter(transition="record_decision").values_list("actor_role", flat=True)) == {Role.BOARD_CHAIR}
    # The run itself is audited: uploaded, then imported.
    assert list(AuditEntry.objects.for_object(run).values_list("transition", flat=True)) == ["upload", "import"]


def test_the_case_timeline_says_an_entry_was_imported(chair_a, client):
    from tests.conftest import sign_in_with_both_factors

    import_apply(actor=chair_a, run_id=upload(chair_a, fictional_rows(6, board_code="AAA"), name="old.csv").pk)
    incident = Incident.objects.get(external_reference="HIST-00005")
    sign_in_with_both_factors(client, chair_a)
    page = client.get(f"/cases/{incident.public_id}/").content.decode()
    assert "Imported from old.csv, line 6" in page


def test_only_the_boards_chair_imports(staff_a, chair_b, chair_a):
    content = csv_bytes(fictional_rows(2))
    for actor in (staff_a, chair_b):
        with pytest.raises(RoleNotPermitted):
            import_run_create(actor=actor, board=chair_a.board, file_name="x.csv", content=content)
    run = upload(chair_a, fictional_rows(2))
    with pytest.raises(RoleNotPermitted):
        import_apply(actor=chair_b, run_id=run.pk)
    assert not Incident.objects.exists()


# --- manage.py import_cases -------------------------------------------------------------------


def write(tmp_path, rows, name="history.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return str(path)


def test_the_command_imports_and_says_what_it_made(tmp_path, chair_a):
    out = StringIO()
    call_command("import_cases", write(tmp_path, fictional_rows(18)), board="AAA", stdout=out, stderr=StringIO())
    assert "Imported 18 cases from history.csv into board AAA" in out.getvalue()
    assert Incident.objects.filter(board=chair_a.board).count() == 18
    assert ImportRun.objects.get().from_command


def test_the_commands_dry_run_saves_nothing(tmp_path, chair_a):
    out = StringIO()
    call_command(
        "import_cases", write(tmp_path, fictional_rows(18)), board="AAA", dry_run=True, stdout=out, stderr=StringIO()
    )
    assert "Would create 18 cases" in out.getvalue() and "Dry run: nothing saved." in out.getvalue()
    assert not Incident.objects.exists()


def test_the_command_reports_every_problem_and_fails(tmp_path, chair_a):
    rows = fictional_rows(18)
    rows[0]["sex"], rows[4]["age_at_incident"] = "x", "old"
    with pytest.raises(CommandError) as error:
        call_command("import_cases", write(tmp_path, rows), board="AAA", stdout=StringIO(), stderr=StringIO())
    report = str(error.value)
    assert "2 problem(s) in history.csv; nothing saved:" in report
    assert "line 2, sex: 'x': Enter one of: female, male, not_known" in report
    assert "line 6, age_at_incident: 'old': Enter a whole number, like 4" in report
    assert not Incident.objects.exists()


def test_the_command_refuses_an_unknown_board_or_a_board_without_a_chair(tmp_path, chair_a, staff_b):
    path = write(tmp_path, fictional_rows(2))
    with pytest.raises(CommandError, match="No board has the code 'ZZZ'"):
        call_command("import_cases", path, board="ZZZ")
    with pytest.raises(CommandError, match="Board BBB has no active chair to import as"):
        call_command("import_cases", path, board="BBB")
    with pytest.raises(CommandError, match=r"staff\.b@test\.example is not an active chair of board AAA"):
        call_command("import_cases", path, board="AAA", user="staff.b@test.example")
    assert not Incident.objects.exists()
