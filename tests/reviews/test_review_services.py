"""Serious Case Reviews through their services: opening, every transition, the completion clock with
stopped periods, sign-off met or missed, contributions, recommendations and actions."""

from datetime import date

import pytest
import time_machine
from django.http import Http404

from audit.models import AuditEntry
from panel.services import submission_record_board_response
from reviews.models import Action, Contribution, Recommendation, SeriousCaseReview, StopPeriod, Theme
from reviews.selectors import ActionFilters, action_plan, reviews_for_user
from reviews.services import (
    action_add,
    action_begin,
    action_complete,
    action_evidence_impact,
    contribution_receive,
    contribution_request,
    recommendation_add,
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
)
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.workflow import advise, case_in, decide, notified, overview_report, submission_of, submit

TODAY = date(2015, 11, 2)
INITIATED = date(2015, 2, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def new_review(chair) -> SeriousCaseReview:
    incident = notified(chair)
    return decide(chair, incident, decision="initiate_scr", decided_on=INITIATED).review


def review_in(state, chair) -> SeriousCaseReview:
    review = new_review(chair)
    if state == "commissioning":
        return review
    review = review_start(
        actor=chair,
        review_id=review.pk,
        event_date=date(2015, 2, 10),
        methodology="silp",
        lead_reviewer="A. Reviewer (fictional)",
    )
    if state == "in_progress":
        return review
    review = review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2015, 5, 1))
    if state == "drafting":
        return review
    overview_report(chair, review)
    return review_sign_off(actor=chair, review_id=review.pk, event_date=date(2015, 6, 1))


def run(name, actor, review, event_date=date(2015, 7, 1)):
    common = {"actor": actor, "review_id": review.pk, "event_date": event_date}
    if name == "start":
        return review_start(**common, methodology="scie_learning_together", lead_reviewer="B. Reviewer (fictional)")
    if name == "stop_clock":
        return review_stop_clock(**common, reason="inquest")
    if name == "resume_clock":
        return review_resume_clock(**common)
    if name == "begin_drafting":
        return review_begin_drafting(**common)
    if name == "sign_off":
        overview_report(actor, review)
        return review_sign_off(**common)
    raise ValueError(name)


STATES = ["commissioning", "in_progress", "drafting", "completed"]
TABLE = {
    "start": ({"commissioning"}, "in_progress"),
    "begin_drafting": ({"in_progress"}, "drafting"),
    "sign_off": ({"drafting"}, "completed"),
}


class TestOpening:
    def test_a_decision_to_initiate_opens_the_review(self, chair_a):
        review = new_review(chair_a)
        assert (review.state, review.board, review.initiated_on) == ("commissioning", chair_a.board, INITIATED)
        assert review.completion_due_original() == review.completion_due() == date(2015, 8, 2)
        assert list(review.incidents.all()) == [review.decision.incident]
        assert review.following_panel_advice is False

    def test_accepting_the_panels_advice_opens_the_review_too(self, chair_a):
        incident = case_in("decided", chair_a)
        submission = advise(submit(chair_a, incident), "disagree")
        submission_record_board_response(
            actor=chair_a, submission_id=submission.pk, event_date=date(2015, 2, 6), response="accepted"
        )
        review = SeriousCaseReview.objects.get(incidents=incident)
        assert review.following_panel_advice is True and review.initiated_on == date(2015, 2, 6)
        assert review.decision.following_panel_advice is True

    def test_not_initiating_opens_no_review(self, chair_a):
        incident = case_in("decided", chair_a)
        assert not SeriousCaseReview.objects.exists() and submission_of(incident) is not None


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(TABLE))
def test_each_transition_from_each_state(chair_a, name, state):
    review = review_in(state, chair_a)
    sources, target = TABLE[name]
    before = AuditEntry.objects.for_object(review).count()
    if state in sources:
        run(name, chair_a, review)
        review = SeriousCaseReview.objects.get(pk=review.pk)
        assert review.state == target
        entry = AuditEntry.objects.for_object(review).order_by("-pk").first()
        assert (entry.transition, entry.from_state, entry.to_state, entry.actor) == (name, state, target, chair_a)
    else:
        with pytest.raises(NotAllowedInState):
            run(name, chair_a, review)
        assert AuditEntry.objects.for_object(review).count() == before


@pytest.mark.parametrize("state", STATES)
def test_the_clock_stops_and_resumes_in_every_open_state_and_never_after(chair_a, state):
    review = review_in(state, chair_a)
    if state == "completed":
        with pytest.raises(NotAllowedInState):
            run("stop_clock", chair_a, review)
        return
    run("stop_clock", chair_a, review, event_date=date(2015, 7, 1))
    review = SeriousCaseReview.objects.get(pk=review.pk)
    assert review.state == state and review.completion_due() is None
    entry = AuditEntry.objects.for_object(review).order_by("-pk").first()
    assert (entry.transition, entry.from_state, entry.to_state, entry.reason) == ("stop_clock", state, state, "Inquest")
    run("resume_clock", chair_a, review, event_date=date(2015, 7, 11))
    review = SeriousCaseReview.objects.get(pk=review.pk)
    assert review.completion_due() == date(2015, 8, 12)  # 2 August + 10 stopped days
    assert AuditEntry.objects.for_object(review).order_by("-pk").first().transition == "resume_clock"


class TestStoppedClock:
    def test_stop_refused_while_stopped_and_resume_refused_while_running(self, chair_a):
        review = review_in("in_progress", chair_a)
        with pytest.raises(Blocked) as blocked:
            run("resume_clock", chair_a, review)
        assert blocked.value.reasons == ["The review clock is not stopped"]
        run("stop_clock", chair_a, review)
        with pytest.raises(Blocked) as blocked:
            run("stop_clock", chair_a, review, event_date=date(2015, 7, 2))
        assert blocked.value.reasons == ["The review clock is already stopped"]
        assert StopPeriod.objects.filter(review=review).count() == 1

    def test_several_back_to_back_and_separate_periods_all_count_once(self, chair_a):
        review = review_in("in_progress", chair_a)
        for stop, resume in [
            (date(2015, 3, 1), date(2015, 3, 11)),  # 10 days
            (date(2015, 3, 11), date(2015, 3, 21)),  # back to back: 10 more
            (date(2015, 5, 1), date(2015, 5, 6)),  # 5 more
        ]:
            run("stop_clock", chair_a, review, event_date=stop)
            run("resume_clock", chair_a, review, event_date=resume)
        review = SeriousCaseReview.objects.get(pk=review.pk)
        assert review.completion_due_original() == date(2015, 8, 2)
        assert review.completion_due() == date(2015, 8, 27)  # + 25 days
        assert review.stopped_days == 25

    def test_while_stopped_the_clock_is_stopped_and_has_no_due_date(self, chair_a):
        review = review_in("in_progress", chair_a)
        run("stop_clock", chair_a, review, event_date=date(2015, 7, 1))
        clock = SeriousCaseReview.objects.get(pk=review.pk).completion_clock(TODAY)
        assert (clock.status, clock.due, clock.rag) == ("stopped", None, None)

    def test_sign_off_refused_while_the_clock_is_stopped(self, chair_a):
        review = review_in("drafting", chair_a)
        run("stop_clock", chair_a, review, event_date=date(2015, 5, 2))
        with pytest.raises(Blocked) as blocked:
            run("sign_off", chair_a, review, event_date=date(2015, 5, 3))
        assert "resume it before signing off" in blocked.value.reasons[0]

    def test_only_the_chair_stops_resumes_and_signs_off(self, chair_a, staff_a):
        review = review_in("drafting", chair_a)
        for name in ("stop_clock", "sign_off"):
            with pytest.raises(RoleNotPermitted):
                run(name, staff_a, review)

    def test_stop_reason_other_needs_detail(self, chair_a):
        review = review_in("in_progress", chair_a)
        with pytest.raises(InvalidInput) as refused:
            review_stop_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 7, 1), reason="other")
        assert "detail" in refused.value.errors
        with pytest.raises(InvalidInput) as refused:
            review_stop_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 7, 1), reason="bored")
        assert "reason" in refused.value.errors
        assert not StopPeriod.objects.exists()


class TestSignOff:
    @pytest.mark.parametrize(
        ("signed", "status", "late"), [(date(2015, 8, 2), "met", None), (date(2015, 8, 3), "missed", 1)]
    )
    def test_sign_off_meets_or_misses_the_completion_clock(self, chair_a, signed, status, late):
        review = review_in("drafting", chair_a)
        run("sign_off", chair_a, review, event_date=signed)
        clock = SeriousCaseReview.objects.get(pk=review.pk).completion_clock(TODAY)
        assert (clock.status, clock.days_late) == (status, late)

    def test_a_stopped_period_turns_a_missed_date_into_a_met_one(self, chair_a):
        review = review_in("drafting", chair_a)
        run("stop_clock", chair_a, review, event_date=date(2015, 5, 2))
        run("resume_clock", chair_a, review, event_date=date(2015, 5, 12))
        run("sign_off", chair_a, review, event_date=date(2015, 8, 10))
        clock = SeriousCaseReview.objects.get(pk=review.pk).completion_clock(TODAY)
        assert (clock.due, clock.status) == (date(2015, 8, 12), "met")

    def test_a_review_blocks_reconsidering_and_closing_the_incident(self, chair_a):
        from incidents.services import incident_close, incident_reconsider

        review = review_in("completed", chair_a)
        incident = review.decision.incident
        with pytest.raises(Blocked):
            incident_reconsider(actor=chair_a, incident_id=incident.pk, event_date=TODAY, reason="x")
        with pytest.raises(Blocked):
            incident_close(actor=chair_a, incident_id=incident.pk, event_date=TODAY)


class TestContributions:
    def test_request_and_receive_with_its_clock(self, chair_a):
        review = review_in("in_progress", chair_a)
        contribution = contribution_request(
            actor=chair_a,
            review_id=review.pk,
            agency="health",
            agency_name="Fictional Hospital Trust",
            requested_on=date(2015, 2, 12),
            due_on=date(2015, 3, 12),
        )
        assert contribution.clock(date(2015, 3, 5)).rag == "amber"
        contribution_receive(actor=chair_a, contribution_id=contribution.pk, received_on=date(2015, 3, 13))
        clock = Contribution.objects.get(pk=contribution.pk).clock(TODAY)
        assert (clock.status, clock.days_late) == ("missed", 1)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"agency": "aliens"}, "agency"),
            ({"agency_name": " "}, "agency_name"),
            ({"requested_on": date(2015, 1, 1)}, "requested_on"),
            ({"due_on": date(2015, 2, 11)}, "due_on"),
            ({"requested_on": None}, "requested_on"),
        ],
    )
    def test_bad_requests_are_refused_and_nothing_saved(self, chair_a, overrides, field):
        review = review_in("in_progress", chair_a)
        payload = {
            "agency": "police",
            "agency_name": "Fictional Constabulary",
            "requested_on": date(2015, 2, 12),
            "due_on": date(2015, 3, 12),
        }
        with pytest.raises(InvalidInput) as refused:
            contribution_request(actor=chair_a, review_id=review.pk, **{**payload, **overrides})
        assert field in refused.value.errors
        assert not Contribution.objects.exists()

    def test_another_board_cannot_reach_the_review(self, chair_a, chair_b):
        review = review_in("in_progress", chair_a)
        with pytest.raises(Http404):
            contribution_request(
                actor=chair_b,
                review_id=review.pk,
                agency="police",
                agency_name="X",
                requested_on=date(2015, 2, 12),
                due_on=date(2015, 3, 12),
            )


class TestRecommendationsAndActions:
    def recommendation(self, chair, review, text="Fictional recommendation."):
        theme = Theme.objects.get(name="Neglect")
        return recommendation_add(
            actor=chair, review_id=review.pk, text=text, addressed_to="practitioners", theme_ids=[theme.pk]
        )

    def test_recommendations_are_numbered_in_order(self, chair_a):
        review = review_in("drafting", chair_a)
        first, second = self.recommendation(chair_a, review), self.recommendation(chair_a, review)
        assert (first.number, second.number) == (1, 2)
        assert [t.name for t in first.themes.all()] == ["Neglect"]

    def test_a_recommendation_needs_text_addressee_and_a_known_theme(self, chair_a):
        review = review_in("drafting", chair_a)
        with pytest.raises(InvalidInput) as refused:
            recommendation_add(actor=chair_a, review_id=review.pk, text="", addressed_to="everyone", theme_ids=[999999])
        assert set(refused.value.errors) == {"text", "addressed_to", "themes"}
        assert not Recommendation.objects.exists()

    def test_action_statuses_in_order_with_their_audit_and_clock(self, chair_a, staff_a):
        review = review_in("drafting", chair_a)
        action = action_add(
            actor=staff_a,
            recommendation_id=self.recommendation(chair_a, review).pk,
            description="Fictional action.",
            owner_agency="health",
            owner_person="Named nurse lead",
            due_on=date(2015, 12, 31),
        )
        assert (action.status, action.created_on, action.board) == ("open", TODAY, chair_a.board)
        with pytest.raises(NotAllowedInState):
            action_complete(actor=staff_a, action_id=action.pk, event_date=TODAY)
        action_begin(actor=staff_a, action_id=action.pk, event_date=TODAY)
        action_complete(actor=staff_a, action_id=action.pk, event_date=TODAY)
        with pytest.raises(InvalidInput):
            action_evidence_impact(actor=staff_a, action_id=action.pk, event_date=TODAY, evidence=" ")
        action_evidence_impact(actor=staff_a, action_id=action.pk, event_date=TODAY, evidence="Audit shows change.")
        action = Action.objects.get(pk=action.pk)
        assert (action.status, action.completed_on, action.evidence) == (
            "impact_evidenced",
            TODAY,
            "Audit shows change.",
        )
        assert action.clock(TODAY).status == "met"
        transitions = [e.transition for e in AuditEntry.objects.for_object(action)]
        assert transitions == ["begin", "complete", "evidence_impact"]

    def test_the_action_plan_filters_and_stays_on_the_board(self, chair_a, chair_b):
        mine = review_in("drafting", chair_a)
        theirs = review_in("drafting", chair_b)
        rec = self.recommendation(chair_a, mine)
        late = action_add(
            actor=chair_a,
            recommendation_id=rec.pk,
            description="Late",
            owner_agency="police",
            owner_person="Inspector (fictional)",
            due_on=TODAY,
        )
        action_add(
            actor=chair_a,
            recommendation_id=rec.pk,
            description="Later",
            owner_agency="health",
            owner_person="Lead nurse (fictional)",
            due_on=date(2016, 1, 31),
        )
        action_add(
            actor=chair_b,
            recommendation_id=self.recommendation(chair_b, theirs).pk,
            description="Theirs",
            owner_agency="police",
            owner_person="Someone",
            due_on=TODAY,
        )
        assert action_plan(chair_a, today=TODAY).count() == 2
        assert list(action_plan(chair_a, today=TODAY, filters=ActionFilters(owner_agency="police"))) == [late]
        assert list(action_plan(chair_a, today=date(2015, 11, 3), filters=ActionFilters(overdue=True))) == [late]
        assert not action_plan(chair_a, today=TODAY, filters=ActionFilters(status="completed")).exists()

    def test_panel_reads_notified_reviews_but_cannot_add_to_them(self, chair_a, panel_member):
        review = review_in("in_progress", chair_a)
        assert list(reviews_for_user(panel_member)) == [review]
        with pytest.raises(RoleNotPermitted):
            recommendation_add(
                actor=panel_member,
                review_id=review.pk,
                text="x",
                addressed_to="practitioners",
                theme_ids=[Theme.objects.first().pk],
            )
        with pytest.raises(RoleNotPermitted):
            run("stop_clock", panel_member, review)
