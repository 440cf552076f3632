"""Audit entries for what the accounts app does and announces by signal (it sits below audit):
its people and boards, and personal API tokens made and revoked."""

from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import api_token_created, api_token_revoked
from audit.models import AuditEntry


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
