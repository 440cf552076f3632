"""Sign-in, dashboards and board pages. Thin: fetch through selectors, render."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts import passkeys, selectors, services, signin, throttles, tokens
from accounts.dashboard import dashboard_sections
from accounts.forms import (
    ApiTokenForm,
    BoardForm,
    ConfirmForm,
    InvitationPasswordForm,
    InviteForm,
    NewPasswordForm,
    PasskeyNameForm,
    ResetRequestForm,
    RoleForm,
    SecurityCodeForm,
    SignInForm,
    TotpRecoveryForm,
)
from accounts.models import BOARD_ROLES, PANEL_ROLES, Invitation, Role
from accounts.signals import records_shown, sign_in_code_failed

NEXT = signin.NEXT


def _safe_next(request, candidate: str | None) -> str | None:
    return signin.safe_next(request, candidate)


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Step one: email address and password."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
        signin.start_pending_sign_in(request, user)
        if next_url:
            request.session[NEXT] = next_url
        if signin.confirmed_device(user) is None and not passkeys.has_passkey(user):
            return redirect("accounts:set_up_authenticator")
        return redirect("accounts:sign_in_code")
    return render(request, "registration/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


def _finish(request, user, device):
    next_url = _safe_next(request, request.session.pop(NEXT, None))
    signin.complete_sign_in(request, user, device)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """Step two: a passkey, or the security code from the user's authenticator app where that is
    still accepted for them (accounts.passkeys: not for a panel user with a passkey, unless they
    chose to keep codes as a recovery path)."""
    user = signin.pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    device = signin.confirmed_device(user)
    has_passkey = passkeys.has_passkey(user)
    if device is None and not has_passkey:
        return redirect("accounts:set_up_authenticator")
    totp_accepted = device is not None and passkeys.totp_accepted(user)
    form = SecurityCodeForm(request.POST or None) if totp_accepted else None
    refused = None
    status = 200
    if request.method == "POST":
        if form is None:
            # Refused before the code is looked at: it is neither checked nor used up.
            refused, status = passkeys.TOTP_REFUSED, 403
            sign_in_code_failed.send(sender=type(user), request=request, user=user)
        elif form.is_valid():
            ok, error = signin.check_code(device, form.cleaned_data["code"])
            if ok:
                return _finish(request, user, device)
            sign_in_code_failed.send(sender=type(user), request=request, user=user)
            form.add_error("code", error)
    context = {"form": form, "has_passkey": has_passkey, "refused": refused}
    if has_passkey:
        context["passkey_config"] = passkeys.script_config(request)
    return render(request, "registration/sign_in_code.html", context, status=status)


@login_not_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def set_up_authenticator(request):
    """A password alone never links a second factor (SECURITY row 6): an account without a
    confirmed authenticator is told to use its invitation, whatever the reason it has none."""
    user = signin.pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    if signin.confirmed_device(user) is not None or passkeys.has_passkey(user):
        return redirect("accounts:sign_in_code")
    signin.clear_pending(request)
    request.session.pop(NEXT, None)
    return render(request, "registration/no_authenticator.html")


@login_not_required
@never_cache
def signed_out(request):
    return render(request, "registration/signed_out.html")


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@method_decorator(login_not_required, name="dispatch")
class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Limited per address and per client IP, known or not: past either limit, the same
        message for every address and no email sent."""
        if not throttles.reset_request_allowed(self.request, form.cleaned_data["email"]):
            form.add_error("email", throttles.RESET_LIMIT_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password does not sign anyone in: the security code is still needed."""

    form_class = NewPasswordForm
    post_reset_login = False
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@require_GET
def dashboard(request):
    """The signed-in home page, by role (SPEC §8)."""
    user = request.user
    today = timezone.localdate()
    context = {"role": user.role, "today": today}
    if user.is_board_user:
        board = user.board
        context["board"] = board
        context["members"] = selectors.board_members(user, board) if user.is_chair else None
    else:
        context["boards"] = selectors.boards_visible_to(user)
    shown: list = []
    context.update(dashboard_sections(user, today, shown))  # cases, submissions, the panel's meetings (their apps')
    records_shown.send(sender=dashboard, request=request, records=shown)  # their access events (audit, above)
    templates = {
        Role.BOARD_CHAIR: "accounts/dashboard_chair.html",
        Role.BOARD_STAFF: "accounts/dashboard_staff.html",
        Role.PANEL_MEMBER: "accounts/dashboard_panel.html",
        Role.PANEL_SECRETARIAT: "accounts/dashboard_secretariat.html",
        Role.ADMINISTRATOR: "accounts/dashboard_administrator.html",
    }
    return render(request, templates[user.role], context)


@require_GET
def board_list(request):
    if request.user.is_board_user:
        return redirect("accounts:board", code=request.user.board.code)
    return render(request, "accounts/board_list.html", {"boards": selectors.boards_visible_to(request.user)})


@require_GET
def board_detail(request, code: str):
    user = request.user
    board = selectors.board_for_user(user, code)
    return render(
        request,
        "accounts/board_detail.html",
        {
            "board": board,
            "members": selectors.board_members(user, board),
            "may_manage_people": services.may_manage_board_people(user, board),
            "may_edit_board": services.is_superuser(user),
        },
    )


# --- Accepting an invitation (SPEC §8 "People"): a password, then an authenticator, then signed in.

INVITATION_STEP = "invitation_step"
INVITATION_STEP_LIMIT = timedelta(minutes=30)
SIGN_IN_BACKEND = "accounts.backends.EmailBackend"


def _invitation_invalid(request):
    request.session.pop(INVITATION_STEP, None)
    return render(
        request,
        "registration/invitation_invalid.html",
        {"message": services.INVITATION_INVALID, "valid_for": services.invitation_valid_for()},
    )


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """Step one of accepting: choose a password. Nothing is saved to the account yet: the hashed
    password waits in this browser's session until the authenticator is linked."""
    found = services.invitation_for_token(token)
    if found is None:
        return _invitation_invalid(request)
    form = InvitationPasswordForm(found.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.cycle_key()
        request.session[INVITATION_STEP] = {
            "invitation": found.pk,
            "password": make_password(form.cleaned_data["new_password1"]),
            "at": timezone.now().isoformat(),
        }
        return redirect("accounts:invitation_authenticator")
    return render(request, "registration/invitation_password.html", {"form": form, "invitation": found})


def _invitation_in_progress(request) -> tuple[Invitation | None, str]:
    step = request.session.get(INVITATION_STEP) or {}
    started = step.get("at")
    if not started or timezone.now() - datetime.fromisoformat(started) > INVITATION_STEP_LIMIT:
        return None, ""
    found = (
        Invitation.objects.open_at(timezone.now())
        .select_related("user")
        .filter(pk=step.get("invitation"), user__is_active=True)
        .first()
    )
    return found, step.get("password", "")


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_authenticator(request):
    """Step two: link an authenticator app. The first correct code makes the account usable and signs in."""
    found, encoded_password = _invitation_in_progress(request)
    if found is None or not encoded_password:
        return _invitation_invalid(request)
    user = found.user
    device = signin.unconfirmed_device(user)
    form = SecurityCodeForm(request.POST or None, submit_label="Confirm and sign in")
    if request.method == "POST" and form.is_valid():
        ok, error = signin.check_code(device, form.cleaned_data["code"])
        if ok:
            try:
                user = services.invitation_accept(invitation=found, encoded_password=encoded_password, device=device)
            except ValidationError:
                return _invitation_invalid(request)
            request.session.pop(INVITATION_STEP, None)
            user.backend = SIGN_IN_BACKEND
            signin.complete_sign_in(request, user, device)
            messages.success(request, "Your account is ready. You are signed in.")
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", error)
    return render(
        request,
        "registration/set_up_authenticator.html",
        {
            "form": form,
            "secret": signin.device_secret(device),
            "qr_svg": signin.device_qr_svg(device),
            "action": reverse("accounts:invitation_authenticator"),
        },
    )


# --- People and boards (chairs for their board; superusers for every board and the panel)


def _posted(request):
    """The form's data on a POST, even an empty one (a confirmation page's button has no fields)."""
    return request.POST if request.method == "POST" else None


def _service_errors(form, exc: ValidationError) -> None:
    """A service's field errors beside the form's fields; the rest in the error summary."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, field_messages in errors.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def _people_url(person) -> str:
    if person.board_id:
        return reverse("accounts:board_people", args=[person.board.code])
    return reverse("accounts:people")


def _form_page(request, form, *, title, caption="", intro="", back, template="accounts/people_form.html", **extra):
    return render(
        request,
        template,
        {"form": form, "title": title, "caption": caption, "intro": intro, "back": back, **extra},
    )


def _board_people_or_403(request, code: str):
    board = selectors.board_for_user(request.user, code)
    if not services.may_manage_board_people(request.user, board):
        raise PermissionDenied("Your role cannot manage this board's people")
    return board


def _people_page(request, *, people, board=None):
    return render(
        request,
        "accounts/people.html",
        {"board": board, "people": people, "actor_is_superuser": services.is_superuser(request.user)},
    )


@require_http_methods(["GET"])
def board_people(request, code: str):
    """A board's people: active and deactivated, with their role and whether they have accepted."""
    board = _board_people_or_403(request, code)
    return _people_page(request, people=selectors.people_of_board(board), board=board)


@require_http_methods(["GET"])
def people(request):
    """The superuser's page of the national panel's people (board people are on each board's page)."""
    if not services.is_superuser(request.user):
        raise PermissionDenied("Only the service administrator manages the panel's people")
    return _people_page(request, people=selectors.people_outside_boards())


def _invite(request, *, board, roles, back):
    form = InviteForm(_posted(request), roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                actor=request.user, email=data["email"], full_name=data["full_name"], role=data["role"], board=board
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {data['email'].lower()}")
            return redirect(back)
    return _form_page(
        request,
        form,
        title="Invite someone",
        caption=board.name if board else "National panel",
        intro=f"They get an email with a link that works once, for {services.invitation_valid_for()}, to "
        "choose a password and link an authenticator app.",
        back=back,
    )


@require_http_methods(["GET", "POST"])
def board_people_invite(request, code: str):
    board = _board_people_or_403(request, code)
    roles = [role for role in services.roles_assignable_by(request.user) if role in BOARD_ROLES]
    return _invite(request, board=board, roles=roles, back=reverse("accounts:board_people", args=[board.code]))


@require_http_methods(["GET", "POST"])
def people_invite(request):
    if not services.is_superuser(request.user):
        raise PermissionDenied("Only the service administrator invites the panel's people")
    return _invite(request, board=None, roles=PANEL_ROLES, back=reverse("accounts:people"))


def _person_or_403(request, pk: int):
    person = selectors.person_for_user(request.user, pk)
    if not services.may_manage(request.user, person):
        raise PermissionDenied("Your role cannot manage this account")
    return person


@require_http_methods(["GET", "POST"])
def person_role(request, pk: int):
    person = _person_or_403(request, pk)
    roles = services.roles_assignable_by(request.user)
    roles = [r for r in roles if (r in BOARD_ROLES) == person.is_board_user]  # other boards: the admin pages
    form = RoleForm(_posted(request), roles=roles, initial={"role": person.role})
    back = _people_url(person)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_role(actor=request.user, user=person, role=form.cleaned_data["role"])
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} is now {Role(form.cleaned_data['role']).label}")
            return redirect(back)
    return _form_page(
        request, form, title=f"Change {person.full_name}'s role", caption=person.get_role_display(), back=back
    )


def _confirm(request, person, *, run, title, intro, done, submit_label, with_reason=False, warning=False):
    form = ConfirmForm(_posted(request), submit_label=submit_label, with_reason=with_reason, warning=warning)
    back = _people_url(person)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return _form_page(request, form, title=title, caption=person.full_name, intro=intro, back=back)


@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk: int):
    person = _person_or_403(request, pk)
    return _confirm(
        request,
        person,
        run=lambda data: services.user_deactivate(actor=request.user, user=person, reason=data.get("reason", "")),
        title=f"Deactivate {person.full_name}'s account?",
        intro="They will be signed out at once and cannot sign in, use the API or accept an invitation. "
        "Their work stays on the cases. You can reactivate the account later.",
        done=f"{person.full_name}'s account is deactivated",
        submit_label="Deactivate account",
        with_reason=True,
        warning=True,
    )


@require_http_methods(["GET", "POST"])
def person_reactivate(request, pk: int):
    person = _person_or_403(request, pk)
    return _confirm(
        request,
        person,
        run=lambda data: services.user_reactivate(actor=request.user, user=person),
        title=f"Reactivate {person.full_name}'s account?",
        intro=f"We will email {person.email} a new invitation. They choose a new password and link an "
        "authenticator app again before they can sign in.",
        done=f"{person.full_name}'s account is reactivated and a new invitation was sent",
        submit_label="Reactivate and send invitation",
    )


@require_http_methods(["GET", "POST"])
def person_reinvite(request, pk: int):
    person = _person_or_403(request, pk)
    return _confirm(
        request,
        person,
        run=lambda data: services.invitation_resend(actor=request.user, user=person),
        title=f"Send {person.full_name} a new invitation?",
        intro=f"We will email {person.email} a new link that works once, for {services.invitation_valid_for()}. "
        "Earlier links stop "
        "working. Use this when an invitation has expired or someone has lost their authenticator app or passkey: "
        "when they accept, their earlier authenticator app and passkeys stop working.",
        done=f"A new invitation was sent to {person.email}",
        submit_label="Send new invitation",
    )


def _board_form_run(request, form, run, done):
    if request.method == "POST" and form.is_valid():
        try:
            board = run(form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, done(board))
            return redirect("accounts:board", code=board.code)
    return None


@require_http_methods(["GET", "POST"])
def board_create(request):
    if not services.is_superuser(request.user):
        raise PermissionDenied("Only the service administrator adds boards")
    form = BoardForm(_posted(request))
    response = _board_form_run(
        request,
        form,
        lambda data: services.board_create(actor=request.user, **data),
        lambda board: f"{board.name} was added",
    )
    return response or _form_page(request, form, title="Add a board", back=reverse("accounts:boards"))


@require_http_methods(["GET", "POST"])
def board_edit(request, code: str):
    board = selectors.board_for_user(request.user, code)
    if not services.is_superuser(request.user):
        raise PermissionDenied("Only the service administrator changes boards")
    initial = {name: getattr(board, name) for name in services.BOARD_FIELDS}
    form = BoardForm(_posted(request), initial=initial)
    response = _board_form_run(
        request,
        form,
        lambda data: services.board_update(actor=request.user, board=board, **data),
        lambda board: f"{board.name} was saved",
    )
    back = reverse("accounts:board", args=[board.code])
    return response or _form_page(request, form, title=f"Change {board.name}", back=back)


@never_cache
@require_http_methods(["GET"])
def account(request):
    """The signed-in user's details and their personal API tokens (SPEC §8)."""
    return _account_page(request, ApiTokenForm())


def _account_page(request, form, status=200, recovery_form=None):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "api_tokens": selectors.api_tokens_of(user),
            "passkeys": passkeys.passkeys_of(user),
            "may_choose_recovery": passkeys.may_choose_recovery(user),
            "passkey_config": passkeys.script_config(request),
            "recovery_form": recovery_form
            or TotpRecoveryForm(initial={"accept_codes": "yes" if user.totp_recovery else "no"}),
        },
        status=status,
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["POST"])
def api_token_create(request):
    """Make a token and show its secret on this response only: it is never stored or shown again."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    token, secret = tokens.token_create(user=request.user, name=form.cleaned_data["name"], actor=request.user)
    return render(request, "accounts/api_token_created.html", {"token": token, "secret": secret})


@never_cache
@require_http_methods(["GET", "POST"])
def api_token_revoke(request, pk: int):
    """Confirm, then revoke one of your own tokens. Anyone else's is 404."""
    token = selectors.own_api_token_or_404(request.user, pk)
    if request.method == "POST":
        if tokens.token_revoke(token, actor=request.user):
            messages.success(request, f"Token \u201c{token.name}\u201d revoked. It no longer works.")
        return redirect("accounts:account")
    return render(request, "accounts/api_token_revoke.html", {"token": token})


# --- Passkeys (accounts.passkeys): registered on the account page through the package's script


@never_cache
@require_http_methods(["GET", "POST"])
def passkey_name(request, pk: int):
    """Name (or rename) one of your own passkeys; the page a new passkey comes to. Anyone else's is 404."""
    passkey = passkeys.own_passkey_or_404(request.user, pk)
    form = PasskeyNameForm(_posted(request), initial={"name": passkey.name})
    if request.method == "POST" and form.is_valid():
        passkeys.passkey_rename(passkey, name=form.cleaned_data["name"], actor=request.user)
        messages.success(request, f"Passkey \u201c{passkey.name}\u201d saved")
        return redirect(reverse("accounts:account") + "#passkeys")
    return render(request, "accounts/passkey_name.html", {"form": form, "passkey": passkey})


@never_cache
@require_http_methods(["GET", "POST"])
def passkey_remove(request, pk: int):
    """Confirm, then remove one of your own passkeys. Anyone else's is 404."""
    passkey = passkeys.own_passkey_or_404(request.user, pk)
    if request.method == "POST":
        passkeys.passkey_remove(passkey, actor=request.user)
        messages.success(request, f"Passkey \u201c{passkey.name}\u201d removed. It can no longer be used to sign in.")
        return redirect(reverse("accounts:account") + "#passkeys")
    remaining = passkeys.passkeys_of(request.user).exclude(pk=passkey.pk).exists()
    return render(request, "accounts/passkey_remove.html", {"passkey": passkey, "last_one": not remaining})


@never_cache
@require_http_methods(["POST"])
def totp_recovery(request):
    """A panel user's recorded choice: are codes still a way in once they have a passkey?"""
    if not passkeys.may_choose_recovery(request.user):
        raise PermissionDenied("Your role always signs in with codes from an authenticator app")
    form = TotpRecoveryForm(request.POST)
    if not form.is_valid():
        return _account_page(request, ApiTokenForm(), status=400, recovery_form=form)
    accepted = form.cleaned_data["accept_codes"] == "yes"
    passkeys.totp_recovery_set(request.user, accepted=accepted, actor=request.user)
    messages.success(
        request,
        "Codes from your authenticator app can still be used to sign in"
        if accepted
        else "Only your passkey can be used to sign in once you have one",
    )
    return redirect(reverse("accounts:account") + "#passkeys")
