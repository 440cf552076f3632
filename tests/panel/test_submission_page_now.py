"""Issue 17, "Mend what was found": the submission page offers only what the user can do now, as the case,
review and publication pages do, and says in words whose move it is when it is not the reader's."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from panel.models import SUBMISSION_TRANSITIONS, PanelSubmission
from panel.words import submission_action_words
from scr_tracker.transitions import blocking, transitions_now
from tests.panel.test_pages import ALL_STATES, page_url, submission_in, transition_url


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 2, 10, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def what_you_can_do(page: str) -> str:
    if "What you can do now" not in page:
        return ""
    return page.split("What you can do now", 1)[1].split('id="facts"', 1)[0]


def waiting_on(page: str) -> str:
    match = re.search(r'id="waiting-on">(.*?)</div>', page, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("persona", ["chair_a", "staff_a", "panel_member", "secretariat"])
def test_the_page_offers_exactly_what_the_user_can_do_now(
    request, client, sign_in, chair_a, secretariat, state, persona
):
    submission = submission_in(state, chair_a, secretariat)
    user = request.getfixturevalue(persona)
    sign_in(user)
    page = client.get(page_url(submission)).text
    assert "You cannot" not in page
    block = what_you_can_do(page)
    for name in SUBMISSION_TRANSITIONS:
        offered = transition_url(submission, name) in block
        assert offered == (name in transitions_now(submission, user, SUBMISSION_TRANSITIONS)), name


@pytest.mark.parametrize(
    ("state", "persona", "words"),
    [
        ("awaiting_information", "panel_member", "Waiting on board staff: reply to the national panel's request"),
        ("submitted", "staff_a", "Waiting on the panel's secretariat: schedule the submission for a meeting of the"),
        ("scheduled", "chair_a", "Waiting on the national panel: record the national panel's advice from its meeting"),
        ("awaiting_board_response", "panel_member", "Waiting on the chair: respond to the national panel's advice"),
    ],
)
def test_whose_move_it_is_is_said_in_words(request, client, sign_in, chair_a, secretariat, state, persona, words):
    submission = submission_in(state, chair_a, secretariat)
    sign_in(request.getfixturevalue(persona))
    said = waiting_on(client.get(page_url(submission)).text)
    assert said.startswith(words), said


def test_the_wait_gives_its_date(client, sign_in, chair_a, staff_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)  # sent 3 February 2015
    sign_in(staff_a)
    said = waiting_on(client.get(page_url(submission)).text)
    assert re.search(r"(Due|Expected) by \d{1,2} \w+ 2015\.$", said), said


def test_the_one_whose_move_it_is_sees_the_action_not_a_wait(client, sign_in, chair_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    page = client.get(page_url(submission)).text
    assert transition_url(submission, "schedule") in what_you_can_do(page)
    assert 'id="waiting-on"' not in page


def test_a_closed_submission_waits_on_nobody(client, sign_in, chair_a, secretariat):
    submission = submission_in("closed", chair_a, secretariat)
    sign_in(chair_a)
    page = client.get(page_url(submission)).text
    assert 'id="waiting-on"' not in page and "What you can do now" not in page


def test_an_action_a_rule_blocks_is_not_offered_and_the_rule_is_said(
    client, sign_in, chair_a, secretariat, monkeypatch
):
    submission = submission_in("submitted", chair_a, secretariat)
    spec = PanelSubmission.withdraw._django_fsm.transitions["submitted"]
    rule = blocking("The submission is on a meeting's agenda being drawn up")(lambda instance: False)
    monkeypatch.setattr(spec, "conditions", [*(spec.conditions or []), rule])
    sign_in(chair_a)
    page = client.get(page_url(submission)).text
    assert transition_url(submission, "withdraw") not in page
    assert f"You cannot {submission_action_words('withdraw').lower()}" not in page
    assert "The submission is on a meeting's agenda being drawn up." in waiting_on(page)


def test_a_draft_offers_the_board_its_check_page(client, sign_in, chair_a, staff_a, secretariat):
    submission = submission_in("draft", chair_a, secretariat)
    sign_in(staff_a)
    page = client.get(page_url(submission)).text
    assert reverse("panel:check", args=[submission.public_id]) in what_you_can_do(page)
    assert 'id="waiting-on"' not in page  # the staff's own move: the button, not a wait
