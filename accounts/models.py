"""Boards (LSCBs) and the people who use the service, each with one role from SPEC §2."""

import uuid
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from simple_history.models import HistoricalRecords


class Region(models.TextChoices):
    """England's nine regions."""

    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class BoardQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(active_from__lte=day).filter(
            models.Q(active_until__isnull=True) | models.Q(active_until__gte=day)
        )


class Board(models.Model):
    """A Local Safeguarding Children Board. Boards merge and split, so each has active dates."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", "Use 2 to 12 capital letters or digits, starting with a letter")
        ],
        help_text="Short code used in case references, for example NTH",
    )
    name = models.CharField(max_length=150)
    region = models.CharField(max_length=32, choices=Region.choices)
    active_from = models.DateField()
    active_until = models.DateField(null=True, blank=True, help_text="Leave blank while the board is active")

    objects = BoardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_until__isnull=True) | models.Q(active_until__gte=models.F("active_from")),
                name="board_active_until_after_active_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.active_until and self.active_from and self.active_until < self.active_from:
            raise ValidationError({"active_until": "The end date must be on or after the start date"})

    def is_active_on(self, day) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)


class Role(models.TextChoices):
    BOARD_STAFF = "board_staff", "Board staff"
    BOARD_CHAIR = "board_chair", "Board chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    PANEL_SECRETARIAT = "panel_secretariat", "Panel secretariat"
    ADMINISTRATOR = "administrator", "Service administrator"


BOARD_ROLES = (Role.BOARD_STAFF, Role.BOARD_CHAIR)
PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT)


ROLE_FIXED_ACROSS_ADMINISTRATOR = (
    "An account cannot change to or from service administrator: administrators hold no case records. "
    "Make a separate account"
)
CASE_ROLE_NOT_STAFF = (
    "Only a service administrator can use the administration pages or be a superuser; "
    "people with a board or panel role cannot"
)


def _crosses_administrator(stored_role: str, role: str) -> bool:
    """Whether a role change would turn an administrator into a case-holding account, or back."""
    return (stored_role == Role.ADMINISTRATOR) != (role == Role.ADMINISTRATOR)


class UserQuerySet(models.QuerySet):
    """Deactivating in bulk ends access as a save does (`User.save`): `update(is_active=False)` and
    `bulk_update(..., ["is_active"])` skip `save()`, so they end it themselves, in their transaction."""

    def update(self, **kwargs):
        if "role" in kwargs:
            crossing = (
                ~models.Q(role=Role.ADMINISTRATOR)
                if kwargs["role"] == Role.ADMINISTRATOR
                else models.Q(role=Role.ADMINISTRATOR)
            )
            if self.filter(crossing).exists():
                raise ValidationError({"role": ROLE_FIXED_ACROSS_ADMINISTRATOR})
        if "is_active" not in kwargs or kwargs["is_active"]:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            leaving = list(self.filter(is_active=True).select_for_update().values_list("pk", flat=True))
            updated = super().update(**kwargs)
            people = self.model._default_manager.filter(pk__in=leaving)
            people.update(last_deactivated_at=timezone.now())
            _access_end(list(people))
        return updated

    def bulk_update(self, objs, fields, batch_size=None):
        if "role" in fields:
            stored = dict(self.filter(pk__in=[o.pk for o in objs]).values_list("pk", "role"))
            if any(o.pk in stored and _crosses_administrator(stored[o.pk], o.role) for o in objs):
                raise ValidationError({"role": ROLE_FIXED_ACROSS_ADMINISTRATOR})
        if "is_active" not in fields:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        with transaction.atomic(using=self.db):
            active = set(self.filter(pk__in=[o.pk for o in objs], is_active=True).values_list("pk", flat=True))
            leaving = [o for o in objs if o.pk in active and not o.is_active]
            now = timezone.now()
            for person in leaving:
                person.last_deactivated_at = now
            if leaving and "last_deactivated_at" not in fields:
                fields = [*fields, "last_deactivated_at"]
            updated = super().bulk_update(objs, fields, batch_size=batch_size)
            _access_end(leaving)
        return updated


def _access_end(people) -> None:
    from accounts.access import access_end  # the sessions and signal; a module above models

    for person in people:
        access_end(person)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR, board=None)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person signing in with their email address. Board roles belong to exactly one board."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices)
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the administration pages")
    date_joined = models.DateTimeField(default=timezone.now)
    # When the account was last deactivated: part of what a session is signed with, so that no session
    # from before it works again after a reactivation, recorded at sign-in or not.
    last_deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A panel user with a passkey signs in with it alone unless they chose to keep their authenticator
    # app's codes as a way in when the passkey is lost (decision 0034). Set on their account page, audited.
    totp_recovery = models.BooleanField(
        default=False, help_text="Security codes are still accepted at sign-in although the person has a passkey"
    )

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=[r.value for r in BOARD_ROLES], board__isnull=False)
                    | (~models.Q(role__in=[r.value for r in BOARD_ROLES]) & models.Q(board__isnull=True))
                ),
                name="user_board_iff_board_role",
            ),
            # Superusers hold no case records (SPEC §2): only a service administrator's account is
            # staff or superuser, and an administrator holds no case role and no board (above).
            models.CheckConstraint(
                condition=models.Q(role=Role.ADMINISTRATOR.value) | models.Q(is_staff=False, is_superuser=False),
                name="user_staff_only_administrator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").lower()
        if self.role in BOARD_ROLES and self.board_id is None:
            raise ValidationError({"board": "Board staff and chairs must belong to a board"})
        if self.role not in BOARD_ROLES and self.board_id is not None:
            raise ValidationError({"board": "Only board staff and chairs belong to a board"})
        if self.pk is not None:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("role", flat=True).first()
            if stored is not None and _crosses_administrator(stored, self.role):
                raise ValidationError({"role": ROLE_FIXED_ACROSS_ADMINISTRATOR})
        if self.role != Role.ADMINISTRATOR:
            for field in ("is_superuser", "is_staff"):
                if getattr(self, field):
                    raise ValidationError({field: CASE_ROLE_NOT_STAFF})

    def save(self, *args, **kwargs):
        # Deactivation must end the person's access on every path that saves the row (the people
        # pages, the API, the admin's change form, a shell), so it is noticed here rather than in
        # one service: same transaction, from active in the database to inactive in this save.
        with transaction.atomic(using=kwargs.get("using")):
            stored = None
            if self.pk is not None:
                stored = type(self)._default_manager.filter(pk=self.pk).values("is_active", "role").first()
            if stored is not None and _crosses_administrator(stored["role"], self.role):
                raise ValidationError({"role": ROLE_FIXED_ACROSS_ADMINISTRATOR})
            deactivating = stored is not None and not self.is_active and stored["is_active"]
            if deactivating:
                self.last_deactivated_at = timezone.now()
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "last_deactivated_at"}
            super().save(*args, **kwargs)
            if deactivating:
                _access_end([self])

    def _get_session_auth_hash(self, secret=None):
        """What a session is signed with (django.contrib.auth checks it on every request): the password,
        as Django's own, and the last deactivation, so a deactivation ends every earlier session."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}|{self.last_deactivated_at.isoformat() if self.last_deactivated_at else ''}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @property
    def is_board_user(self) -> bool:
        return self.role in BOARD_ROLES

    @property
    def is_panel_user(self) -> bool:
        return self.role in PANEL_ROLES

    @property
    def is_chair(self) -> bool:
        return self.role == Role.BOARD_CHAIR

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.PANEL_SECRETARIAT


class UserSession(models.Model):
    """A session key a person signed in with, so deactivation finds their sessions without
    decoding every session row. Written at sign-in, removed at sign-out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_keys")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Session of user {self.user_id}"


INVITATION_VALID_FOR = timedelta(days=7)


class InvitationQuerySet(models.QuerySet):
    def open_at(self, moment):
        """Invitations that can still be accepted at `moment`: not used, not withdrawn, not expired."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=moment)


class Invitation(models.Model):
    """A single-use link with which a person sets their password and links an authenticator.

    Only the SHA-256 hash of the link's secret is kept; the secret itself is in the email alone.
    It expires 7 days after it is sent; a new invitation withdraws the person's older ones.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation for user {self.user_id} ({self.created_at:%Y-%m-%d})"

    def is_open_at(self, moment) -> bool:
        return self.used_at is None and self.revoked_at is None and moment < self.expires_at


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token (SPEC §8). Only the secret's SHA-256 is kept; the secret is shown once.

    A token authenticates as its user, so it carries exactly the user's role and scope. Revoked
    tokens stay, for the account page and the audit trail; they never come back.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, for example a nightly export")
    prefix = models.CharField(max_length=12, help_text="The secret's first characters, to tell tokens apart")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, hex")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def status(self) -> str:
        return "active" if self.revoked_at is None else "revoked"
