"""SECURITY row 10: refused access is recorded too. Every 403 and 404 answered to a signed-in person
writes one `AccessRefusal` row (who, role, board, when, request id, the path and route asked for, the
answer), whichever page or API view refused; never the case's content, never the query string."""

import uuid

import pytest
from django.urls import reverse

from audit.models import AccessEvent, AccessRefusal, AppendOnlyError
from tests.api import token_client
from tests.workflow import case_in, submission_of

CANARY = "Canary Pseudonym Rf"


def refusal_of(response) -> AccessRefusal:
    (refusal,) = AccessRefusal.objects.filter(request_id=response["X-Request-ID"])
    assert AccessRefusal.objects.count() == 1
    return refusal


def assert_no_case_text(refusal):
    values = [str(getattr(refusal, f.attname)) for f in AccessRefusal._meta.concrete_fields]
    assert not any(CANARY.lower() in value.lower() for value in values)


@pytest.mark.parametrize(
    "method, route, url",
    [
        ("GET", "incidents:case", lambda incident: reverse("incidents:case", args=[incident.public_id])),
        ("GET", "panel:submission", lambda i: reverse("panel:submission", args=[submission_of(i).public_id])),
        ("POST", "reports:case_pdf", lambda incident: reverse("reports:case_pdf", args=[incident.public_id])),
    ],
)
def test_another_boards_page_is_a_refusal_row(client, sign_in, chair_a, chair_b, method, route, url):
    incident = case_in("decided", chair_a, child_pseudonym=CANARY)
    path = url(incident)
    response = getattr(sign_in(chair_b), method.lower())(path)
    assert response.status_code == 404
    refusal = refusal_of(response)
    assert (refusal.user, refusal.user_role, refusal.user_board_id) == (chair_b, chair_b.role, chair_b.board_id)
    assert (refusal.method, refusal.path, refusal.route, refusal.status) == (method, path, route, 404)
    assert_no_case_text(refusal)
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    "name, record",
    [
        ("api:incident-detail", lambda incident: incident),
        ("api:decision-detail", lambda incident: incident.decisions.get()),
        ("api:submission-detail", lambda incident: submission_of(incident)),
    ],
)
def test_another_boards_api_detail_is_a_refusal_row_with_the_token_user(chair_a, chair_b, name, record):
    incident = case_in("decided", chair_a, child_pseudonym=CANARY)
    path = reverse(name, kwargs={"public_id": record(incident).public_id})
    response = token_client(chair_b).get(path)
    assert response.status_code == 404
    refusal = refusal_of(response)
    assert (refusal.user, refusal.path, refusal.route, refusal.status) == (chair_b, path, name, 404)
    assert_no_case_text(refusal)


def test_an_unknown_id_is_a_refusal_row_like_another_boards(client, sign_in, chair_a):
    path = reverse("incidents:case", args=[uuid.uuid4()])
    response = sign_in(chair_a).get(path)
    assert response.status_code == 404
    assert (refusal_of(response).path, refusal_of(response).status) == (path, 404)


def test_a_403_is_a_refusal_row(client, sign_in, staff_a, chair_a):
    """Staff may see the case but not correct its dates (the chair's): 403, recorded."""
    incident = case_in("notified", chair_a)
    path = reverse("incidents:correct", args=[incident.public_id, "received_on"])
    response = sign_in(staff_a).get(path)
    assert response.status_code == 403
    refusal = refusal_of(response)
    assert (refusal.user, refusal.status, refusal.route) == (staff_a, 403, "incidents:correct")


def test_the_query_string_is_not_kept(client, sign_in, chair_a):
    path = reverse("incidents:case", args=[uuid.uuid4()])
    response = sign_in(chair_a).get(path, {"q": CANARY})
    assert refusal_of(response).path == path
    assert_no_case_text(refusal_of(response))


def test_refusal_rows_are_append_only(client, sign_in, chair_a):
    response = sign_in(chair_a).get(reverse("incidents:case", args=[uuid.uuid4()]))
    refusal = refusal_of(response)
    with pytest.raises(AppendOnlyError):
        refusal.save()
    with pytest.raises(AppendOnlyError):
        refusal.delete()
    with pytest.raises(AppendOnlyError):
        AccessRefusal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessRefusal.objects.update(status=200)


def test_a_refusal_that_cannot_be_recorded_is_still_refused(client, sign_in, chair_a, monkeypatch):
    """A lost database (decision 0029) turns no refusal into a server error: the 404 stands."""
    from django.db import OperationalError

    from audit import middleware

    def unreachable(**kwargs):
        raise OperationalError("the database is unreachable")

    monkeypatch.setattr(middleware, "access_refusal_record", unreachable)
    response = sign_in(chair_a).get(reverse("incidents:case", args=[uuid.uuid4()]))
    assert response.status_code == 404
    assert not AccessRefusal.objects.exists()
