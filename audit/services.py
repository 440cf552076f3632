"""Writing access events: one row per view, download or export of a case record."""

from audit.models import AccessEvent


def access_record(
    *, request, record, action: str = AccessEvent.Action.VIEW, board_id: int | None = None
) -> AccessEvent:
    """Record that the signed-in user saw `record`; call once per response, after the permission check."""
    user = request.user
    return AccessEvent.objects.create(
        record=record,
        board_id=board_id if board_id is not None else getattr(record, "board_id", None),
        user=user,
        user_role=user.role,
        user_board_id=user.board_id,
        action=action,
        request_id=getattr(request, "request_id", ""),
    )
