"""Every change to people and boards (SPEC §2, §8 "People"). Pages and the API call these.

Who may do what is checked here, not only by hiding buttons:

- a superuser (role `administrator`) manages boards, chairs, panel users and any board's people;
- a board chair manages their own board's people, with the roles `board_staff` and `board_chair`;
- everyone else is refused (`PermissionDenied`).

Callers find the record through `accounts.selectors` first, so a record outside the actor's scope
is a 404 before any service runs; a `PermissionDenied` from here means "in scope, not allowed".
Bad input raises `ValidationError` with messages by field name (`__all__` for the whole request)
and saves nothing. Every change sends `accounts.signals.account_changed`, from which the audit app
writes one audit entry in the same transaction.
"""

import hashlib
import secrets
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.access import sessions_end
from accounts.models import BOARD_ROLES, INVITATION_VALID_FOR, PANEL_ROLES, Board, Invitation, Role, User
from accounts.signals import account_changed


def invitation_valid_for() -> str:
    """How long an invitation link works, in words ("7 days"), from the one setting."""
    days = INVITATION_VALID_FOR.days
    return f"{days} day{'s' if days != 1 else ''}"


INVITATION_INVALID = "This link has expired or has been used. Ask your chair for a new invitation."
BOARD_FIELDS = ("code", "name", "region", "active_from", "active_until")


# --- Who may do what


def is_superuser(actor) -> bool:
    """The service administrator: manages boards and every account but other administrators."""
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.is_superuser
        and actor.role == Role.ADMINISTRATOR
    )


def is_board_chair(actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_active and actor.role == Role.BOARD_CHAIR)


def roles_assignable_by(actor) -> tuple[str, ...]:
    """The roles this actor may invite people with or give them."""
    if is_superuser(actor):
        return (*BOARD_ROLES, *PANEL_ROLES)
    if is_board_chair(actor):
        return BOARD_ROLES
    return ()


def may_manage(actor, user) -> bool:
    """Whether the actor may change this person's account (role, deactivation, invitations)."""
    if user.role == Role.ADMINISTRATOR:
        return False  # administrators are made with `createsuperuser` and managed in the admin
    if is_superuser(actor):
        return True
    return is_board_chair(actor) and user.is_board_user and user.board_id == actor.board_id


def may_manage_board_people(actor, board) -> bool:
    """Whether the actor may see and manage this board's people page."""
    return is_superuser(actor) or (is_board_chair(actor) and actor.board_id == board.pk)


def _require_manager(actor, user) -> None:
    if not may_manage(actor, user):
        raise PermissionDenied("You cannot manage this account")


# --- Audit


def _audit(*, record, board, transition: str, from_state: str, to_state: str, actor, reason: str) -> None:
    responses = account_changed.send(
        sender=type(record),
        record=record,
        board=board,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        event_date=timezone.localdate(),
        actor=actor,
        reason=reason,
    )
    if not responses:
        raise ImproperlyConfigured("No receiver writes the audit entries of account changes (the audit app)")


def _role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def person_status(user) -> str:
    """The account's state in audit entries: `active`, `invited` (no second factor yet) or `inactive`."""
    if not user.is_active:
        return "inactive"
    linked = user.__dict__.get("has_authenticator")  # annotated by the people lists' selectors
    if linked is None:
        linked = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not linked:
        return "invited"
    return "active"


# --- Invitations


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(invitation_id: int, token: str) -> None:
    from accounts.emails import invitation_email

    invitation = Invitation.objects.select_related("user__board", "invited_by").get(pk=invitation_id)
    invitation_email(invitation, token).send()


def _invite(*, user, actor) -> tuple[Invitation, str]:
    """A new single-use link for `user`, emailed after the commit; their older links stop working."""
    now = timezone.now()
    Invitation.objects.filter(user=user).open_at(now).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=token_hash(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    transaction.on_commit(partial(_send_invitation, invitation.pk, token))
    return invitation, token


def _clean_person(*, email: str, full_name: str) -> tuple[str, str, dict]:
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors["full_name"] = ["Enter the person's full name"]
    elif len(full_name) > 150:
        errors["full_name"] = ["The full name must be 150 characters or fewer"]
    if not email:
        errors["email"] = ["Enter the person's email address"]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter an email address in the correct format, like name@example.org"]
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors["email"] = ["An account with this email address already exists"]
    return email, full_name, errors


@transaction.atomic
def invitation_create(*, actor, email: str, full_name: str, role: str, board: Board | None = None):
    """Invite a new person: their account exists from now, with no password and no second factor,
    and can do nothing until they accept the emailed link. Returns `(invitation, token)`: the token
    is the link's secret (`/invitation/<token>/`), never stored, only its hash.

    A chair invites to their own board (`board` may be left out), as staff or chair; a superuser
    invites anyone but an administrator, naming the board for the board roles."""
    if not roles_assignable_by(actor):
        raise PermissionDenied("Your role cannot invite people")
    email, full_name, errors = _clean_person(email=email, full_name=full_name)
    if is_board_chair(actor):
        if board is not None and board.pk != actor.board_id:
            raise PermissionDenied("You can only invite people to your own board")
        board = actor.board
    if role not in roles_assignable_by(actor):
        errors["role"] = ["Choose a role you can give" if role else "Choose the person's role"]
    elif role in BOARD_ROLES and board is None:
        errors["board"] = ["Choose the board for board staff and chairs"]
    elif role not in BOARD_ROLES and board is not None:
        errors["board"] = ["Only board staff and chairs belong to a board"]
    elif board is not None and board.active_until is not None and board.active_until < timezone.localdate():
        errors["board"] = ["This board has closed: invite people to the board that replaced it"]
    if errors:
        raise ValidationError(errors)
    user = User(email=email, full_name=full_name, role=role, board=board if role in BOARD_ROLES else None)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same address invited at the same moment
        raise ValidationError({"email": ["An account with this email address already exists"]}) from exc
    invitation, token = _invite(user=user, actor=actor)
    where = f" of {user.board.name}" if user.board_id else ""
    _audit(
        record=user,
        board=user.board,
        transition="invite",
        from_state="",
        to_state="invited",
        actor=actor,
        reason=f"Invited {user.full_name} <{user.email}> as {_role_label(role)}{where}",
    )
    return invitation, token


@transaction.atomic
def invitation_resend(*, actor, user: User):
    """Re-invite: a new link to set a password and link an authenticator; every older link dies.
    The person's current password and authenticator keep working until they accept. Returns
    `(invitation, token)`."""
    _require_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError({NON_FIELD_ERRORS: ["You cannot re-invite yourself"]})
    if not user.is_active:
        raise ValidationError({NON_FIELD_ERRORS: ["This account is deactivated: reactivate it instead"]})
    status = person_status(user)
    invitation, token = _invite(user=user, actor=actor)
    _audit(
        record=user,
        board=user.board,
        transition="reinvite",
        from_state=status,
        to_state=status,
        actor=actor,
        reason=f"New invitation sent to {user.email}; earlier invitation links withdrawn",
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation this link's secret belongs to, or None (unknown, used, withdrawn,
    expired, or its account deactivated: the caller shows one page for all of them)."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.open_at(timezone.now())
        .select_related("user__board")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, encoded_password: str, device: TOTPDevice) -> User:
    """The invitee chose a password (hashed by the caller with `make_password` after Django's
    validators) and confirmed `device` with a first code (checked by the caller with
    `signin.check_code`). Only now does the account become usable: the password is set, the device
    confirmed (replacing any older one), the link used up and any older session ended. The caller
    then signs the person in (`signin.complete_sign_in`)."""
    try:
        invitation = (
            Invitation.objects.select_for_update().open_at(timezone.now()).get(pk=invitation.pk, user__is_active=True)
        )
    except Invitation.DoesNotExist as exc:
        raise ValidationError({NON_FIELD_ERRORS: [INVITATION_INVALID]}) from exc
    user = User.objects.select_for_update().get(pk=invitation.user_id)
    if device.user_id != user.pk:
        raise ValidationError({NON_FIELD_ERRORS: [INVITATION_INVALID]})
    status = person_status(user)
    user.password = encoded_password
    user.save(update_fields=["password"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    # A new invitation is how a lost device is replaced: the passkeys go with the old authenticator
    # app, so one on a lost phone no longer signs in, and the new app's codes are accepted again.
    passkeys_removed, _ = WebAuthnCredential.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    sessions_end(user)
    _audit(
        record=user,
        board=user.board,
        transition="accept_invitation",
        from_state=status,
        to_state="active",
        actor=user,
        reason="Invitation accepted: password set and authenticator app linked"
        + ("; earlier passkeys removed" if passkeys_removed else ""),
    )
    return user


# --- Roles and deactivation


def _lock_active_chairs(board_id) -> list[User]:
    return list(User.objects.select_for_update().filter(board_id=board_id, role=Role.BOARD_CHAIR, is_active=True))


@transaction.atomic
def user_change_role(*, actor, user: User, role: str, board: Board | None = None) -> User:
    """Give a person another role. A chair moves their board's people between staff and chair; a
    superuser may also move someone to another board (`board`) or to a panel role."""
    _require_manager(actor, user)
    user = User.objects.select_for_update(of=("self",)).select_related("board").get(pk=user.pk)
    errors: dict[str, list[str]] = {}
    if is_board_chair(actor):
        if board is not None and board.pk != actor.board_id:
            raise PermissionDenied("You can only manage your own board's people")
        board = actor.board
    new_board = (board or user.board) if role in BOARD_ROLES else None
    if user.pk == actor.pk:
        errors["role"] = ["You cannot change your own role"]
    elif not user.is_active:
        errors[NON_FIELD_ERRORS] = ["This account is deactivated: reactivate it first"]
    elif role not in roles_assignable_by(actor):
        errors["role"] = ["Choose a role you can give" if role else "Choose the new role"]
    elif role in BOARD_ROLES and new_board is None:
        errors["board"] = ["Choose the board for board staff and chairs"]
    elif role == user.role and new_board == user.board:
        errors["role"] = [f"{user.full_name} is already {_role_label(role)}"]
    elif user.role == Role.BOARD_CHAIR and (role != Role.BOARD_CHAIR or new_board != user.board):
        chairs = _lock_active_chairs(user.board_id)
        if not [c for c in chairs if c.pk != user.pk]:
            errors["role"] = [f"{user.board.name} would have no chair: make someone else chair first"]
    if errors:
        raise ValidationError(errors)
    old_role, old_board = user.role, user.board
    user.role = role
    user.board = new_board
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "board"])
    reason = f"Role changed from {_role_label(old_role)} to {_role_label(role)}"
    if old_board != new_board:
        reason += f"; board changed from {old_board.name if old_board else 'none'} to "
        reason += new_board.name if new_board else "none"
    _audit(
        record=user,
        board=new_board or old_board,
        transition="change_role",
        from_state=old_role,
        to_state=role,
        actor=actor,
        reason=reason,
    )
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User, reason: str = "") -> User:
    """Stop a person using the service. Their sessions, invitations and API tokens end at once
    (`User.save` does that on every path). Nobody deactivates themselves, and a board always keeps
    an active chair."""
    _require_manager(actor, user)
    user = User.objects.select_for_update(of=("self",)).select_related("board").get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError({NON_FIELD_ERRORS: ["You cannot deactivate your own account"]})
    if not user.is_active:
        raise ValidationError({NON_FIELD_ERRORS: [f"{user.full_name}'s account is already deactivated"]})
    if user.role == Role.BOARD_CHAIR:
        chairs = _lock_active_chairs(user.board_id)
        if not [c for c in chairs if c.pk != user.pk]:
            raise ValidationError(
                {NON_FIELD_ERRORS: [f"{user.board.name} would have no chair: make someone else chair first"]}
            )
    reason = " ".join((reason or "").split())
    if len(reason) > 1000:
        raise ValidationError({"reason": ["The reason must be 1000 characters or fewer"]})
    status = person_status(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    _audit(
        record=user,
        board=user.board,
        transition="deactivate",
        from_state=status,
        to_state="inactive",
        actor=actor,
        reason=f"Account deactivated: {reason}" if reason else "Account deactivated",
    )
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User):
    """Let a deactivated person back in. Nothing of the old account's access comes back: its
    password, authenticator and passkeys are removed and a new invitation is sent, with which the person
    sets both again. Returns `(invitation, token)`."""
    _require_manager(actor, user)
    user = User.objects.select_for_update(of=("self",)).select_related("board").get(pk=user.pk)
    if user.is_active:
        raise ValidationError({NON_FIELD_ERRORS: [f"{user.full_name}'s account is already active"]})
    if user.board_id and user.board.active_until is not None and user.board.active_until < timezone.localdate():
        raise ValidationError({NON_FIELD_ERRORS: [f"{user.board.name} has closed"]})
    user.is_active = True
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    sessions_end(user)
    invitation, token = _invite(user=user, actor=actor)
    _audit(
        record=user,
        board=user.board,
        transition="reactivate",
        from_state="inactive",
        to_state="invited",
        actor=actor,
        reason=f"Account reactivated; a new invitation was sent to {user.email}",
    )
    return invitation, token


# --- Boards


def _board_state(board: Board) -> str:
    return "active" if board.is_active_on(timezone.localdate()) else "inactive"


def _board_fields(fields: dict) -> dict:
    unknown = sorted(set(fields) - set(BOARD_FIELDS))
    if unknown:
        raise ValidationError({name: ["This field cannot be set"] for name in unknown})
    return fields


def _words(value) -> str:
    if value in (None, ""):
        return "blank"
    return value.strftime("%-d %B %Y") if hasattr(value, "strftime") else str(value)


@transaction.atomic
def board_create(*, actor, **fields) -> Board:
    """A new board (superusers only): `code`, `name`, `region`, `active_from`, `active_until`."""
    if not is_superuser(actor):
        raise PermissionDenied("Only the service administrator can add boards")
    board = Board(**_board_fields(fields))
    board.full_clean()
    board.save()
    _audit(
        record=board,
        board=board,
        transition="create_board",
        from_state="",
        to_state=_board_state(board),
        actor=actor,
        reason=f"Board created: {board.name} ({board.code}), {board.get_region_display()}",
    )
    return board


@transaction.atomic
def board_update(*, actor, board: Board, **fields) -> Board:
    """Change a board's details (superusers only), for example its end date after a merger."""
    if not is_superuser(actor):
        raise PermissionDenied("Only the service administrator can change boards")
    _board_fields(fields)
    board = Board.objects.select_for_update().get(pk=board.pk)
    before = _board_state(board)
    changes = []
    for name, value in fields.items():
        old = getattr(board, name)
        if old != value:
            label = Board._meta.get_field(name).verbose_name
            if name == "region":
                old, value_words = (
                    board.get_region_display(),
                    dict(Board._meta.get_field(name).choices).get(value, value),
                )
            else:
                old, value_words = _words(old), _words(value)
            changes.append(f"{label[:1].upper()}{label[1:]} changed from {old} to {value_words}")
            setattr(board, name, value)
    if not changes:
        return board
    board.full_clean()
    board.save()
    _audit(
        record=board,
        board=board,
        transition="update_board",
        from_state=before,
        to_state=_board_state(board),
        actor=actor,
        reason="; ".join(changes),
    )
    return board
