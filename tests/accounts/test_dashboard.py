"""A dashboard per role, and navigation by role."""

import pytest
from django.urls import reverse

DASHBOARD = reverse("accounts:dashboard")

BOARD_NAV = ["Dashboard", "Cases", "Submissions", "Reviews", "Action plan", "Publications", "Statistics", "Your board"]
PANEL_NAV = ["Dashboard", "Submissions", "Meetings", "Reviews", "Publications", "Statistics", "Boards"]


@pytest.mark.parametrize(
    ("persona", "heading", "nav"),
    [
        ("chair_a", "Your board's cases", BOARD_NAV),
        ("staff_a", "Your tasks", BOARD_NAV),
        ("panel_member", "Panel work", PANEL_NAV),
        ("secretariat", "Panel secretariat", PANEL_NAV),
        ("administrator", "Service administration", ["Dashboard", "Boards", "Administration"]),
    ],
)
def test_each_role_has_its_dashboard(request, client, sign_in, persona, heading, nav):
    user = request.getfixturevalue(persona)
    sign_in(user)
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page.text
    assert user.full_name in page.text
    links = [line.strip() for line in page.text.split('class="govuk-service-navigation__link"')[1:]]
    assert len(links) == len(nav)
    for label in nav:
        assert f">{label}<" in page.text.replace("\n", "").replace("  ", "")
    assert 'aria-current="page"' in page.text


def test_chair_dashboard_names_the_board_and_its_people(client, sign_in, chair_a, staff_a, staff_b):
    sign_in(chair_a)
    page = client.get(DASHBOARD)
    assert chair_a.board.name in page.text
    assert staff_a.full_name in page.text
    assert staff_b.full_name not in page.text


def test_secretariat_dashboard_lists_every_board(client, sign_in, secretariat, board_a, board_b):
    sign_in(secretariat)
    page = client.get(DASHBOARD)
    assert board_a.name in page.text and board_b.name in page.text


def test_board_user_board_list_goes_to_own_board(client, sign_in, staff_a):
    sign_in(staff_a)
    response = client.get(reverse("accounts:boards"))
    assert response["Location"] == reverse("accounts:board", args=[staff_a.board.code])


def test_shell_has_skip_link_header_phase_banner_and_footer(client, sign_in, staff_a):
    sign_in(staff_a)
    page = client.get(DASHBOARD).text
    assert '<a href="#main-content" class="govuk-skip-link"' in page
    assert 'id="main-content"' in page
    assert "govuk-phase-banner" in page
    assert 'class="govuk-footer"' in page
    assert "SCR Tracker" in page
    # Not a GOV.UK service: no crown logo, no GDS Transport font.
    assert "govuk-logo" not in page and "crown" not in page.lower()
    # Works without JavaScript: sign-out is a plain form.
    assert f'action="{reverse("accounts:sign_out")}"' in page
