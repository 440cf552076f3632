"""Factories for the records the tests build. Personas that use them live in conftest.py."""

from datetime import date

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Board, Region, Role, User

TEST_PASSWORD = "a-long-test-password-2015"


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TB{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Testshire {o.code} Safeguarding Children Board")
    region = Region.NORTH_EAST
    active_from = date(2006, 4, 1)
    active_until = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    role = Role.BOARD_STAFF
    board = factory.SubFactory(BoardFactory)
    password = factory.django.Password(TEST_PASSWORD)


class StaffFactory(UserFactory):
    role = Role.BOARD_STAFF


class ChairFactory(UserFactory):
    role = Role.BOARD_CHAIR


class PanelMemberFactory(UserFactory):
    role = Role.PANEL_MEMBER
    board = None


class SecretariatFactory(UserFactory):
    role = Role.PANEL_SECRETARIAT
    board = None


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
    board = None
    is_staff = True
    is_superuser = True


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Test authenticator"
    confirmed = True
