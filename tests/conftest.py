"""Personas shared by every test: two boards, each role, and a way to sign in with both factors."""

import os

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings

from accounts.middleware import SIGNED_IN_AT
from tests.factories import (
    AdministratorFactory,
    BoardFactory,
    ChairFactory,
    PanelMemberFactory,
    SecretariatFactory,
    StaffFactory,
    TOTPDeviceFactory,
)

settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _default_themes(request):
    """The recommendation themes a data migration adds; a transactional test's flush removes them."""
    if {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        from reviews.choices import DEFAULT_THEMES
        from reviews.models import Theme

        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
        Theme.objects.bulk_create([Theme(name=name) for name in DEFAULT_THEMES], ignore_conflicts=True)


@pytest.fixture
def board_a(db):
    return BoardFactory(code="AAA", name="Alphaford Safeguarding Children Board")


@pytest.fixture
def board_b(db):
    return BoardFactory(code="BBB", name="Betaby Safeguarding Children Board")


@pytest.fixture
def chair_a(board_a):
    return ChairFactory(board=board_a, email="chair.a@test.example", full_name="Chair of A")


@pytest.fixture
def staff_a(board_a):
    return StaffFactory(board=board_a, email="staff.a@test.example", full_name="Staff of A")


@pytest.fixture
def chair_b(board_b):
    return ChairFactory(board=board_b, email="chair.b@test.example", full_name="Chair of B")


@pytest.fixture
def staff_b(board_b):
    return StaffFactory(board=board_b, email="staff.b@test.example", full_name="Staff of B")


@pytest.fixture
def panel_member(db):
    return PanelMemberFactory(email="member@test.example", full_name="Panel Member")


@pytest.fixture
def secretariat(db):
    return SecretariatFactory(email="secretariat@test.example", full_name="Panel Secretariat")


@pytest.fixture
def administrator(db):
    return AdministratorFactory(email="admin@test.example", full_name="Service Admin")


def sign_in_with_both_factors(client, user):
    """What our two-step sign-in leaves in the session, without typing a code."""
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[SIGNED_IN_AT] = timezone.now().isoformat()
    session.save()
    return client


@pytest.fixture
def sign_in(client):
    """sign_in(user) -> a test client signed in as that user with both factors."""

    def _sign_in(user, client=client):
        return sign_in_with_both_factors(client, user)

    return _sign_in
