"""Fictional demo boards and people for local use (`manage.py seed_demo`). Never real data.

Every demo user shares one password and has an authenticator secret derived from their email
address, so a newcomer can add it to an app or ask `manage.py demo_code EMAIL` for a code.
"""

import hashlib
from datetime import date

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Board, Region, Role, User
from incidents.demo import seed_demo_cases
from panel.demo import seed_demo_panel
from publication.demo import seed_demo_publications
from reviews.demo import seed_demo_review

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

# (email, full name, role, board code)
DEMO_USERS = [
    ("chair@northfield.example", "Robin Demo (Northfield chair)", Role.BOARD_CHAIR, "NFD"),
    ("staff@northfield.example", "Sam Demo (Northfield business manager)", Role.BOARD_STAFF, "NFD"),
    ("chair@eastmere.example", "Jo Demo (Eastmere chair)", Role.BOARD_CHAIR, "EMR"),
    ("staff@eastmere.example", "Kit Demo (Eastmere officer)", Role.BOARD_STAFF, "EMR"),
    ("chair@westbrook.example", "Lee Demo (Westbrook chair)", Role.BOARD_CHAIR, "WBK"),
    ("member@panel.example", "Ash Demo (panel member)", Role.PANEL_MEMBER, None),
    ("secretariat@panel.example", "Pat Demo (panel secretariat)", Role.PANEL_SECRETARIAT, None),
    ("admin@scr-tracker.example", "Demo Administrator", Role.ADMINISTRATOR, None),
]


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
    for board_name in ("northfield", "eastmere"):
        chair, staff = by_email[f"chair@{board_name}.example"], by_email[f"staff@{board_name}.example"]
        seed_demo_cases(chair, staff, by_email["member@panel.example"])
        seed_demo_review(chair=chair, staff=staff)
    # Completed reviews in every publication state, on the board with no other demo cases (SPEC §4.5).
    seed_demo_publications(
        chair=by_email["chair@westbrook.example"],
        staff=by_email["chair@westbrook.example"],
        panel_member=by_email["member@panel.example"],
    )
    seed_demo_panel(
        secretariat=by_email["secretariat@panel.example"],
        member=by_email["member@panel.example"],
        chair=by_email["chair@eastmere.example"],
        staff=by_email["staff@eastmere.example"],
    )
    return users
