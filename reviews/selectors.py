"""Every read of initiation decisions, narrowed to the user's scope through their incident's board."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.selectors import board_records_for_user

from .models import Decision

BOARD_FIELD = "incident__board"


def decisions_for_user(user) -> QuerySet[Decision]:
    """The decisions of the incidents the user may see (board users: their board's; panel: linked ones)."""
    from incidents.selectors import incidents_for_user  # incidents.selectors reads decisions too

    decisions = Decision.objects.select_related("incident", "submission")
    if user.is_authenticated and user.is_active and user.is_panel_user:
        return decisions.filter(incident__in=incidents_for_user(user).values("pk"))
    return board_records_for_user(user, decisions, board_field=BOARD_FIELD)


def decision_list(user) -> QuerySet[Decision]:
    """The user's decisions, most recent first."""
    return decisions_for_user(user).order_by("-decided_on", "-pk")


def decision_for_user(user, public_id) -> Decision:
    """One decision in the user's scope (404 otherwise, whatever the reason)."""
    try:
        return decisions_for_user(user).get(public_id=public_id)
    except Decision.DoesNotExist as exc:
        raise Http404("Not found") from exc
