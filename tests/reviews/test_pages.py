"""The review pages: the reviews list, the review page with its completion clock and stopped periods,
its transitions, contributions, recommendations and actions, the board's action plan, and the case
page's link to its review."""

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessEvent, AuditEntry
from panel.services import submission_record_board_response
from reviews import views
from reviews.models import Action, Contribution, Recommendation, SeriousCaseReview, StopPeriod, Theme
from reviews.services import (
    action_add,
    action_begin,
    action_complete,
    contribution_request,
    recommendation_add,
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
)
from scr_tracker.clock_rows import clock_rows_sync
from scr_tracker.transitions import Blocked, NotAllowedInState
from tests.check_answers import post_and_confirm
from tests.incidents.test_pages import banner, date_fields, error_summary, field_errors
from tests.workflow import advise, case_in, decide, final_report_reached_panel, notified, overview_report, submit

TODAY = date(2015, 3, 2)
INITIATED = date(2015, 2, 2)  # six months on: 2 August 2015
LIST = reverse("reviews:list")
PLAN = reverse("reviews:actions")
DASHBOARD = reverse("accounts:dashboard")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


# --- Reviews in each state, through the services -------------------------------------------------


def new_review(chair, **overrides) -> SeriousCaseReview:
    return decide(chair, notified(chair, **overrides), decision="initiate_scr", decided_on=INITIATED).review


def review_in(state: str, chair, **overrides) -> SeriousCaseReview:
    """A review of the chair's board: commissioned 10 Feb, drafting from 20 Feb, signed off 25 Feb."""
    review = new_review(chair, **overrides)
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
    review = review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2015, 2, 20))
    if state == "drafting":
        return review
    overview_report(chair, review)
    return review_sign_off(actor=chair, review_id=review.pk, event_date=date(2015, 2, 25))


def stopped(review, chair, on=date(2015, 2, 12)) -> SeriousCaseReview:
    return review_stop_clock(actor=chair, review_id=review.pk, event_date=on, reason="inquest", detail="Inquest opens")


def themes(n=2) -> list[Theme]:
    return list(Theme.objects.filter(active=True).order_by("name")[:n])


def with_recommendation(review, chair, text="Fictional: share records at the strategy discussion.") -> Recommendation:
    return recommendation_add(
        actor=chair, review_id=review.pk, text=text, addressed_to="practitioners", theme_ids=[t.pk for t in themes()]
    )


def with_action(recommendation, chair, due_on=date(2015, 6, 30), owner_agency="health", **kwargs) -> Action:
    return action_add(
        actor=chair,
        recommendation_id=recommendation.pk,
        description=kwargs.pop("description", "Fictional: train health visitors."),
        owner_agency=owner_agency,
        owner_person=kwargs.pop("owner_person", "Designated nurse"),
        due_on=due_on,
    )


def with_contribution(review, chair, due_on=date(2015, 3, 20), **kwargs) -> Contribution:
    return contribution_request(
        actor=chair,
        review_id=review.pk,
        agency=kwargs.pop("agency", "police"),
        agency_name=kwargs.pop("agency_name", "Fictional Constabulary"),
        author="Detective Inspector (fictional)",
        requested_on=date(2015, 2, 11),
        due_on=due_on,
        records_secured_on=date(2015, 2, 11),
    )


# --- Addresses ----------------------------------------------------------------------------------


def page_url(review) -> str:
    return reverse("reviews:review", args=[review.public_id])


def transition_url(review, name: str) -> str:
    return reverse("reviews:transition", args=[review.public_id, name])


def contribution_url(review) -> str:
    return reverse("reviews:contribution_request", args=[review.public_id])


def receive_url(contribution) -> str:
    return reverse("reviews:contribution_receive", args=[contribution.public_id])


def recommendation_url(review) -> str:
    return reverse("reviews:recommendation_add", args=[review.public_id])


def action_add_url(recommendation) -> str:
    return reverse("reviews:action_add", args=[recommendation.public_id])


def action_url(action, name: str) -> str:
    return reverse("reviews:action_transition", args=[action.public_id, name])


def case_url(incident) -> str:
    return reverse("incidents:case", args=[incident.public_id])


def reload(review) -> SeriousCaseReview:
    return SeriousCaseReview.objects.get(pk=review.pk)


def section(page: str, start: str, end: str | None = None) -> str:
    text = page[page.index(f'id="{start}"') :]
    return text[: text.index(f'id="{end}"')] if end else text


REVIEW_TRANSITIONS = ["start", "stop_clock", "resume_clock", "begin_drafting", "sign_off"]
ACTION_TRANSITIONS = ["begin", "complete", "evidence_impact"]
EVERYTHING = {
    **date_fields("event_date", TODAY),
    "methodology": "silp",
    "lead_reviewer": "X",
    "reason": "inquest",
    "evidence": "x",
}


def contribution_post(**overrides) -> dict:
    data = {
        "agency": "health",
        "agency_name": "Fictional Hospitals NHS Trust",
        "author": "Named nurse",
        **date_fields("requested_on", date(2015, 2, 12)),
        **date_fields("due_on", date(2015, 3, 12)),
    }
    data.update(overrides)
    return data


def recommendation_post(**overrides) -> dict:
    data = {
        "text": "Fictional: agencies share records at every strategy discussion.",
        "addressed_to": "senior_managers",
        "themes": [str(t.pk) for t in themes()],
    }
    data.update(overrides)
    return data


def action_post(**overrides) -> dict:
    data = {
        "description": "Fictional: audit strategy discussions.",
        "owner_agency": "childrens_social_care",
        "owner_person": "Head of service",
        **date_fields("due_on", date(2015, 5, 29)),
    }
    data.update(overrides)
    return data


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_board_users_reach_their_reviews_in_every_state(request, client, sign_in, persona, chair_a, chair_b):
    ours = [review_in(state, chair_a) for state in ("commissioning", "in_progress", "drafting", "completed")]
    theirs = review_in("in_progress", chair_b)
    sign_in(request.getfixturevalue(persona))
    listing = client.get(LIST)
    assert listing.status_code == 200
    for review in ours:
        assert page_url(review) in listing.text
        page = client.get(page_url(review))
        assert page.status_code == 200
        assert review.decision.incident.reference in page.text
    assert page_url(theirs) not in listing.text
    assert '<th scope="col" class="govuk-table__header">Board</th>' not in listing.text
    nav = [item["text"] for item in client.get(DASHBOARD).context["navigation_items"]]
    assert "Reviews" in nav and "Action plan" in nav


@pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
def test_the_panel_reads_reviews_and_changes_nothing(request, client, sign_in, persona, chair_a, chair_b):
    review = review_in("in_progress", chair_a)
    other = review_in("drafting", chair_b)
    contribution = with_contribution(review, chair_a)
    recommendation = with_recommendation(review, chair_a)
    action = with_action(recommendation, chair_a)
    final_report_reached_panel(review)  # its parts reach the panel with the final report (decision 0026)
    audit_before = AuditEntry.objects.count()
    sign_in(request.getfixturevalue(persona))
    listing = client.get(LIST).text
    assert page_url(review) in listing and page_url(other) in listing
    assert chair_a.board.name in listing and chair_b.board.name in listing
    page = client.get(page_url(review)).text
    assert "Recommendation 1" in page and "Fictional Constabulary" in page
    assert "What you can do now" not in page and "Add a recommendation" not in page
    assert "Request an agency contribution" not in page and "Record as received" not in page
    assert "Fictional: train health visitors." not in page  # actions are the board's own work
    for name in REVIEW_TRANSITIONS:
        assert client.get(transition_url(review, name)).status_code == 403, name
        assert client.post(transition_url(review, name), EVERYTHING).status_code == 403, name
    for url, post in (
        (contribution_url(review), contribution_post()),
        (receive_url(contribution), date_fields("received_on", TODAY)),
        (recommendation_url(review), recommendation_post()),
        (action_add_url(recommendation), action_post()),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, post).status_code == 403, url
    for name in ACTION_TRANSITIONS:
        assert client.get(action_url(action, name)).status_code == 404, name
        assert client.post(action_url(action, name), EVERYTHING).status_code == 404, name
    assert client.get(PLAN).status_code == 404
    assert AuditEntry.objects.count() == audit_before
    assert (Contribution.objects.count(), Recommendation.objects.count(), Action.objects.count()) == (1, 1, 1)
    assert reload(review).state == "in_progress"


def test_administrators_have_no_review_pages(client, sign_in, administrator, chair_a):
    review = review_in("in_progress", chair_a)
    sign_in(administrator)
    assert client.get(LIST).status_code == 404
    assert client.get(page_url(review)).status_code == 404
    assert client.get(transition_url(review, "begin_drafting")).status_code == 404
    assert client.get(PLAN).status_code == 404


@pytest.mark.parametrize("persona", ["chair_b", "staff_b"])
@pytest.mark.parametrize("state", ["commissioning", "in_progress", "drafting"])
def test_another_boards_review_is_not_found_anywhere(request, client, sign_in, persona, state, chair_a):
    review = review_in(state, chair_a)
    contribution = with_contribution(review, chair_a)
    recommendation = with_recommendation(review, chair_a)
    action = with_action(recommendation, chair_a)
    final_report_reached_panel(review)  # its parts reach the panel with the final report (decision 0026)
    audit_before = AuditEntry.objects.count()
    sign_in(request.getfixturevalue(persona))
    assert client.get(page_url(review)).status_code == 404
    for name in REVIEW_TRANSITIONS:
        assert client.get(transition_url(review, name)).status_code == 404, name
        assert client.post(transition_url(review, name), EVERYTHING).status_code == 404, name
    for url, post in (
        (contribution_url(review), contribution_post()),
        (receive_url(contribution), date_fields("received_on", TODAY)),
        (recommendation_url(review), recommendation_post()),
        (action_add_url(recommendation), action_post()),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, post).status_code == 404, url
    for name in ACTION_TRANSITIONS:
        assert client.get(action_url(action, name)).status_code == 404, name
        assert client.post(action_url(action, name), EVERYTHING).status_code == 404, name
    assert page_url(review) not in client.get(LIST).text
    assert action_url(action, "begin") not in client.get(PLAN).text
    assert "Fictional: train health visitors." not in client.get(PLAN).text
    assert AuditEntry.objects.count() == audit_before
    assert (Contribution.objects.count(), Recommendation.objects.count(), Action.objects.count()) == (1, 1, 1)
    assert reload(review).state == state and Contribution.objects.get().received_on is None


def test_unknown_transitions_are_not_found(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    action = with_action(with_recommendation(review, chair_a), chair_a)
    sign_in(chair_a)
    assert client.get(transition_url(review, "publish")).status_code == 404
    assert client.post(transition_url(review, "delete")).status_code == 404
    assert client.get(action_url(action, "cancel")).status_code == 404


def test_viewing_a_review_writes_an_access_event(client, sign_in, chair_a, panel_member):
    review = review_in("in_progress", chair_a)
    sign_in(panel_member)
    client.get(page_url(review))
    event = AccessEvent.objects.for_object(review).get()
    assert (event.user, event.user_role, event.board, event.action) == (
        panel_member,
        "panel_member",
        chair_a.board,
        "view",
    )


# --- The review page ----------------------------------------------------------------------------


def test_the_review_page_shows_the_review(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    incident = review.decision.incident
    sign_in(chair_a)
    page = client.get(page_url(review)).text
    assert f"Serious Case Review: {incident.reference}" in page
    about = section(page, "about", "cases")
    for words in (
        "Initiated on",
        "2 February 2015",
        "No: the LSCB's own decision",
        "Significant Incident Learning Process (SILP)",
        "A. Reviewer (fictional)",
        "Independence statement",
        "Terms of reference",
        "Scope",
    ):
        assert words in about, words
    cases = section(page, "cases", "completion")
    assert f'href="{case_url(incident)}"' in cases and f"{incident.reference}: Child T" in cases
    completion = section(page, "completion", "contributions")
    assert "Original due date" in completion and "2 August 2015" in completion
    assert "The clock has not been stopped, so the due date is the original one." in completion
    assert "Running: 153 days left" in completion and "Green: on track" in completion
    assert 'id="stops"' not in completion
    # State in words as well as colour, and the timeline of the review's transitions.
    assert '<strong class="govuk-tag govuk-tag--light-blue">In progress</strong>' in page
    timeline = section(page, "timeline")
    assert "Review commissioned" in timeline and "Commissioning to In progress" in timeline
    assert "Chair of A" in timeline and "10 Feb 2015" in timeline


def test_a_review_opened_after_panel_advice_says_so(client, sign_in, chair_a):
    incident = case_in("decided", chair_a)
    submission = advise(submit(chair_a, incident), "disagree")
    submission_record_board_response(
        actor=chair_a, submission_id=submission.pk, event_date=date(2015, 2, 6), response="accepted"
    )
    review = SeriousCaseReview.objects.get(incidents=incident)
    sign_in(chair_a)
    page = client.get(page_url(review)).text
    assert "Yes: the LSCB accepted the national panel's advice to initiate" in page
    assert "Following the panel's advice" in client.get(LIST).text


def test_buttons_follow_role_and_state(client, sign_in, chair_a, staff_a):
    commissioning = review_in("commissioning", chair_a)
    sign_in(staff_a)
    page = client.get(page_url(commissioning)).text
    assert f'href="{transition_url(commissioning, "start")}"' in page and "Commission the review" in page
    assert transition_url(commissioning, "stop_clock") not in page  # the chair's
    sign_in(chair_a)
    page = client.get(page_url(commissioning)).text
    for name in ("start", "stop_clock"):
        assert f'href="{transition_url(commissioning, name)}"' in page
    assert transition_url(commissioning, "resume_clock") not in page
    assert "You cannot" not in page  # a blocked transition is not offered (issue 17)

    review = stopped(review_in("drafting", chair_a), chair_a, on=date(2015, 2, 21))
    page = client.get(page_url(review)).text
    assert f'href="{transition_url(review, "resume_clock")}"' in page
    assert f'href="{transition_url(review, "sign_off")}"' not in page
    assert f'href="{transition_url(review, "stop_clock")}"' not in page
    assert "You cannot" not in page
    sign_in(staff_a)
    page = client.get(page_url(review)).text
    assert "What you can do now" not in page  # nothing a member of staff can do while drafting


@pytest.mark.parametrize(("name", "state"), [("stop_clock", "in_progress"), ("sign_off", "drafting")])
def test_staff_get_the_403_page_for_the_chairs_transitions(client, sign_in, chair_a, staff_a, name, state):
    review = review_in(state, chair_a)
    sign_in(staff_a)
    assert client.get(transition_url(review, name)).status_code == 403
    response = client.post(transition_url(review, name), EVERYTHING)
    assert response.status_code == 403 and "You cannot do this" in response.text
    assert reload(review).state == state and not StopPeriod.objects.exists()


def test_staff_get_the_403_page_to_resume_the_clock(client, sign_in, chair_a, staff_a):
    review = stopped(review_in("in_progress", chair_a), chair_a)
    sign_in(staff_a)
    assert client.get(transition_url(review, "resume_clock")).status_code == 403
    assert client.post(transition_url(review, "resume_clock"), EVERYTHING).status_code == 403
    assert StopPeriod.objects.get().resumed_on is None


# --- Transition pages ---------------------------------------------------------------------------


def test_the_board_commissions_the_review(client, sign_in, staff_a, chair_a):
    review = review_in("commissioning", chair_a)
    sign_in(staff_a)
    form = client.get(transition_url(review, "start")).text
    assert "SCIE Learning Together" in form and "Individual management reviews (IMR-based)" in form
    response = client.post(
        transition_url(review, "start"),
        {
            **date_fields("event_date", date(2015, 2, 16)),
            "methodology": "scie_learning_together",
            "lead_reviewer": "  Dr Fictional Reviewer  ",
            "independence_statement": "Never worked for any agency involved.",
        },
        follow=True,
    )
    assert response.redirect_chain == [(page_url(review), 302)]
    assert banner(response) == "Review commissioned. Lead reviewer: Dr Fictional Reviewer"
    review = reload(review)
    assert (review.state, review.methodology, review.lead_reviewer, review.independence_statement) == (
        "in_progress",
        "scie_learning_together",
        "Dr Fictional Reviewer",
        "Never worked for any agency involved.",
    )
    entry = AuditEntry.objects.for_object(review).get()
    assert (entry.transition, entry.actor, entry.event_date) == ("start", staff_a, date(2015, 2, 16))


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"methodology": ""}, "methodology", "Select the review's methodology"),
        ({"methodology": "guesswork"}, "methodology", "Select the review's methodology"),
        ({"lead_reviewer": ""}, "lead_reviewer", "Enter the lead reviewer's name"),
        ({"lead_reviewer": "   "}, "lead_reviewer", "Enter the lead reviewer's name"),
        ({"event_date_0": ""}, "event_date", "must include a day"),
        (date_fields("event_date", date(2015, 3, 3)), "event_date", "must be today or in the past"),
        (date_fields("event_date", date(2015, 2, 1)), "event_date", "before the review was initiated"),
        ({"event_date_0": "30", "event_date_1": "2"}, "event_date", "must be a real date"),
    ],
)
def test_bad_input_to_start_shows_field_errors_and_saves_nothing(client, sign_in, chair_a, post, field, message):
    review = review_in("commissioning", chair_a)
    sign_in(chair_a)
    data = {**date_fields("event_date", date(2015, 2, 16)), "methodology": "silp", "lead_reviewer": "Dr Fictional"}
    data.update(post)
    response = client.post(transition_url(review, "start"), data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert any(message in error for error in error_summary(response))
    assert "(error)" in response.text
    review = reload(review)
    assert (review.state, review.methodology, review.lead_reviewer) == ("commissioning", "", "")
    assert not AuditEntry.objects.for_object(review).exists()


def test_stopping_and_resuming_shows_the_original_and_the_extended_due_date(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    sign_in(chair_a)
    form = client.get(transition_url(review, "stop_clock")).text
    assert "Parallel criminal proceedings" in form and "Inquest" in form
    assert "The review is due to be completed by 2 August 2015." in form
    response = client.post(
        transition_url(review, "stop_clock"),
        {**date_fields("event_date", date(2015, 2, 12)), "reason": "parallel_criminal_proceedings", "detail": "Trial"},
        follow=True,
    )
    assert banner(response) == "Review clock stopped. The review has no due date until the clock resumes"
    page = response.text
    assert "Stopped since 12 February 2015: parallel criminal proceedings." in page
    completion = section(page, "completion", "contributions")
    assert "2 August 2015" in completion and "None while the clock is stopped" in completion
    assert "The clock has been stopped since 12 February 2015" in completion and "Stopped</dd>" in completion
    stops = section(completion, "stops")
    assert "12 Feb 2015" in stops and "Not yet resumed" in stops and "18 days so far" in stops
    assert "Parallel criminal proceedings" in stops and "Trial" in stops
    assert reload(review).state == "in_progress"

    form = client.get(transition_url(review, "resume_clock")).text
    assert "The clock has been stopped since 12 February 2015: parallel criminal proceedings. Trial" in form
    response = client.post(
        transition_url(review, "resume_clock"), date_fields("event_date", date(2015, 2, 22)), follow=True
    )
    assert banner(response) == "Review clock resumed. The review is now due by 12 August 2015"
    page = response.text
    assert "Stopped since" not in page
    completion = section(page, "completion", "contributions")
    assert "Original due date" in completion and "2 August 2015" in completion
    assert "Extended due date" in completion and "12 August 2015" in completion
    assert (
        "The clock was stopped for 10 days in all (counting any overlap once), "
        "so the due date moved on from 2 August 2015 to 12 August 2015." in completion
    )
    stops = section(completion, "stops")
    assert "12 Feb 2015" in stops and "22 Feb 2015" in stops and "10 days" in stops and "so far" not in stops
    timeline = section(page, "timeline")
    assert "Review clock stopped" in timeline and "Review clock resumed" in timeline
    assert "Parallel criminal proceedings" in timeline
    # The reviews list says it too.
    listing = client.get(LIST).text
    assert "12 Aug 2015" in listing and "Originally 2 Aug 2015" in listing


def test_two_stops_add_up(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    stopped(review, chair_a, on=date(2015, 2, 11))
    review_resume_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 2, 14))
    stopped(review, chair_a, on=date(2015, 2, 14))  # back to back: no day counted twice
    review_resume_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 2, 18))
    sign_in(chair_a)
    completion = section(client.get(page_url(review)).text, "completion", "contributions")
    assert "stopped for 7 days in all" in completion and "9 August 2015" in completion
    assert section(completion, "stops").count("<tr") == 3


def test_a_stop_resumed_the_same_day_does_not_say_the_due_date_moved(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    stopped(review, chair_a, on=date(2015, 2, 12))
    review_resume_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 2, 12))
    assert reload(review).completion_due() == reload(review).completion_due_original() == date(2015, 8, 2)
    sign_in(chair_a)
    completion = section(client.get(page_url(review)).text, "completion", "contributions")
    assert "moved on" not in completion
    assert "The clock was stopped but no day was lost, so the due date is still the original one, 2 August 2015." in (
        completion
    )


def test_the_timeline_says_no_state_change_for_a_stop_or_a_resume(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    stopped(review, chair_a, on=date(2015, 2, 12))
    review_resume_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 2, 20))
    sign_in(chair_a)
    timeline = section(client.get(page_url(review)).text, "timeline")
    assert "Review clock stopped" in timeline and "Review clock resumed" in timeline
    assert "In progress to In progress" not in timeline
    assert "Commissioning to In progress" in timeline  # a real change still says so


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"reason": ""}, "reason", "Select why the review clock stops"),
        ({"reason": "holiday"}, "reason", "Select why the review clock stops"),
        ({"reason": "other", "detail": ""}, "detail", "Explain why the review clock stops"),
        (date_fields("event_date", date(2015, 2, 9)), "event_date", "previous event"),
    ],
)
def test_bad_input_to_stop_the_clock_saves_nothing(client, sign_in, chair_a, post, field, message):
    review = review_in("in_progress", chair_a)
    sign_in(chair_a)
    data = {**date_fields("event_date", date(2015, 2, 12)), "reason": "inquest", "detail": ""}
    data.update(post)
    response = client.post(transition_url(review, "stop_clock"), data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert not StopPeriod.objects.exists()
    assert reload(review).completion_due() == date(2015, 8, 2)
    assert AuditEntry.objects.for_object(review).count() == 1  # the start only


@pytest.mark.parametrize(
    ("state", "name", "message"),
    [
        ("in_progress", "start", "the review is in progress"),
        ("commissioning", "begin_drafting", "the review is commissioning"),
        ("in_progress", "sign_off", "the review is in progress"),
        ("completed", "stop_clock", "the review is completed"),
        ("completed", "begin_drafting", "the review is completed"),
        ("in_progress", "resume_clock", "The review clock is not stopped"),
    ],
)
def test_a_transition_in_the_wrong_state_redirects_with_a_message(client, sign_in, chair_a, state, name, message):
    review = review_in(state, chair_a)
    audit_before = AuditEntry.objects.count()
    sign_in(chair_a)
    for response in (client.get(transition_url(review, name)), client.post(transition_url(review, name), EVERYTHING)):
        assert response.status_code == 302
        assert response["Location"] == page_url(review)
    text = banner(client.get(page_url(review)))
    assert text.startswith("You cannot ") and message in text
    assert AuditEntry.objects.count() == audit_before and reload(review).state == state


def test_stopping_a_stopped_clock_or_signing_off_while_stopped_is_refused(client, sign_in, chair_a):
    review = stopped(review_in("drafting", chair_a), chair_a, on=date(2015, 2, 21))
    sign_in(chair_a)
    response = client.post(transition_url(review, "stop_clock"), EVERYTHING, follow=True)
    assert banner(response) == "You cannot stop the review clock now: The review clock is already stopped."
    response = client.post(transition_url(review, "sign_off"), date_fields("event_date", TODAY), follow=True)
    assert banner(response) == (
        "You cannot sign off the review now: The review clock is stopped: resume it before signing off."
    )
    assert reload(review).state == "drafting" and StopPeriod.objects.count() == 1


@pytest.mark.parametrize(
    "refusal",
    [
        NotAllowedInState("sign_off", "completed", ["drafting"]),
        Blocked("sign_off", "drafting", ["The review clock is stopped: resume it before signing off"]),
    ],
)
def test_a_refusal_from_the_service_is_a_message_not_a_500(client, sign_in, chair_a, monkeypatch, refusal):
    """Someone else may stop the clock between the page loading and the form being sent."""
    review = review_in("drafting", chair_a)
    overview_report(chair_a, review)  # the form asks for nothing more

    def refuse(**kwargs):
        raise refusal

    monkeypatch.setitem(views.TRANSITION_PAGES, "sign_off", replace(views.TRANSITION_PAGES["sign_off"], run=refuse))
    sign_in(chair_a)
    response = client.post(transition_url(review, "sign_off"), date_fields("event_date", TODAY), follow=True)
    assert response.redirect_chain == [(page_url(review), 302)]
    assert banner(response).startswith("You cannot sign off the review now")


@pytest.mark.parametrize(("signed_on", "words"), [(date(2015, 2, 25), "met"), (None, "missed")])
def test_the_chair_signs_off(client, sign_in, staff_a, chair_a, signed_on, words):
    review = review_in("drafting", chair_a)
    if signed_on is None:  # a review that ran late: the clock's due date has passed by sign-off
        # Initiated six months before 24 February, as a corrected initiation date would be.
        SeriousCaseReview.objects.filter(pk=review.pk).update(initiated_on=date(2014, 8, 24))
        clock_rows_sync(reload(review))
        signed_on = date(2015, 2, 26)
    overview_report(chair_a, review)
    sign_in(staff_a)
    assert "Sign off the review" not in client.get(page_url(review)).text
    sign_in(chair_a)
    response = post_and_confirm(
        client, transition_url(review, "sign_off"), date_fields("event_date", signed_on), follow=True
    )
    assert banner(response) == f"Review signed off. The completion clock was {words}"
    review = reload(review)
    assert (review.state, review.signed_off_on) == ("completed", signed_on)
    assert "Signed off on" in response.text and words.capitalize() in section(response.text, "completion")


# --- Contributions ------------------------------------------------------------------------------


def test_the_board_requests_and_receives_a_contribution(client, sign_in, staff_a, chair_a):
    review = review_in("in_progress", chair_a)
    sign_in(staff_a)
    page = client.get(page_url(review)).text
    assert "No agency has been asked for a contribution yet." in page
    assert f'href="{contribution_url(review)}"' in page
    assert client.get(contribution_url(review)).status_code == 200
    response = client.post(
        contribution_url(review),
        contribution_post(**date_fields("records_secured_on", date(2015, 2, 12))),
        follow=True,
    )
    assert response.redirect_chain == [(page_url(review), 302)]
    assert banner(response) == "Contribution requested from Fictional Hospitals NHS Trust"
    contribution = Contribution.objects.get()
    assert (contribution.agency, contribution.due_on, contribution.records_secured_on, contribution.created_by) == (
        "health",
        date(2015, 3, 12),
        date(2015, 2, 12),
        staff_a,
    )
    table = section(response.text, "contributions", "recommendations")
    assert "Fictional Hospitals NHS Trust" in table and "Author: Named nurse" in table
    assert "12 Mar 2015" in table and "Running: 10 days left" in table and "Green: on track" in table
    assert f'href="{receive_url(contribution)}"' in table

    response = client.post(receive_url(contribution), date_fields("received_on", date(2015, 2, 10)))
    assert field_errors(response, "received_on") == ["It cannot be received before it was requested"]
    response = client.post(receive_url(contribution), date_fields("received_on", TODAY), follow=True)
    assert banner(response) == "Contribution from Fictional Hospitals NHS Trust recorded as received"
    table = section(response.text, "contributions", "recommendations")
    assert "2 Mar 2015" in table and "Met" in table and receive_url(contribution) not in table
    response = client.get(receive_url(contribution), follow=True)
    assert banner(response) == "The contribution from Fictional Hospitals NHS Trust was received on 2 March 2015."


def test_a_late_contribution_is_red_until_it_arrives(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    with_contribution(review, chair_a, due_on=date(2015, 2, 25))
    sign_in(chair_a)
    table = section(client.get(page_url(review)).text, "contributions", "recommendations")
    assert "Missed: 5 days late" in table and "Red: overdue" in table


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"agency": ""}, "agency", "Select the agency"),
        ({"agency_name": ""}, "agency_name", "Enter the organisation's name"),
        ({"requested_on_0": ""}, "requested_on", "must include a day"),
        (date_fields("requested_on", date(2015, 3, 5)), "requested_on", "must be today or in the past"),
        (
            date_fields("requested_on", date(2015, 1, 30)),
            "requested_on",
            "A contribution cannot be requested before the review was initiated",
        ),
        (date_fields("due_on", date(2015, 2, 11)), "due_on", "The due date must be on or after the request"),
        ({"due_on_2": "26"}, "due_on", "The year of the date it is due must include 4 numbers"),
    ],
)
def test_bad_contributions_show_field_errors_and_save_nothing(client, sign_in, chair_a, post, field, message):
    review = review_in("in_progress", chair_a)
    sign_in(chair_a)
    response = client.post(contribution_url(review), contribution_post(**post))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert any(message in error for error in error_summary(response))
    assert not Contribution.objects.exists()


# --- Recommendations and actions ----------------------------------------------------------------


def test_the_board_adds_recommendations_and_their_actions(client, sign_in, staff_a, chair_a):
    review = review_in("drafting", chair_a)
    sign_in(staff_a)
    page = client.get(page_url(review)).text
    assert "No recommendations have been added yet." in page
    form = client.get(recommendation_url(review)).text
    for theme in Theme.objects.filter(active=True):
        assert theme.name in form
    Theme.objects.create(name="Retired fictional theme", active=False)
    assert "Retired fictional theme" not in client.get(recommendation_url(review)).text
    response = client.post(recommendation_url(review), recommendation_post(), follow=True)
    assert banner(response) == "Recommendation 1 added"
    client.post(recommendation_url(review), recommendation_post(text="Fictional: a second one.", themes=[]))
    assert Recommendation.objects.count() == 1  # no theme: refused
    response = client.post(
        recommendation_url(review), recommendation_post(text="Fictional: a second one."), follow=True
    )
    assert banner(response) == "Recommendation 2 added"
    first, second = Recommendation.objects.order_by("number")
    assert set(first.themes.all()) == set(themes()) and first.addressed_to == "senior_managers"
    assert (second.number, second.text, second.created_by) == (2, "Fictional: a second one.", staff_a)

    card = section(response.text, "recommendation-1", "recommendation-2")
    assert "agencies share records at every strategy discussion" in card and "Senior managers" in card
    assert all(theme.name in card for theme in themes())
    assert "No actions have been agreed for this recommendation yet." in card
    assert f'href="{action_add_url(first)}"' in card

    form = client.get(action_add_url(first)).text
    assert "Add an action to recommendation 1" in form and "agencies share records" in form
    response = client.post(action_add_url(first), action_post(), follow=True)
    assert banner(response) == "Action added to recommendation 1"
    action = Action.objects.get()
    assert (action.board, action.recommendation, action.status, action.created_on, action.due_on) == (
        chair_a.board,
        first,
        "open",
        TODAY,
        date(2015, 5, 29),
    )
    card = section(response.text, "recommendation-1", "recommendation-2")
    assert "Fictional: audit strategy discussions." in card and "Head of service" in card
    assert "Children&#x27;s social care" in card and "29 May 2015" in card
    assert '<strong class="govuk-tag govuk-tag--grey">Open</strong>' in card
    assert "Running: 88 days left" in card and "Green: on track" in card
    assert f'href="{action_url(action, "begin")}"' in card and action_url(action, "complete") not in card


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"text": ""}, "text", "Enter the recommendation"),
        ({"addressed_to": ""}, "addressed_to", "Select who the recommendation is addressed to"),
        ({"addressed_to": "everyone"}, "addressed_to", "Select who the recommendation is addressed to"),
        ({"themes": []}, "themes", "Select at least one theme from the list"),
        ({"themes": ["999999"]}, "themes", "Select only the themes listed"),
    ],
)
def test_bad_recommendations_show_field_errors_and_save_nothing(client, sign_in, chair_a, post, field, message):
    review = review_in("drafting", chair_a)
    sign_in(chair_a)
    response = client.post(recommendation_url(review), recommendation_post(**post))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"description": ""}, "description", "Describe the action"),
        ({"owner_agency": ""}, "owner_agency", "Select the agency that owns the action"),
        ({"owner_person": ""}, "owner_person", "Enter the person responsible (a role is fine)"),
        ({"due_on_0": ""}, "due_on", "must include a day"),
        (date_fields("due_on", date(2015, 3, 1)), "due_on", "The due date must be today or later"),
    ],
)
def test_bad_actions_show_field_errors_and_save_nothing(client, sign_in, chair_a, post, field, message):
    recommendation = with_recommendation(review_in("drafting", chair_a), chair_a)
    sign_in(chair_a)
    response = client.post(action_add_url(recommendation), action_post(**post))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert not Action.objects.exists()


def test_an_action_runs_from_open_to_impact_evidenced(client, sign_in, staff_a, chair_a):
    review = review_in("completed", chair_a)
    action = with_action(with_recommendation(review, chair_a), chair_a, due_on=date(2015, 3, 31))
    sign_in(staff_a)
    form = client.get(action_url(action, "begin")).text
    assert "Fictional: train health visitors." in form and "Due by 31 March 2015" in form
    response = client.post(action_url(action, "begin"), date_fields("event_date", TODAY), follow=True)
    assert response.redirect_chain == [(page_url(review), 302)]
    assert banner(response) == "Action started"
    assert f'href="{action_url(action, "complete")}"' in response.text

    response = client.post(action_url(action, "complete"), date_fields("event_date", date(2015, 2, 28)))
    assert any("before the action was agreed" in e for e in field_errors(response, "event_date"))
    response = client.post(action_url(action, "complete"), date_fields("event_date", TODAY), follow=True)
    assert banner(response) == "Action completed: on time"
    card = section(response.text, "recommendation-1")
    assert "Completed 2 Mar 2015" in card and "Met" in card

    response = client.post(action_url(action, "evidence_impact"), date_fields("event_date", TODAY))
    assert field_errors(response, "evidence") == ["Describe the evidence of impact"]
    assert Action.objects.get().status == "completed"
    response = client.post(
        action_url(action, "evidence_impact"),
        {**date_fields("event_date", TODAY), "evidence": "Fictional audit: 9 of 10 visits followed the new guide."},
        follow=True,
    )
    assert banner(response) == "Evidence of impact recorded"
    action = Action.objects.get()
    assert (action.status, action.evidence) == (
        "impact_evidenced",
        "Fictional audit: 9 of 10 visits followed the new guide.",
    )
    assert "Impact evidenced" in response.text and "Evidence: Fictional audit" in response.text
    assert [e.transition for e in AuditEntry.objects.for_object(action).order_by("pk")] == [
        "begin",
        "complete",
        "evidence_impact",
    ]


@pytest.mark.parametrize(
    ("status", "name"), [("open", "complete"), ("open", "evidence_impact"), ("in_progress", "begin")]
)
def test_an_action_transition_in_the_wrong_state_redirects_with_a_message(client, sign_in, chair_a, status, name):
    review = review_in("completed", chair_a)
    action = with_action(with_recommendation(review, chair_a), chair_a)
    if status == "in_progress":
        action_begin(actor=chair_a, action_id=action.pk, event_date=TODAY)
    sign_in(chair_a)
    for response in (client.get(action_url(action, name)), client.post(action_url(action, name), EVERYTHING)):
        assert response.status_code == 302 and response["Location"] == page_url(review)
    text = banner(client.get(page_url(review)))
    assert text.startswith("You cannot ") and f"the action is {status.replace('_', ' ')}" in text
    assert Action.objects.get().status == status


# --- The action plan ----------------------------------------------------------------------------


@pytest.fixture
def plan(chair_a, chair_b):
    """Three actions of two reviews of board A (one overdue, one completed) and one of board B."""
    first = with_recommendation(review_in("completed", chair_a), chair_a)
    second = with_recommendation(review_in("completed", chair_a), chair_a, text="Fictional: second review's.")
    actions = {
        "soon": with_action(first, chair_a, due_on=date(2015, 3, 10), description="Fictional: soon."),
        "police": with_action(
            second, chair_a, due_on=date(2015, 4, 30), owner_agency="police", description="Fictional: police."
        ),
        "done": with_action(first, chair_a, due_on=date(2015, 3, 5), description="Fictional: done."),
        "theirs": with_action(
            with_recommendation(review_in("completed", chair_b), chair_b), chair_b, description="Fictional: theirs."
        ),
    }
    for name in ("soon", "done"):
        action_begin(actor=chair_a, action_id=actions[name].pk, event_date=TODAY)
    action_complete(actor=chair_a, action_id=actions["done"].pk, event_date=TODAY)
    # "soon" becomes overdue: its due date has passed (set directly: a new action cannot be due in the past).
    Action.objects.filter(pk=actions["soon"].pk).update(due_on=date(2015, 2, 27), created_on=date(2015, 2, 26))
    clock_rows_sync(Action.objects.get(pk=actions["soon"].pk))  # as a corrected date would be
    return actions


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_the_action_plan_shows_every_action_of_the_board(request, client, sign_in, persona, plan):
    sign_in(request.getfixturevalue(persona))
    page = client.get(PLAN).text
    assert "Showing 1 to 3 of 3 actions, the soonest due first." in page
    for name in ("soon", "police", "done"):
        assert f"Fictional: {name}." in page
    assert "Fictional: theirs." not in page
    assert page.index("Fictional: soon.") < page.index("Fictional: done.") < page.index("Fictional: police.")
    soon = plan["soon"]
    review = soon.recommendation.review
    assert f'href="{page_url(review)}#recommendation-1"' in page and review.decision.incident.reference in page
    assert "Missed: 3 days late" in page and "Red: overdue" in page
    assert '<strong class="govuk-tag govuk-tag--green">Completed</strong>' in page
    assert f'href="{action_url(soon, "complete")}"' in page and f'href="{action_url(plan["police"], "begin")}"' in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "in_progress"}, ["soon"]),
        ({"status": "completed"}, ["done"]),
        ({"status": "impact_evidenced"}, []),
        ({"owner_agency": "police"}, ["police"]),
        ({"owner_agency": "health"}, ["soon", "done"]),
        ({"overdue": "yes"}, ["soon"]),
        ({"overdue": "yes", "owner_agency": "police"}, []),
    ],
)
def test_the_action_plan_filters(client, sign_in, chair_a, plan, query, shown):
    sign_in(chair_a)
    response = client.get(PLAN, query)
    assert response.status_code == 200 and "govuk-error-summary" not in response.text
    for name in ("soon", "police", "done", "theirs"):
        assert (f"Fictional: {name}." in response.text) == (name in shown), name
    if not shown:
        assert "No actions match these filters." in response.text
    assert "Clear filters" in response.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"status": "lost"}, "status", "Choose a status from the list"),
        ({"owner_agency": "'; drop table"}, "owner_agency", "Choose an owner from the list"),
        ({"overdue": "maybe"}, "overdue", "Choose an option from the list"),
    ],
)
def test_bad_filters_are_field_errors_and_ignored(client, sign_in, chair_a, plan, query, field, message):
    sign_in(chair_a)
    response = client.get(PLAN, query)
    assert response.status_code == 200
    assert error_summary(response) == [message] and field_errors(response, field) == [message]
    assert "Showing 1 to 3 of 3 actions" in response.text


def test_the_action_plan_is_paginated(client, sign_in, chair_a):
    recommendation = with_recommendation(review_in("completed", chair_a), chair_a)
    for n in range(27):
        with_action(recommendation, chair_a, due_on=date(2015, 4, 1 + n), description=f"Fictional action {n:02d}.")
    sign_in(chair_a)
    first = client.get(PLAN).text
    assert "Showing 1 to 25 of 27 actions" in first and 'aria-label="Pages of actions"' in first
    second = client.get(PLAN, {"page": "2"}).text
    assert "Showing 26 to 27 of 27 actions" in second
    assert "Fictional action 26." in second and "Fictional action 00." not in second


def test_an_empty_action_plan_says_so(client, sign_in, staff_a):
    sign_in(staff_a)
    assert "Your board has no actions yet." in client.get(PLAN).text
    assert "Your board has no local reviews yet." in client.get(LIST).text


# --- Query counts -------------------------------------------------------------------------------

REVIEW_LINK = '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/reviews/'


@pytest.mark.parametrize("n", [5, 50])
def test_reviews_list_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, n):
    for i in range(n):
        review = new_review(chair_a)
        if i % 2:
            stopped(review, chair_a)
    sign_in(chair_a)
    # Sign-in checks and the session (6 with its save), the count, the page, its incidents and stops.
    with django_assert_max_num_queries(10 + 1):  # + 1: the page's access events, one INSERT
        response = client.get(LIST)
    assert response.text.count(REVIEW_LINK) == min(n, 25)


@pytest.mark.parametrize("n", [5, 50])
def test_review_page_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, n):
    review = review_in("in_progress", chair_a)
    for i in range(n):
        with_contribution(review, chair_a, agency_name=f"Fictional agency {i}")
        with_action(with_recommendation(review, chair_a), chair_a)
    StopPeriod.objects.bulk_create(
        StopPeriod(
            review=review,
            stopped_on=date(2015, 2, 11),
            resumed_on=date(2015, 2, 12),
            reason="inquest",
            recorded_by=chair_a,
        )
        for _ in range(n)
    )
    sign_in(chair_a)
    # Sign-in and the session (6 with its save); the review, its incidents, stops, contributions,
    # recommendations, their themes and actions; the access event; the timeline.
    # 17 = the page (15) + its documents list (one query, however many documents) + its parts' timeline
    # entries (one query) + the parts' content types the first time in a process (cached after); and the
    # timeline's parts as recorded, withdrawn ones too, one query a kind (contributions with their receipts,
    # recommendations, actions, documents), which also name the parts and the withdrawals
    # (tests/reviews/test_timeline.py).
    with django_assert_max_num_queries(18 + 4):
        response = client.get(page_url(review))
    assert response.text.count('<th scope="row" class="govuk-table__header">Fictional agency') == n
    assert response.text.count('class="govuk-summary-card" id="recommendation-') == n


@pytest.mark.parametrize("n", [5, 50])
def test_action_plan_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, n):
    for _ in range(n):
        with_action(with_recommendation(new_review(chair_a), chair_a), chair_a)
    sign_in(chair_a)
    # Sign-in (6), the count, the page with recommendation and review, the reviews' incidents.
    with django_assert_max_num_queries(9 + 1):  # + 1: the page's access events, one INSERT
        response = client.get(PLAN)
    assert response.text.count(REVIEW_LINK) == min(n, 25)


# --- The case page ------------------------------------------------------------------------------


def test_the_case_page_links_to_its_review(client, sign_in, chair_a, panel_member):
    review = stopped(review_in("in_progress", chair_a), chair_a)
    incident = review.decision.incident
    for user in (chair_a, panel_member):
        sign_in(user)
        page = client.get(case_url(incident)).text
        assert f'href="{page_url(review)}"' in page
        assert "Carry out the Serious Case Review" in page and "In progress. The review clock is stopped" in page
    completed = review_in("completed", chair_a)
    sign_in(chair_a)
    page = client.get(case_url(completed.decision.incident)).text
    assert f'href="{page_url(completed)}"' in page and "Signed off on 25 February 2015" in page


def test_the_case_page_of_a_review_to_commission(client, sign_in, staff_a, chair_a):
    review = review_in("commissioning", chair_a)
    sign_in(staff_a)
    page = client.get(case_url(review.decision.incident)).text
    assert f'href="{page_url(review)}"' in page
    assert "To be commissioned. To be completed by 2 August 2015" in page and "Not yet started" in page


def test_the_case_pages_completion_clock_is_the_reviews(client, sign_in, chair_a):
    review = stopped(review_in("drafting", chair_a), chair_a, on=date(2015, 2, 21))
    incident = review.decision.incident
    sign_in(chair_a)

    def completion_row() -> str:
        clocks = section(client.get(case_url(incident)).text, "clocks", "decisions")
        return next(row for row in clocks.split("<tr") if "Complete the Serious Case Review" in row)

    row = completion_row()
    assert "(6 months from the decision, plus stopped days)" in row
    assert "Not set yet" in row and "Stopped" in row
    review_resume_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 2, 25))
    row = completion_row()
    assert "6 Aug 2015" in row and "Running" in row and "157 days left" in row
    overview_report(chair_a, review)
    review_sign_off(actor=chair_a, review_id=review.pk, event_date=TODAY)
    row = completion_row()
    assert "6 Aug 2015" in row and "Met" in row and "days left" not in row
