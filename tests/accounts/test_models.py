"""Boards and users: the rules the database itself enforces."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Board, Region, Role, User
from tests.factories import BoardFactory, UserFactory


def test_board_roles_need_exactly_one_board(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.BOARD_CHAIR, board=None)


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR])
def test_national_roles_have_no_board(db, role):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=role, board=BoardFactory())


def test_clean_explains_the_board_rule(db):
    user = User(email="x@test.example", full_name="X", role=Role.BOARD_STAFF)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "must belong to a board" in str(excinfo.value)


def test_email_is_unique_whatever_its_case(db):
    User.objects.create_user("Person@Test.Example", "pw-long-enough-1", full_name="P", role=Role.PANEL_MEMBER)
    with pytest.raises(ValidationError):
        User.objects.create_user("person@test.example", "pw-long-enough-1", full_name="Q", role=Role.PANEL_MEMBER)


def test_superuser_is_an_administrator_without_a_board(db):
    admin = User.objects.create_superuser("root@test.example", "pw-long-enough-1", full_name="Root")
    assert admin.role == Role.ADMINISTRATOR and admin.board is None and admin.is_superuser


@pytest.mark.parametrize("code", ["a", "ab", "A", "1AB", "TOO-LONG", "ABCDEFGHIJKLM"])
def test_board_code_format(db, code):
    board = Board(code=code, name="N", region=Region.LONDON, active_from=date(2010, 1, 1))
    with pytest.raises(ValidationError):
        board.full_clean()


def test_board_cannot_end_before_it_starts(db):
    board = Board(
        code="OK1", name="N", region=Region.LONDON, active_from=date(2010, 1, 1), active_until=date(2009, 1, 1)
    )
    with pytest.raises(ValidationError):
        board.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        board.save()


def test_boards_active_on_a_day(db):
    merged = BoardFactory(code="OLD", active_from=date(2006, 4, 1), active_until=date(2015, 3, 31))
    successor = BoardFactory(code="NEW", active_from=date(2015, 4, 1))
    assert set(Board.objects.active_on(date(2015, 3, 31))) == {merged}
    assert set(Board.objects.active_on(date(2015, 4, 1))) == {successor}
    assert merged.is_active_on(date(2010, 1, 1)) and not merged.is_active_on(date(2016, 1, 1))


def test_all_nine_regions():
    assert len(Region.choices) == 9


def test_field_edits_are_kept_in_history(db):
    board = BoardFactory(code="HIS", name="Before")
    board.name = "After"
    board.save()
    assert [h.name for h in board.history.order_by("history_date")] == ["Before", "After"]
