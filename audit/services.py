"""Writing access events: one row per view, download or export of a case record; a row for each
refused access and each failed sign-in."""

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model

from accounts.throttles import client_ip
from audit.models import AccessEvent, AccessRefusal, SignInFailure

USER_AGENT_KEPT = 200  # characters of the User-Agent header a failed sign-in keeps


def _board_id(record) -> int | None:
    """The record's own board, else its case's (a contribution, a publication: their case is loaded
    with them wherever they are listed)."""
    if hasattr(record, "board_id"):
        return record.board_id
    case = getattr(record, "clock_case", None)
    return getattr(case, "board_id", None)


def _event(request, record, *, user, action: str, board_id: int | None) -> AccessEvent:
    return AccessEvent(
        record=record,
        board_id=board_id if board_id is not None else _board_id(record),
        user=user,
        user_role=user.role,
        user_board_id=user.board_id,
        action=action,
        request_id=getattr(request, "request_id", ""),
    )


def access_record(
    *, request, record, action: str = AccessEvent.Action.VIEW, board_id: int | None = None
) -> AccessEvent:
    """Record that the signed-in user saw `record`; call once per response, after the permission check."""
    event = _event(request, record, user=request.user, action=action, board_id=board_id)
    event.save()
    return event


def access_record_many(
    *,
    request,
    records: Iterable,
    action: str = AccessEvent.Action.VIEW,
    board_of: Callable[[object], int | None] | None = None,
    user=None,
) -> list[AccessEvent]:
    """Record that the user saw each of `records` (a list page, a feed, a dashboard): one row per
    record, each once however often it was shown, in one INSERT whatever their number. `board_of`
    gives a record's board when it has none of its own; `user` is who saw them when the request is
    not signed in (a calendar feed's token names its owner)."""
    user = user if user is not None else request.user
    seen: set = set()
    events = []
    for record in records:
        key = (type(record), record.pk)
        if record.pk is None or key in seen:
            continue
        seen.add(key)
        board_id = board_of(record) if board_of is not None else None
        events.append(_event(request, record, user=user, action=action, board_id=board_id))
    if events:
        AccessEvent.objects.bulk_create(events)
    return events


REFUSED = (403, 404)


def access_refusal_record(*, request, response) -> AccessRefusal | None:
    """A signed-in person was answered 403 or 404: record who asked for what (the path and the route's
    name, never the query string), and the answer."""
    user = getattr(request, "user", None)
    if response.status_code not in REFUSED or user is None or not user.is_authenticated:
        return None
    match = getattr(request, "resolver_match", None)
    return AccessRefusal.objects.create(
        user=user,
        user_role=user.role,
        user_board_id=user.board_id,
        method=request.method[:8],
        path=request.path[: AccessRefusal._meta.get_field("path").max_length],
        route=(match.view_name if match is not None else "")[:100],
        status=response.status_code,
        request_id=getattr(request, "request_id", ""),
    )


def _email_typed(email) -> str:
    return str(email or "").strip().lower()[: SignInFailure._meta.get_field("email").max_length]


def sign_in_failure_record(*, request, step: str, email: str = "", account=None) -> SignInFailure:
    """One failed sign-in step, kept whatever happens next. `account` is the account the email named
    (looked up here when not given, the same single query whether or not one matches)."""
    email = _email_typed(email)
    if account is None and email:
        account = get_user_model()._default_manager.filter(email__iexact=email).only("pk").first()
    ip = client_ip(request) if request is not None else ""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return SignInFailure.objects.create(
        step=step,
        email=email,
        account=account,
        ip_address=ip or None,
        user_agent=agent[:USER_AGENT_KEPT],
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )
