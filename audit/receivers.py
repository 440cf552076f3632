"""Audit entries for what the accounts app does and announces by signal (it sits below audit):
its people and boards, personal API tokens made and revoked, and failed sign-ins."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import api_token_created, api_token_revoked, records_shown, sign_in_code_failed
from audit.models import AuditEntry, SignInFailure
from audit.services import access_record_many, sign_in_failure_record


def account_change_audit(
    sender, *, record, board, transition, from_state, to_state, event_date, actor, reason, **kwargs
) -> AuditEntry:
    """`accounts.signals.account_changed`: one entry per change, in the change's transaction."""
    return AuditEntry.objects.create(
        record=record,
        board=board,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        event_date=event_date,
        actor=actor,
        actor_role=getattr(actor, "role", "") or "",
        reason=reason,
    )


def _token_entry(token, actor, *, transition: str, from_state: str, to_state: str, reason: str) -> None:
    AuditEntry.objects.create(
        record=token,
        board=token.user.board,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        event_date=timezone.localdate(),
        actor=actor,
        actor_role=actor.role if actor is not None else "",
        reason=reason,
    )


@receiver(api_token_created, dispatch_uid="audit.api_token_created")
def api_token_created_entry(sender, token, actor, reason="", **kwargs):
    _token_entry(token, actor, transition="create_api_token", from_state="", to_state="active", reason=reason)


@receiver(api_token_revoked, dispatch_uid="audit.api_token_revoked")
def api_token_revoked_entry(sender, token, actor, reason="", **kwargs):
    _token_entry(token, actor, transition="revoke_api_token", from_state="active", to_state="revoked", reason=reason)


# --- Failed sign-ins (SECURITY rows 7 and 10) ---------------------------------------------------


@receiver(user_login_failed, dispatch_uid="audit.sign_in_password_failed")
def sign_in_password_failed(sender, credentials, request=None, **kwargs):
    """Django's `user_login_failed` (the password step; also sent while django-axes locks the account
    out). `credentials` comes with the password already masked; only the email is read."""
    sign_in_failure_record(request=request, step=SignInFailure.Step.PASSWORD, email=credentials.get("username", ""))


@receiver(sign_in_code_failed, dispatch_uid="audit.sign_in_code_failed")
def sign_in_second_factor_failed(sender, request, user, passkey=False, **kwargs):
    step = SignInFailure.Step.PASSKEY if passkey else SignInFailure.Step.SECOND_FACTOR
    sign_in_failure_record(request=request, step=step, email=user.email, account=user)


@receiver(user_locked_out, dispatch_uid="audit.sign_in_locked_out")
def sign_in_locked_out(sender, request, username=None, **kwargs):
    sign_in_failure_record(request=request, step=SignInFailure.Step.LOCKED_OUT, email=username or "")


@receiver(records_shown, dispatch_uid="audit.records_shown")
def records_shown_events(sender, request, records, **kwargs):
    """`accounts.signals.records_shown`: one access event per case record a page of accounts showed."""
    access_record_many(request=request, records=records)
