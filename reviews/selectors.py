"""Every read of initiation decisions, narrowed to the user's scope through their incident's board."""

from django.db.models import QuerySet

from accounts.selectors import board_records_for_user, get_board_record_or_404

from .models import Decision

BOARD_FIELD = "incident__board"


def decisions_for_user(user) -> QuerySet[Decision]:
    return board_records_for_user(user, Decision.objects.select_related("incident"), board_field=BOARD_FIELD)


def decision_list(user) -> QuerySet[Decision]:
    """The user's decisions, most recent first."""
    return decisions_for_user(user).order_by("-decided_on", "-pk")


def decision_for_user(user, public_id) -> Decision:
    """One decision in the user's scope (404 otherwise, whatever the reason)."""
    return get_board_record_or_404(
        user, Decision.objects.select_related("incident"), board_field=BOARD_FIELD, public_id=public_id
    )
