"""Rapid reviews (SPEC §10, §4.4): the submission every decision of a 2018/2023 case opens, its
completeness check, its transitions, the Panel's advice on it and its outcome."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from incidents.choices import IncidentState
from incidents.models import Incident
from panel import views
from panel.choices import Advice, BoardResponse, Outcome, PanelView, SubmissionKind, SubmissionState
from panel.models import PanelMeeting, PanelSubmission, SubmissionEvent
from panel.outcomes import derive_outcome
from panel.services import (
    submission_provide_information,
    submission_record_advice,
    submission_record_board_response,
    submission_record_panel_view,
    submission_schedule,
    submission_submit,
    submission_withdraw,
)
from reviews.choices import RATIONALE_LIMBS, DecisionKind
from reviews.models import Decision, SeriousCaseReview
from scr_tracker.terms import term
from scr_tracker.transitions import InvalidInput
from tests.api import session_client
from tests.incidents.test_pages import date_fields, error_summary, field_errors
from tests.workflow import advise, decide, meeting_arranged, notified, reconsidered, submission_of

# After every event below, so every event date is in the past.
TODAY = date(2024, 3, 1)

# A Working Together 2018 case: aware on Tuesday 8 January 2019, the Panel notified on the 10th,
# received on the 11th, decided on the 21st, sent on the 22nd; the Panel advises on the 24th and
# the chair answers on the 25th. Transitions tested below happen on EVENT.
WT2018_DATES = {
    "incident_on": date(2019, 1, 7),
    "la_aware_on": date(2019, 1, 8),
    "ofsted_notified_on": date(2019, 1, 10),
    "received_on": date(2019, 1, 11),
    "decided_on": date(2019, 1, 21),
    "sent_on": date(2019, 1, 22),
    "advised_on": date(2019, 1, 24),
    "answered_on": date(2019, 1, 25),
}
# A Working Together 2023 case, the same steps in January 2024.
WT2023_DATES = {
    "incident_on": date(2024, 1, 8),
    "la_aware_on": date(2024, 1, 9),
    "ofsted_notified_on": date(2024, 1, 10),
    "received_on": date(2024, 1, 11),
    "decided_on": date(2024, 1, 22),
    "sent_on": date(2024, 1, 23),
    "advised_on": date(2024, 1, 25),
    "answered_on": date(2024, 1, 26),
}
EVENT = date(2019, 2, 20)
SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


# --- Building rapid reviews through the services -----------------------------------------------------------


def workflow_secretariat():
    from accounts.models import User
    from tests.factories import SecretariatFactory

    return User.objects.filter(email="rr.secretariat@test.example").first() or SecretariatFactory(
        email="rr.secretariat@test.example", full_name="Rapid Review Secretariat"
    )


def meeting_on(day: date) -> PanelMeeting:
    return PanelMeeting.objects.filter(meets_on=day).first() or meeting_arranged(workflow_secretariat(), day)


def rr_notified(chair, dates=WT2018_DATES, **overrides) -> Incident:
    return notified(
        chair,
        received_on=dates["received_on"],
        ofsted_notified_on=dates["ofsted_notified_on"],
        incident_on=dates["incident_on"],
        la_aware_on=dates["la_aware_on"],
        **overrides,
    )


def rr_decided(chair, decision=DecisionKind.NOT_INITIATE, dates=WT2018_DATES, **overrides) -> Decision:
    return decide(
        chair,
        rr_notified(chair, dates, **overrides),
        decision=decision,
        decided_on=dates["decided_on"],
        rapid_review_summary=SUMMARY,
        national_review_recommended=False,
    )


def rr_in(state: str, chair, decision=DecisionKind.NOT_INITIATE, dates=WT2018_DATES) -> PanelSubmission:
    """A rapid review of the chair's board in `state`, reached the way users reach it."""
    submission = rr_decided(chair, decision, dates).submission
    if state == SubmissionState.DRAFT:
        return submission
    submission_submit(actor=chair, submission_id=submission.pk, event_date=dates["sent_on"])
    on = dates["advised_on"]
    if state == SubmissionState.SCHEDULED:
        submission_schedule(
            actor=workflow_secretariat(),
            submission_id=submission.pk,
            event_date=on,
            meeting_id=meeting_on(date(2019, 1, 31)).pk,
        )
    elif state == SubmissionState.AWAITING_INFORMATION:
        advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=on)
    elif state == SubmissionState.AWAITING_BOARD_RESPONSE:
        advise(submission, Advice.DISAGREE, on=on)
    elif state == SubmissionState.AWAITING_PANEL_VIEW:
        advise(submission, Advice.DISAGREE, on=on)
        submission_record_board_response(
            actor=chair,
            submission_id=submission.pk,
            event_date=dates["answered_on"],
            response=BoardResponse.FURTHER_EXPLANATION,
            explanation="The partners explain their decision further.",
        )
    elif state == SubmissionState.CLOSED:
        advise(submission, Advice.AGREE, on=on)
    elif state == SubmissionState.WITHDRAWN:
        submission_withdraw(actor=chair, submission_id=submission.pk, event_date=on, reason="Reconsidering")
    submission = reload(submission)
    assert (submission.kind, submission.state) == (SubmissionKind.RAPID_REVIEW, state)
    return submission


def reload(submission) -> PanelSubmission:
    return PanelSubmission.objects.select_related("decision__incident").get(pk=submission.pk)


def api_url(submission) -> str:
    return reverse("api:submission-detail", kwargs={"public_id": submission.public_id})


def api_transition_url(submission, name: str) -> str:
    return f"{api_url(submission)}transitions/{name}/"


def page_url(submission) -> str:
    return reverse("panel:submission", args=[submission.public_id])


def page_transition_url(submission, name: str) -> str:
    if name == "submit":
        return reverse("panel:check", args=[submission.public_id])
    return reverse("panel:transition", args=[submission.public_id, name])


def entries_of(submission) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(submission).order_by("pk"))


# --- Every decision opens a rapid review ----------------------------------------------------------------------


@pytest.mark.parametrize("dates", [WT2018_DATES, WT2023_DATES], ids=["2018", "2023"])
@pytest.mark.parametrize("kind", [DecisionKind.NOT_INITIATE, DecisionKind.INITIATE_SCR])
def test_every_decision_opens_a_rapid_review_in_draft(chair_a, dates, kind):
    decision = rr_decided(chair_a, kind, dates)
    incident = decision.incident
    assert incident.regime_rules.decision_asks  # a regime with the rapid review
    submissions = PanelSubmission.objects.filter(decision__incident=incident)
    assert [(s.kind, s.state, s.decision_id, s.board_id) for s in submissions] == [
        (SubmissionKind.RAPID_REVIEW, SubmissionState.DRAFT, decision.pk, chair_a.board_id)
    ]
    reviews = SeriousCaseReview.objects.filter(incidents=incident)
    if kind == DecisionKind.INITIATE_SCR:
        assert [(r.decision_id, r.state, r.initiated_on) for r in reviews] == [
            (decision.pk, "commissioning", dates["decided_on"])
        ]
    else:
        assert not reviews.exists()
    assert submissions.get().outcome == Outcome.NOT_YET_ADVISED


def test_no_non_initiation_submission_under_the_rapid_review(chair_a):
    rr_decided(chair_a, DecisionKind.NOT_INITIATE)
    assert not PanelSubmission.objects.filter(kind=SubmissionKind.NON_INITIATION).exists()


def test_a_decision_following_the_panels_advice_opens_no_new_submission(chair_a, panel_member):
    submission = rr_in("awaiting_board_response", chair_a)
    incident = submission.decision.incident
    submission_record_board_response(
        actor=chair_a,
        submission_id=submission.pk,
        event_date=EVENT,
        response=BoardResponse.ACCEPTED,
    )
    assert PanelSubmission.objects.filter(decision__incident=incident).count() == 1
    following = Decision.objects.get(incident=incident, following_panel_advice=True)
    assert following.decision == DecisionKind.INITIATE_SCR
    assert not PanelSubmission.objects.filter(decision=following).exists()
    assert SeriousCaseReview.objects.filter(decision=following).exists()


# --- Completeness: what the Panel needs ---------------------------------------------------------------------


def _without_summary(submission):
    Decision.objects.filter(pk=submission.decision_id).update(rapid_review_summary="")


def _without_agencies(submission):
    Incident.objects.filter(pk=submission.decision.incident_id).update(agencies_involved=[])


def _without_sin_details(submission):
    Incident.objects.filter(pk=submission.decision.incident_id).update(outline="", child_pseudonym="")


def _without_a_rationale_limb(submission):
    decision = submission.decision
    rationale = dict(decision.rationale)
    rationale[RATIONALE_LIMBS[0]] = ""
    Decision.objects.filter(pk=decision.pk).update(rationale=rationale)


def _reconsidered(submission):
    reconsidered(chair_of(submission), submission.decision.incident, on=date(2019, 1, 22))


def chair_of(submission):
    from accounts.models import Role, User

    return User.objects.get(board_id=submission.board_id, role=Role.BOARD_CHAIR)


INCOMPLETE = [
    (_without_summary, ["the rapid review's summary of the facts, immediate actions and learning"]),
    (_without_agencies, ["the agencies involved"]),
    (_without_sin_details, ["the child's pseudonym", "an outline of what happened"]),
    (_without_a_rationale_limb, [f"the rationale for: {RATIONALE_LIMBS[0].label.lower()}"]),
    (_reconsidered, ["a current decision (the decision has been reconsidered)"]),
]
INCOMPLETE_IDS = ["summary", "agencies", "sin_details", "rationale", "reconsidered"]


def test_a_complete_rapid_review_misses_nothing(chair_a):
    submission = rr_in("draft", chair_a)
    body = session_client(chair_a).get(api_url(submission)).json()
    assert (body["kind"], body["missing"]) == ("rapid_review", [])


@pytest.mark.parametrize(("spoil", "missing"), INCOMPLETE, ids=INCOMPLETE_IDS)
def test_an_incomplete_rapid_review_is_refused_in_the_api_with_what_is_missing(chair_a, spoil, missing):
    submission = rr_in("draft", chair_a)
    spoil(submission)
    entries = len(entries_of(submission))
    client = session_client(chair_a)
    assert client.get(api_url(submission)).json()["missing"] == missing
    response = client.post(api_transition_url(submission, "submit"), {"event_date": EVENT}, format="json")
    assert response.status_code == 400
    assert response.json() == {"missing": missing}
    submission = reload(submission)
    assert (submission.state, submission.first_submitted_on) == ("draft", None)
    assert len(entries_of(submission)) == entries


@pytest.mark.parametrize(("spoil", "missing"), INCOMPLETE, ids=INCOMPLETE_IDS)
def test_an_incomplete_rapid_review_is_refused_on_the_page_with_what_is_missing(
    client, sign_in, chair_a, spoil, missing
):
    submission = rr_in("draft", chair_a)
    spoil(submission)
    sign_in(chair_a)
    check = client.get(page_transition_url(submission, "submit")).text
    assert "You cannot send it yet" in check
    response = client.post(page_transition_url(submission, "submit"), date_fields("event_date", EVENT))
    assert response.status_code == 200
    assert error_summary(response) == [words[0].upper() + words[1:] for words in missing]
    submission = reload(submission)
    assert (submission.state, submission.first_submitted_on) == ("draft", None)
    assert not AuditEntry.objects.for_object(submission).exists()


def test_the_service_refuses_an_incomplete_rapid_review(chair_a):
    submission = rr_in("draft", chair_a)
    _without_summary(submission)
    with pytest.raises(InvalidInput) as refused:
        submission_submit(actor=chair_a, submission_id=submission.pk, event_date=EVENT)
    assert refused.value.errors == {
        "missing": ["the rapid review's summary of the facts, immediate actions and learning"]
    }
    assert reload(submission).state == "draft"


# --- Transitions of a rapid review ---------------------------------------------------------------------------

# transition → (states it runs from, state the payload leads to, who runs it)
TABLE = {
    "submit": ({"draft"}, "submitted", "chair_a"),
    "schedule": ({"submitted"}, "scheduled", "secretariat"),
    "record_advice": ({"submitted", "scheduled"}, "closed", "panel_member"),
    "provide_information": ({"awaiting_information"}, "submitted", "staff_a"),
    "record_board_response": ({"awaiting_board_response"}, "closed", "chair_a"),
    "record_panel_view": ({"awaiting_panel_view"}, "closed", "panel_member"),
    "withdraw": ({"draft", "submitted", "scheduled", "awaiting_information"}, "withdrawn", "chair_a"),
}
ROLES = {
    "chair_a": "board_chair",
    "staff_a": "board_staff",
    "panel_member": "panel_member",
    "secretariat": "panel_secretariat",
}
PANEL_PERSONAS = {"panel_member", "secretariat"}
ALLOWED = [(name, state) for name, (sources, _, _) in TABLE.items() for state in sorted(sources)]
REFUSED = [
    (name, state) for name, (sources, _, _) in TABLE.items() for state in SubmissionState.values if state not in sources
]
# The reason each transition's audit entry keeps.
REASONS = {
    "submit": "",
    "schedule": "",
    "record_advice": "The partners' decision was reasonable.",
    "provide_information": "",
    "record_board_response": BoardResponse.NOT_ACCEPTED.label,
    "record_panel_view": "The explanation is sufficient.",
    "withdraw": "The decision is being reconsidered.",
}


def payload(name: str) -> dict:
    event = EVENT.isoformat()
    payloads = {
        "submit": {"event_date": event},
        "schedule": {"event_date": event, "meeting": str(meeting_on(date(2019, 2, 25)).public_id)},
        "record_advice": {"event_date": event, "advice": "agree", "reasons": REASONS["record_advice"]},
        "provide_information": {"event_date": event, "information": "The post-mortem report is attached."},
        "record_board_response": {
            "event_date": event,
            "response": "not_accepted",
            "explanation": "The partners stand by their decision.",
        },
        "record_panel_view": {"event_date": event, "view": "satisfied", "reasons": REASONS["record_panel_view"]},
        "withdraw": {"event_date": event, "reason": REASONS["withdraw"]},
    }
    return payloads[name]


@pytest.mark.parametrize(("name", "state"), ALLOWED)
def test_each_transition_runs_from_each_allowed_state_with_its_audit_entry(request, chair_a, name, state):
    submission = rr_in(state, chair_a)
    persona = TABLE[name][2]
    actor = request.getfixturevalue(persona)
    before = len(entries_of(submission))
    response = session_client(actor).post(api_transition_url(submission, name), payload(name), format="json")
    assert response.status_code == 200, response.json()
    target = TABLE[name][1]
    assert response.json()["state"] == target == reload(submission).state
    entries = entries_of(submission)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.transition, entry.from_state, entry.to_state, entry.event_date) == (name, state, target, EVENT)
    assert (entry.actor, entry.actor_role, entry.board_id) == (actor, ROLES[persona], chair_a.board_id)
    assert entry.reason == REASONS[name]


@pytest.mark.parametrize(("name", "state"), REFUSED)
def test_each_transition_is_refused_from_the_other_states(request, chair_a, name, state):
    submission = rr_in(state, chair_a)
    persona = TABLE[name][2]
    entries, events = len(entries_of(submission)), SubmissionEvent.objects.count()
    response = session_client(request.getfixturevalue(persona)).post(
        api_transition_url(submission, name), payload(name), format="json"
    )
    if state == "draft" and persona in PANEL_PERSONAS:
        assert response.status_code == 404  # a draft is the partnership's own: the Panel cannot see it
    else:
        assert response.status_code == 409
        body = response.json()
        assert (body["state"], body["allowed_from"]) == (state, sorted(TABLE[name][0]))
    assert reload(submission).state == state
    assert (len(entries_of(submission)), SubmissionEvent.objects.count()) == (entries, events)


# --- The Panel's advice on a rapid review --------------------------------------------------------------------

ADVICE = [
    (Advice.AGREE, "closed", Outcome.AGREED),
    (Advice.NATIONAL_REVIEW, "closed", Outcome.NATIONAL_REVIEW),
    (Advice.FURTHER_INFORMATION_REQUESTED, "awaiting_information", Outcome.AWAITING_INFORMATION),
    (Advice.DISAGREE, "awaiting_board_response", Outcome.PENDING_BOARD_RESPONSE),
]


@pytest.mark.parametrize("source", ["submitted", "scheduled"])
@pytest.mark.parametrize(("advice", "target", "outcome"), ADVICE)
def test_each_advice_from_submitted_and_scheduled(chair_a, panel_member, source, advice, target, outcome):
    submission = rr_in(source, chair_a)
    response = session_client(panel_member).post(
        api_transition_url(submission, "record_advice"),
        {"event_date": EVENT.isoformat(), "advice": advice, "reasons": "Fictional panel reasons."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["outcome"]) == (target, outcome)
    submission = reload(submission)
    assert (submission.state, submission.outcome, submission.first_advised_on) == (target, outcome, EVENT)
    event = SubmissionEvent.objects.get(submission=submission)
    assert (event.what, event.value, event.event_date, event.recorded_by) == ("advice", advice, EVENT, panel_member)
    entry = entries_of(submission)[-1]
    assert (entry.transition, entry.from_state, entry.to_state, entry.actor_role) == (
        "record_advice",
        source,
        target,
        "panel_member",
    )
    if advice == Advice.FURTHER_INFORMATION_REQUESTED:
        assert submission.information_due == date(2019, 3, 20)  # one month by default


def _refused_advice(client_user, submission, advice) -> dict:
    entries, events = len(entries_of(submission)), SubmissionEvent.objects.count()
    response = session_client(client_user).post(
        api_transition_url(submission, "record_advice"),
        {"event_date": EVENT.isoformat(), "advice": advice, "reasons": "Fictional panel reasons."},
        format="json",
    )
    assert response.status_code == 400, response.content
    after = reload(submission)
    assert (after.state, after.outcome, after.first_advised_on) == (
        submission.state,
        submission.outcome,
        submission.first_advised_on,
    )
    assert (len(entries_of(submission)), SubmissionEvent.objects.count()) == (entries, events)
    return response.json()


@pytest.mark.parametrize("source", ["submitted", "scheduled"])
def test_disagree_on_an_initiate_scr_rapid_review_is_a_field_error(chair_a, panel_member, source):
    submission = rr_in(source, chair_a, decision=DecisionKind.INITIATE_SCR)
    body = _refused_advice(panel_member, submission, Advice.DISAGREE)
    assert list(body) == ["advice"]
    assert "cannot be given on this submission" in body["advice"][0]
    with pytest.raises(InvalidInput) as refused:
        submission_record_advice(
            actor=panel_member, submission_id=submission.pk, event_date=EVENT, advice="disagree", reasons="Fictional."
        )
    assert list(refused.value.errors) == ["advice"]


def test_disagree_on_an_initiate_scr_rapid_review_is_a_field_error_on_the_page(client, sign_in, chair_a, panel_member):
    submission = rr_in("submitted", chair_a, decision=DecisionKind.INITIATE_SCR)
    sign_in(panel_member)
    form = client.get(page_transition_url(submission, "record_advice")).text
    assert 'value="national_review"' in form and 'value="disagree"' not in form
    response = client.post(
        page_transition_url(submission, "record_advice"),
        {**date_fields("event_date", EVENT), "advice": "disagree", "reasons": "Fictional reasons."},
    )
    assert response.status_code == 200
    assert field_errors(response, "advice")
    assert reload(submission).state == "submitted"
    assert not SubmissionEvent.objects.filter(submission=submission).exists()


@pytest.mark.parametrize(
    "advice", [Advice.AGREE_NOT_PUBLISH, Advice.AGREE_ANONYMOUS_PUBLICATION, Advice.AGREE_SUMMARY_ONLY]
)
@pytest.mark.parametrize("decision", [DecisionKind.NOT_INITIATE, DecisionKind.INITIATE_SCR])
def test_publication_advice_on_a_rapid_review_is_a_400(chair_a, panel_member, advice, decision):
    submission = rr_in("submitted", chair_a, decision=decision)
    assert list(_refused_advice(panel_member, submission, advice)) == ["advice"]


def test_national_review_on_a_non_initiation_submission_is_a_400(chair_a, panel_member):
    # A Working Together 2013 case: its decision not to initiate goes to the panel as a non-initiation.
    submission = submission_of(decide(chair_a, notified(chair_a)).incident)
    assert submission.kind == SubmissionKind.NON_INITIATION
    submission_submit(actor=chair_a, submission_id=submission.pk, event_date=date(2015, 2, 3))
    body = _refused_advice(panel_member, reload(submission), Advice.NATIONAL_REVIEW)
    assert list(body) == ["advice"]


# --- Outcomes (SPEC §10) --------------------------------------------------------------------------------------

A, R, V = "advice", "board_response", "panel_view"
OUTCOMES = [
    ([], Outcome.NOT_YET_ADVISED),
    ([(A, Advice.AGREE)], Outcome.AGREED),
    ([(A, Advice.NATIONAL_REVIEW)], Outcome.NATIONAL_REVIEW),
    ([(A, Advice.FURTHER_INFORMATION_REQUESTED)], Outcome.AWAITING_INFORMATION),
    ([(A, Advice.DISAGREE)], Outcome.PENDING_BOARD_RESPONSE),
    ([(A, Advice.DISAGREE), (R, BoardResponse.ACCEPTED)], Outcome.SCR_INITIATED_AFTER_ADVICE),
    ([(A, Advice.DISAGREE), (R, BoardResponse.NOT_ACCEPTED)], Outcome.ADVICE_NOT_ACCEPTED),
    ([(A, Advice.DISAGREE), (R, BoardResponse.FURTHER_EXPLANATION)], Outcome.PENDING_PANEL_VIEW),
    (
        [(A, Advice.DISAGREE), (R, BoardResponse.FURTHER_EXPLANATION), (V, PanelView.SATISFIED)],
        Outcome.SATISFIED_AFTER_EXPLANATION,
    ),
    (
        [(A, Advice.DISAGREE), (R, BoardResponse.FURTHER_EXPLANATION), (V, PanelView.NOT_SATISFIED)],
        Outcome.ADVICE_NOT_ACCEPTED,
    ),
    ([(A, Advice.FURTHER_INFORMATION_REQUESTED), (A, Advice.AGREE)], Outcome.AGREED),
    ([(A, Advice.FURTHER_INFORMATION_REQUESTED), (A, Advice.NATIONAL_REVIEW)], Outcome.NATIONAL_REVIEW),
]
OUTCOME_IDS = [
    "not_yet_advised",
    "agreed",
    "national_review",
    "awaiting_information",
    "pending_board_response",
    "scr_initiated_after_advice",
    "advice_not_accepted",
    "pending_panel_view",
    "satisfied_after_explanation",
    "advice_not_accepted_after_explanation",
    "information_then_agree_is_agreed",
    "information_then_national_review",
]


@pytest.mark.parametrize(("history", "outcome"), OUTCOMES, ids=OUTCOME_IDS)
def test_the_outcome_table_row_by_row(history, outcome):
    assert derive_outcome(SubmissionKind.RAPID_REVIEW, history) == outcome


def _run_history(submission, history, chair, member):
    """Record `history` through the services, a day apart from the day after the rapid review was sent."""
    day = 23
    for what, value in history:
        on = date(2019, 1, day)
        if what == A:
            if reload(submission).state == SubmissionState.AWAITING_INFORMATION:
                submission_provide_information(
                    actor=chair, submission_id=submission.pk, event_date=on, information="Fictional information."
                )
                day += 1
                on = date(2019, 1, day)
            submission_record_advice(
                actor=member, submission_id=submission.pk, event_date=on, advice=value, reasons="Fictional reasons."
            )
        elif what == R:
            submission_record_board_response(
                actor=chair,
                submission_id=submission.pk,
                event_date=on,
                response=value,
                explanation="" if value == BoardResponse.ACCEPTED else "Fictional explanation.",
            )
        else:
            submission_record_panel_view(
                actor=member, submission_id=submission.pk, event_date=on, view=value, reasons="Fictional reasons."
            )
        day += 1
    return reload(submission), date(2019, 1, day - 1)


@pytest.mark.parametrize(("history", "outcome"), OUTCOMES, ids=OUTCOME_IDS)
def test_the_outcome_table_through_the_services(chair_a, panel_member, history, outcome):
    submission = rr_in("submitted", chair_a)
    submission, last_on = _run_history(submission, history, chair_a, panel_member)
    assert submission.outcome == outcome
    incident = submission.decision.incident
    following = Decision.objects.filter(incident=incident, following_panel_advice=True)
    if outcome == Outcome.SCR_INITIATED_AFTER_ADVICE:
        decision = following.get()
        assert (decision.decision, decision.decided_on, decision.panel_notified_on) == (
            DecisionKind.INITIATE_SCR,
            last_on,
            last_on,
        )
        review = SeriousCaseReview.objects.get(decision=decision)
        assert (review.state, review.initiated_on, review.following_panel_advice) == ("commissioning", last_on, True)
        assert list(review.incidents.all()) == [incident]
        # The LCSPR's completion clock runs from the response.
        assert review.clock_rows.get(name="scr_completion").starts_on == last_on
    else:
        assert not following.exists()
        assert not SeriousCaseReview.objects.filter(incidents=incident).exists()
    assert PanelSubmission.objects.filter(decision__incident=incident).count() == 1


# --- Scope ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair_b", "staff_b"])
@pytest.mark.parametrize("state", ["draft", "submitted", "awaiting_board_response"])
def test_another_boards_rapid_review_is_not_found(request, client, sign_in, chair_a, persona, state):
    submission = rr_in(state, chair_a)
    user = request.getfixturevalue(persona)
    entries = AuditEntry.objects.count()
    api = session_client(user)
    assert api.get(api_url(submission)).status_code == 404
    for name in TABLE:
        assert api.post(api_transition_url(submission, name), payload(name), format="json").status_code == 404, name
    sign_in(user)
    assert client.get(page_url(submission)).status_code == 404
    for name in TABLE:
        assert client.get(page_transition_url(submission, name)).status_code == 404, name
        post = {**date_fields("event_date", EVENT), "reason": "x", "response": "accepted"}
        assert client.post(page_transition_url(submission, name), post).status_code == 404, name
    assert AuditEntry.objects.count() == entries
    assert reload(submission).state == state


@pytest.mark.parametrize(("dates", "code"), [(WT2018_DATES, "wt2018"), (WT2023_DATES, "wt2023")])
def test_the_cases_here_are_of_the_regimes_with_a_rapid_review(chair_a, dates, code):
    incident = rr_decided(chair_a, dates=dates).incident
    assert (incident.state, incident.regime) == (IncidentState.DECIDED, code)


@pytest.mark.parametrize(
    ("advice", "target", "outcome"),
    [(Advice.NATIONAL_REVIEW, "closed", Outcome.NATIONAL_REVIEW), (Advice.DISAGREE, "awaiting_board_response", None)],
)
def test_a_2023_rapid_review_runs_the_same_way(chair_a, panel_member, advice, target, outcome):
    submission = rr_in("draft", chair_a, dates=WT2023_DATES)
    client = session_client(chair_a)
    response = client.post(api_transition_url(submission, "submit"), {"event_date": "2024-01-23"}, format="json")
    assert (response.status_code, response.json()["state"]) == (200, "submitted")
    response = session_client(panel_member).post(
        api_transition_url(submission, "record_advice"),
        {"event_date": "2024-01-25", "advice": advice, "reasons": "Fictional panel reasons."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    submission = reload(submission)
    assert (submission.state, submission.outcome) == (target, outcome or Outcome.PENDING_BOARD_RESPONSE)
    assert [(e.transition, e.from_state, e.to_state, e.event_date) for e in entries_of(submission)] == [
        ("submit", "draft", "submitted", date(2024, 1, 23)),
        ("record_advice", "submitted", target, date(2024, 1, 25)),
    ]
    # Sent two days after the decision, well within 15 working days of the notification.
    rapid = submission.decision.incident.clock_rows.get(name="rapid_review")
    assert (rapid.regime, rapid.ended_on, rapid.state(TODAY).status) == ("wt2023", date(2024, 1, 23), "met")


@pytest.mark.parametrize("dates", [WT2018_DATES, WT2023_DATES], ids=["2018", "2023"])
@pytest.mark.parametrize("name", ["record_advice", "record_board_response", "record_panel_view"])
def test_each_banner_names_the_outcome_with_the_regimes_own_review_term(chair_a, dates, name):
    submission = rr_in(SubmissionState.CLOSED, chair_a, dates=dates)
    submission.outcome = Outcome.SCR_INITIATED_AFTER_ADVICE
    words = views.TRANSITION_PAGES[name].done(submission)
    assert words.endswith(f"Outcome: {term(submission, 'review_short')} initiated after advice"), words
    assert "scr " not in words.lower()
