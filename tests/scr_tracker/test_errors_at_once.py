"""Issue 17, "Mend what was found": a page shows its field errors and the dates out of order in one
submission, each beside its field and in the error summary, and saves nothing.

Every page that runs a service (`scr_tracker.pages.run_for_page`) asks it about the fields that parsed
while others have errors; these tests take one page of each app: one field the form refuses and one
date the service refuses for its order, posted together.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from incidents.models import Incident
from panel.models import PanelSubmission, SubmissionEvent
from publication.models import Publication
from reviews.models import Contribution, Decision
from tests.incidents.test_pages import date_fields, decision_post, error_summary, field_errors
from tests.panel.test_pages import submission_in
from tests.reviews.test_pages import contribution_post, review_in
from tests.workflow import completed_review, draft, notified


def frozen_on(day: date):
    return time_machine.travel(datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo("Europe/London")), tick=False)


def typed(name: str, day: str, month: str, year: str) -> dict:
    """A date's boxes as typed, real or not."""
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def both_shown(response, first: tuple[str, str], second: tuple[str, str]) -> None:
    """Each message beside its own field and both in the error summary, on a page answered 200 (not saved)."""
    assert response.status_code == 200
    summary = error_summary(response)
    for field, message in (first, second):
        assert message in field_errors(response, field), (field, field_errors(response, field))
        assert message in summary


@pytest.fixture
def in_2015():
    with frozen_on(date(2015, 2, 20)):
        yield


# --- incidents: the notification ------------------------------------------------------------------


def test_the_notification_shows_a_missing_date_and_ofsted_before_the_la_at_once(client, sign_in, chair_a, in_2015):
    incident = draft(chair_a)  # the local authority was aware on 6 January 2015
    sign_in(chair_a)
    response = client.post(
        reverse("incidents:transition", args=[incident.public_id, "notify"]),
        date_fields("ofsted_notified_on", date(2015, 1, 2)),  # no date received: a field error of its own
    )
    both_shown(
        response,
        ("event_date", "Enter the date the board received the notification"),
        ("ofsted_notified_on", "Ofsted cannot have been notified before the local authority was aware"),
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.state == "draft" and incident.ofsted_notified_on is None
    assert not AuditEntry.objects.for_object(incident).filter(transition="notify").exists()


def test_the_decision_shows_a_missing_rationale_and_the_panel_told_before_the_decision_at_once(
    client, sign_in, chair_a, in_2015
):
    incident = notified(chair_a)  # received 9 January 2015
    sign_in(chair_a)
    post = decision_post(
        decision="initiate_scr",
        rationale_abuse_or_neglect="",  # a field error
        **date_fields("event_date", date(2015, 2, 2)),
        **date_fields("panel_notified_on", date(2015, 1, 30)),  # before the decision: the service's rule
    )
    response = client.post(reverse("incidents:transition", args=[incident.public_id, "record_decision"]), post)
    assert response.status_code == 200
    assert field_errors(response, "rationale_abuse_or_neglect")
    assert "The panel cannot be notified before the decision" in field_errors(response, "panel_notified_on")
    assert "The panel cannot be notified before the decision" in error_summary(response)
    assert not Decision.objects.filter(incident=incident).exists()


def test_a_field_that_did_not_parse_gets_only_its_own_message(client, sign_in, chair_a, in_2015):
    incident = draft(chair_a)
    sign_in(chair_a)
    response = client.post(
        reverse("incidents:transition", args=[incident.public_id, "notify"]),
        {**typed("event_date", "30", "2", "2015"), **date_fields("ofsted_notified_on", date(2015, 1, 8))},
    )
    assert field_errors(response, "event_date") == ["The date the board received the notification must be a real date"]
    assert field_errors(response, "ofsted_notified_on") == []  # in order: nothing to say
    assert Incident.objects.get(pk=incident.pk).state == "draft"


# --- reviews: a contribution ----------------------------------------------------------------------


def test_a_contribution_shows_a_missing_name_and_a_due_date_before_the_request_at_once(client, sign_in, chair_a):
    with frozen_on(date(2015, 3, 2)):
        review = review_in("in_progress", chair_a)
        sign_in(chair_a)
        response = client.post(
            reverse("reviews:contribution_request", args=[review.public_id]),
            contribution_post(agency_name="", **date_fields("due_on", date(2015, 2, 10))),  # requested 12 February
        )
    both_shown(
        response,
        ("agency_name", "Enter the organisation's name"),
        ("due_on", "The due date must be on or after the request"),
    )
    assert not Contribution.objects.exists()


# --- panel: advice at a meeting -------------------------------------------------------------------


def test_advice_shows_missing_reasons_and_a_date_before_the_meeting_at_once(client, sign_in, chair_a, secretariat):
    with frozen_on(date(2015, 2, 10)):
        submission = submission_in("scheduled", chair_a, secretariat, meets_on=date(2015, 2, 12))
    with frozen_on(date(2015, 2, 20)):
        sign_in(secretariat)
        response = client.post(
            reverse("panel:transition", args=[submission.public_id, "record_advice"]),
            {**date_fields("event_date", date(2015, 2, 11)), "advice": "agree", "reasons": ""},
        )
    both_shown(
        response,
        ("reasons", "Give the panel's reasons"),
        (
            "event_date",
            "The advice is recorded as given at the panel meeting on 12 February 2015: "
            "it cannot be dated before the meeting",
        ),
    )
    assert PanelSubmission.objects.get(pk=submission.pk).state == "scheduled"
    assert not SubmissionEvent.objects.filter(submission=submission).exists()


# --- publication: sending the report, and a correction --------------------------------------------


def test_sending_the_report_shows_a_date_not_real_and_a_date_before_sign_off_at_once(client, sign_in, chair_a):
    with frozen_on(date(2015, 7, 1)):
        publication = completed_review(chair_a).publication  # signed off 1 June 2015
        sign_in(chair_a)
        response = client.post(
            reverse("publication:transition", args=[publication.public_id, "send_report"]),
            {
                **date_fields("event_date", date(2015, 5, 20)),
                **typed("planned_publication_on", "31", "2", "2016"),
            },
        )
    both_shown(
        response,
        ("planned_publication_on", "The planned publication date must be a real date"),
        ("event_date", "The report cannot be sent before the review was signed off (1 June 2015)"),
    )
    publication = Publication.objects.get(pk=publication.pk)
    assert publication.state == "awaiting_report" and publication.report_sent_on is None


def test_a_correction_shows_a_missing_reason_and_a_date_out_of_order_at_once(client, sign_in, chair_a, in_2015):
    incident = notified(chair_a)  # the local authority was aware on 6 January, the SIN received on 9 January
    sign_in(chair_a)
    response = client.post(
        reverse("incidents:correct", args=[incident.public_id, "received_on"]),
        {**date_fields("new_value", date(2015, 1, 3)), "reason": ""},
    )
    assert response.status_code == 200
    assert field_errors(response, "reason") == ["Enter the reason for the correction"]
    (rule,) = field_errors(response, "new_value")  # whatever the case's rule, it is shown with the other
    assert rule in error_summary(response)
    assert Incident.objects.get(pk=incident.pk).received_on == date(2015, 1, 9)
    assert not AuditEntry.objects.for_object(incident).filter(transition="correct_date").exists()
