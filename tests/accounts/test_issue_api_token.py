"""`manage.py issue_api_token EMAIL` makes a named token and prints its secret once (SPEC §8)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import hash_secret


def issue(*args) -> str:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    return out.getvalue().strip()


def api_status(secret: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/incidents/").status_code


def test_prints_a_new_token_that_authenticates(staff_a):
    secret = issue("STAFF.A@test.example", "--name", "Nightly export")
    token = ApiToken.objects.get(user=staff_a)
    assert token.name == "Nightly export" and token.key_hash == hash_secret(secret)
    assert api_status(secret) == 200


def test_each_run_makes_a_new_token_and_rotate_revokes_the_others(staff_a):
    first = issue("staff.a@test.example")
    second = issue("staff.a@test.example")
    assert first != second and ApiToken.objects.active().filter(user=staff_a).count() == 2
    rotated = issue("staff.a@test.example", "--rotate")
    assert ApiToken.objects.active().filter(user=staff_a).get().key_hash == hash_secret(rotated)
    assert api_status(first) == 401 and api_status(second) == 401 and api_status(rotated) == 200


def test_refuses_unknown_and_deactivated_users_and_bad_names(staff_a):
    with pytest.raises(CommandError, match="no active user"):
        issue("nobody@test.example")
    with pytest.raises(CommandError, match="name"):
        issue("staff.a@test.example", "--name", " ")
    with pytest.raises(CommandError, match="name"):
        issue("staff.a@test.example", "--name", "x" * 101)
    staff_a.is_active = False
    staff_a.save()
    with pytest.raises(CommandError, match="no active user"):
        issue("staff.a@test.example")
    assert not ApiToken.objects.exists()
