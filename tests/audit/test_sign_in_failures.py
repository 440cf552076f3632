"""SECURITY rows 7 and 10: every failed sign-in leaves a durable, append-only record (`SignInFailure`):
the password step, the security-code step and lockouts; when, the email as typed (normalised), whether
it named an account (kept here only), the client's address, the user agent (cut short) and the request
id. Never a password or a code. django-axes deletes its own attempts at the next success: these stay."""

import re

import pytest
from django.urls import reverse

from accounts.forms import SIGN_IN_ERROR
from audit.models import AppendOnlyError, SignInFailure
from audit.services import USER_AGENT_KEPT
from tests.accounts.test_sign_in import CODE, current_code, password_step
from tests.factories import TOTPDeviceFactory

WRONG = "Not-The-Password-9"


@pytest.fixture
def chair_with_device(chair_a):
    return chair_a, TOTPDeviceFactory(user=chair_a)


def test_a_wrong_password_is_recorded_with_who_was_named_and_from_where(client, chair_with_device):
    chair, _ = chair_with_device
    response = client.post(
        reverse("accounts:sign_in"),
        {"username": f"  {chair.email.upper()} ", "password": WRONG},
        HTTP_USER_AGENT="Fictional Browser/1.0 " + "x" * 400,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    (failure,) = SignInFailure.objects.all()
    assert (failure.step, failure.email, failure.account, failure.matched_account) == (
        "password",
        chair.email.lower(),
        chair,
        True,
    )
    assert failure.ip_address == "203.0.113.7"
    assert failure.user_agent.startswith("Fictional Browser/1.0") and len(failure.user_agent) == USER_AGENT_KEPT
    assert failure.request_id == response["X-Request-ID"]
    assert failure.at is not None


def test_an_unknown_email_is_recorded_as_matching_no_account(client, db):
    password_step(client, "Nobody@Test.Example", WRONG)
    (failure,) = SignInFailure.objects.all()
    assert (failure.email, failure.account, failure.matched_account) == ("nobody@test.example", None, False)


def test_no_password_is_ever_kept(client, chair_with_device):
    chair, _ = chair_with_device
    password_step(client, chair.email, WRONG)
    (failure,) = SignInFailure.objects.all()
    values = [str(getattr(failure, f.attname)) for f in SignInFailure._meta.concrete_fields]
    assert not any(WRONG.lower() in value.lower() for value in values)


def test_a_wrong_security_code_is_recorded_as_the_second_step(client, chair_with_device):
    chair, device = chair_with_device
    password_step(client, chair.email)
    wrong_code = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong_code})
    assert response.status_code == 200
    (failure,) = SignInFailure.objects.all()
    assert (failure.step, failure.email, failure.account) == ("second_factor", chair.email, chair)
    assert failure.request_id == response["X-Request-ID"]
    assert wrong_code not in [str(getattr(failure, f.attname)) for f in SignInFailure._meta.concrete_fields]


def test_a_lockout_is_recorded(client, chair_with_device):
    chair, _ = chair_with_device
    for _ in range(5):
        password_step(client, chair.email, WRONG)
    assert password_step(client, chair.email).status_code == 429
    steps = list(SignInFailure.objects.values_list("step", flat=True))
    assert steps.count("password") == 6  # five wrong, and the right one refused while locked out
    assert "locked_out" in steps
    assert set(SignInFailure.objects.values_list("account", flat=True)) == {chair.pk}


def test_failures_survive_a_later_successful_sign_in(client, chair_with_device):
    from axes.models import AccessAttempt

    chair, device = chair_with_device
    password_step(client, chair.email, WRONG)
    password_step(client, chair.email, WRONG)
    assert AccessAttempt.objects.exists()
    assert password_step(client, chair.email)["Location"] == CODE
    assert client.post(CODE, {"code": current_code(device)}).status_code == 302
    assert not AccessAttempt.objects.exists()  # django-axes forgot them at the success
    assert SignInFailure.objects.filter(account=chair, step="password").count() == 2


def test_known_and_unknown_emails_still_get_the_same_answer(client, chair_with_device):
    """Recording whether the email named an account changes nothing the person sees (row 7)."""
    chair, _ = chair_with_device
    wrong = password_step(client, chair.email, WRONG)
    unknown = password_step(client, "nobody@test.example", WRONG)
    assert wrong.status_code == unknown.status_code == 200
    assert SIGN_IN_ERROR in wrong.text
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*@test.example"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)
    # Headers alike but the request id (and the length: the email typed is shown back in the form).
    unlike = ("X-Request-ID", "Content-Length")
    assert {k: v for k, v in wrong.headers.items() if k not in unlike} == {
        k: v for k, v in unknown.headers.items() if k not in unlike
    }
    assert sorted(SignInFailure.objects.values_list("account", flat=True), key=str) == sorted([chair.pk, None], key=str)


def test_the_lookup_costs_the_same_queries_for_a_known_and_an_unknown_email(client, chair_with_device):
    """No timing difference from the record: one lookup either way, matched or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chair, _ = chair_with_device
    with CaptureQueriesContext(connection) as known:
        password_step(client, chair.email, WRONG)
    with CaptureQueriesContext(connection) as unknown:
        password_step(client, "nobody@test.example", WRONG)
    assert len(known.captured_queries) == len(unknown.captured_queries)
    assert [f.matched_account for f in SignInFailure.objects.all()] == [True, False]  # each recorded, told apart


def test_failure_rows_are_append_only(client, db):
    password_step(client, "nobody@test.example", WRONG)
    failure = SignInFailure.objects.get()
    with pytest.raises(AppendOnlyError):
        failure.save()
    with pytest.raises(AppendOnlyError):
        failure.delete()
    with pytest.raises(AppendOnlyError):
        SignInFailure.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        SignInFailure.objects.update(email="")
