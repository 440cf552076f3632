"""Sign-in, dashboards and board pages. Thin: fetch through selectors, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import selectors, signin, tokens
from accounts.dashboard import dashboard_sections
from accounts.forms import ApiTokenForm, NewPasswordForm, ResetRequestForm, SecurityCodeForm, SignInForm
from accounts.models import Role

NEXT = "sign_in_next"


def _safe_next(request, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


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
        if signin.confirmed_device(user) is None:
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
    """Step two: the security code from the user's authenticator app."""
    user = signin.pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    device = signin.confirmed_device(user)
    if device is None:
        return redirect("accounts:set_up_authenticator")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, error = signin.check_code(device, form.cleaned_data["code"])
        if ok:
            return _finish(request, user, device)
        form.add_error("code", error)
    return render(request, "registration/sign_in_code.html", {"form": form})


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def set_up_authenticator(request):
    """First sign-in: link an authenticator app by its secret, confirmed with a first code."""
    user = signin.pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    if signin.confirmed_device(user) is not None:
        return redirect("accounts:sign_in_code")
    device = signin.unconfirmed_device(user)
    form = SecurityCodeForm(request.POST or None, submit_label="Confirm and sign in")
    if request.method == "POST" and form.is_valid():
        ok, error = signin.check_code(device, form.cleaned_data["code"])
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _finish(request, user, device)
        form.add_error("code", error)
    return render(
        request,
        "registration/set_up_authenticator.html",
        {"form": form, "secret": signin.device_secret(device), "qr_svg": signin.device_qr_svg(device)},
    )


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


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password does not sign anyone in: the security code is still needed."""

    form_class = NewPasswordForm
    post_reset_login = False
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def dashboard(request):
    """The signed-in home page, by role (SPEC §8)."""
    user = request.user
    today = timezone.localdate()
    context = {"role": user.role}
    if user.is_board_user:
        board = user.board
        context["board"] = board
        context["members"] = selectors.board_members(user, board) if user.is_chair else None
    else:
        context["boards"] = selectors.boards_visible_to(user)
    context.update(dashboard_sections(user, today))  # cases, submissions, the panel's meetings (their apps')
    templates = {
        Role.BOARD_CHAIR: "accounts/dashboard_chair.html",
        Role.BOARD_STAFF: "accounts/dashboard_staff.html",
        Role.PANEL_MEMBER: "accounts/dashboard_panel.html",
        Role.PANEL_SECRETARIAT: "accounts/dashboard_secretariat.html",
        Role.ADMINISTRATOR: "accounts/dashboard_administrator.html",
    }
    return render(request, templates[user.role], context)


def board_list(request):
    if request.user.is_board_user:
        return redirect("accounts:board", code=request.user.board.code)
    return render(request, "accounts/board_list.html", {"boards": selectors.boards_visible_to(request.user)})


def board_detail(request, code: str):
    user = request.user
    board = selectors.board_for_user(user, code)
    return render(
        request,
        "accounts/board_detail.html",
        {"board": board, "members": selectors.board_members(user, board)},
    )


@never_cache
@require_http_methods(["GET"])
def account(request):
    """The signed-in user's details and their personal API tokens (SPEC §8)."""
    return _account_page(request, ApiTokenForm())


def _account_page(request, form, status=200):
    return render(
        request,
        "accounts/account.html",
        {"form": form, "api_tokens": selectors.api_tokens_of(request.user)},
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
