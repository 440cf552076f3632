"""The `boards` and `users` API (SPEC §8 "People"): the same rules as the people pages.

Superusers manage every board and account; a board's chair sees and manages only the board's
people (staff and chairs). Everyone else gets 403 for what is in their scope (their own board and
its people; for the panel, every board) and 404 for what is not, so an account's existence is
never disclosed outside it. Every change goes through one `accounts.services` function, which
checks the role again, validates and writes the audit entry.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts import selectors, services
from accounts.models import Board, Region, Role
from scr_tracker.api import (
    ApiUrlField,
    ApiView,
    RecordDetailApi,
    RecordListApi,
    StrictInputSerializer,
    error_responses,
)

NOT_MANAGER = "Only the service's administrators, and a board's chair for the board's people, can do this"


# --- Output -------------------------------------------------------------------------------------


class BoardOutput(serializers.Serializer):
    """A board (LSCB or safeguarding partnership) and the dates it is active."""

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:board-detail")
    code = serializers.CharField(help_text="The short code used in its case references")
    name = serializers.CharField()
    region = serializers.ChoiceField(choices=Region.choices)
    active_from = serializers.DateField()
    active_until = serializers.DateField(allow_null=True, help_text="Null while the board is active")


class UserOutput(serializers.Serializer):
    """An account: who, in which role and board, and whether it can be used."""

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:user-detail")
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    board = serializers.CharField(source="board.code", allow_null=True, default=None, help_text="The board's code")
    is_active = serializers.BooleanField(help_text="False once deactivated")
    status = serializers.SerializerMethodField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)

    def get_status(self, user) -> str:
        return services.person_status(user)


# --- Input --------------------------------------------------------------------------------------


class BoardInput(StrictInputSerializer):
    """A new board, or the fields of one to change (superusers)."""

    code = serializers.CharField(max_length=12, required=False)
    name = serializers.CharField(max_length=150, required=False)
    region = serializers.ChoiceField(choices=Region.choices, required=False)
    active_from = serializers.DateField(required=False)
    active_until = serializers.DateField(required=False, allow_null=True)


class UserInviteInput(StrictInputSerializer):
    """Invite someone: the account is made and a single-use link is emailed to them."""

    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    board = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="The board's code (board roles; implied for a chair)"
    )


class UserChangeInput(StrictInputSerializer):
    """Change an account's role, or deactivate (`is_active: false`) or reactivate it."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    board = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="The board's code, when a superuser moves someone"
    )
    is_active = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why (for the audit trail)")


# --- Access -------------------------------------------------------------------------------------


class ManagedRecords:
    # Mixed into the detail view of a board or an account: `records` are those the user manages
    # (found), `in_scope` those they may only know exist (403); anything else is 404. They are not
    # case records, so a view writes no access event.

    access_event = False
    records: Callable[..., QuerySet]
    in_scope: Callable[..., QuerySet]

    @classmethod
    def fetch(cls, user, key):
        record = cls.records(user).filter(public_id=key).first()
        if record is not None:
            return record
        if cls.in_scope(user).filter(public_id=key).exists():
            raise PermissionDenied(NOT_MANAGER)
        raise Http404("Not found")


def _board_of_code(user, code: str | None) -> Board | None:
    if code is None:
        return None
    board = selectors.boards_in_scope(user).filter(code=code.strip().upper()).first()
    if board is None:
        raise ValidationError({"board": [f"There is no board with the code {code}"]})
    return board


def _service(call, **kwargs):
    """One service call, its refusals as the API's: field errors 400, a refused role 403."""
    try:
        return call(**kwargs)
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise ValidationError(errors) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or NOT_MANAGER) from exc


def _require_manager(user) -> None:
    if not (user.is_superuser or user.is_chair):
        raise PermissionDenied(NOT_MANAGER)


# --- Boards -------------------------------------------------------------------------------------


class BoardListApi(RecordListApi):
    """Boards (superusers: all of them; a chair: their own), and creating one (superusers)."""

    noun = "board"
    summary = "Boards: all of them for superusers, their own for a board's chair"
    output = BoardOutput
    access_event = False  # a board is not a case record

    def records(self, user, filters):
        _require_manager(user)
        return selectors.boards_managed_by(user).order_by("name")

    @extend_schema(
        operation_id="boards_create",
        summary="Create a board (superusers)",
        request=BoardInput,
        responses={201: BoardOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied("Only the service's administrators can create boards")
        serializer = BoardInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = _service(services.board_create, actor=request.user, **serializer.validated_data)
        return BoardDetailApi.reread(request, board.public_id, status.HTTP_201_CREATED)


class BoardDetailApi(ManagedRecords, RecordDetailApi):
    """One board; superusers change its fields."""

    noun = "board"
    summary = "One board"
    output = BoardOutput
    records = staticmethod(selectors.boards_managed_by)
    in_scope = staticmethod(selectors.boards_in_scope)

    @extend_schema(
        operation_id="boards_partial_update",
        summary="Change a board's name, region or dates (superusers)",
        request=BoardInput,
        responses={200: BoardOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, public_id):
        board = self.fetch(request.user, public_id)
        if not request.user.is_superuser:
            raise PermissionDenied("Only the service's administrators can change a board")
        serializer = BoardInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        _service(services.board_update, actor=request.user, board=board, **serializer.validated_data)
        return self.reread(request, public_id)


# --- Users --------------------------------------------------------------------------------------


class UserListApi(RecordListApi):
    """Accounts the user manages, and inviting someone."""

    noun = "user"
    summary = "Accounts: all of them for superusers, the board's people for its chair"
    output = UserOutput
    access_event = False  # an account is not a case record

    def records(self, user, filters):
        _require_manager(user)
        return selectors.with_access_facts(selectors.users_managed_by(user)).order_by("full_name", "pk")

    @extend_schema(
        operation_id="users_create",
        summary="Invite someone (superusers: any role; a chair: the board's staff and chairs)",
        request=UserInviteInput,
        responses={201: UserOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        user = request.user
        _require_manager(user)
        serializer = UserInviteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        code = data.pop("board")
        board = user.board if user.is_chair and code is None else _board_of_code(user, code)
        invitation, _ = _service(services.invitation_create, actor=user, board=board, **data)
        return UserDetailApi.reread(request, invitation.user.public_id, status.HTTP_201_CREATED)


class UserDetailApi(ManagedRecords, RecordDetailApi):
    """One account the user manages; change its role, deactivate or reactivate it."""

    noun = "user"
    summary = "One account"
    output = UserOutput
    in_scope = staticmethod(selectors.users_in_scope)

    @staticmethod
    def records(user):
        return selectors.with_access_facts(selectors.users_managed_by(user))

    @extend_schema(
        operation_id="users_partial_update",
        summary="Change an account's role, or deactivate or reactivate it",
        description="Deactivating ends the account's sessions and API tokens at once.",
        request=UserChangeInput,
        responses={200: UserOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, public_id):
        target = self.fetch(request.user, public_id)
        serializer = UserChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        board = _board_of_code(request.user, data["board"])
        if ("role" in data and data["role"] != target.role) or (board is not None and board.pk != target.board_id):
            role = data.get("role", target.role)
            _service(services.user_change_role, actor=request.user, user=target, role=role, board=board)
        if data.get("is_active") is False and target.is_active:
            _service(services.user_deactivate, actor=request.user, user=target, reason=data["reason"])
        elif data.get("is_active") is True and not target.is_active:
            _service(services.user_reactivate, actor=request.user, user=target)
        return self.reread(request, public_id)


class UserInvitationApi(ApiView):
    """Send someone a new invitation link; their earlier links stop working."""

    @extend_schema(
        operation_id="users_invitation_create",
        summary="Re-invite: email a new single-use link (earlier links stop working)",
        request=None,
        responses={
            200: OpenApiResponse(UserOutput, description="The account, with a new invitation sent"),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request, public_id):
        target = UserDetailApi.fetch(request.user, public_id)
        _service(services.invitation_resend, actor=request.user, user=target)
        return UserDetailApi.reread(request, public_id)
