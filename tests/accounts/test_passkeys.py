"""Passkeys beside codes (SECURITY row 6, decision 0034): who must use one, the codes-as-recovery choice,
the package's ceremony endpoints behind our sign-in rules, and the account page's passkey pages.

The ceremonies run for real against `SoftPasskey` (the browser's half, made in Python), so the server's
own WebAuthn verification decides; tests/browser/test_passkey_journey.py does the same in Chromium."""

import json

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import passkeys, services
from accounts.middleware import SIGNED_IN_AT
from accounts.models import User
from audit.models import AuditEntry
from tests.accounts.soft_authenticator import SoftPasskey
from tests.accounts.test_sign_in import current_code, password_step
from tests.factories import TEST_PASSWORD, PanelMemberFactory, TOTPDeviceFactory

CODE = reverse("accounts:sign_in_code")
SIGN_IN = reverse("accounts:sign_in")
DASHBOARD = reverse("accounts:dashboard")
ACCOUNT = reverse("accounts:account")
REGISTER_BEGIN = reverse("accounts:passkey_register_begin")
REGISTER_COMPLETE = reverse("accounts:passkey_register_complete")
AUTH_BEGIN = reverse("accounts:passkey_sign_in_begin")
AUTH_COMPLETE = reverse("accounts:passkey_sign_in_complete")
RECOVERY = reverse("accounts:totp_recovery")


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def register(client, soft: SoftPasskey | None = None) -> tuple[WebAuthnCredential, SoftPasskey]:
    """Register a passkey for the signed-in user through the endpoints, as the account page's script does."""
    soft = soft or SoftPasskey()
    options = post_json(client, REGISTER_BEGIN).json()
    response = post_json(client, REGISTER_COMPLETE, soft.register(options))
    assert response.status_code == 200, response.content
    return WebAuthnCredential.objects.get(pk=response.json()["id"]), soft


def with_passkey(client, sign_in, user) -> tuple[WebAuthnCredential, SoftPasskey, TOTPDevice]:
    """The user's authenticator app (as at their invitation) and a passkey they registered; signed out."""
    sign_in(user)
    device = TOTPDevice.objects.get(user=user)
    passkey, soft = register(client)
    client.logout()
    return passkey, soft, device


def passkey_sign_in(client, soft: SoftPasskey, **assert_kwargs):
    options = post_json(client, AUTH_BEGIN).json()
    return post_json(client, AUTH_COMPLETE, soft.assert_(options, **assert_kwargs))


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def audit_of(user, transition):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=user.pk, transition=transition
    )


# --- The rule


@pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
def test_panel_roles_with_a_passkey_must_use_it(request, client, sign_in, persona):
    user = request.getfixturevalue(persona)
    assert not passkeys.passkey_required(user) and passkeys.totp_accepted(user)
    with_passkey(client, sign_in, user)
    assert passkeys.passkey_required(user)
    assert not passkeys.totp_accepted(user)
    user.totp_recovery = True
    assert passkeys.totp_accepted(user)  # codes kept as a recovery path


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_board_users_keep_codes_with_or_without_a_passkey(request, client, sign_in, persona):
    user = request.getfixturevalue(persona)
    with_passkey(client, sign_in, user)
    assert passkeys.has_passkey(user)
    assert not passkeys.passkey_required(user) and passkeys.totp_accepted(user)
    assert not passkeys.may_choose_recovery(user)


# --- The sign-in's second step


def test_a_panel_user_with_a_passkey_signs_in_with_it(client, sign_in, secretariat):
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    password_step(client, secretariat.email)
    page = client.get(CODE)
    assert page.status_code == 200
    assert "Sign in with your passkey" in page.text
    assert 'name="code"' not in page.text  # no code field for them
    assert 'id="otp_webauthn_config"' in page.text and "otp_webauthn_auth.js" in page.text
    # The scripts are static files and their settings a JSON data block: the CSP needs no exception.
    assert "<script>" not in page.text and '<script id="otp_webauthn_config" type="application/json">' in page.text
    assert (
        "script-src 'self'" in page["Content-Security-Policy"]
        and "unsafe-inline" not in page["Content-Security-Policy"]
    )
    response = passkey_sign_in(client, soft)
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == DASHBOARD
    assert signed_in(client) and SIGNED_IN_AT in client.session
    assert client.get(reverse("panel:submissions")).status_code == 200


def test_a_passkey_sign_in_goes_where_the_person_was_going(client, sign_in, secretariat):
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    client.post(SIGN_IN, {"username": secretariat.email, "password": TEST_PASSWORD, "next": "/panel/submissions/"})
    assert passkey_sign_in(client, soft).json()["redirect_url"] == "/panel/submissions/"


def test_a_passkey_sign_in_ignores_a_next_to_another_site(client, sign_in, secretariat):
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    password_step(client, secretariat.email)
    options = post_json(client, AUTH_BEGIN).json()
    response = post_json(client, AUTH_COMPLETE + "?next=https://evil.example/", soft.assert_(options))
    assert response.json()["redirect_url"] == DASHBOARD


def test_a_code_is_refused_for_a_panel_user_with_a_passkey_and_not_used_up(client, sign_in, panel_member):
    _, _, device = with_passkey(client, sign_in, panel_member)
    device.refresh_from_db()
    last_t = device.last_t
    password_step(client, panel_member.email)
    code = current_code(device)
    response = client.post(CODE, {"code": code})
    assert response.status_code == 403
    assert "not accepted for your account because you have a passkey" in response.text
    assert not signed_in(client)
    assert client.get(DASHBOARD).status_code == 302
    device.refresh_from_db()
    assert device.last_t == last_t  # refused before the code was checked: not used up

    # Once they keep codes as recovery, the same code signs them in.
    User.objects.filter(pk=panel_member.pk).update(totp_recovery=True)
    page = client.get(CODE)
    assert 'name="code"' in page.text and "Sign in with your passkey" in page.text
    response = client.post(CODE, {"code": code})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert signed_in(client)


def test_a_board_user_with_a_passkey_may_still_use_a_code(client, sign_in, chair_a):
    _, _, device = with_passkey(client, sign_in, chair_a)
    password_step(client, chair_a.email)
    page = client.get(CODE)
    assert 'name="code"' in page.text and "Sign in with your passkey" in page.text
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 302 and signed_in(client)


def test_a_panel_user_without_a_passkey_signs_in_with_a_code_as_before(client, panel_member):
    device = TOTPDeviceFactory(user=panel_member)
    password_step(client, panel_member.email)
    page = client.get(CODE)
    assert "Enter your security code" in page.text and "otp_webauthn" not in page.text
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 302 and signed_in(client)


def test_an_account_with_only_a_passkey_is_offered_it(client, sign_in, secretariat):
    _, soft, device = with_passkey(client, sign_in, secretariat)
    device.delete()
    response = password_step(client, secretariat.email)
    assert response["Location"] == CODE
    assert client.get(reverse("accounts:set_up_authenticator"))["Location"] == CODE
    assert passkey_sign_in(client, soft).status_code == 200 and signed_in(client)


# --- The sign-in ceremony's endpoints: only after the password step, only the person's own passkey


def test_the_sign_in_ceremony_refuses_anyone_before_the_password_step(client, sign_in, secretariat):
    with_passkey(client, sign_in, secretariat)
    for url in (AUTH_BEGIN, AUTH_COMPLETE):
        response = post_json(client, url)
        assert response.status_code == 403 and response.json()["code"] == "not_authenticated"
    assert "otp_webauthn_authentication_state" not in client.session
    assert not signed_in(client)


def test_the_sign_in_ceremony_is_not_passwordless(client, sign_in, secretariat):
    """A correct passkey alone, its challenge got through someone else's password step, signs nobody in
    as its owner: the ceremony is for the person who passed the password step."""
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    other = PanelMemberFactory(email="other.member@test.example")
    sign_in(other)
    register(client)
    client.logout()
    password_step(client, other.email)
    response = passkey_sign_in(client, soft)  # the secretariat's passkey, the other person's password
    assert response.status_code == 403 and response.json()["code"] == "credential_user_mismatch"
    assert not signed_in(client)


def test_the_sign_in_ceremony_needs_a_passkey_of_this_site(client, sign_in, secretariat):
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    password_step(client, secretariat.email)
    response = passkey_sign_in(client, soft, origin="https://scr-tracker.evil.example")
    assert response.status_code == 422
    assert not signed_in(client)


def test_a_failed_passkey_is_a_recorded_failed_sign_in(client, sign_in, secretariat):
    from audit.models import SignInFailure

    _, soft, _ = with_passkey(client, sign_in, secretariat)
    password_step(client, secretariat.email)
    assert passkey_sign_in(client, soft, origin="https://scr-tracker.evil.example").status_code == 422
    (failure,) = SignInFailure.objects.all()
    assert (failure.step, failure.account, failure.email) == ("passkey", secretariat, secretariat.email)
    assert passkey_sign_in(client, soft).status_code == 200  # and a later success leaves it
    assert SignInFailure.objects.count() == 1


def test_a_challenge_is_used_once(client, sign_in, secretariat):
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    password_step(client, secretariat.email)
    options = post_json(client, AUTH_BEGIN).json()
    answer = soft.assert_(options)
    assert post_json(client, AUTH_COMPLETE, {"id": "x"}).status_code in (400, 422)  # a bad answer spends it
    assert post_json(client, AUTH_COMPLETE, answer).status_code == 400
    assert not signed_in(client)


def test_the_sign_in_ceremony_refuses_a_pending_user_without_a_passkey(client, panel_member):
    TOTPDeviceFactory(user=panel_member)
    password_step(client, panel_member.email)
    assert post_json(client, AUTH_BEGIN).status_code == 403


def test_the_sign_in_ceremony_refuses_a_signed_in_session(client, sign_in, secretariat):
    with_passkey(client, sign_in, secretariat)
    sign_in(secretariat)
    assert post_json(client, AUTH_BEGIN).status_code == 403


def test_a_deactivated_account_cannot_finish_with_a_passkey(client, sign_in, secretariat):
    _, soft, _ = with_passkey(client, sign_in, secretariat)
    password_step(client, secretariat.email)
    options = post_json(client, AUTH_BEGIN).json()
    User.objects.filter(pk=secretariat.pk).update(is_active=False)
    assert post_json(client, AUTH_COMPLETE, soft.assert_(options)).status_code == 403
    assert not signed_in(client)


# --- Registering: a fully signed-in person only


def test_registering_needs_both_factors(client, secretariat):
    TOTPDeviceFactory(user=secretariat)
    for url in (REGISTER_BEGIN, REGISTER_COMPLETE):
        # Anonymous
        response = post_json(client, url)
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
        # After the password step only
        password_step(client, secretariat.email)
        response = post_json(client, url)
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
        # A password-only session (the admin's own form, say): ended at once
        client.force_login(secretariat)
        response = post_json(client, url)
        assert response.status_code == 302 and not signed_in(client)
        client.logout()
    assert "otp_webauthn_register_state" not in client.session
    assert not WebAuthnCredential.objects.exists()


def test_registering_makes_a_named_audited_passkey(client, sign_in, secretariat):
    sign_in(secretariat)
    options = post_json(client, REGISTER_BEGIN).json()
    assert options["rp"] == {"name": "SCR Tracker", "id": "localhost"}
    assert options["user"]["name"] == secretariat.email
    passkey, _ = register(client, None)
    assert passkey.user == secretariat and passkey.name == passkeys.DEFAULT_NAME and passkey.confirmed
    assert audit_of(secretariat, "add_passkey").get().actor == secretariat


def test_registering_refuses_an_answer_from_another_site(client, sign_in, secretariat):
    sign_in(secretariat)
    options = post_json(client, REGISTER_BEGIN).json()
    answer = SoftPasskey().register(options, origin="https://scr-tracker.evil.example")
    assert post_json(client, REGISTER_COMPLETE, answer).status_code == 422
    assert not WebAuthnCredential.objects.exists() and not audit_of(secretariat, "add_passkey").exists()


# --- The account page's passkey pages


def test_the_account_page_lists_only_your_passkeys(client, sign_in, secretariat, panel_member):
    sign_in(panel_member)
    theirs, _ = register(client)
    passkeys.passkey_rename(theirs, name="Member's phone", actor=panel_member)
    client.logout()
    sign_in(secretariat)
    mine, _ = register(client)
    passkeys.passkey_rename(mine, name="Work laptop", actor=secretariat)
    page = client.get(ACCOUNT)
    assert "Work laptop" in page.text and "Member&#x27;s phone" not in page.text
    assert "otp_webauthn_register.js" in page.text and "<script>" not in page.text
    assert reverse("accounts:passkey_remove", args=[mine.pk]) in page.text


def test_naming_a_passkey(client, sign_in, secretariat):
    sign_in(secretariat)
    passkey, _ = register(client)
    url = reverse("accounts:passkey_name", args=[passkey.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "   "})
    assert response.status_code == 200 and "Enter a name for the passkey" in response.text
    response = client.post(url, {"name": "  Work   laptop "})
    assert response.status_code == 302 and response["Location"] == ACCOUNT + "#passkeys"
    passkey.refresh_from_db()
    assert passkey.name == "Work laptop"
    assert "renamed \u201cWork laptop\u201d" in audit_of(secretariat, "rename_passkey").get().reason
    response = client.post(url, {"name": "x" * 65})
    assert "64 characters or fewer" in response.text


def test_removing_a_passkey_asks_first(client, sign_in, secretariat):
    sign_in(secretariat)
    passkey, _ = register(client)
    url = reverse("accounts:passkey_remove", args=[passkey.pk])
    page = client.get(url)
    assert page.status_code == 200 and "This is your only passkey" in page.text
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert audit_of(secretariat, "remove_passkey").count() == 1
    assert not passkeys.passkey_required(secretariat)  # codes are accepted again
    assert client.get(url).status_code == 404


def test_another_persons_passkey_is_404(client, sign_in, secretariat, panel_member):
    sign_in(panel_member)
    theirs, _ = register(client)
    client.logout()
    sign_in(secretariat)
    for name in ("accounts:passkey_name", "accounts:passkey_remove"):
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == passkeys.DEFAULT_NAME


def test_keeping_codes_as_recovery_is_a_recorded_audited_choice(client, sign_in, secretariat):
    sign_in(secretariat)
    register(client)
    page = client.get(ACCOUNT)
    assert "If you cannot use your passkey" in page.text
    response = client.post(RECOVERY, {"accept_codes": "yes"})
    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.totp_recovery and passkeys.totp_accepted(secretariat)
    entry = audit_of(secretariat, "set_totp_recovery").get()
    assert (entry.from_state, entry.to_state, entry.actor) == ("passkey only", "codes accepted", secretariat)
    client.post(RECOVERY, {"accept_codes": "yes"})  # no change, no second entry
    client.post(RECOVERY, {"accept_codes": "no"})
    secretariat.refresh_from_db()
    assert not secretariat.totp_recovery
    assert audit_of(secretariat, "set_totp_recovery").count() == 2


def test_a_recovery_choice_must_be_one_of_the_two(client, sign_in, secretariat):
    sign_in(secretariat)
    response = client.post(RECOVERY, {"accept_codes": "always"})
    assert response.status_code == 400 and "Select a valid choice" in response.text
    response = client.post(RECOVERY, {})
    assert response.status_code == 400 and "Choose whether codes" in response.text
    secretariat.refresh_from_db()
    assert not secretariat.totp_recovery and not audit_of(secretariat, "set_totp_recovery").exists()


def test_board_users_have_no_recovery_choice(client, sign_in, chair_a):
    sign_in(chair_a)
    register(client)
    assert "If you cannot use your passkey" not in client.get(ACCOUNT).text
    assert client.post(RECOVERY, {"accept_codes": "yes"}).status_code == 403
    chair_a.refresh_from_db()
    assert not chair_a.totp_recovery


def test_the_recovery_page_is_post_only(client, sign_in, secretariat):
    sign_in(secretariat)
    assert client.get(RECOVERY).status_code == 405


# --- A lost device: the new invitation replaces the passkeys too; reactivation keeps none


def test_accepting_a_new_invitation_removes_the_passkeys(client, sign_in, secretariat, administrator):
    """The panel user lost the phone holding their passkey and authenticator app: the administrator's
    new invitation links a new app, and the old passkey no longer signs in (nor bars the new codes)."""
    with_passkey(client, sign_in, secretariat)
    invitation, _ = services.invitation_resend(actor=administrator, user=secretariat)
    assert passkeys.has_passkey(secretariat)  # still works until they accept
    new_app = TOTPDeviceFactory(user=secretariat, confirmed=False)
    services.invitation_accept(invitation=invitation, encoded_password=make_password(TEST_PASSWORD), device=new_app)
    assert not passkeys.has_passkey(secretariat) and passkeys.totp_accepted(secretariat)
    entry = audit_of(secretariat, "accept_invitation").get()
    assert entry.reason.endswith("earlier passkeys removed")
    password_step(client, secretariat.email)
    assert post_json(client, AUTH_BEGIN).status_code == 403
    response = client.post(CODE, {"code": current_code(new_app)})
    assert response.status_code == 302 and signed_in(client)


def test_reactivation_brings_back_no_passkey(client, sign_in, secretariat, administrator):
    with_passkey(client, sign_in, secretariat)
    services.user_deactivate(actor=administrator, user=secretariat)
    services.user_reactivate(actor=administrator, user=secretariat)
    assert not WebAuthnCredential.objects.filter(user=secretariat).exists()


def test_the_admin_has_no_passkey_pages(client, sign_in, secretariat, administrator):
    with_passkey(client, sign_in, secretariat)
    passkey = WebAuthnCredential.objects.get(user=secretariat)
    admin = sign_in(administrator)
    for url in (
        "/admin/django_otp_webauthn/",
        "/admin/django_otp_webauthn/webauthncredential/",
        f"/admin/django_otp_webauthn/webauthncredential/{passkey.pk}/change/",
        "/admin/django_otp_webauthn/webauthnattestation/",
    ):
        assert admin.get(url).status_code == 404, url
    assert b"django_otp_webauthn" not in admin.get("/admin/").content


@pytest.mark.parametrize("n", [1, 6])
def test_the_account_page_query_count_does_not_grow_with_passkeys(
    client, sign_in, secretariat, n, django_assert_max_num_queries
):
    sign_in(secretariat)
    for _ in range(n):
        register(client)
    with django_assert_max_num_queries(8):
        page = client.get(ACCOUNT)
    assert page.text.count("Rename<span") == n
