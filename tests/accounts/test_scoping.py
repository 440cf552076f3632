"""Who sees what: one selector layer, 404 (never 403) across boards."""

import re

import pytest
from django.http import Http404
from django.urls import reverse

from accounts import selectors
from accounts.models import User
from tests.factories import BoardFactory, StaffFactory


def board_url(board):
    return reverse("accounts:board", args=[board.code])


class TestBoardPage:
    def test_own_board_is_shown_with_its_people(self, client, sign_in, chair_a, staff_a, staff_b):
        sign_in(chair_a)
        page = client.get(board_url(chair_a.board))
        assert page.status_code == 200
        assert chair_a.board.name in page.text
        assert staff_a.full_name in page.text
        assert staff_b.full_name not in page.text

    @pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
    def test_another_boards_page_is_not_found(self, request, client, sign_in, persona, board_b, staff_b):
        sign_in(request.getfixturevalue(persona))
        response = client.get(board_url(board_b))
        assert response.status_code == 404
        assert board_b.name not in response.text
        assert "Page not found" in response.text

    def test_a_board_that_does_not_exist_looks_the_same(self, client, sign_in, chair_a, board_b):
        sign_in(chair_a)
        other = client.get(board_url(board_b))
        missing = client.get(reverse("accounts:board", args=["ZZZ"]))
        assert other.status_code == missing.status_code == 404
        csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert csrf.sub("", other.text) == csrf.sub("", missing.text)

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
    def test_national_roles_see_any_board_but_not_its_people(self, request, client, sign_in, persona, staff_b):
        sign_in(request.getfixturevalue(persona))
        page = client.get(board_url(staff_b.board))
        assert page.status_code == 200
        assert staff_b.board.name in page.text
        assert staff_b.full_name not in page.text

    def test_anonymous_is_sent_to_sign_in(self, client, board_a):
        response = client.get(board_url(board_a))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


class TestSelectors:
    def test_board_user_sees_only_own_board(self, chair_a, board_b):
        assert list(selectors.boards_visible_to(chair_a)) == [chair_a.board]
        with pytest.raises(Http404):
            selectors.board_for_user(chair_a, board_b.code)

    def test_board_records_are_narrowed_to_the_users_board(self, staff_a, staff_b, chair_a):
        mine = selectors.board_records_for_user(chair_a, User.objects.all())
        assert set(mine) == {staff_a, chair_a}
        with pytest.raises(Http404):
            selectors.get_board_record_or_404(chair_a, User.objects.all(), pk=staff_b.pk)
        assert selectors.get_board_record_or_404(chair_a, User.objects.all(), pk=staff_a.pk) == staff_a

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
    def test_national_roles_get_no_board_records_by_default(self, request, persona, staff_a):
        user = request.getfixturevalue(persona)
        assert not selectors.board_records_for_user(user, User.objects.all()).exists()

    def test_a_deactivated_user_sees_nothing(self, chair_a):
        chair_a.is_active = False
        assert not selectors.boards_visible_to(chair_a).exists()
        assert not selectors.board_records_for_user(chair_a, User.objects.all()).exists()

    def test_members_only_for_own_board(self, chair_a, staff_a, staff_b):
        assert staff_a in selectors.board_members(chair_a, chair_a.board)
        assert not selectors.board_members(chair_a, staff_b.board).exists()


@pytest.mark.parametrize("count", [5, 50])
def test_board_list_query_count_does_not_grow(client, sign_in, secretariat, django_assert_max_num_queries, count):
    for _ in range(count):
        StaffFactory(board=BoardFactory())
    sign_in(secretariat)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("accounts:boards"))
    assert page.status_code == 200
    assert page.text.count('class="govuk-link" href="/boards/') == count


@pytest.mark.parametrize("count", [5, 50])
def test_board_people_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, count):
    for _ in range(count):
        StaffFactory(board=chair_a.board)
    sign_in(chair_a)
    with django_assert_max_num_queries(8):
        page = client.get(board_url(chair_a.board))
    assert page.text.count('<tr class="govuk-table__row">') == count + 2  # header row + the chair
