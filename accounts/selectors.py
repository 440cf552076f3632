"""What a user may see. Every view, API and task fetches board-owned records through here.

A board user sees only their own board's records; anything else is simply not found (404),
so the existence of another board's case is never disclosed. Panel users reach a board's case
records only through the submissions, initiation notices and final reports that link to them
(added with those records); the service administrator sees no case records at all.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BOARD_ROLES, ApiToken, Board, Invitation, Role, User


def boards_visible_to(user: User) -> QuerySet[Board]:
    """Boards a user may look at: their own (board roles) or all of them (panel, administrator)."""
    if not user.is_authenticated or not user.is_active:
        return Board.objects.none()
    if user.is_board_user:
        return Board.objects.filter(pk=user.board_id)
    return Board.objects.all()


def board_for_user(user: User, code: str) -> Board:
    """The board with this code if the user may see it; 404 otherwise (never 403)."""
    try:
        return boards_visible_to(user).get(code=code)
    except Board.DoesNotExist as exc:
        raise Http404("No such board") from exc


def board_records_for_user(user: User, queryset: QuerySet, *, board_field: str = "board") -> QuerySet:
    """Case records owned by a board, narrowed to what this user may see.

    Board users: their board's records. Everyone else: none here; the panel's view through
    submissions is a separate selector in the panel app, so it is granted deliberately.
    """
    if user.is_authenticated and user.is_active and user.is_board_user:
        return queryset.filter(**{board_field: user.board_id})
    return queryset.none()


def get_board_record_or_404(user: User, queryset: QuerySet, *, board_field: str = "board", **lookup):
    """One board-owned record in the user's scope, or 404 whatever the reason it is out of reach."""
    try:
        return board_records_for_user(user, queryset, board_field=board_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("Not found") from exc


def board_members(user: User, board: Board, *, by_name: bool = False) -> QuerySet[User]:
    """The active people of a board (its staff and chairs), for its own chair and staff only (need-to-know):
    by role, then name; `by_name` for a choice of one of them (a case's lead officer)."""
    if user.is_board_user and user.board_id == board.pk:
        order = ("full_name", "pk") if by_name else ("role", "full_name", "pk")
        return board.users.filter(is_active=True).order_by(*order)
    return User.objects.none()


def reads_as_panel(user) -> bool:
    """An active, signed-in panel member or secretariat: who reads what the boards send the panel."""
    return user.is_authenticated and user.is_active and user.is_panel_user


def chairs_of(board: Board) -> QuerySet[User]:
    return board.users.filter(role=Role.BOARD_CHAIR, is_active=True)


# --- People: who may see and manage accounts and boards (SPEC §2, §8 "People") ------------------


def users_in_scope(user: User) -> QuerySet[User]:
    """Accounts a user may know exist: their board's people (board roles), everyone but the
    service's administrators (panel), everyone (superusers). Outside this, an account is 404."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if user.is_board_user:
        return User.objects.filter(board_id=user.board_id)
    if user.is_panel_user:
        return User.objects.exclude(role=Role.ADMINISTRATOR)
    return User.objects.none()


def users_managed_by(user: User) -> QuerySet[User]:
    """Accounts a user may list and change: every account (superusers), the board's people (its chair)."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if user.is_chair:
        return User.objects.filter(board_id=user.board_id, role__in=BOARD_ROLES)
    return User.objects.none()


def boards_managed_by(user: User) -> QuerySet[Board]:
    """Boards a user may list through the people API: all (superusers), their own (its chair)."""
    if not user.is_authenticated or not user.is_active:
        return Board.objects.none()
    if user.is_superuser:
        return Board.objects.all()
    if user.is_chair:
        return Board.objects.filter(pk=user.board_id)
    return Board.objects.none()


def boards_in_scope(user: User) -> QuerySet[Board]:
    """Boards a user may know exist (superusers see every board; others as `boards_visible_to`)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Board.objects.all()
    return boards_visible_to(user)


def with_access_facts(users: QuerySet[User]) -> QuerySet[User]:
    """People with what their status needs, in the same query: a linked authenticator, an open invitation."""
    return users.select_related("board").annotate(
        has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        has_open_invitation=Exists(Invitation.objects.open_at(timezone.now()).filter(user=OuterRef("pk"))),
    )


def people_of_board(board: Board) -> QuerySet[User]:
    """A board's people for its people page, active ones first; the caller has checked who may see it."""
    return with_access_facts(board.users.all()).order_by("-is_active", "role", "full_name")


def people_outside_boards() -> QuerySet[User]:
    """The panel's people (and administrators), for the superuser's people page."""
    return with_access_facts(User.objects.filter(board__isnull=True)).order_by("-is_active", "role", "full_name")


def person_for_user(user: User, pk: int) -> User:
    """A person whose account page this user may ask for: a board user reaches their own board's
    people only (anyone else is 404); panel users and administrators reach anyone's, and the
    service then decides whether they may change it (403)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("Not found")
    people = User.objects.select_related("board")
    if user.is_board_user:
        people = people.filter(board_id=user.board_id)
    try:
        return people.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404("Not found") from exc


def api_tokens_of(user):
    """The user's own API tokens, newest first (one query)."""
    return ApiToken.objects.filter(user=user)


def own_api_token_or_404(user, pk: int):
    """One of the user's own tokens; anyone else's is 404, as if it did not exist."""
    return get_object_or_404(ApiToken, pk=pk, user=user)
