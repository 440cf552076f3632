"""Fictional demo boards and people for local use (`manage.py seed_demo`). Never real data.

Every demo user shares one password and has an authenticator secret derived from their email
address, so a newcomer can add it to an app or ask `manage.py demo_code EMAIL` for a code.
"""

import hashlib
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Board, Region, Role, User

DEMO_PASSWORD = "demo-password-not-for-real-use"
DEMO_EMAIL_DOMAINS = (
    "northfield.example",
    "eastmere.example",
    "westbrook.example",
    "panel.example",
    "scr-tracker.example",
)

DEMO_BOARDS = [
    ("NFD", "Northfield Safeguarding Children Board (demo)", Region.NORTH_WEST, date(2006, 4, 1), None),
    ("EMR", "Eastmere Safeguarding Children Board (demo)", Region.EAST_OF_ENGLAND, date(2006, 4, 1), None),
    ("WBK", "Westbrook Safeguarding Children Board (demo)", Region.SOUTH_WEST, date(2008, 1, 1), None),
]

# (email, full name, role, board code). A name is a name only: pages show the role and board beside it.
DEMO_USERS = [
    ("chair@northfield.example", "Robin Demo", Role.BOARD_CHAIR, "NFD"),
    ("staff@northfield.example", "Sam Demo", Role.BOARD_STAFF, "NFD"),
    ("chair@eastmere.example", "Jo Demo", Role.BOARD_CHAIR, "EMR"),
    ("staff@eastmere.example", "Kit Demo", Role.BOARD_STAFF, "EMR"),
    ("chair@westbrook.example", "Lee Demo", Role.BOARD_CHAIR, "WBK"),
    ("member@panel.example", "Ash Demo", Role.PANEL_MEMBER, None),
    ("secretariat@panel.example", "Pat Demo", Role.PANEL_SECRETARIAT, None),
    ("admin@scr-tracker.example", "Demo Administrator", Role.ADMINISTRATOR, None),
]


# The demo work of the apps built on this one (cases, reviews, the panel's meetings, publications): each app
# registers a seeder `seeder(people)` (people by email) from its AppConfig.ready, so this module never imports
# them. They run in the order the apps were made ready (INSTALLED_APPS): a case before its review.
_seeders: list[Callable[[dict[str, User]], object]] = []


def demo_seeder_register(seeder: Callable[[dict[str, User]], object]) -> None:
    if seeder not in _seeders:
        _seeders.append(seeder)


def demo_totp_key(email: str) -> str:
    """A stable 20-byte hex secret per demo user, so the printed secret survives a reseed."""
    return hashlib.sha256(f"scr-tracker-demo:{email}".encode()).hexdigest()[:40]


def is_demo_email(email: str) -> bool:
    return email.lower().rsplit("@", 1)[-1] in DEMO_EMAIL_DOMAINS


@transaction.atomic
def seed_demo() -> list[User]:
    """Create or refresh the demo boards and users; safe to run again."""
    boards = {}
    for code, name, region, active_from, active_until in DEMO_BOARDS:
        boards[code], _ = Board.objects.update_or_create(
            code=code,
            defaults={"name": name, "region": region, "active_from": active_from, "active_until": active_until},
        )
    users = []
    for email, full_name, role, board_code in DEMO_USERS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name = full_name
        user.role = role
        user.board = boards.get(board_code)
        user.is_active = True
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.full_clean(exclude=["password"])
        user.save()
        TOTPDevice.objects.filter(user=user).exclude(name="Demo authenticator").delete()
        TOTPDevice.objects.update_or_create(
            user=user, name="Demo authenticator", defaults={"key": demo_totp_key(email), "confirmed": True}
        )
        users.append(user)
    by_email = {u.email: u for u in users}
    for seeder in _seeders:
        seeder(by_email)
    return users
