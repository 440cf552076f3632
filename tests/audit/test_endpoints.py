"""SECURITY row 10: each page and API endpoint that shows case records writes exactly one access event per
record shown (who, role, board, record, action, request id), no case content, and a list does so in one
INSERT whatever its length (issue 18, finding 5: the thirteen endpoints an outside test found silent)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessEvent
from tests.api import token_client
from tests.panel.test_pages import submission_in
from tests.reminders.test_pages import make_feed
from tests.reviews.test_review_api import action_in
from tests.workflow import case_in, completed_review, decide, notified, submission_of

CANARY = "Canary Pseudonym Zq"  # a case's text: it must appear in no access event


@pytest.fixture(autouse=True)
def _day():
    with time_machine.travel(datetime(2015, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def get(client, url, **kwargs):
    before = AccessEvent.objects.count()
    response = client.get(url, **kwargs)
    response.events_before = before
    return response


def events_of(response) -> list[AccessEvent]:
    """The access events the response's request wrote (by its request id); no other was written."""
    events = list(AccessEvent.objects.filter(request_id=response["X-Request-ID"]))
    assert len(events) == AccessEvent.objects.count() - response.events_before
    return events


def shown(events) -> list[tuple[type, int]]:
    return sorted((event.content_type.model_class().__name__, event.object_id) for event in events)


def key(*records) -> list[tuple[str, int]]:
    return sorted((type(record).__name__, record.pk) for record in records)


def assert_correct(events, user, *, board, action="view"):
    for event in events:
        assert (event.user, event.user_role, event.user_board_id) == (user, user.role, user.board_id)
        assert (event.board_id, event.action) == (board.pk, action)
        assert len(event.request_id) == 32
        values = [str(getattr(event, f.attname)) for f in AccessEvent._meta.concrete_fields]
        assert not any(CANARY.lower() in value.lower() for value in values)


def canary_case(state, chair):
    return case_in(state, chair, child_pseudonym=CANARY)


# --- Lists: one row per case shown, one INSERT ------------------------------------------------------


def insert_statements(queries) -> list[str]:
    table = AccessEvent._meta.db_table
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT") and table in q["sql"]]


@pytest.mark.parametrize("n", [1, 6])
def test_the_case_list_writes_one_event_per_case_in_one_insert(client, sign_in, chair_a, chair_b, n):
    cases = [canary_case("notified", chair_a) for _ in range(n)]
    canary_case("notified", chair_b)
    sign_in(chair_a)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, reverse("incidents:list"))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(*cases)
    assert_correct(events, chair_a, board=chair_a.board)
    assert len(insert_statements(queries.captured_queries)) == 1


def test_the_dashboard_writes_one_event_per_case_it_shows(client, sign_in, chair_a, chair_b):
    cases = [canary_case("notified", chair_a) for _ in range(3)]
    canary_case("notified", chair_b)
    sign_in(chair_a)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, reverse("accounts:dashboard"))
    assert response.status_code == 200
    events = events_of(response)
    # Each case once, though the dashboard shows it in its queue and in its open cases.
    assert shown(events) == key(*cases)
    assert_correct(events, chair_a, board=chair_a.board)
    assert len(insert_statements(queries.captured_queries)) == 1


def test_the_panel_dashboard_writes_one_event_per_submission_it_shows(client, sign_in, panel_member, chair_a):
    sent = submission_in("submitted", chair_a, panel_member)
    response = get(sign_in(panel_member), reverse("accounts:dashboard"))
    events = events_of(response)
    assert shown(events) == key(sent)
    assert_correct(events, panel_member, board=chair_a.board)


def test_the_review_list_writes_one_event_per_review(client, sign_in, chair_a, chair_b):
    reviews = [completed_review(chair_a, child_pseudonym=CANARY) for _ in range(2)]
    completed_review(chair_b)
    with CaptureQueriesContext(connection) as queries:
        response = get(sign_in(chair_a), reverse("reviews:list"))
    events = events_of(response)
    assert shown(events) == key(*reviews)
    assert_correct(events, chair_a, board=chair_a.board)
    assert len(insert_statements(queries.captured_queries)) == 1


def test_the_action_plan_writes_one_event_per_action(client, sign_in, chair_a, chair_b):
    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        actions = [action_in("open", chair_a) for _ in range(2)]
        action_in("open", chair_b)
    with CaptureQueriesContext(connection) as queries:
        response = get(sign_in(chair_a), reverse("reviews:actions"))
    events = events_of(response)
    assert shown(events) == key(*actions)
    assert_correct(events, chair_a, board=chair_a.board)
    assert len(insert_statements(queries.captured_queries)) == 1


@pytest.mark.parametrize("n", [1, 4])
def test_the_incidents_api_list_writes_one_event_per_case_in_one_insert(chair_a, chair_b, n):
    cases = [canary_case("notified", chair_a) for _ in range(n)]
    canary_case("notified", chair_b)
    client = token_client(chair_a)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, "/api/v1/incidents/")
    assert response.json()["count"] == n
    events = events_of(response)
    assert shown(events) == key(*cases)
    assert_correct(events, chair_a, board=chair_a.board)
    assert len(insert_statements(queries.captured_queries)) == 1


def test_the_submissions_api_list_writes_one_event_per_submission(chair_a, chair_b):
    submissions = [submission_of(canary_case("decided", chair_a)) for _ in range(3)]
    case_in("decided", chair_b)
    with CaptureQueriesContext(connection) as queries:
        response = get(token_client(chair_a), "/api/v1/submissions/")
    events = events_of(response)
    assert shown(events) == key(*submissions)
    assert_correct(events, chair_a, board=chair_a.board)
    assert len(insert_statements(queries.captured_queries)) == 1


def test_the_api_list_of_decisions_names_the_cases_board(chair_a):
    decisions = [canary_case("decided", chair_a).decisions.get() for _ in range(2)]
    events = events_of(get(token_client(chair_a), "/api/v1/decisions/"))
    assert shown(events) == key(*decisions)
    assert_correct(events, chair_a, board=chair_a.board)


# --- One record's pages -------------------------------------------------------------------------------


def test_check_your_answers_writes_one_event_for_the_submission(client, sign_in, chair_a):
    submission = submission_of(canary_case("decided", chair_a))
    response = get(sign_in(chair_a), reverse("panel:check", args=[submission.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(submission)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_covering_note_page_writes_one_event_for_the_submission(client, sign_in, staff_a, chair_a):
    submission = submission_of(canary_case("decided", chair_a))
    response = get(sign_in(staff_a), reverse("panel:note", args=[submission.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(submission)
    assert_correct(events, staff_a, board=chair_a.board)


def test_the_review_terms_page_writes_one_event_for_the_review(client, sign_in, chair_a):
    from reviews.choices import DecisionKind

    review = decide(chair_a, notified(chair_a, child_pseudonym=CANARY), decision=DecisionKind.INITIATE_SCR).review
    response = get(sign_in(chair_a), reverse("reviews:terms", args=[review.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(review)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_board_annual_report_writes_one_event_per_review_and_decision_it_names(client, sign_in, chair_a, chair_b):
    review = completed_review(chair_a, child_pseudonym=CANARY)
    completed_review(chair_b)
    response = get(sign_in(chair_a), reverse("reports:board_report"), data={"year": 2014})
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(review, review.decision)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_meeting_page_writes_one_event_per_submission_on_its_agenda(client, sign_in, chair_a, chair_b, secretariat):
    on_agenda = [submission_in("scheduled", chair, secretariat) for chair in (chair_a, chair_b)]
    response = get(sign_in(secretariat), reverse("panel:meeting", args=[on_agenda[0].meeting.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(*on_agenda)
    by_record = {event.object_id: event for event in events}
    assert by_record[on_agenda[0].pk].board_id == chair_a.board_id
    assert by_record[on_agenda[1].pk].board_id == chair_b.board_id
    assert {event.user for event in events} == {secretariat}


def test_the_meetings_api_writes_one_event_per_submission_on_the_agendas(chair_a, secretariat):
    scheduled = submission_in("scheduled", chair_a, secretariat)
    client = token_client(secretariat)
    for url in ("/api/v1/meetings/", f"/api/v1/meetings/{scheduled.meeting.public_id}/"):
        events = events_of(get(client, url))
        assert shown(events) == key(scheduled)
        assert_correct(events, secretariat, board=chair_a.board)


def test_the_calendar_feed_writes_one_event_per_case_for_the_addresss_owner(client, sign_in, staff_a, staff_b):
    drafts = [case_in("draft", staff_a, child_pseudonym=CANARY) for _ in range(2)]
    case_in("draft", staff_b)
    url = make_feed(client, sign_in, staff_a)
    client.logout()
    response = get(client, url)
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(*drafts)
    assert_correct(events, staff_a, board=staff_a.board)


def test_the_waiting_page_writes_one_event_per_record_it_lists(client, sign_in, chair_a):
    cases = [canary_case("notified", chair_a) for _ in range(2)]
    events = events_of(get(sign_in(chair_a), reverse("reminders:waiting")))
    assert shown(events) == key(*cases)
    assert_correct(events, chair_a, board=chair_a.board)


def test_a_transition_page_writes_one_event_for_its_record(client, sign_in, chair_a):
    incident = canary_case("notified", chair_a)
    response = get(sign_in(chair_a), reverse("incidents:transition", args=[incident.public_id, "refer_to_subgroup"]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(incident)
    assert_correct(events, chair_a, board=chair_a.board)


def test_a_note_page_writes_one_event_for_its_record(client, sign_in, staff_a, chair_a):
    incident = canary_case("notified", chair_a)
    response = get(sign_in(staff_a), reverse("incidents:note", args=[incident.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(incident)
    assert_correct(events, staff_a, board=chair_a.board)


# --- Form pages of one record ----------------------------------------------------------------------


def test_the_lead_officer_page_writes_one_event_for_the_case(client, sign_in, chair_a):
    incident = canary_case("notified", chair_a)
    response = get(sign_in(chair_a), reverse("incidents:lead_officer", args=[incident.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(incident)
    assert_correct(events, chair_a, board=chair_a.board)


def test_a_date_correction_page_writes_one_event_for_the_case(client, sign_in, chair_a):
    incident = canary_case("notified", chair_a)
    response = get(sign_in(chair_a), reverse("incidents:correct", args=[incident.public_id, "received_on"]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(incident)
    assert_correct(events, chair_a, board=chair_a.board)


@pytest.fixture
def open_review(chair_a):
    from tests.reviews.test_pages import review_in

    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        return review_in("in_progress", chair_a, child_pseudonym=CANARY)


@pytest.mark.parametrize("name", ["reviews:contribution_request", "reviews:recommendation_add"])
def test_a_review_form_page_writes_one_event_for_the_review(client, sign_in, chair_a, open_review, name):
    response = get(sign_in(chair_a), reverse(name, args=[open_review.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(open_review)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_contribution_received_page_writes_one_event_for_the_contribution(client, sign_in, chair_a, open_review):
    from tests.reviews.test_review_api import contribution_of

    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        contribution = contribution_of(open_review, chair_a)
    response = get(sign_in(chair_a), reverse("reviews:contribution_receive", args=[contribution.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(contribution)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_new_action_page_writes_one_event_for_the_recommendation(client, sign_in, chair_a, open_review):
    from tests.reviews.test_review_api import recommendation_of

    recommendation = recommendation_of(open_review, chair_a)
    response = get(sign_in(chair_a), reverse("reviews:action_add", args=[recommendation.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(recommendation)
    assert_correct(events, chair_a, board=chair_a.board)


def test_a_review_record_correction_page_writes_one_event_for_the_record(client, sign_in, chair_a, open_review):
    from tests.reviews.test_review_api import contribution_of

    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        contribution = contribution_of(open_review, chair_a)
    url = reverse("reviews:correct", args=["contribution", contribution.public_id, "requested_on"])
    response = get(sign_in(chair_a), url)
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(contribution)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_decision_correction_page_writes_one_event_for_the_decision(client, sign_in, chair_a):
    decision = canary_case("decided", chair_a).decisions.get()
    response = get(sign_in(chair_a), reverse("reviews:correct_decision", args=[decision.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(decision)
    assert_correct(events, chair_a, board=chair_a.board)


@pytest.mark.parametrize("kind", ["contribution", "recommendation", "document"])
def test_a_withdrawal_page_writes_one_event_for_the_record(client, sign_in, chair_a, open_review, kind):
    from tests.reviews.test_review_api import contribution_of, recommendation_of
    from tests.workflow import overview_report

    with time_machine.travel(datetime(2015, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        record = {
            "contribution": lambda: contribution_of(open_review, chair_a),
            "recommendation": lambda: recommendation_of(open_review, chair_a),
            "document": lambda: overview_report(chair_a, open_review),
        }[kind]()
    name = {"contribution": "reviews:contribution_withdraw", "recommendation": "reviews:recommendation_withdraw"}
    response = get(sign_in(chair_a), reverse(name.get(kind, "documents:withdraw"), args=[record.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(record)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_submission_correction_page_writes_one_event_for_the_submission(client, sign_in, chair_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    response = get(sign_in(chair_a), reverse("panel:correct", args=[submission.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(submission)
    assert_correct(events, chair_a, board=chair_a.board)


@pytest.mark.parametrize(
    "name, args",
    [("publication:plan", []), ("publication:record", []), ("publication:correct", ["report_sent_on"])],
)
def test_a_publication_form_page_writes_one_event_for_the_publication(client, sign_in, chair_a, name, args):
    from tests.workflow import report_sent

    if name == "publication:plan":
        publication = completed_review(chair_a, child_pseudonym=CANARY).publication
    else:
        publication = report_sent(chair_a, child_pseudonym=CANARY)
    response = get(sign_in(chair_a), reverse(name, args=[publication.public_id, *args]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(publication)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_document_upload_page_writes_one_event_for_the_review(client, sign_in, chair_a, open_review):
    response = get(sign_in(chair_a), reverse("documents:upload", args=[open_review.public_id]))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(open_review)
    assert_correct(events, chair_a, board=chair_a.board)


def test_the_notifications_page_writes_one_event_per_record_reminded(client, sign_in, staff_a, staff_b):
    from django.core.management import call_command

    from reminders.models import Notification

    drafts = [case_in("draft", staff_a, child_pseudonym=CANARY) for _ in range(2)]
    case_in("draft", staff_b)
    with time_machine.travel(datetime(2015, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        call_command("send_reminders")
    assert Notification.objects.filter(recipient=staff_a).exists()
    response = get(sign_in(staff_a), reverse("reminders:list"))
    assert response.status_code == 200
    events = events_of(response)
    assert shown(events) == key(*drafts)
    assert_correct(events, staff_a, board=staff_a.board)
