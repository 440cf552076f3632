"""Personal API tokens (SPEC §8): stored hashed, shown once, revocable, dead with deactivation."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.signals import user_deactivated
from accounts.tokens import hash_secret, token_create, token_revoke
from audit.models import AuditEntry

LIST = "/api/v1/incidents/"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_fixed_timezone(0))


def api(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def entries(transition):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(ApiToken), transition=transition)


def test_the_secret_is_nowhere_in_the_database_row(staff_a):
    token, secret = token_create(user=staff_a, name="Nightly export")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert all(secret not in str(value) for value in row)
    assert token.key_hash == hash_secret(secret) and len(token.key_hash) == 64
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3
    assert api(secret).get(LIST).status_code == 200


def test_a_token_authenticates_as_its_user_with_their_scope(staff_a, staff_b):
    _, secret = token_create(user=staff_b, name="Other board")
    response = api(secret).get("/api/v1/incidents/")
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("header", ["Token nope", "Token", "Token a b", "Bearer x"])
def test_wrong_or_malformed_tokens_are_401(staff_a, header):
    token_create(user=staff_a, name="Real")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_401_and_audited(staff_a):
    token, secret = token_create(user=staff_a, name="CI", actor=staff_a)
    assert token_revoke(token, actor=staff_a) is True
    assert token_revoke(token, actor=staff_a) is False  # once only
    assert api(secret).get(LIST).status_code == 401
    created, revoked = entries("create_api_token").get(), entries("revoke_api_token").get()
    assert (created.from_state, created.to_state, created.actor) == ("", "active", staff_a)
    assert created.board == staff_a.board and created.record == token
    assert (revoked.from_state, revoked.to_state, revoked.actor_role) == ("active", "revoked", "board_staff")
    assert revoked.event_date == timezone.localdate()


def test_deactivation_revokes_every_token_for_good(staff_a):
    _, first = token_create(user=staff_a, name="One")
    _, second = token_create(user=staff_a, name="Two")
    with transaction.atomic():
        staff_a.is_active = False
        staff_a.save()
        user_deactivated.send(sender=type(staff_a), user=staff_a)
    assert not ApiToken.objects.active().filter(user=staff_a).exists()
    assert entries("revoke_api_token").count() == 2
    staff_a.is_active = True
    staff_a.save()
    assert api(first).get(LIST).status_code == 401
    assert api(second).get(LIST).status_code == 401


def test_an_inactive_users_token_is_refused_even_before_revocation(staff_a):
    _, secret = token_create(user=staff_a, name="One")
    staff_a.is_active = False
    staff_a.save()
    assert api(secret).get(LIST).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(staff_a, django_assert_max_num_queries):
    token, secret = token_create(user=staff_a, name="CI")
    with time_machine.travel(NOW, tick=False):
        api(secret).get(LIST)
        token.refresh_from_db()
        assert token.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        api(secret).get(LIST)
        token.refresh_from_db()
        assert token.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        api(secret).get(LIST)
        token.refresh_from_db()
        assert token.last_used_at == NOW + timedelta(minutes=2)


# --- The account page ---------------------------------------------------------------------------


def test_the_header_links_the_account_page(sign_in, staff_a):
    page = sign_in(staff_a).get(reverse("accounts:dashboard")).text
    assert f'href="{reverse("accounts:account")}"' in page


def test_the_secret_is_shown_once(sign_in, staff_a):
    client = sign_in(staff_a)
    response = client.post(reverse("accounts:api_token_create"), {"name": "Nightly export"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=staff_a)
    secret = response.context["secret"]
    assert secret in response.text and "Copy the token now" in response.text
    assert "no-store" in response["Cache-Control"]
    assert token.key_hash == hash_secret(secret) and token.name == "Nightly export"
    assert api(secret).get(LIST).status_code == 200
    page = client.get(reverse("accounts:account")).text
    assert secret not in page
    assert "Nightly export" in page and token.prefix in page and "Active" in page
    entry = entries("create_api_token").get()
    assert entry.actor == staff_a and entry.record == token


@pytest.mark.parametrize(
    ("name", "error"),
    [("", "Enter a name for the token"), ("   ", "Enter a name for the token"), ("x" * 101, "100 characters")],
)
def test_bad_names_are_field_errors_and_nothing_is_made(sign_in, staff_a, name, error):
    response = sign_in(staff_a).post(reverse("accounts:api_token_create"), {"name": name})
    assert response.status_code == 400
    assert error in str(response.context["form"].errors["name"])
    assert "govuk-error-summary" in response.text
    assert not ApiToken.objects.exists() and not entries("create_api_token").exists()


def test_revoking_from_the_page_asks_then_revokes(sign_in, staff_a):
    token, secret = token_create(user=staff_a, name="CI")
    client = sign_in(staff_a)
    url = reverse("accounts:api_token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Revoke the token" in confirm.text
    token.refresh_from_db()
    assert token.is_active
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    token.refresh_from_db()
    assert not token.is_active
    assert api(secret).get(LIST).status_code == 401
    assert entries("revoke_api_token").get().actor == staff_a
    assert "Revoked" in client.get(reverse("accounts:account")).text


def test_another_users_token_is_404(sign_in, staff_a, chair_a):
    token, secret = token_create(user=staff_a, name="Mine")
    client = sign_in(chair_a)
    url = reverse("accounts:api_token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.is_active and api(secret).get(LIST).status_code == 200
    assert "Mine" not in client.get(reverse("accounts:account")).text


def test_the_account_page_needs_sign_in(client, db):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302


@pytest.mark.parametrize("n", [1, 15])
def test_the_account_page_query_count_does_not_grow(sign_in, staff_a, django_assert_max_num_queries, n):
    for i in range(n):
        token, _ = token_create(user=staff_a, name=f"Token {i}")
        if i % 2:
            token_revoke(token)
    client = sign_in(staff_a)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("accounts:account")).status_code == 200
