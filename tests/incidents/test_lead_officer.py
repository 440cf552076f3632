"""Who can lead a case is the board's people as `accounts.selectors.board_members` reads them, by name on
the lead-officer page; the service refuses anyone else the same way (issue 17, "Mend what was found")."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.selectors import board_members
from incidents.services import incident_set_lead_officer
from scr_tracker.transitions import InvalidInput
from tests.factories import ChairFactory, StaffFactory
from tests.workflow import draft


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 2, 10, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def people(chair_a):
    """The board's people, named so that by role and by name differ; one has left."""
    board = chair_a.board
    return {
        "ava": StaffFactory(board=board, email="ava@a.example", full_name="Ava Adams"),
        "zed": StaffFactory(board=board, email="zed@a.example", full_name="Zed Zimmer"),
        "bea": ChairFactory(board=board, email="bea@a.example", full_name="Bea Brown"),
        "gone": StaffFactory(board=board, email="gone@a.example", full_name="Gil Gone", is_active=False),
    }


def test_board_members_by_name_or_by_role(chair_a, people):
    board = chair_a.board
    by_name = [user.full_name for user in board_members(chair_a, board, by_name=True)]
    assert by_name == ["Ava Adams", "Bea Brown", "Chair of A", "Zed Zimmer"]  # no one who has left
    by_role = [(user.role, user.full_name) for user in board_members(chair_a, board)]
    assert by_role == sorted(by_role)  # the people page's order: chairs, then staff, each by name


def test_the_lead_officer_radios_list_the_boards_people_by_name(client, sign_in, chair_a, people):
    case = draft(chair_a)
    sign_in(chair_a)
    page = client.get(reverse("incidents:lead_officer", args=[case.public_id])).text
    labels = re.findall(r'<label class="govuk-label govuk-radios__label"[^>]*>\s*(.*?)\s*</label>', page, re.S)
    assert labels == [
        "Ava Adams (board staff)",
        "Bea Brown (board chair)",
        "Chair of A (board chair)",
        "Zed Zimmer (board staff)",
        "Nobody in particular",
    ]


def test_the_service_refuses_someone_who_has_left_or_another_boards_person(chair_a, staff_b, people):
    case = draft(chair_a)
    for officer in (people["gone"], staff_b):
        with pytest.raises(InvalidInput) as refused:
            incident_set_lead_officer(actor=chair_a, incident_id=case.pk, officer_id=officer.pk)
        assert refused.value.errors == {"lead_officer": ["Choose one of the board's staff or its chair"]}
    case = incident_set_lead_officer(actor=chair_a, incident_id=case.pk, officer_id=people["zed"].pk)
    assert case.lead_officer == people["zed"]
