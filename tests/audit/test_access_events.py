"""Access events: one append-only row per view of a case record, tied to the request id."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AccessEvent, AccessRefusal, AppendOnlyError
from audit.services import access_record
from tests.workflow import case_in


def test_access_record_writes_who_what_and_the_request_id(chair_a):
    incident = case_in("draft", chair_a)
    request = RequestFactory().get("/")
    request.user = chair_a
    request.request_id = "abc123"
    event = access_record(request=request, record=incident)
    assert (event.user, event.user_role, event.user_board, event.board) == (
        chair_a,
        "board_chair",
        chair_a.board,
        incident.board,
    )
    assert (event.action, event.request_id, event.record) == ("view", "abc123", incident)


def test_access_events_are_append_only(chair_a):
    incident = case_in("draft", chair_a)
    request = RequestFactory().get("/")
    request.user = chair_a
    event = access_record(request=request, record=incident)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


def test_every_response_carries_a_request_id(client, db):
    first = client.get(reverse("accounts:sign_in"))
    second = client.get(reverse("accounts:sign_in"))
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_viewing_a_case_page_writes_exactly_one_access_event(client, sign_in, chair_a):
    incident = case_in("notified", chair_a)
    sign_in(chair_a)
    response = client.get(reverse("incidents:case", args=[incident.public_id]))
    assert response.status_code == 200
    (event,) = AccessEvent.objects.for_object(incident)
    assert (event.user, event.action, event.request_id) == (chair_a, "view", response["X-Request-ID"])


def test_a_refused_view_writes_a_refusal_row_and_no_access_event(client, sign_in, chair_a, chair_b):
    incident = case_in("notified", chair_a)
    sign_in(chair_b)
    response = client.get(reverse("incidents:case", args=[incident.public_id]))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()  # nothing of the case was shown
    (refusal,) = AccessRefusal.objects.all()
    assert (refusal.user, refusal.user_role, refusal.user_board, refusal.status) == (
        chair_b,
        "board_chair",
        chair_b.board,
        404,
    )
    assert (refusal.method, refusal.path, refusal.route) == (
        "GET",
        f"/cases/{incident.public_id}/",
        "incidents:case",
    )
    assert refusal.request_id == response["X-Request-ID"]


def test_api_detail_of_incident_and_decision_write_one_access_event_each(client, sign_in, chair_a):
    incident = case_in("decided", chair_a)
    decision = incident.decisions.get()
    sign_in(chair_a)
    assert client.get(f"/api/v1/incidents/{incident.public_id}/").status_code == 200
    assert client.get(f"/api/v1/decisions/{decision.public_id}/").status_code == 200
    assert AccessEvent.objects.for_object(incident).count() == 1
    (event,) = AccessEvent.objects.for_object(decision)
    assert event.board == chair_a.board
