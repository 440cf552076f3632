"""The panel API (SPEC §8): submissions and their transitions, meetings, scoping, schema."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AccessEvent, AuditEntry
from incidents.choices import IncidentState
from incidents.models import Incident
from panel.api import NO_SUCH_MEETING, NO_SUCH_MEMBER, TRANSITION_APIS
from panel.choices import Advice, BoardResponse, SubmissionState
from panel.models import SUBMISSION_TRANSITIONS, PanelMeeting, PanelSubmission, SubmissionEvent
from panel.services import (
    submission_record_board_response,
    submission_schedule,
    submission_withdraw,
)
from reviews.choices import DecisionKind
from reviews.models import Decision
from tests.api import assert_matches_schema, decision_url, incident_url, session_client, token_client
from tests.factories import SecretariatFactory
from tests.workflow import advise, case_in, meeting_arranged, reconsidered, submission_of, submit

TODAY = date(2015, 3, 2)
EVENT = "2015-02-20"  # after every event submission_in records, before TODAY
LIST = "/api/v1/submissions/"
DETAIL = "/api/v1/submissions/{public_id}/"
MEETINGS = "/api/v1/meetings/"
MEETING = "/api/v1/meetings/{public_id}/"


def submission_type():
    return ContentType.objects.get_for_model(PanelSubmission)


def transition_path(name):
    return f"/api/v1/submissions/{{public_id}}/transitions/{name}/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


# --- Building submissions in every state, through the services -------------------------------


def workflow_secretariat():
    return User.objects.filter(email="workflow.secretariat@test.example").first() or SecretariatFactory(
        email="workflow.secretariat@test.example", full_name="Workflow Secretariat"
    )


def meeting_on(day: date) -> PanelMeeting:
    return PanelMeeting.objects.filter(meets_on=day).first() or meeting_arranged(workflow_secretariat(), day)


def submission_in(state: str, chair) -> PanelSubmission:
    """A non-initiation submission of the chair's board in `state`, reached the way users reach it.

    Decided 2 Feb 2015, sent 3 Feb; scheduled, advised or withdrawn 4-5 Feb; explained 6 Feb.
    """
    incident = case_in(IncidentState.DECIDED, chair)
    submission = submission_of(incident)
    if state == SubmissionState.DRAFT:
        return submission
    submit(chair, incident)
    if state == SubmissionState.SCHEDULED:
        submission_schedule(
            actor=workflow_secretariat(),
            submission_id=submission.pk,
            event_date=date(2015, 2, 4),
            meeting_id=meeting_on(date(2015, 2, 10)).pk,
        )
    elif state == SubmissionState.AWAITING_INFORMATION:
        advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 2, 5))
    elif state == SubmissionState.AWAITING_BOARD_RESPONSE:
        advise(submission, Advice.DISAGREE, on=date(2015, 2, 5))
    elif state == SubmissionState.AWAITING_PANEL_VIEW:
        advise(submission, Advice.DISAGREE, on=date(2015, 2, 5))
        submission_record_board_response(
            actor=chair,
            submission_id=submission.pk,
            event_date=date(2015, 2, 6),
            response=BoardResponse.FURTHER_EXPLANATION,
            explanation="The board explains its decision further.",
        )
    elif state == SubmissionState.CLOSED:
        advise(submission, Advice.AGREE, on=date(2015, 2, 5))
    elif state == SubmissionState.WITHDRAWN:
        # Withdrawn after it was sent, so the panel can still read it.
        submission_withdraw(
            actor=chair, submission_id=submission.pk, event_date=date(2015, 2, 4), reason="Reconsidering"
        )
    submission = PanelSubmission.objects.get(pk=submission.pk)
    assert submission.state == state
    return submission


def submission_url(submission) -> str:
    return reverse("api:submission-detail", kwargs={"public_id": submission.public_id})


def transition_url(submission, name: str) -> str:
    return f"{submission_url(submission)}transitions/{name}/"


def meeting_url(meeting) -> str:
    return reverse("api:meeting-detail", kwargs={"public_id": meeting.public_id})


def state_of(submission) -> str:
    return PanelSubmission.objects.get(pk=submission.pk).state


def audit_count(submission) -> int:
    return AuditEntry.objects.for_object(submission).count()


# --- Transitions --------------------------------------------------------------------------------

# transition → (states it runs from, state the payload below leads to, who runs it)
TABLE = {
    "submit": ({"draft"}, "submitted", "chair_a"),
    "schedule": ({"submitted"}, "scheduled", "secretariat"),
    "record_advice": ({"submitted", "scheduled"}, "closed", "panel_member"),
    "provide_information": ({"awaiting_information"}, "submitted", "staff_a"),
    "record_board_response": ({"awaiting_board_response"}, "closed", "chair_a"),
    "record_panel_view": ({"awaiting_panel_view"}, "closed", "panel_member"),
    "withdraw": ({"draft", "submitted", "scheduled", "awaiting_information"}, "withdrawn", "chair_a"),
}
PANEL_PERSONAS = {"panel_member", "secretariat"}
ALLOWED = [(name, state) for name, (sources, _, _) in TABLE.items() for state in sorted(sources)]
REFUSED = [
    (name, state) for name, (sources, _, _) in TABLE.items() for state in SubmissionState.values if state not in sources
]


def payload(name: str) -> dict:
    payloads = {
        "submit": {"event_date": EVENT},
        "schedule": {"event_date": EVENT, "meeting": str(meeting_on(date(2015, 2, 25)).public_id)},
        "record_advice": {"event_date": EVENT, "advice": "agree", "reasons": "The decision was reasonable."},
        "provide_information": {"event_date": EVENT, "information": "The post-mortem report is attached."},
        "record_board_response": {
            "event_date": EVENT,
            "response": "not_accepted",
            "explanation": "The board stands by its decision.",
        },
        "record_panel_view": {"event_date": EVENT, "view": "satisfied", "reasons": "The explanation is sufficient."},
        "withdraw": {"event_date": EVENT, "reason": "The decision is being reconsidered."},
    }
    return payloads[name]


def test_every_transition_has_an_endpoint():
    assert set(TRANSITION_APIS) == set(SUBMISSION_TRANSITIONS) == set(TABLE)


class TestTransitions:
    @pytest.mark.parametrize(("name", "state"), ALLOWED)
    def test_from_an_allowed_state(self, request, chair_a, name, state):
        submission = submission_in(state, chair_a)
        actor = request.getfixturevalue(TABLE[name][2])
        entries = audit_count(submission)
        response = session_client(actor).post(transition_url(submission, name), payload(name), format="json")
        assert response.status_code == 200, response.json()
        assert_matches_schema(response, transition_path(name), "post")
        target = TABLE[name][1]
        assert response.json()["state"] == target == state_of(submission)
        assert response.json()["url"].endswith(submission_url(submission))
        assert audit_count(submission) == entries + 1
        entry = AuditEntry.objects.for_object(submission).order_by("-pk").first()
        assert (entry.transition, entry.from_state, entry.to_state, entry.actor) == (name, state, target, actor)
        assert entry.event_date.isoformat() == EVENT

    @pytest.mark.parametrize(("name", "state"), REFUSED)
    def test_refused_from_any_other_state_with_409(self, request, chair_a, name, state):
        submission = submission_in(state, chair_a)
        persona = TABLE[name][2]
        entries, events = audit_count(submission), SubmissionEvent.objects.count()
        response = session_client(request.getfixturevalue(persona)).post(
            transition_url(submission, name), payload(name), format="json"
        )
        assert_matches_schema(response, transition_path(name), "post")
        if state == "draft" and persona in PANEL_PERSONAS:
            assert response.status_code == 404  # a draft is the board's own: the panel cannot see it
        else:
            assert response.status_code == 409
            body = response.json()
            assert (body["state"], body["allowed_from"]) == (state, sorted(TABLE[name][0]))
        assert state_of(submission) == state
        assert audit_count(submission) == entries and SubmissionEvent.objects.count() == events

    @pytest.mark.parametrize(
        ("name", "state", "persona"),
        [
            ("submit", "submitted", "panel_member"),  # in the panel's scope once sent; still not theirs to send
            ("submit", "submitted", "secretariat"),
            ("schedule", "submitted", "panel_member"),
            ("schedule", "submitted", "chair_a"),
            ("record_advice", "submitted", "chair_a"),
            ("record_advice", "scheduled", "staff_a"),
            ("provide_information", "awaiting_information", "panel_member"),
            ("record_board_response", "awaiting_board_response", "staff_a"),
            ("record_board_response", "awaiting_board_response", "secretariat"),
            ("record_panel_view", "awaiting_panel_view", "chair_a"),
            ("withdraw", "draft", "staff_a"),
            ("withdraw", "submitted", "panel_member"),
        ],
    )
    def test_a_role_that_may_not_is_403(self, request, chair_a, name, state, persona):
        submission = submission_in(state, chair_a)
        entries = audit_count(submission)
        response = session_client(request.getfixturevalue(persona)).post(
            transition_url(submission, name), payload(name), format="json"
        )
        assert response.status_code == 403
        assert_matches_schema(response, transition_path(name), "post")
        assert state_of(submission) == state and audit_count(submission) == entries

    def test_the_role_is_refused_before_the_payload_is_looked_at(self, chair_a, staff_a):
        submission = submission_in("awaiting_board_response", chair_a)
        response = session_client(staff_a).post(transition_url(submission, "record_board_response"), {}, format="json")
        assert response.status_code == 403

    @pytest.mark.parametrize("persona", ["chair_b", "staff_b", "administrator"])
    @pytest.mark.parametrize(("name", "state"), [("submit", "draft"), ("withdraw", "submitted")])
    def test_another_boards_submission_is_404(self, request, chair_a, persona, name, state):
        submission = submission_in(state, chair_a)
        response = session_client(request.getfixturevalue(persona)).post(
            transition_url(submission, name), payload(name), format="json"
        )
        assert response.status_code == 404
        assert_matches_schema(response, transition_path(name), "post")
        assert state_of(submission) == state

    @pytest.mark.parametrize("name", ["close", "delete", "SUBMIT", "notify"])
    def test_an_unknown_transition_is_404(self, chair_a, name):
        submission = submission_in("draft", chair_a)
        response = session_client(chair_a).post(transition_url(submission, name), {"event_date": EVENT}, format="json")
        assert response.status_code == 404
        assert state_of(submission) == "draft"

    def test_only_post(self, chair_a):
        submission = submission_in("draft", chair_a)
        assert session_client(chair_a).get(transition_url(submission, "submit")).status_code == 405

    @pytest.mark.parametrize(
        ("name", "state", "changes", "field"),
        [
            ("submit", "draft", {"event_date": None}, "event_date"),
            ("submit", "draft", {"event_date": "2015-03-03"}, "event_date"),  # tomorrow
            ("submit", "draft", {"event_date": "2015-02-01"}, "event_date"),  # before the decision
            ("submit", "draft", {"state": "submitted"}, "state"),
            ("submit", "draft", {"covering_note": "Sneaked in"}, "covering_note"),
            ("schedule", "submitted", {"meeting": None}, "meeting"),
            ("schedule", "submitted", {"meeting": "not-a-uuid"}, "meeting"),
            ("schedule", "submitted", {"meeting": "00000000-0000-4000-8000-000000000009"}, "meeting"),
            ("record_advice", "submitted", {"advice": "maybe"}, "advice"),
            ("record_advice", "submitted", {"advice": "agree_not_publish"}, "advice"),  # not for non-initiation
            ("record_advice", "submitted", {"reasons": " "}, "reasons"),
            ("record_advice", "submitted", {"information_due": "2015-04-01"}, "information_due"),  # agree
            ("record_advice", "submitted", {"event_date": "2015-02-02"}, "event_date"),  # before it was sent
            ("provide_information", "awaiting_information", {"information": ""}, "information"),
            ("record_board_response", "awaiting_board_response", {"response": None}, "response"),
            ("record_board_response", "awaiting_board_response", {"explanation": ""}, "explanation"),
            ("record_panel_view", "awaiting_panel_view", {"view": "happy"}, "view"),
            ("record_panel_view", "awaiting_panel_view", {"reasons": ""}, "reasons"),
            ("withdraw", "submitted", {"reason": ""}, "reason"),
            ("withdraw", "submitted", {"outcome": "agreed"}, "outcome"),
        ],
    )
    def test_bad_payloads_give_field_errors_and_save_nothing(self, request, chair_a, name, state, changes, field):
        submission = submission_in(state, chair_a)
        actor = request.getfixturevalue(TABLE[name][2])
        entries, events, decisions = audit_count(submission), SubmissionEvent.objects.count(), Decision.objects.count()
        body = {**payload(name), **changes}
        if "event_date" in changes and changes["event_date"] is None:
            del body["event_date"]
        response = session_client(actor).post(transition_url(submission, name), body, format="json")
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert_matches_schema(response, transition_path(name), "post")
        assert state_of(submission) == state and audit_count(submission) == entries
        assert SubmissionEvent.objects.count() == events and Decision.objects.count() == decisions

    def test_an_unknown_meeting_is_named_as_such(self, chair_a, secretariat):
        submission = submission_in("submitted", chair_a)
        body = {"event_date": EVENT, "meeting": "00000000-0000-4000-8000-000000000009"}
        response = session_client(secretariat).post(transition_url(submission, "schedule"), body, format="json")
        assert response.json() == {"meeting": [NO_SUCH_MEETING]}

    def test_scheduling_names_the_meeting(self, chair_a, secretariat, panel_member, staff_a):
        submission = submission_in("submitted", chair_a)
        meeting = meeting_on(date(2015, 2, 25))
        body = {"event_date": EVENT, "meeting": str(meeting.public_id)}
        response = session_client(secretariat).post(transition_url(submission, "schedule"), body, format="json")
        assert response.json()["meeting"] == f"http://testserver{meeting_url(meeting)}"
        assert response.json()["meeting_on"] == "2015-02-25"
        assert PanelSubmission.objects.get(pk=submission.pk).meeting == meeting
        # Board users see the date, not a link to the panel's meeting (which would be 404 to them).
        board_view = session_client(staff_a).get(submission_url(submission)).json()
        assert (board_view["meeting"], board_view["meeting_on"]) == (None, "2015-02-25")


class TestSubmit:
    def test_sending_a_complete_submission_meets_its_clock(self, chair_a):
        submission = submission_in("draft", chair_a)
        response = session_client(chair_a).post(
            transition_url(submission, "submit"), {"event_date": "2015-02-10"}, format="json"
        )
        assert response.status_code == 200
        body = response.json()
        assert body["missing"] == [] and body["first_submitted_on"] == "2015-02-10"
        assert body["clocks"][0] == {
            "name": "send_to_panel",
            "starts_on": "2015-02-02",
            "due": "2015-02-16",
            "status": "met",
            "days_remaining": None,
            "days_late": None,
            "rag": None,
        }

    def test_an_incomplete_submission_is_refused_with_what_is_missing(self, chair_a):
        submission = submission_in("draft", chair_a)
        # As a case imported from a spreadsheet might be: no outline, no regulation 5 criteria.
        Incident.objects.filter(pk=submission.decision.incident_id).update(outline="", regulation_5=[])
        entries = audit_count(submission)
        client = session_client(chair_a)
        missing = client.get(submission_url(submission)).json()["missing"]
        assert missing == ["an outline of what happened", "which regulation 5 criteria apply"]
        response = client.post(transition_url(submission, "submit"), {"event_date": EVENT}, format="json")
        assert response.status_code == 400
        assert response.json() == {"missing": missing}
        assert_matches_schema(response, transition_path("submit"), "post")
        submission.refresh_from_db()
        assert (submission.state, submission.first_submitted_on) == ("draft", None)
        assert audit_count(submission) == entries

    def test_a_reconsidered_decision_cannot_be_sent(self, chair_a):
        submission = submission_in("draft", chair_a)
        reconsidered(chair_a, submission.decision.incident)
        response = session_client(chair_a).post(
            transition_url(submission, "submit"), {"event_date": EVENT}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {
            "missing": ["a current decision not to initiate (the decision has been reconsidered)"]
        }
        assert state_of(submission) == "draft"


class TestAdviceAndResponse:
    def test_the_board_accepting_the_panels_disagreement_initiates_an_scr(self, chair_a, panel_member, staff_a):
        submission = submission_in("submitted", chair_a)
        advice = {"event_date": "2015-02-18", "advice": "disagree", "reasons": "The criteria for an SCR are met."}
        response = session_client(panel_member).post(transition_url(submission, "record_advice"), advice, format="json")
        assert response.json()["state"] == "awaiting_board_response"
        assert response.json()["outcome"] == "pending_board_response"
        chair = session_client(chair_a)
        body = {"event_date": EVENT, "response": "accepted"}
        response = chair.post(transition_url(submission, "record_board_response"), body, format="json")
        assert response.status_code == 200, response.json()
        assert_matches_schema(response, transition_path("record_board_response"), "post")
        assert (response.json()["state"], response.json()["outcome"]) == ("closed", "scr_initiated_after_advice")
        assert [(row["what"], row["value"]) for row in response.json()["history"]] == [
            ("advice", "disagree"),
            ("board_response", "accepted"),
        ]
        decisions = session_client(staff_a).get("/api/v1/decisions/").json()["results"]
        latest = decisions[0]
        assert (latest["decision"], latest["decided_on"], latest["following_panel_advice"]) == (
            "initiate_scr",
            EVENT,
            True,
        )
        assert latest["incident"] == f"http://testserver{incident_url(submission.decision.incident)}"
        new = Decision.objects.get(decision=DecisionKind.INITIATE_SCR)
        assert (new.recorded_by, new.following_panel_advice) == (chair_a, True)

    def test_a_request_for_information_and_the_reply(self, chair_a, panel_member, staff_a):
        submission = submission_in("scheduled", chair_a)
        request_body = {
            "event_date": "2015-02-12",
            "advice": "further_information_requested",
            "reasons": "Send the post-mortem findings.",
        }
        response = session_client(panel_member).post(
            transition_url(submission, "record_advice"), request_body, format="json"
        )
        body = response.json()
        assert (body["state"], body["outcome"], body["information_due"]) == (
            "awaiting_information",
            "awaiting_information",
            "2015-03-12",  # one month by default
        )
        reply = body["clocks"][1]
        assert reply == {
            "name": "information_reply",
            "starts_on": "2015-02-12",
            "due": "2015-03-12",
            "status": "running",
            "days_remaining": 10,
            "days_late": None,
            "rag": "green",
        }
        answer = {"event_date": EVENT, "information": "The findings are attached."}
        response = session_client(staff_a).post(
            transition_url(submission, "provide_information"), answer, format="json"
        )
        body = response.json()
        assert body["state"] == "submitted"
        assert body["clocks"][1]["status"] == "met" and body["clocks"][1]["starts_on"] == "2015-02-12"
        assert [(row["what"], row["value"], row["text"], row["event_date"]) for row in body["history"]] == [
            ("advice", "further_information_requested", "Send the post-mortem findings.", "2015-02-12"),
            ("information", "", "The findings are attached.", EVENT),
        ]
        assert body["history"][0]["information_due"] == "2015-03-12"

    def test_a_further_explanation_and_the_panels_view(self, chair_a, secretariat):
        submission = submission_in("awaiting_panel_view", chair_a)
        view = {
            "event_date": EVENT,
            "view": "not_satisfied",
            "reasons": "The explanation does not answer the concerns.",
        }
        response = session_client(secretariat).post(
            transition_url(submission, "record_panel_view"), view, format="json"
        )
        assert (response.json()["state"], response.json()["outcome"]) == ("closed", "advice_not_accepted")


# --- Reading ------------------------------------------------------------------------------------


class TestDetail:
    def test_a_draft_for_its_board(self, chair_a, staff_a):
        submission = submission_in("draft", chair_a)
        incident = submission.decision.incident
        response = session_client(chair_a).get(submission_url(submission))
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL)
        body = response.json()
        assert body["id"] == str(submission.public_id)
        assert body["url"] == f"http://testserver{submission_url(submission)}"
        assert (body["kind"], body["state"], body["outcome"], body["board"]) == (
            "non_initiation",
            "draft",
            "not_yet_advised",
            "AAA",
        )
        assert body["incident"] == f"http://testserver{incident_url(incident)}"
        assert body["decision"] == f"http://testserver{decision_url(submission.decision)}"
        assert body["reference"] == incident.reference
        assert (body["meeting"], body["meeting_on"], body["missing"], body["history"]) == (None, None, [], [])
        assert body["covering_note"] == ""
        assert body["available_transitions"] == [
            {"name": "submit", "blocked_by": []},
            {"name": "withdraw", "blocked_by": []},
        ]
        assert body["clocks"] == [
            {
                "name": "send_to_panel",
                "starts_on": "2015-02-02",
                "due": "2015-02-16",
                "status": "missed",
                "days_remaining": None,
                "days_late": 14,
                "rag": "red",
            }
        ]  # information_reply appears with the panel's first request for information
        staff_view = session_client(staff_a).get(submission_url(submission)).json()
        assert staff_view["available_transitions"] == [{"name": "submit", "blocked_by": []}]

    def test_each_view_writes_an_access_event(self, chair_a, panel_member):
        submission = submission_in("submitted", chair_a)
        session_client(chair_a).get(submission_url(submission))
        session_client(panel_member).get(submission_url(submission))
        events = AccessEvent.objects.filter(content_type=submission_type(), object_id=submission.pk).order_by("pk")
        assert [(e.user, e.board_id, e.action) for e in events] == [
            (chair_a, chair_a.board_id, "view"),
            (panel_member, chair_a.board_id, "view"),
        ]
        assert all(e.record == submission for e in events)

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
    def test_the_panel_reads_what_was_sent_and_follows_its_links(self, request, chair_a, persona):
        submission = submission_in("scheduled", chair_a)
        client = session_client(request.getfixturevalue(persona))
        response = client.get(submission_url(submission))
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL)
        body = response.json()
        assert client.get(body["incident"]).status_code == 200
        assert client.get(body["decision"]).status_code == 200
        assert client.get(body["meeting"]).status_code == 200
        assert [t["name"] for t in body["available_transitions"]] == ["record_advice"]  # scheduled already

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
    def test_the_panel_cannot_see_a_draft(self, request, chair_a, persona):
        submission = submission_in("draft", chair_a)
        response = session_client(request.getfixturevalue(persona)).get(submission_url(submission))
        assert response.status_code == 404
        assert_matches_schema(response, DETAIL)

    @pytest.mark.parametrize("persona", ["chair_b", "staff_b", "administrator"])
    def test_another_boards_submission_is_404(self, request, chair_a, persona):
        submission = submission_in("submitted", chair_a)
        response = session_client(request.getfixturevalue(persona)).get(submission_url(submission))
        assert response.status_code == 404
        assert_matches_schema(response, DETAIL)
        assert AccessEvent.objects.filter(content_type=submission_type(), object_id=submission.pk).count() == 0

    def test_an_unknown_id_is_404(self, chair_a):
        submission = submission_in("draft", chair_a)
        client = session_client(chair_a)
        assert client.get("/api/v1/submissions/00000000-0000-0000-0000-000000000000/").status_code == 404
        assert client.get(f"/api/v1/submissions/{submission.pk}/").status_code == 404

    def test_secretariat_may_schedule_a_submitted_one(self, chair_a, secretariat):
        submission = submission_in("submitted", chair_a)
        body = session_client(secretariat).get(submission_url(submission)).json()
        assert body["available_transitions"] == [
            {"name": "schedule", "blocked_by": []},
            {"name": "record_advice", "blocked_by": []},
        ]

    @pytest.mark.parametrize("method", ["put", "delete"])
    def test_no_replace_or_delete(self, chair_a, method):
        submission = submission_in("draft", chair_a)
        response = getattr(session_client(chair_a), method)(submission_url(submission), {}, format="json")
        assert response.status_code == 405
        assert PanelSubmission.objects.filter(pk=submission.pk).exists()


class TestCoveringNote:
    @pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
    def test_the_board_edits_a_drafts_note(self, request, chair_a, persona):
        submission = submission_in("draft", chair_a)
        response = session_client(request.getfixturevalue(persona)).patch(
            submission_url(submission), {"covering_note": "  Post-mortem report to follow.  "}, format="json"
        )
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL, "patch")
        assert response.json()["covering_note"] == "Post-mortem report to follow."
        assert PanelSubmission.objects.get(pk=submission.pk).covering_note == "Post-mortem report to follow."

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("state", "submitted"),
            ("kind", "non_publication"),
            ("board", "BBB"),
            ("outcome", "agreed"),
            ("meeting", "00000000-0000-4000-8000-000000000009"),
            ("first_submitted_on", "2015-02-03"),
            ("send_to_panel_due", "2016-01-01"),
            ("decision", "00000000-0000-4000-8000-000000000009"),
        ],
    )
    def test_no_other_field_can_be_set(self, chair_a, field, value):
        submission = submission_in("draft", chair_a)
        response = session_client(chair_a).patch(
            submission_url(submission), {"covering_note": "Note", field: value}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {field: ["This field cannot be set"]}
        assert_matches_schema(response, DETAIL, "patch")
        assert PanelSubmission.objects.get(pk=submission.pk).covering_note == ""

    def test_not_once_sent(self, chair_a):
        submission = submission_in("submitted", chair_a)
        response = session_client(chair_a).patch(submission_url(submission), {"covering_note": "Late"}, format="json")
        assert response.status_code == 400
        assert "covering_note" in response.json()
        assert PanelSubmission.objects.get(pk=submission.pk).covering_note == ""

    def test_the_panel_may_read_but_not_change_it(self, chair_a, panel_member, secretariat):
        sent, draft = submission_in("submitted", chair_a), submission_in("draft", chair_a)
        for user in (panel_member, secretariat):
            client = session_client(user)
            response = client.patch(submission_url(sent), {"covering_note": "Panel edit"}, format="json")
            assert response.status_code == 403
            assert_matches_schema(response, DETAIL, "patch")
            assert client.patch(submission_url(draft), {"covering_note": "x"}, format="json").status_code == 404
        assert set(PanelSubmission.objects.values_list("covering_note", flat=True)) == {""}

    @pytest.mark.parametrize("persona", ["chair_b", "staff_b", "administrator"])
    def test_another_boards_draft_is_404(self, request, chair_a, persona):
        submission = submission_in("draft", chair_a)
        response = session_client(request.getfixturevalue(persona)).patch(
            submission_url(submission), {"covering_note": "Not mine"}, format="json"
        )
        assert response.status_code == 404
        assert PanelSubmission.objects.get(pk=submission.pk).covering_note == ""


class TestList:
    def test_a_board_sees_its_own_submissions_only(self, chair_a, chair_b, staff_a):
        mine = [submission_in("draft", chair_a), submission_in("closed", chair_a)]
        submission_in("submitted", chair_b)
        response = session_client(staff_a).get(LIST)
        assert response.status_code == 200
        assert_matches_schema(response, LIST)
        body = response.json()
        assert body["count"] == 2
        assert {row["id"] for row in body["results"]} == {str(s.public_id) for s in mine}
        closed = next(row for row in body["results"] if row["state"] == "closed")
        assert (closed["outcome"], closed["board"], closed["first_submitted_on"]) == ("agreed", "AAA", "2015-02-03")
        assert closed["url"].endswith(submission_url(mine[1]))

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
    def test_the_panel_sees_every_boards_sent_submissions(self, request, chair_a, chair_b, persona):
        sent = [submission_in("submitted", chair_a), submission_in("withdrawn", chair_b)]
        submission_in("draft", chair_a)
        response = session_client(request.getfixturevalue(persona)).get(LIST)
        assert response.status_code == 200
        assert_matches_schema(response, LIST)
        assert {row["id"] for row in response.json()["results"]} == {str(s.public_id) for s in sent}

    def test_an_administrator_sees_none(self, chair_a, administrator):
        submission_in("submitted", chair_a)
        assert session_client(administrator).get(LIST).json()["count"] == 0

    def test_filters(self, chair_a):
        draft = submission_in("draft", chair_a)
        closed = submission_in("closed", chair_a)
        waiting = submission_in("awaiting_board_response", chair_a)
        client = session_client(chair_a)

        def ids(**params):
            response = client.get(LIST, params)
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        assert ids(state="draft") == {str(draft.public_id)}
        assert ids(outcome="agreed") == {str(closed.public_id)}
        assert ids(outcome="pending_board_response", kind="non_initiation") == {str(waiting.public_id)}
        assert ids(kind="non_publication") == set()
        assert ids(state="", kind="", outcome="") == {str(s.public_id) for s in (draft, closed, waiting)}

    @pytest.mark.parametrize(("param", "value"), [("state", "lost"), ("kind", "x"), ("outcome", "won")])
    def test_bad_filter_values_are_400(self, chair_a, param, value):
        response = session_client(chair_a).get(LIST, {param: value})
        assert response.status_code == 400
        assert param in response.json()
        assert_matches_schema(response, LIST)

    @pytest.mark.parametrize("persona", ["chair_a", "secretariat"])
    @pytest.mark.parametrize("cases", [5, 50])
    def test_query_count_does_not_grow_with_the_list(
        self, request, chair_a, django_assert_max_num_queries, cases, persona
    ):
        states = ["submitted", "scheduled", "closed", "awaiting_information", "withdrawn"]
        for n in range(cases):
            submission_in(states[n % len(states)], chair_a)
        client = token_client(request.getfixturevalue(persona))
        with django_assert_max_num_queries(3 + 1):  # token and user, count, page with board, case and meeting, events
            response = client.get(LIST)
        assert response.json()["count"] == cases
        assert len(response.json()["results"]) == min(cases, 25)


# --- Meetings -----------------------------------------------------------------------------------


class TestMeetings:
    def test_the_secretariat_arranges_a_meeting(self, secretariat, panel_member):
        body = {"meets_on": "2015-02-27", "members_present": ["Member@Test.Example"], "minutes": "Three cases."}
        response = session_client(secretariat).post(MEETINGS, body, format="json")
        assert response.status_code == 201, response.json()
        assert_matches_schema(response, MEETINGS, "post")
        meeting = PanelMeeting.objects.get()
        assert (meeting.meets_on, meeting.minutes, meeting.created_by) == (
            date(2015, 2, 27),
            "Three cases.",
            secretariat,
        )
        assert list(meeting.members_present.all()) == [panel_member]
        data = response.json()
        assert response["Location"] == data["url"] == f"http://testserver{meeting_url(meeting)}"
        assert (data["meets_on"], data["members_present"], data["agenda"]) == (
            "2015-02-27",
            ["member@test.example"],
            [],
        )

    def test_a_future_meeting_needs_only_its_date(self, secretariat):
        response = session_client(secretariat).post(MEETINGS, {"meets_on": "2015-04-07"}, format="json")
        assert response.status_code == 201
        assert (response.json()["members_present"], response.json()["minutes"]) == ([], "")

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "meets_on"),
            ({"meets_on": "7 April"}, "meets_on"),
            ({"meets_on": "2015-02-10"}, "meets_on"),  # already a meeting that day
            ({"meets_on": "2015-02-11"}, "meets_on"),  # in the past, with nothing recorded of it
            ({"meets_on": "2014-04-07"}, "meets_on"),
            ({"meets_on": "2015-04-07", "minutes": "Not yet"}, "minutes"),
            ({"meets_on": "2015-02-27", "members_present": ["nobody@test.example"]}, "members_present"),
            ({"meets_on": "2015-02-27", "members_present": ["chair.a@test.example"]}, "members_present"),
            ({"meets_on": "2015-02-27", "members_present": ["not an email"]}, "members_present"),
            ({"meets_on": "2015-02-27", "created_by": 1}, "created_by"),
            ({"meets_on": "2015-02-27", "agenda": []}, "agenda"),
        ],
    )
    def test_bad_input_saves_nothing(self, secretariat, chair_a, body, field):
        meeting_on(date(2015, 2, 10))
        response = session_client(secretariat).post(MEETINGS, body, format="json")
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert_matches_schema(response, MEETINGS, "post")
        assert PanelMeeting.objects.count() == 1

    def test_a_past_date_is_refused_in_words(self, secretariat):
        response = session_client(secretariat).post(MEETINGS, {"meets_on": "2015-03-01"}, format="json")
        assert response.status_code == 400
        assert response.json()["meets_on"] == [
            "A meeting is arranged for today or later: enter 2 March 2015 or a later date "
            "(a meeting already held is recorded with who was present or its minutes)"
        ]
        assert not PanelMeeting.objects.exists()

    def test_unknown_emails_are_named_with_the_other_errors(self, secretariat, chair_a):
        body = {"meets_on": "2015-04-07", "minutes": "Early", "members_present": ["chair.a@test.example"]}
        response = session_client(secretariat).post(MEETINGS, body, format="json")
        assert response.json() == {
            "minutes": ["Minutes can be added once the meeting has taken place"],
            "members_present": [NO_SUCH_MEMBER.format(email="chair.a@test.example")],
        }
        assert PanelMeeting.objects.count() == 0

    @pytest.mark.parametrize("persona", ["panel_member", "chair_a", "staff_a", "administrator"])
    def test_only_the_secretariat_arranges_meetings(self, request, persona):
        body = {"meets_on": "2015-02-27", "members_present": ["nobody@test.example"]}
        response = session_client(request.getfixturevalue(persona)).post(MEETINGS, body, format="json")
        assert response.status_code == 403  # the role first: nothing about the emails is disclosed
        assert_matches_schema(response, MEETINGS, "post")
        assert PanelMeeting.objects.count() == 0

    def test_a_meeting_lists_its_agenda(self, chair_a, chair_b, panel_member):
        first, second = submission_in("scheduled", chair_a), submission_in("scheduled", chair_b)
        meeting = PanelMeeting.objects.get()
        client = session_client(panel_member)
        response = client.get(meeting_url(meeting))
        assert response.status_code == 200
        assert_matches_schema(response, MEETING)
        # Ordered by board name: Alphaford before Betaby.
        assert response.json()["agenda"] == [f"http://testserver{submission_url(s)}" for s in (first, second)]
        listed = client.get(MEETINGS).json()["results"]
        assert listed[0]["agenda"] == response.json()["agenda"]

    @pytest.mark.parametrize("persona", ["chair_a", "staff_a", "chair_b", "administrator"])
    def test_board_users_do_not_see_the_panels_meetings(self, request, chair_a, persona):
        submission_in("scheduled", chair_a)
        meeting = PanelMeeting.objects.get()
        client = session_client(request.getfixturevalue(persona))
        response = client.get(meeting_url(meeting))
        assert response.status_code == 404
        assert_matches_schema(response, MEETING)
        assert client.patch(meeting_url(meeting), {"minutes": "x"}, format="json").status_code == 404
        listed = client.get(MEETINGS)
        assert listed.status_code == 200 and listed.json()["count"] == 0
        assert_matches_schema(listed, MEETINGS)

    def test_the_secretariat_records_attendance_and_minutes(self, secretariat, panel_member):
        meeting = meeting_on(date(2015, 2, 24))
        client = session_client(secretariat)
        body = {"members_present": [panel_member.email, secretariat.email], "minutes": "Advice given on two cases."}
        response = client.patch(meeting_url(meeting), body, format="json")
        assert response.status_code == 200, response.json()
        assert_matches_schema(response, MEETING, "patch")
        assert response.json()["members_present"] == sorted([panel_member.email, secretariat.email])
        # A field left out keeps its value.
        response = client.patch(meeting_url(meeting), {"minutes": "Corrected minutes."}, format="json")
        assert response.json()["members_present"] == sorted([panel_member.email, secretariat.email])
        assert response.json()["minutes"] == "Corrected minutes."
        response = client.patch(meeting_url(meeting), {"members_present": []}, format="json")
        assert (response.json()["members_present"], response.json()["minutes"]) == ([], "Corrected minutes.")

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"meets_on": "2015-02-25"}, "meets_on"),
            ({"members_present": ["nobody@test.example"]}, "members_present"),
            ({"members_present": "member@test.example"}, "members_present"),
        ],
    )
    def test_bad_updates_save_nothing(self, secretariat, panel_member, body, field):
        meeting = meeting_on(date(2015, 2, 24))
        response = session_client(secretariat).patch(meeting_url(meeting), body, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert_matches_schema(response, MEETING, "patch")
        meeting.refresh_from_db()
        assert (meeting.meets_on, list(meeting.members_present.all())) == (date(2015, 2, 24), [])

    def test_a_future_meeting_has_no_minutes_yet(self, secretariat):
        meeting = meeting_on(date(2015, 3, 20))
        response = session_client(secretariat).patch(meeting_url(meeting), {"minutes": "Early"}, format="json")
        assert response.status_code == 400
        assert PanelMeeting.objects.get().minutes == ""

    def test_a_panel_member_may_read_but_not_change_a_meeting(self, panel_member):
        meeting = meeting_on(date(2015, 2, 24))
        client = session_client(panel_member)
        assert client.get(meeting_url(meeting)).status_code == 200
        response = client.patch(meeting_url(meeting), {"minutes": "Mine"}, format="json")
        assert response.status_code == 403
        assert_matches_schema(response, MEETING, "patch")
        assert PanelMeeting.objects.get().minutes == ""

    @pytest.mark.parametrize("cases", [5, 50])
    def test_query_count_does_not_grow_with_the_list(
        self, chair_a, panel_member, secretariat, django_assert_max_num_queries, cases
    ):
        for n in range(cases):
            meeting = meeting_arranged(secretariat, date(2015, 3, 1) - timedelta(days=n))
            meeting.members_present.set([panel_member, secretariat])
        for meeting in PanelMeeting.objects.order_by("-meets_on")[:3]:
            submission = submission_in("submitted", chair_a)
            submission_schedule(
                actor=secretariat, submission_id=submission.pk, event_date=date(2015, 2, 4), meeting_id=meeting.pk
            )
        client = token_client(panel_member)
        with django_assert_max_num_queries(5 + 1):  # token and user, count, page, members, agendas, access events
            response = client.get(MEETINGS)
        assert response.json()["count"] == cases
        assert len(response.json()["results"]) == min(cases, 25)
        assert sum(len(row["agenda"]) for row in response.json()["results"]) == 3


# --- Authentication and schema ------------------------------------------------------------------


def test_anonymous_requests_get_401(chair_a):
    submission = submission_in("draft", chair_a)
    client = APIClient()
    for method, url in [
        ("get", LIST),
        ("get", submission_url(submission)),
        ("patch", submission_url(submission)),
        ("post", transition_url(submission, "submit")),
        ("get", MEETINGS),
        ("post", MEETINGS),
    ]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 401, url
    assert state_of(submission) == "draft"


def test_a_token_works(chair_a):
    submission = submission_in("draft", chair_a)
    client = token_client(chair_a)
    assert client.get(LIST).json()["count"] == 1
    response = client.post(transition_url(submission, "submit"), {"event_date": EVENT}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"


def test_the_schema_documents_the_panel_api(chair_a):
    schema = session_client(chair_a).get("/api/v1/schema/", {"format": "json"}).json()
    assert {LIST, DETAIL, MEETINGS, MEETING, *(transition_path(name) for name in TABLE)} <= set(schema["paths"])
    submit_responses = schema["paths"][transition_path("submit")]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(submit_responses)
    assert "missing" in submit_responses["400"]["description"]
    body = schema["paths"][transition_path("record_advice")]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RecordAdviceInput"}
