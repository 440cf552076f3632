"""Issue 18, finding 1: every page the Django admin serves, for every model registered in it, shows
no secret, and none of them shows a case record, reveals or impersonates (decision 0030).

The sweep walks `admin.site._registry`, so a model registered later is covered too: it needs a row
in `_one_of_each` (the test says so) and then its pages are read like every other's."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin import PASSWORDS_ARE_PERSONAL
from accounts.models import Invitation, UserSession
from accounts.services import token_hash
from accounts.tokens import token_create
from tests.conftest import sign_in_with_both_factors

CASE_APPS = {"incidents", "reviews", "panel", "publication", "reminders", "reports", "imports", "audit"}
POST_DATA_MARKER = "otp_token=318274&marker=post-data-not-shown"


def _one_of_each(administrator, staff_a, chair_a, panel_member):
    """A real row for every registered model, and the secrets that must appear on no page."""
    Group.objects.create(name="Sweep group")
    AccessAttempt.objects.create(
        user_agent="Sweep agent",
        ip_address="192.0.2.7",
        username=staff_a.email,
        http_accept="text/html",
        path_info="/sign-in/",
        get_data="next=/secret-get-data-marker/",
        post_data=POST_DATA_MARKER,
        failures_since_start=2,
    )
    AccessLog.objects.create(
        user_agent="Sweep agent",
        ip_address="192.0.2.7",
        username=staff_a.email,
        http_accept="text/html",
        path_info="/sign-in/",
        session_hash="d3adb33f" * 8,
    )
    AccessFailureLog.objects.create(
        user_agent="Sweep agent", ip_address="192.0.2.7", username=staff_a.email, http_accept="*/*", path_info="/"
    )
    secrets = {"d3adb33f" * 8, "secret-get-data-marker", "post-data-not-shown", "otpauth://"}
    for person in (administrator, staff_a, chair_a, panel_member):
        _, secret = token_create(user=person, name="Sweep token")
        secrets.add(secret)
        secrets.add(secret[12:])
    Invitation.objects.create(
        user=panel_member, token_hash=token_hash("sweep-invitation"), expires_at="2099-01-01T00:00Z"
    )
    UserSession.objects.create(user=staff_a, session_key="sweepsessionkey0123456789abcdefghij")
    secrets.add("sweepsessionkey0123456789abcdefghij")
    return secrets


def _secrets_now(secrets):
    """Everything secret in the database as it is now: hashes and their fragments, keys, digests."""
    found = set(secrets)
    from accounts.models import ApiToken, User

    for password in User.objects.values_list("password", flat=True):
        found.add(password)
        for part in password.split("$")[1:]:
            if len(part) >= 6:
                found.add(part[:6])  # Django's password widget showed the first 6 characters of each
    for digest in ApiToken.objects.values_list("key_hash", flat=True):
        found.update({digest, digest[:12]})
    for digest in Invitation.objects.values_list("token_hash", flat=True):
        found.update({digest, digest[:12]})
    for device in TOTPDevice.objects.all():
        found.update({device.key, device.bin_key.hex()})
        from base64 import b32encode

        found.add(b32encode(device.bin_key).decode())
    for key, data in Session.objects.values_list("session_key", "session_data"):
        found.update({key, data[:24]})
    found.update(UserSession.objects.values_list("session_key", flat=True))
    return {s for s in found if s}


def _admin_urls(model):
    info = (model._meta.app_label, model._meta.model_name)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"add a {model._meta.label} to _one_of_each so the sweep reads its pages"
    urls = [
        ("read", reverse(f"admin:{info[0]}_{info[1]}_changelist")),
        ("add", reverse(f"admin:{info[0]}_{info[1]}_add")),
        ("read", reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk])),
        ("read", reverse(f"admin:{info[0]}_{info[1]}_history", args=[obj.pk])),
        ("delete", reverse(f"admin:{info[0]}_{info[1]}_delete", args=[obj.pk])),
        ("read", reverse("admin:app_list", args=[info[0]])),
    ]
    history = getattr(obj, "history", None)
    if history is not None and hasattr(history, "first"):
        record = history.order_by("history_id").first()
        if record is not None:
            urls.append(
                ("read", reverse(f"admin:{info[0]}_{info[1]}_simple_history", args=[obj.pk, record.history_id]))
            )
    return urls


@pytest.mark.django_db
def test_no_admin_page_shows_a_secret(administrator, staff_a, chair_a, panel_member):
    for person in (staff_a, chair_a, panel_member):
        sign_in_with_both_factors(Client(), person)  # each now has a second-factor key and a session
    secrets = _one_of_each(administrator, staff_a, chair_a, panel_member)
    client = sign_in_with_both_factors(Client(), administrator)
    secrets = _secrets_now(secrets)
    pages = [("read", "/admin/")]
    for model in admin.site._registry:
        pages += _admin_urls(model)
    for kind, url in pages:
        response = client.get(url)
        # Pages to read answer 200; an add or delete page answers 200, or 403 where it is refused.
        assert response.status_code in ((200,) if kind == "read" else (200, 403)), (url, response.status_code)
        text = response.content.decode()
        shown = [s for s in secrets if s in text]
        assert not shown, (url, shown)
        for word in ("iterations", "algorithm", "salt:"):
            assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), (url, word)
    assert len(pages) >= 1 + 6 * len(admin.site._registry)
    change = client.get(reverse("admin:accounts_user_change", args=[staff_a.pk])).content.decode()
    assert PASSWORDS_ARE_PERSONAL in change


@pytest.mark.django_db
def test_no_admin_page_sets_a_password(administrator, staff_a):
    client = sign_in_with_both_factors(Client(), administrator)
    before = type(staff_a).objects.get(pk=staff_a.pk).password
    url = f"/admin/accounts/user/{staff_a.pk}/password/"
    response = client.get(url, follow=True)
    assert response.status_code in (200, 404)
    assert b'name="password1"' not in response.content and b'name="password2"' not in response.content
    client.post(url, {"password1": "an-administrators-guess-1", "password2": "an-administrators-guess-1"})
    assert type(staff_a).objects.get(pk=staff_a.pk).password == before
    add = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="password1"' not in add and 'name="usable_password"' not in add


@pytest.mark.django_db
def test_an_account_added_in_the_admin_has_no_password_anyone_knows(administrator, board_a):
    client = sign_in_with_both_factors(Client(), administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Staff@test.example",
            "full_name": "New Staff (fictional)",
            "role": "board_staff",
            "board": board_a.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from accounts.models import User

    made = User.objects.get(email="new.staff@test.example")
    assert not made.has_usable_password() and not made.is_staff and not made.is_superuser


@pytest.mark.django_db
def test_no_case_record_is_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    assert not {label for label in registered if label.split(".")[0] in CASE_APPS}, registered
    assert "django_fsm_log.StateLog" not in registered
    assert not [label for label in registered if label.split(".")[1].startswith("Historical")]
    # Every model of the case apps, each of its admin addresses absent.
    client_models = [m for m in apps.get_models() if m._meta.app_label in CASE_APPS]
    assert client_models  # the apps are installed: the check above means something
    for model in client_models:
        assert not admin.site.is_registered(model), model._meta.label


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AccessAttempt, AccessLog, AccessFailureLog])
def test_access_records_are_read_only_in_the_admin(administrator, staff_a, chair_a, panel_member, model):
    _one_of_each(administrator, staff_a, chair_a, panel_member)
    client = sign_in_with_both_factors(Client(), administrator)
    mine = model.objects.filter(user_agent="Sweep agent")
    obj = mine.get()
    name = f"admin:axes_{model._meta.model_name}"
    before = mine.values().get()
    assert client.get(reverse(f"{name}_add")).status_code == 403
    assert client.post(reverse(f"{name}_add"), {"username": "x", "path_info": "/"}).status_code == 403
    assert client.get(reverse(f"{name}_delete", args=[obj.pk])).status_code == 403
    assert client.post(reverse(f"{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse(f"{name}_change", args=[obj.pk]))
    assert page.status_code == 200 and b'type="submit"' not in page.content.split(b'id="content-main"')[-1]
    client.post(reverse(f"{name}_change", args=[obj.pk]), {"username": "changed@test.example", "path_info": "/x/"})
    changelist = reverse(f"{name}_changelist")
    assert b"delete_selected" not in client.get(changelist).content
    client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert mine.values().get() == before


@pytest.mark.django_db
def test_a_boards_delete_page_counts_its_case_records_without_showing_them(administrator, chair_a, board_a, board_b):
    from accounts.models import Board, User
    from incidents.choices import IncidentState
    from tests.workflow import case_in

    incident = case_in(IncidentState.NOTIFIED, chair_a)
    User.objects.filter(pk=chair_a.pk).update(board=board_b)  # board_a: case records and nobody
    client = sign_in_with_both_factors(Client(), administrator)
    delete = reverse("admin:accounts_board_delete", args=[board_a.pk])
    page = client.get(delete)
    assert page.status_code == 200
    text = page.content.decode()
    assert str(incident) not in text and incident.reference not in text
    assert "incidents: 1" in text
    assert client.post(delete, {"post": "yes"}).status_code in (200, 403)
    assert Board.objects.filter(pk=board_a.pk).exists()
