"""An imported history counts as the same cases entered through the API (SPEC §8 "Import"): the
fictional file, in both regimes and every final state, is imported into board B and entered into
board A through the JSON API only, event by event in replay's order; both boards then give the same
statistics for three periods, and each case the same state, regime, outcomes and clocks."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from accounts.models import ApiToken
from audit.models import AuditEntry
from imports.fictional import SCENARIOS, fictional_rows
from imports.models import ImportRun, ImportState
from imports.replay import IMPORTED_SIGN_OFF
from imports.services import import_apply, import_run_create
from imports.spreadsheets import csv_bytes
from incidents.choices import IncidentState
from incidents.models import Incident
from incidents.services import SIN_FIELDS
from panel.models import PanelSubmission
from reviews.choices import RATIONALE_LIMBS
from reviews.models import SeriousCaseReview
from scr_tracker.models import ClockRow
from tests.api import token_client

FILE_NAME = "history.csv"
STATISTICS = reverse("api:statistics-national")
PERIODS = (("2014-04-01", "2015-03-31"), ("2018-04-01", "2019-03-31"), ("2014-01-01", "2024-12-31"))
CHAIR, PANEL = "chair", "panel"


def _text(name: str):
    return lambda row: (row.get(name) or "").strip()


def _payload(**builders):
    """A transition's payload: each field from the row (a column name, or a function of the row)."""
    return lambda row: {field: (how(row) if callable(how) else row.get(how)) for field, how in builders.items()}


# --- The API driver: each event's date column, its transition, its payload and who records it ---------

INCIDENT_STEPS = (
    ("received_on", "notify", _payload(ofsted_notified_on="ofsted_notified_on"), CHAIR),
    ("referred_to_subgroup_on", "refer_to_subgroup", _payload(), CHAIR),
    ("withdrawn_on", "withdraw", _payload(reason=_text("withdrawal_reason")), CHAIR),
    (
        "decided_on",
        "record_decision",
        _payload(
            decision="decision",
            rationale=lambda row: {limb.value: _text("decision_rationale")(row) for limb in RATIONALE_LIMBS},
            national_review_recommended="national_review_recommended",
            rapid_review_summary=_text("rapid_review_summary"),
        ),
        CHAIR,
    ),
)


def submission_steps(p: str) -> tuple:
    return (
        (f"{p}sent_on", "submit", _payload(), CHAIR),
        (
            f"{p}advice_1_on",
            "record_advice",
            _payload(advice=f"{p}advice_1", reasons=_text(f"{p}advice_1_reasons")),
            PANEL,
        ),
        (f"{p}information_on", "provide_information", _payload(information=_text(f"{p}information")), CHAIR),
        (
            f"{p}advice_2_on",
            "record_advice",
            _payload(advice=f"{p}advice_2", reasons=_text(f"{p}advice_2_reasons")),
            PANEL,
        ),
        (
            f"{p}board_response_on",
            "record_board_response",
            _payload(response=f"{p}board_response", explanation=_text(f"{p}board_response_explanation")),
            CHAIR,
        ),
        (
            f"{p}panel_view_on",
            "record_panel_view",
            _payload(view=f"{p}panel_view", reasons=_text(f"{p}panel_view_reasons")),
            PANEL,
        ),
    )


# Replayed in the order of their dates, ties in this order (as `imports.replay.REVIEW_EVENTS`).
REVIEW_STEPS = (
    ("review_started_on", "start", _payload(methodology="methodology", lead_reviewer=_text("lead_reviewer")), CHAIR),
    ("review_stopped_on", "stop_clock", _payload(reason="stop_reason", detail=_text("stop_detail")), CHAIR),
    ("review_resumed_on", "resume_clock", _payload(), CHAIR),
    ("drafting_on", "begin_drafting", _payload(), CHAIR),
    # The file has no overview report: the import's sign-off gives its reason, and so does the API's.
    ("signed_off_on", "sign_off", _payload(reason=lambda row: IMPORTED_SIGN_OFF), CHAIR),
)

SEND_AND_PROPOSE = (
    ("report_sent_on", "send_report", _payload(), CHAIR),
    (
        "proposed_on",
        "propose",
        _payload(
            mode="proposed_mode", reasons=_text("proposal_reasons"), independent_advice=_text("independent_advice")
        ),
        CHAIR,
    ),
)
PUBLISH_OR_NOT = (
    ("published_on", "publish", _payload(url=_text("url")), CHAIR),
    ("withheld_on", "withhold", _payload(reason=_text("withheld_reason")), CHAIR),
    ("taken_down_on", "take_down", _payload(reason=_text("taken_down_reason")), CHAIR),
)
CLOSE = (("closed_on", "close", _payload(), CHAIR),)


class ApiDriver:
    """Enters a row through the JSON API only, following the links each answer gives."""

    def __init__(self, chair, panel_member):
        self.clients = {CHAIR: token_client(chair), PANEL: token_client(panel_member)}

    def post(self, url: str, data: dict, who: str = CHAIR, what: str = "") -> dict:
        response = self.clients[who].post(url, data, format="json")
        assert response.status_code in (200, 201), f"{what}: {response.status_code} {response.json()}"
        return response.json()

    def get(self, url: str) -> dict:
        response = self.clients[CHAIR].get(url)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        return response.json()

    def run(self, url: str, steps, row: dict, *, by_date: bool = False) -> None:
        present = [(row[step[0]], n, step) for n, step in enumerate(steps) if row.get(step[0])]
        for on, _, (column, name, payload, who) in sorted(present) if by_date else present:
            data = {"event_date": on, **payload(row)}
            self.post(f"{url}transitions/{name}/", data, who, f"{row['child_pseudonym']} {column} ({name})")

    def enter(self, row: dict) -> None:
        case = self.post(reverse("api:incident-list"), {name: row.get(name) for name in SIN_FIELDS}, what="create")
        url = case["url"]
        self.run(url, INCIDENT_STEPS, row)
        if row.get("decided_on"):
            case = self.get(url)
            if case["submission"]:
                self.run(case["submission"], submission_steps("submission_"), row)
                case = self.get(url)
            if case["review"]:
                self.run(case["review"], REVIEW_STEPS, row, by_date=True)
                if row.get("signed_off_on"):
                    publication = self.get(self.get(case["review"])["publication"])["url"]
                    self.run(publication, SEND_AND_PROPOSE, row)
                    proposal = self.get(publication)["submission"]
                    if proposal:
                        self.run(proposal, submission_steps("proposal_"), row)
                    self.run(publication, PUBLISH_OR_NOT, row)
        self.run(url, CLOSE, row)


# --- What is compared -----------------------------------------------------------------------------


def statistics(chair, date_from: str, date_to: str) -> dict:
    response = token_client(chair).get(STATISTICS, {"from": date_from, "to": date_to})
    assert response.status_code == 200
    return response.json()


def case_facts(board) -> dict:
    """Each case of the board by its pseudonym: state, regime, submissions' outcomes, its review and
    publication, and its clock rows."""
    facts = {}
    for incident in Incident.objects.filter(board=board).order_by("pk"):
        submissions = PanelSubmission.objects.filter(
            Q(decision__incident=incident) | Q(publication__review__incidents=incident)
        ).order_by("pk")
        reviews = SeriousCaseReview.objects.filter(incidents=incident).order_by("pk")
        clocks = ClockRow.objects.filter(incident=incident).order_by("name", "starts_on")
        facts[incident.child_pseudonym] = {
            "state": incident.state,
            "regime": incident.regime,
            "outcomes": [(s.kind, s.state, s.outcome) for s in submissions],
            "reviews": list(reviews.values_list("state", "publication__state", "publication__mode")),
            "clocks": list(clocks.values_list("name", "starts_on", "due_on", "ended_on", "stopped", "halted")),
        }
    return facts


@pytest.fixture
def rows(board_b):
    return fictional_rows(2 * len(SCENARIOS), board_code=board_b.code)


@pytest.fixture
def imported(rows, board_b, chair_b):
    run = import_run_create(actor=chair_b, board=board_b, file_name=FILE_NAME, content=csv_bytes(rows))
    run = import_apply(actor=chair_b, run_id=run.pk)
    assert (run.state, run.problems) == (ImportState.IMPORTED, [])
    return run


@pytest.fixture
def entered(rows, chair_a, panel_member):
    driver = ApiDriver(chair_a, panel_member)
    for row in rows:
        driver.enter(row)


def test_the_fictional_file_has_both_regimes(rows):
    assert len(rows) == 36  # each scenario twice
    assert {row["received_on"] >= date(2018, 6, 29) for row in rows if row.get("received_on")} == {True, False}


def test_the_cases_and_statistics_are_those_of_the_same_cases_entered_through_the_api(
    imported, entered, board_a, board_b, chair_a, chair_b
):
    through_api, from_file = case_facts(board_a), case_facts(board_b)
    assert list(from_file) == list(through_api)
    assert {facts["state"] for facts in from_file.values()} == {
        IncidentState.DRAFT,
        IncidentState.NOTIFIED,
        IncidentState.UNDER_CONSIDERATION,
        IncidentState.WITHDRAWN,
        IncidentState.DECIDED,
        IncidentState.CLOSED,
    }
    assert {"wt2013", "wt2018"} <= {facts["regime"] for facts in from_file.values()}
    for pseudonym, facts in from_file.items():
        assert facts == through_api[pseudonym], pseudonym
    for date_from, date_to in PERIODS:
        assert statistics(chair_b, date_from, date_to) == statistics(chair_a, date_from, date_to), date_from


def test_imported_entries_are_marked_with_the_file_and_line(imported, entered, rows, board_a, board_b, chair_b):
    not_cases = ContentType.objects.get_for_models(ImportRun, ApiToken).values()
    entries = AuditEntry.objects.filter(board=board_b).exclude(content_type__in=not_cases)
    assert entries.exists()
    assert set(entries.values_list("imported_from", "actor")) == {(FILE_NAME, chair_b.pk)}
    lines = {row["child_pseudonym"]: line for line, row in enumerate(rows, start=2)}
    incident_type = ContentType.objects.get_for_model(Incident)
    for incident in Incident.objects.filter(board=board_b).exclude(state=IncidentState.DRAFT):  # a draft has none
        own = entries.filter(content_type=incident_type, object_id=incident.pk)
        assert set(own.values_list("imported_line", flat=True)) == {lines[incident.child_pseudonym]}
    assert set(entries.values_list("imported_line", flat=True)) <= set(lines.values())
    typed_in = AuditEntry.objects.filter(board=board_a)
    assert typed_in.exists()
    assert set(typed_in.values_list("imported_from", "imported_line")) == {("", None)}
