"""Issue 17, "Mend what was found": pages offer only what the user can do now; the review refuses drafting
while its clock is stopped, contributions after sign-off and a sign-off with neither an overview report nor
a reason; a contribution due after the review itself is a warning the user confirms."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from reviews.models import Contribution
from reviews.services import NO_OVERVIEW_REPORT, contribution_request, review_begin_drafting, review_sign_off
from scr_tracker.transitions import Blocked, InvalidInput, available_transitions, transitions_now
from tests.api import session_client
from tests.incidents.test_pages import banner, date_fields, field_errors
from tests.reviews.test_pages import (
    contribution_post,
    contribution_url,
    page_url,
    review_in,
    stopped,
    transition_url,
)
from tests.reviews.test_review_api import CONTRIBUTIONS, contribution_json, review_transition_url
from tests.workflow import overview_report

TODAY = date(2015, 3, 2)  # the reviews here are initiated 2 Feb 2015: due 2 August 2015
AFTER_THE_REVIEW = date(2015, 9, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def what_you_can_do(page: str) -> str:
    """The "What you can do now" block: from its heading to the next heading."""
    if "What you can do now" not in page:
        return ""
    return page.split("What you can do now", 1)[1].split("<h2", 1)[0]


# --- 1. Only what the user can do now ------------------------------------------------------------


def test_the_review_page_offers_only_what_the_user_can_do_now(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    sign_in(chair_a)
    page = client.get(page_url(review)).text
    assert "You cannot" not in page  # neither "resume the review clock" nor anything else blocked
    block = what_you_can_do(page)
    assert transition_url(review, "stop_clock") in block and transition_url(review, "begin_drafting") in block
    assert transition_url(review, "resume_clock") not in page

    stopped(review, chair_a, on=date(2015, 2, 21))
    page = client.get(page_url(review)).text
    assert "You cannot" not in page
    assert transition_url(review, "resume_clock") in what_you_can_do(page)
    assert transition_url(review, "begin_drafting") not in page and transition_url(review, "stop_clock") not in page
    assert "The review has no due date until the clock resumes" in page  # the stop is explained above


def test_transitions_now_leaves_out_the_blocked_ones_the_api_still_lists(chair_a):
    review = review_in("in_progress", chair_a)
    listed = {step["name"]: step["blocked_by"] for step in available_transitions(review, chair_a, ["resume_clock"])}
    assert listed == {"resume_clock": ["The review clock is not stopped"]}  # SPEC §8: the API says why
    assert transitions_now(review, chair_a, ["stop_clock", "resume_clock", "begin_drafting"]) == [
        "stop_clock",
        "begin_drafting",
    ]


def test_the_case_page_offers_no_blocked_action(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    (incident,) = review.incidents.all()
    sign_in(chair_a)
    page = client.get(reverse("incidents:case", args=[incident.public_id])).text
    # A decided case with a review under way: the chair can neither reconsider nor close it yet.
    assert "You cannot" not in page
    assert reverse("incidents:transition", args=[incident.public_id, "close"]) not in page
    assert reverse("incidents:transition", args=[incident.public_id, "reconsider"]) not in page


# --- 2a. No drafting while the clock is stopped ----------------------------------------------------


def test_drafting_cannot_begin_while_the_review_clock_is_stopped(client, sign_in, chair_a):
    review = stopped(review_in("in_progress", chair_a), chair_a, on=date(2015, 2, 21))
    words = "The review clock is stopped: resume it before drafting begins"
    with pytest.raises(Blocked) as blocked:
        review_begin_drafting(actor=chair_a, review_id=review.pk, event_date=TODAY)
    assert blocked.value.reasons == [words]
    response = session_client(chair_a).post(
        review_transition_url(review, "begin_drafting"), {"event_date": "2015-03-01"}, format="json"
    )
    assert response.status_code == 409 and response.json()["blocked_by"] == [words]
    review.refresh_from_db()
    assert review.state == "in_progress"
    sign_in(chair_a)
    assert transition_url(review, "begin_drafting") not in client.get(page_url(review)).text


# --- 2b. No contribution requested after sign-off --------------------------------------------------


def test_no_contribution_is_requested_once_the_review_is_signed_off(client, sign_in, chair_a):
    review = review_in("completed", chair_a)
    words = "The review has been signed off: no more agency contributions can be requested"
    with pytest.raises(Blocked) as blocked:
        contribution_request(
            actor=chair_a,
            review_id=review.pk,
            agency="police",
            agency_name="Fictional Constabulary",
            requested_on=date(2015, 2, 26),
            due_on=date(2015, 3, 20),
        )
    assert blocked.value.reasons == [words]
    response = session_client(chair_a).post(
        CONTRIBUTIONS, contribution_json(review, requested_on="2015-02-26"), format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["state"], body["blocked_by"]) == ("completed", [words])
    assert body["allowed_from"] == ["commissioning", "drafting", "in_progress"]
    sign_in(chair_a)
    assert contribution_url(review) not in client.get(page_url(review)).text
    response = client.post(contribution_url(review), contribution_post(), follow=True)
    assert banner(response) == f"{words}."
    assert not Contribution.objects.filter(review=review).exists()


# --- 2c. Sign-off: the overview report, or a reason -------------------------------------------------


def test_sign_off_without_an_overview_report_needs_a_reason_which_the_audit_entry_keeps(chair_a):
    review = review_in("drafting", chair_a)
    with pytest.raises(InvalidInput) as refused:
        review_sign_off(actor=chair_a, review_id=review.pk, event_date=TODAY)
    assert refused.value.errors == {"reason": [NO_OVERVIEW_REPORT]}
    review.refresh_from_db()
    assert review.state == "drafting"
    review_sign_off(actor=chair_a, review_id=review.pk, event_date=TODAY, reason="  Report held on paper  ")
    entry = AuditEntry.objects.for_object(review).get(transition="sign_off")
    assert entry.reason == "Report held on paper"


def test_sign_off_with_an_overview_report_needs_no_reason(chair_a):
    review = review_in("drafting", chair_a)
    overview_report(chair_a, review)
    assert review_sign_off(actor=chair_a, review_id=review.pk, event_date=TODAY).state == "completed"


def test_the_api_asks_for_the_reason(chair_a):
    review = review_in("drafting", chair_a)
    chair = session_client(chair_a)
    url = review_transition_url(review, "sign_off")
    response = chair.post(url, {"event_date": "2015-03-01"}, format="json")
    assert response.status_code == 400 and response.json() == {"reason": [NO_OVERVIEW_REPORT]}
    response = chair.post(url, {"event_date": "2015-03-01", "reason": "Report held on paper"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "completed"


def test_the_sign_off_page_asks_why_only_without_an_overview_report(client, sign_in, chair_a):
    review = review_in("drafting", chair_a)
    sign_in(chair_a)
    page = client.get(transition_url(review, "sign_off")).text
    assert "Why is the review signed off without an overview report uploaded?" in page
    response = client.post(transition_url(review, "sign_off"), date_fields("event_date", TODAY))
    assert field_errors(response, "reason") == ["Enter the reason for signing off without an overview report"]
    review.refresh_from_db()
    assert review.state == "drafting"
    overview_report(chair_a, review)
    page = client.get(transition_url(review, "sign_off")).text
    assert "without an overview report" not in page


# --- 3. A contribution due after the review itself: a warning to confirm -----------------------------


def request(chair, review, **kwargs):
    return contribution_request(
        actor=chair,
        review_id=review.pk,
        agency="police",
        agency_name="Fictional Constabulary",
        requested_on=date(2015, 2, 11),
        due_on=AFTER_THE_REVIEW,
        **kwargs,
    )


def test_a_contribution_due_after_the_review_is_a_warning_until_confirmed(chair_a):
    review = review_in("in_progress", chair_a)
    with pytest.raises(InvalidInput) as warned:
        request(chair_a, review)
    assert warned.value.errors == {
        "confirm": [
            "The contribution would be due on 1 September 2015, after the review itself is due (2 August 2015). "
            "Confirm that this is the date agreed with the agency"
        ]
    }
    assert not Contribution.objects.filter(review=review).exists()
    assert request(chair_a, review, confirm=True).due_on == AFTER_THE_REVIEW


def test_the_page_warns_then_saves_once_confirmed(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    sign_in(chair_a)
    data = contribution_post(**date_fields("due_on", AFTER_THE_REVIEW))
    first = client.post(contribution_url(review), data)
    assert first.status_code == 200
    assert 'id="confirm-warning"' in first.text and "after the review itself is due (2 August 2015)" in first.text
    assert 'name="confirm"' in first.text
    assert not Contribution.objects.filter(review=review).exists()
    again = client.post(contribution_url(review), data)  # not ticked: still only the warning
    assert 'id="confirm-warning"' in again.text and not Contribution.objects.filter(review=review).exists()
    second = client.post(contribution_url(review), {**data, "confirm": "on"})
    assert second.status_code == 302
    assert Contribution.objects.get(review=review).due_on == AFTER_THE_REVIEW


def test_the_page_does_not_warn_of_a_date_before_the_reviews(client, sign_in, chair_a):
    review = review_in("in_progress", chair_a)
    sign_in(chair_a)
    assert client.get(contribution_url(review)).text.count('name="confirm"') == 0
    assert client.post(contribution_url(review), contribution_post()).status_code == 302


def test_the_api_returns_the_warning_unless_confirm_is_sent(chair_a):
    review = review_in("in_progress", chair_a)
    chair = session_client(chair_a)
    data = contribution_json(review, due_on=AFTER_THE_REVIEW.isoformat())
    response = chair.post(CONTRIBUTIONS, data, format="json")
    assert response.status_code == 400 and "after the review itself is due" in response.json()["confirm"][0]
    assert not Contribution.objects.filter(review=review).exists()
    response = chair.post(CONTRIBUTIONS, {**data, "confirm": True}, format="json")
    assert response.status_code == 201 and response.json()["due_on"] == AFTER_THE_REVIEW.isoformat()
