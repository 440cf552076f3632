"""Audit entries for changes made below this app (accounts' people and boards)."""

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
