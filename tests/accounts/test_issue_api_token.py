"""`manage.py issue_api_token EMAIL` prints a token for automation (SPEC §8)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def issue(*args) -> str:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_prints_a_token_that_authenticates(staff_a):
    key = issue("STAFF.A@test.example")
    assert Token.objects.get(user=staff_a).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/incidents/").status_code == 200


def test_the_same_token_again_unless_rotated(staff_a):
    first = issue("staff.a@test.example")
    assert issue("staff.a@test.example") == first
    rotated = issue("staff.a@test.example", "--rotate")
    assert rotated != first and Token.objects.filter(user=staff_a).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get("/api/v1/incidents/").status_code == 401


def test_refuses_unknown_and_deactivated_users(staff_a):
    with pytest.raises(CommandError, match="no active user"):
        issue("nobody@test.example")
    staff_a.is_active = False
    staff_a.save()
    with pytest.raises(CommandError, match="no active user"):
        issue("staff.a@test.example")
    assert not Token.objects.exists()
