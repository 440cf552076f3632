"""Panel submissions through their services: every transition, completeness, outcomes, who may do what."""

from datetime import date

import pytest
import time_machine
from django.http import Http404

from audit.models import AuditEntry
from incidents.models import Incident
from panel.choices import Advice
from panel.models import PanelMeeting, PanelSubmission, SubmissionEvent
from panel.selectors import submissions_for_user
from panel.services import (
    meeting_create,
    submission_missing,
    submission_provide_information,
    submission_record_advice,
    submission_record_board_response,
    submission_record_panel_view,
    submission_schedule,
    submission_submit,
    submission_withdraw,
)
from reviews.models import Decision
from scr_tracker.transitions import InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.workflow import advise, case_in, meeting_arranged, submission_of, submit

TODAY = date(2015, 3, 2)
EVENT = date(2015, 2, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def submission_in(state, chair, secretariat) -> PanelSubmission:
    """A non-initiation submission of the chair's board in `state`, reached through the services."""
    incident = case_in("decided", chair)
    submission = submission_of(incident)
    if state == "draft":
        return submission
    if state == "withdrawn":
        return submission_withdraw(actor=chair, submission_id=submission.pk, event_date=date(2015, 2, 3), reason="x")
    submission = submit(chair, incident)
    if state == "submitted":
        return submission
    if state == "scheduled":
        meeting = meeting_arranged(secretariat, date(2015, 2, 12))
        return submission_schedule(
            actor=secretariat, submission_id=submission.pk, event_date=date(2015, 2, 4), meeting_id=meeting.pk
        )
    advice = {
        "awaiting_information": Advice.FURTHER_INFORMATION_REQUESTED,
        "awaiting_board_response": Advice.DISAGREE,
        "awaiting_panel_view": Advice.DISAGREE,
        "closed": Advice.AGREE,
    }[state]
    submission = advise(submission, advice, member=secretariat)
    if state == "awaiting_panel_view":
        return submission_record_board_response(
            actor=chair,
            submission_id=submission.pk,
            event_date=date(2015, 2, 5),
            response="further_explanation",
            explanation="The board's fictional explanation.",
        )
    return submission


def run(name, actor, submission, secretariat, event_date=EVENT, **overrides):
    common = {"actor": actor, "submission_id": submission.pk, "event_date": event_date}
    if name == "submit":
        return submission_submit(**common)
    if name == "schedule":
        meeting = meeting_arranged(secretariat, date(2015, 2, 26))
        return submission_schedule(**common, meeting_id=meeting.pk)
    if name == "record_advice":
        payload = {"advice": Advice.AGREE, "reasons": "Fictional reasons."}
        return submission_record_advice(**common, **{**payload, **overrides})
    if name == "provide_information":
        return submission_provide_information(**common, information="Fictional further information.")
    if name == "record_board_response":
        payload = {"response": "not_accepted", "explanation": "Fictional explanation."}
        return submission_record_board_response(**common, **{**payload, **overrides})
    if name == "record_panel_view":
        return submission_record_panel_view(**common, view="satisfied", reasons="Fictional reasons.")
    if name == "withdraw":
        return submission_withdraw(**common, reason="The board reconsidered its decision.")
    raise ValueError(name)


STATES = [
    "draft",
    "submitted",
    "scheduled",
    "awaiting_information",
    "awaiting_board_response",
    "awaiting_panel_view",
    "closed",
    "withdrawn",
]
TABLE = {
    "submit": ({"draft"}, "submitted", "chair"),
    "schedule": ({"submitted"}, "scheduled", "secretariat"),
    "record_advice": ({"submitted", "scheduled"}, "closed", "panel_member"),
    "provide_information": ({"awaiting_information"}, "submitted", "staff_a"),
    "record_board_response": ({"awaiting_board_response"}, "closed", "chair"),
    "record_panel_view": ({"awaiting_panel_view"}, "closed", "panel_member"),
    "withdraw": ({"draft", "submitted", "scheduled", "awaiting_information"}, "withdrawn", "chair"),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(TABLE))
def test_each_transition_from_each_state(request, chair_a, secretariat, name, state):
    submission = submission_in(state, chair_a, secretariat)
    sources, target, who = TABLE[name]
    actor = chair_a if who == "chair" else request.getfixturevalue(who)
    before = AuditEntry.objects.for_object(submission).count()
    if state in sources:
        run(name, actor, submission, secretariat)
        submission = PanelSubmission.objects.get(pk=submission.pk)
        assert submission.state == target
        entry = AuditEntry.objects.for_object(submission).order_by("-pk").first()
        assert (entry.transition, entry.from_state, entry.to_state) == (name, state, target)
        assert (entry.actor, entry.actor_role, entry.event_date) == (actor, actor.role, EVENT)
        assert entry.board == chair_a.board
        assert AuditEntry.objects.for_object(submission).count() == before + 1
    else:
        with pytest.raises((NotAllowedInState, Http404)) as refused:
            run(name, actor, submission, secretariat)
        if refused.type is NotAllowedInState:
            assert refused.value.state == state and set(refused.value.allowed_from) == sources
        else:  # a draft (or one withdrawn unsent) is the board's own: the panel does not see it at all
            assert state in ("draft", "withdrawn") and actor.is_panel_user
        assert PanelSubmission.objects.get(pk=submission.pk).state == state
        assert AuditEntry.objects.for_object(submission).count() == before


@pytest.mark.parametrize(
    ("name", "state", "who"),
    [
        ("submit", "draft", "panel_member"),
        ("schedule", "submitted", "panel_member"),
        ("schedule", "submitted", "chair_a"),
        ("record_advice", "submitted", "chair_a"),
        ("provide_information", "awaiting_information", "secretariat"),
        ("record_board_response", "awaiting_board_response", "staff_a"),
        ("record_board_response", "awaiting_board_response", "panel_member"),
        ("record_panel_view", "awaiting_panel_view", "chair_a"),
        ("withdraw", "submitted", "staff_a"),
        ("withdraw", "submitted", "secretariat"),
    ],
)
def test_roles_that_may_not(request, chair_a, secretariat, name, state, who):
    submission = submission_in(state, chair_a, secretariat)
    actor = request.getfixturevalue(who)
    with pytest.raises((RoleNotPermitted, Http404)) as refused:
        run(name, actor, submission, secretariat)
    # A panel member cannot even see a draft; otherwise in scope, so a clear 403.
    assert refused.type is RoleNotPermitted or (state == "draft" and actor.is_panel_user)
    assert PanelSubmission.objects.get(pk=submission.pk).state == state


@pytest.mark.parametrize("name", ["submit", "withdraw"])
def test_another_board_cannot_find_it(chair_a, chair_b, secretariat, name):
    submission = submission_in("draft", chair_a, secretariat)
    with pytest.raises(Http404):
        run(name, chair_b, submission, secretariat)


class TestCompleteness:
    def test_an_incomplete_submission_is_refused_with_what_is_missing(self, chair_a, secretariat):
        submission = submission_in("draft", chair_a, secretariat)
        Incident.objects.filter(pk=submission.decision.incident_id).update(outline="", ofsted_notified_on=None)
        Decision.objects.filter(pk=submission.decision_id).update(rationale={"abuse_or_neglect": "Only one limb"})
        submission = PanelSubmission.objects.get(pk=submission.pk)
        expected = [
            "the date Ofsted was notified",
            "an outline of what happened",
            "the rationale for: the child has died",
            "the rationale for: the child has been seriously harmed and there is cause for concern about how "
            "agencies worked together",
        ]
        assert submission_missing(submission) == expected
        with pytest.raises(InvalidInput) as refused:
            submission_submit(actor=chair_a, submission_id=submission.pk, event_date=EVENT)
        assert refused.value.errors == {"missing": expected}
        submission.refresh_from_db()
        assert (submission.state, submission.first_submitted_on) == ("draft", None)
        assert AuditEntry.objects.for_object(submission).count() == 0

    def test_a_reconsidered_decision_makes_the_submission_incomplete(self, chair_a, secretariat):
        submission = submission_in("draft", chair_a, secretariat)
        from incidents.services import incident_reconsider

        incident_reconsider(
            actor=chair_a, incident_id=submission.decision.incident_id, event_date=date(2015, 2, 3), reason="New facts"
        )
        assert submission_missing(PanelSubmission.objects.get(pk=submission.pk)) == [
            "a current decision not to initiate (the decision has been reconsidered)"
        ]

    def test_a_complete_submission_has_nothing_missing(self, chair_a, secretariat):
        assert submission_missing(submission_in("draft", chair_a, secretariat)) == []


class TestClocks:
    def test_the_decision_opens_a_draft_with_the_14_day_clock(self, chair_a):
        incident = case_in("decided", chair_a)  # not_initiate on 2 February
        submission = submission_of(incident)
        assert (submission.state, submission.kind, submission.board) == ("draft", "non_initiation", chair_a.board)
        assert submission.send_to_panel_due() == date(2015, 2, 16)

    @pytest.mark.parametrize(("sent_on", "status"), [(date(2015, 2, 16), "met"), (date(2015, 2, 17), "missed")])
    def test_sending_satisfies_the_decisions_clock(self, chair_a, sent_on, status):
        incident = case_in("decided", chair_a)
        submission = submit(chair_a, incident, on=sent_on)
        assert submission.first_submitted_on == sent_on
        (clock,) = submission.decision.clocks(TODAY)
        assert (clock.name, clock.status) == ("send_to_panel", status)

    def test_a_request_for_information_is_due_in_a_month_by_default(self, chair_a, secretariat):
        submission = submission_in("submitted", chair_a, secretariat)
        submission = advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 2, 20))
        assert submission.information_due == date(2015, 3, 20)

    def test_the_panel_may_set_its_own_reply_date(self, chair_a, secretariat):
        submission = submission_in("submitted", chair_a, secretariat)
        submission = run(
            "record_advice",
            secretariat,
            submission,
            secretariat,
            advice=Advice.FURTHER_INFORMATION_REQUESTED,
            information_due=date(2015, 3, 6),
        )
        assert (submission.state, submission.information_due) == ("awaiting_information", date(2015, 3, 6))


class TestAdviceInput:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"advice": "agree_not_publish"}, "advice"),  # a non-publication advice on a non-initiation case
            ({"advice": None}, "advice"),
            ({"reasons": " "}, "reasons"),
            ({"information_due": date(2015, 3, 20)}, "information_due"),  # only with a request for information
        ],
    )
    def test_bad_advice_is_refused_field_by_field(self, chair_a, secretariat, overrides, field):
        submission = submission_in("submitted", chair_a, secretariat)
        with pytest.raises(InvalidInput) as refused:
            run("record_advice", secretariat, submission, secretariat, **overrides)
        assert field in refused.value.errors
        assert not SubmissionEvent.objects.filter(submission=submission).exists()
        assert PanelSubmission.objects.get(pk=submission.pk).state == "submitted"

    def test_advice_at_a_meeting_is_not_dated_before_it(self, chair_a, secretariat):
        submission = submission_in("scheduled", chair_a, secretariat)  # at the meeting of 12 February
        message = (
            "The advice is recorded as given at the panel meeting on 12 February 2015: "
            "it cannot be dated before the meeting"
        )
        with pytest.raises(InvalidInput) as refused:
            run("record_advice", secretariat, submission, secretariat, event_date=date(2015, 2, 11))
        assert refused.value.errors == {"event_date": [message]}
        assert not SubmissionEvent.objects.filter(submission=submission).exists()
        assert PanelSubmission.objects.get(pk=submission.pk).state == "scheduled"
        advised = run("record_advice", secretariat, submission, secretariat, event_date=date(2015, 2, 12))
        event = SubmissionEvent.objects.get(submission=advised)
        assert (advised.state, event.event_date, event.meeting) == ("closed", date(2015, 2, 12), submission.meeting)

    def test_advice_is_not_recorded_at_a_meeting_still_to_come(self, chair_a, secretariat):
        submission = submission_in("scheduled", chair_a, secretariat)
        # On 10 February the meeting of 12 February has not met.
        with time_machine.travel(date(2015, 2, 10), tick=False), pytest.raises(InvalidInput) as refused:
            run("record_advice", secretariat, submission, secretariat, event_date=date(2015, 2, 10))
        assert refused.value.errors["event_date"][0].startswith(
            "The advice is recorded as given at the panel meeting on 12 February 2015"
        )
        assert PanelSubmission.objects.get(pk=submission.pk).state == "scheduled"

    def test_an_explanation_is_needed_unless_accepting(self, chair_a, secretariat):
        submission = submission_in("awaiting_board_response", chair_a, secretariat)
        with pytest.raises(InvalidInput) as refused:
            run("record_board_response", chair_a, submission, secretariat, response="not_accepted", explanation="")
        assert "explanation" in refused.value.errors


def outcome(submission) -> str:
    return PanelSubmission.objects.get(pk=submission.pk).outcome


class TestOutcomePaths:
    """Each path of SPEC §4.4 for non-initiation, through the services."""

    def test_agree(self, chair_a, secretariat):
        submission = submission_in("submitted", chair_a, secretariat)
        assert outcome(submission) == "not_yet_advised"
        run("record_advice", secretariat, submission, secretariat)
        assert outcome(submission) == "agreed"

    def test_disagree_then_accepted_initiates_an_scr(self, chair_a, secretariat):
        submission = submission_in("awaiting_board_response", chair_a, secretariat)
        assert outcome(submission) == "pending_board_response"
        run("record_board_response", chair_a, submission, secretariat, response="accepted", explanation="")
        assert outcome(submission) == "scr_initiated_after_advice"
        current = Decision.objects.filter(incident_id=submission.decision.incident_id).order_by("-pk").first()
        assert (current.decision, current.following_panel_advice, current.decided_on) == ("initiate_scr", True, EVENT)
        assert current.panel_notified_on == EVENT
        assert current.review.completion_due_original() == date(2015, 8, 20)
        assert PanelSubmission.objects.get(pk=submission.pk).state == "closed"

    def test_disagree_then_further_explanation_satisfied(self, chair_a, secretariat, panel_member):
        submission = submission_in("awaiting_panel_view", chair_a, secretariat)
        assert outcome(submission) == "pending_panel_view"
        submission_record_panel_view(
            actor=panel_member, submission_id=submission.pk, event_date=EVENT, view="satisfied", reasons="Fair."
        )
        assert outcome(submission) == "satisfied_after_explanation"

    def test_disagree_then_further_explanation_not_satisfied(self, chair_a, secretariat, panel_member):
        submission = submission_in("awaiting_panel_view", chair_a, secretariat)
        submission_record_panel_view(
            actor=panel_member, submission_id=submission.pk, event_date=EVENT, view="not_satisfied", reasons="No."
        )
        assert outcome(submission) == "advice_not_accepted"

    def test_disagree_then_not_accepted(self, chair_a, secretariat):
        submission = submission_in("awaiting_board_response", chair_a, secretariat)
        run("record_board_response", chair_a, submission, secretariat)
        assert outcome(submission) == "advice_not_accepted"
        assert not Decision.objects.filter(following_panel_advice=True).exists()

    def test_further_information_answered_then_agreed(self, chair_a, secretariat):
        submission = submission_in("awaiting_information", chair_a, secretariat)
        assert outcome(submission) == "awaiting_information"
        run("provide_information", chair_a, submission, secretariat, event_date=date(2015, 2, 10))
        assert PanelSubmission.objects.get(pk=submission.pk).state == "submitted"
        assert outcome(submission) == "awaiting_information"  # not yet advised again
        run("record_advice", secretariat, submission, secretariat)
        assert outcome(submission) == "agreed"

    def test_further_information_not_yet_answered(self, chair_a, secretariat):
        submission = submission_in("awaiting_information", chair_a, secretariat)
        assert outcome(submission) == "awaiting_information"
        assert PanelSubmission.objects.get(pk=submission.pk).first_advised_on == date(2015, 2, 4)


class TestVisibility:
    def test_panel_sees_sent_submissions_not_drafts(self, chair_a, chair_b, secretariat, panel_member):
        draft = submission_in("draft", chair_a, secretariat)
        sent = submission_in("submitted", chair_b, secretariat)
        assert list(submissions_for_user(panel_member)) == [sent]
        assert set(submissions_for_user(chair_a)) == {draft}
        assert set(submissions_for_user(chair_b)) == {sent}

    def test_withdrawn_after_sending_stays_visible_to_the_panel(self, chair_a, secretariat, panel_member):
        submission = submission_in("submitted", chair_a, secretariat)
        run("withdraw", chair_a, submission, secretariat)
        assert list(submissions_for_user(panel_member)) == [submission]

    @pytest.mark.parametrize("persona", ["administrator"])
    def test_administrators_see_none(self, request, chair_a, secretariat, persona):
        submission_in("submitted", chair_a, secretariat)
        assert not submissions_for_user(request.getfixturevalue(persona)).exists()


class TestMeetings:
    def test_only_the_secretariat_arranges_meetings(self, chair_a, panel_member):
        for actor in (chair_a, panel_member):
            with pytest.raises(RoleNotPermitted):
                meeting_create(actor=actor, meets_on=date(2015, 4, 1))

    def test_one_meeting_a_day_and_only_panel_people_attend(self, secretariat, panel_member, chair_a):
        meeting_create(actor=secretariat, meets_on=date(2015, 4, 1))
        with pytest.raises(InvalidInput) as refused:
            meeting_create(actor=secretariat, meets_on=date(2015, 4, 1))
        assert "meets_on" in refused.value.errors
        with pytest.raises(InvalidInput) as refused:
            meeting_create(actor=secretariat, meets_on=date(2015, 2, 1), members_present=[chair_a])
        assert "members_present" in refused.value.errors

    def test_a_meeting_is_arranged_for_today_or_later(self, secretariat, panel_member):
        message = (
            "A meeting is arranged for today or later: enter 2 March 2015 or a later date "
            "(a meeting already held is recorded with who was present or its minutes)"
        )
        for past in (date(2014, 6, 5), date(2015, 3, 1)):
            with pytest.raises(InvalidInput) as refused:
                meeting_create(actor=secretariat, meets_on=past)
            assert refused.value.errors == {"meets_on": [message]}
        assert not PanelMeeting.objects.exists()
        assert meeting_create(actor=secretariat, meets_on=TODAY).meets_on == TODAY
        # A meeting already held is history: recorded with who was there and its minutes.
        held = meeting_create(
            actor=secretariat, meets_on=date(2015, 2, 5), members_present=[panel_member], minutes="Two cases."
        )
        assert (held.meets_on, held.minutes) == (date(2015, 2, 5), "Two cases.")

    def test_a_meeting_dated_years_back_is_refused(self, secretariat):
        with time_machine.travel(date(2026, 12, 3), tick=False), pytest.raises(InvalidInput) as refused:
            meeting_create(actor=secretariat, meets_on=date(2020, 6, 4))
        assert refused.value.errors["meets_on"][0].startswith(
            "A meeting is arranged for today or later: enter 3 December 2026 or a later date"
        )
        assert not PanelMeeting.objects.exists()

    def test_schedule_needs_a_meeting_after_the_submission(self, chair_a, secretariat):
        submission = submission_in("submitted", chair_a, secretariat)  # sent 3 February
        early = meeting_arranged(secretariat, date(2015, 2, 1))
        with pytest.raises(InvalidInput) as refused:
            submission_schedule(actor=secretariat, submission_id=submission.pk, event_date=EVENT, meeting_id=early.pk)
        assert "meeting" in refused.value.errors
        with pytest.raises(InvalidInput):
            submission_schedule(actor=secretariat, submission_id=submission.pk, event_date=EVENT, meeting_id=None)


class TestPanelReachesCasesOnlyThroughLinks:
    def test_a_sent_submission_shows_its_case_to_the_panel_read_only(self, chair_a, secretariat, panel_member):
        from incidents.selectors import incidents_for_user
        from incidents.services import incident_close
        from reviews.selectors import decisions_for_user

        draft = submission_in("draft", chair_a, secretariat)
        incident = draft.decision.incident
        assert not incidents_for_user(panel_member).exists()
        submit(chair_a, incident)
        assert list(incidents_for_user(panel_member)) == [incident]
        assert list(decisions_for_user(panel_member)) == [draft.decision]
        # In scope to read, so changing it is a clear refusal (403), not a 404.
        with pytest.raises(RoleNotPermitted):
            incident_close(actor=panel_member, incident_id=incident.pk, event_date=EVENT)
        assert Incident.objects.get(pk=incident.pk).state == "decided"

    def test_an_initiation_notice_shows_its_case_to_the_panel(self, chair_a, panel_member):
        from incidents.selectors import incidents_for_user
        from tests.workflow import decide, notified

        incident = notified(chair_a)
        assert not incidents_for_user(panel_member).exists()
        decide(chair_a, incident, decision="initiate_scr")
        assert list(incidents_for_user(panel_member)) == [incident]

    def test_other_cases_stay_out_of_reach(self, chair_a, panel_member):
        from incidents.selectors import incidents_for_user

        for state in ("draft", "notified", "under_consideration", "withdrawn"):
            case_in(state, chair_a)
        case_in("decided", chair_a)  # not initiated, submission still a draft
        assert not incidents_for_user(panel_member).exists()


class TestIncidentApiLinksItsSubmission:
    def test_board_sees_the_draft_link_panel_only_once_sent(self, client, sign_in, chair_a, secretariat, panel_member):
        from django.test import Client

        submission = submission_in("draft", chair_a, secretariat)
        url = f"/api/v1/incidents/{submission.decision.incident.public_id}/"
        board = sign_in(chair_a).get(url).json()
        assert board["submission"].endswith(f"/api/v1/submissions/{submission.public_id}/")
        submit(chair_a, submission.decision.incident)
        panel = sign_in(panel_member, client=Client()).get(url).json()
        assert panel["submission"] == board["submission"]
