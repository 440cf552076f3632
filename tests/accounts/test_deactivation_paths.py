"""Issue 18, finding 2: every path that sets `is_active=False` ends the person's sessions and API
tokens, and reactivating the account brings neither back (SECURITY row 5)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, User, UserSession
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


def by_queryset_update(user, administrator, chair):
    assert User.objects.filter(pk=user.pk).update(is_active=False) == 1


def by_bulk_update(user, administrator, chair):
    person = User.objects.get(pk=user.pk)
    person.is_active = False
    User.objects.bulk_update([person], ["is_active"])


PATHS = [by_admin, by_api, by_people_page, by_shell_save, by_queryset_update, by_bulk_update]


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


def test_a_session_whose_key_was_never_recorded_does_not_work_again_after_a_reactivation(staff_a):
    """Deactivation deletes the sessions recorded at sign-in; one that was not (a key lost, a session
    made another way) is inactive while the account is, and signed with what the deactivation changed."""
    browser = sign_in_with_both_factors(Client(), staff_a)
    assert browser.get(DASHBOARD).status_code == 200
    cookie = browser.cookies["scr_session"].value
    UserSession.objects.filter(user=staff_a).delete()  # the key was never recorded

    person = User.objects.get(pk=staff_a.pk)
    person.is_active = False
    person.save()
    assert Session.objects.filter(session_key=cookie).exists(), "not found, so not deleted"
    person.is_active = True
    person.save()

    replay = Client()
    replay.cookies["scr_session"] = cookie
    response = replay.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign_in"))


def test_a_sign_in_after_the_reactivation_works(staff_a):
    person = User.objects.get(pk=staff_a.pk)
    person.is_active = False
    person.save()
    person.is_active = True
    person.save()
    person.refresh_from_db()
    browser = sign_in_with_both_factors(Client(), person)
    assert browser.get(DASHBOARD).status_code == 200
