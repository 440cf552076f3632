"""The fictional history (`imports.fictional`, `scripts/generate_import_file.py`): a 2,000-row file has
every scenario, both regimes and only past dates, and the script writes a file the import reads."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from imports.fictional import FIRST_DAY, SCENARIOS, fictional_rows
from imports.files import read_rows

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_import_file.py"
WT2018 = date(2018, 6, 29)  # Working Together 2018 in force: the regime follows received_on


def scenario_of(row: dict) -> str:
    """Which of SCENARIOS a row's cells tell, read from its final state alone."""
    if not row.get("received_on"):
        return "draft"
    if row.get("withdrawn_on"):
        return "withdrawn"
    if not row.get("decided_on"):
        return "under_consideration" if row.get("referred_to_subgroup_on") else "notified"
    response = row.get("submission_board_response")
    if row["decision"] == "not_initiate":
        if row.get("submission_panel_view"):
            return "not_initiated_disagreed_explained"
        if response:
            return f"not_initiated_disagreed_{response}"
        if row.get("submission_advice_1") == "further_information_requested":
            return "not_initiated_information_then_agreed"
        if row.get("submission_advice_1") == "national_review":
            return "not_initiated_national_review"
        return "not_initiated_agreed"
    if row.get("taken_down_on"):
        return "review_published_taken_down"
    if not row.get("signed_off_on"):
        return "review_stopped" if row.get("review_stopped_on") else "review_in_progress"
    if not row.get("proposed_on"):
        return "review_published"
    if row.get("proposal_advice_1") == "disagree":
        return "review_disagreed_published" if row.get("published_on") else "review_disagreed_withheld"
    # From Working Together 2018 the partners decide the mode themselves: the proposed mode tells the scenario.
    modes = {"summary_only": "review_summary_only", "not_published": "review_withheld"}
    return modes.get(row["proposed_mode"], "review_disagreed_withheld")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return fictional_rows(2000, board_code="NFD")


def test_every_scenario_appears_in_2000_rows(rows):
    seen = {scenario_of(row) for row in rows}
    assert set(SCENARIOS) <= seen, f"missing: {sorted(set(SCENARIOS) - seen)}"
    assert seen <= set(SCENARIOS)


def test_every_final_state_appears(rows):
    """Incidents withdrawn and closed; submissions closed with each outcome; publications published,
    withheld and taken down."""
    assert any(row.get("withdrawn_on") for row in rows)
    assert any(row.get("closed_on") for row in rows)
    advice = {row.get(f"{p}advice_{n}") for row in rows for p in ("submission_", "proposal_") for n in "12"}
    assert {"agree", "disagree", "national_review", "further_information_requested"} <= advice
    assert {"agree_summary_only", "agree_not_publish"} <= advice
    responses = {row.get("submission_board_response") for row in rows} | {
        row.get("proposal_board_response") for row in rows
    }
    assert {"accepted", "not_accepted", "further_explanation"} <= responses
    assert any(row.get("submission_panel_view") == "satisfied" for row in rows)
    for event in ("published_on", "withheld_on", "taken_down_on", "review_stopped_on", "review_resumed_on"):
        assert any(row.get(event) for row in rows), event


def test_both_regimes_appear(rows):
    received = [row["received_on"] for row in rows if row.get("received_on")]
    assert any(on < WT2018 for on in received), "no case under Working Together 2013/2015"
    assert any(on >= WT2018 for on in received), "no case under Working Together 2018 or later"
    # Working Together 2018 on: the rapid review is the submission, and no proposal goes to the panel.
    later = [row for row in rows if row.get("received_on") and row["received_on"] >= WT2018]
    assert any(row.get("decision") == "initiate_scr" and row.get("submission_sent_on") for row in later)
    assert not any(row.get("proposal_sent_on") for row in later)
    earlier = [row for row in rows if row.get("received_on") and row["received_on"] < WT2018]
    assert not any(row.get("decision") == "initiate_scr" and row.get("submission_sent_on") for row in earlier)
    assert any(row.get("proposal_sent_on") for row in earlier)


def test_every_date_is_in_the_past(rows):
    today = timezone.localdate()
    dates = [value for row in rows for value in row.values() if isinstance(value, date)]
    assert dates
    assert max(dates) < today
    assert min(dates) >= FIRST_DAY - timedelta(days=3)  # an incident may be days before awareness


def test_the_same_seed_writes_the_same_rows():
    assert fictional_rows(40, seed=7) == fictional_rows(40, seed=7)
    assert fictional_rows(40, seed=7) != fictional_rows(40, seed=8)


def _script():
    spec = importlib.util.spec_from_file_location("generate_import_file", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_script_writes_a_file_the_import_reads(tmp_path, capsys, kind):
    out = tmp_path / f"history.{kind}"
    assert _script().main(["--rows", "36", "--board", "nfd", "--format", kind, "--out", str(out), "--seed", "3"]) == 0
    assert "Wrote 36 fictional rows" in capsys.readouterr().out
    read = read_rows(out.name, out.read_bytes())
    header, table = read.header, read.rows
    assert len(table) == 36
    assert header[:3] == ["board", "reference", "external_reference"]
    assert {raw["board"] for _, raw in table} == {"NFD"}
    assert [line for line, _ in table] == list(range(2, 38))


def test_a_fictional_file_imports_into_every_final_state(chair_a):
    """One round of the scenarios, through the real import: every final state of a case, a submission
    and a publication comes out of the services."""
    from imports.models import ImportState
    from imports.services import import_apply, import_run_create
    from imports.spreadsheets import csv_bytes
    from incidents.models import Incident
    from panel.models import PanelSubmission
    from publication.models import Publication

    board = chair_a.board
    content = csv_bytes(fictional_rows(len(SCENARIOS), board_code=board.code, seed=11))
    run = import_run_create(actor=chair_a, board=board, file_name="history.csv", content=content)
    run = import_apply(actor=chair_a, run_id=run.pk)
    assert run.state == ImportState.IMPORTED, run.problems
    incidents = Incident.objects.filter(board=board)
    assert incidents.count() == len(SCENARIOS)
    assert {"draft", "notified", "under_consideration", "withdrawn", "decided", "closed"} <= set(
        incidents.values_list("state", flat=True)
    )
    outcomes = set(PanelSubmission.objects.filter(board=board).values_list("outcome", flat=True))
    assert {"agreed", "scr_initiated_after_advice", "advice_not_accepted", "satisfied_after_explanation"} <= outcomes
    states = set(Publication.objects.filter(review__incidents__board=board).values_list("state", flat=True))
    assert {"published", "withheld", "taken_down"} <= states
