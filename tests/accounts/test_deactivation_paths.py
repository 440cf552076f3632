"""Issue 18, finding 2: every path that sets `is_active=False` ends the person's sessions and API
tokens, and reactivating the account brings neither back (SECURITY row 5)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.tokens import token_create
from tests.conftest import sign_in_with_both_factors

DASHBOARD = reverse("accounts:dashboard")
API_LIST = "/api/v1/incidents/"


def token_client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def by_admin(user, administrator, chair):
    admin = sign_in_with_both_factors(Client(), administrator)
    response = admin.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        # The change form leaves `is_active` unticked: that is how the admin deactivates.
        {"email": user.email, "full_name": user.full_name, "role": user.role, "board": user.board_id},
    )
    assert response.status_code == 302, response.content[:2000]


def by_api(user, administrator, chair):
    client = sign_in_with_both_factors(APIClient(), chair)
    response = client.patch(
        f"/api/v1/users/{user.public_id}/", {"is_active": False, "reason": "Left the board"}, format="json"
    )
    assert response.status_code == 200, response.content[:2000]


def by_people_page(user, administrator, chair):
    client = sign_in_with_both_factors(Client(), chair)
    response = client.post(reverse("accounts:person_deactivate", args=[user.pk]), {"reason": "Left the board"})
    assert response.status_code == 302, response.content[:2000]


def by_shell_save(user, administrator, chair):
    person = User.objects.get(pk=user.pk)
    person.is_active = False
    person.save()


PATHS = [by_admin, by_api, by_people_page, by_shell_save]


@pytest.mark.parametrize("deactivate", PATHS, ids=[p.__name__ for p in PATHS])
def test_deactivation_ends_sessions_and_tokens_and_reactivation_revives_neither(
    deactivate, staff_a, chair_a, administrator
):
    browser = sign_in_with_both_factors(Client(), staff_a)
    assert browser.get(DASHBOARD).status_code == 200
    cookie = browser.cookies["scr_session"].value
    _, secret = token_create(user=staff_a, name="Nightly export")
    assert token_client(secret).get(API_LIST).status_code == 200

    deactivate(staff_a, administrator, chair_a)

    staff_a.refresh_from_db()
    assert staff_a.is_active is False
    assert not Session.objects.filter(session_key=cookie).exists()
    assert not ApiToken.objects.active().filter(user=staff_a).exists()

    # Reactivated the bluntest way (a shell save: the password is unchanged), then both replayed.
    staff_a.is_active = True
    staff_a.save()
    replay = Client()
    replay.cookies["scr_session"] = cookie
    response = replay.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign_in"))
    assert token_client(secret).get(API_LIST).status_code == 401
