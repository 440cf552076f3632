"""Case notes: a dated, attributed log of contacts, meetings and calls on a case and its review."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from audit.models import NOTE, AuditEntry
from scr_tracker.transitions import last_event_on
from tests import workflow

TODAY = date(2015, 2, 20)


def _note(client, url, **data):
    values = {"kind": "call", "happened_on_0": "18", "happened_on_1": "2", "happened_on_2": "2015", "text": ""}
    values.update(data)
    return client.post(url, values)


@pytest.mark.django_db
def test_a_note_is_dated_attributed_audited_and_in_the_timeline(client, sign_in, staff_a):
    with time_machine.travel(TODAY, tick=False):
        case = workflow.notified(staff_a)
        sign_in(staff_a)
        url = reverse("incidents:note", args=[case.public_id])
        assert client.get(url).status_code == 200
        response = _note(client, url, text="Fictional call with the health visitor: records requested.")
        assert response.status_code == 302
        note = AuditEntry.objects.for_object(case).get(transition=NOTE)
        assert (note.event_date, note.actor, note.actor_role, note.note_kind) == (
            date(2015, 2, 18),
            staff_a,
            "board_staff",
            "call",
        )
        page = client.get(reverse("incidents:case", args=[case.public_id])).text
        assert "Case note: phone call" in page and "records requested" in page
        # A note is not an event of the workflow: the next event may still be dated before it.
        assert last_event_on(case) == date(2015, 1, 9)


@pytest.mark.django_db
def test_bad_notes_are_explained_next_to_each_field_and_nothing_is_saved(client, sign_in, staff_a):
    with time_machine.travel(TODAY, tick=False):
        case = workflow.notified(staff_a)
        sign_in(staff_a)
        url = reverse("incidents:note", args=[case.public_id])
        response = _note(client, url, kind="gossip", happened_on_0="21", text="")
        assert response.status_code == 400
        page = response.text
        assert "Select what kind of note it is" in page
        assert "The date it happened must be today or in the past" in page
        assert "Enter the note" in page
        early = _note(client, url, happened_on_0="1", happened_on_1="1", happened_on_2="2014", text="Too early.")
        assert early.status_code == 400 and "cannot be before the incident" in early.text
        assert not AuditEntry.objects.filter(transition=NOTE).exists()


@pytest.mark.django_db
def test_another_boards_case_is_not_found_and_the_panel_neither_writes_nor_reads_notes(
    client, sign_in, chair_a, staff_b, panel_member
):
    with time_machine.travel(TODAY, tick=False):
        incident = workflow.decide(chair_a, workflow.notified(chair_a)).incident
        workflow.submit(chair_a, incident)  # the panel now reaches the case
        sign_in(chair_a)
        assert (
            _note(client, reverse("incidents:note", args=[incident.public_id]), text="Fictional meeting.").status_code
            == 302
        )
        client.logout()
        sign_in(staff_b)
        assert client.get(reverse("incidents:note", args=[incident.public_id])).status_code == 404
        client.logout()
        sign_in(panel_member)
        assert client.get(reverse("incidents:note", args=[incident.public_id])).status_code == 403
        page = client.get(reverse("incidents:case", args=[incident.public_id]))
        assert page.status_code == 200 and "Fictional meeting." not in page.text


@pytest.mark.django_db
def test_a_review_takes_notes_too(client, sign_in, chair_a):
    with time_machine.travel(TODAY, tick=False):
        review = workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr").review
        sign_in(chair_a)
        url = reverse("reviews:note", args=[review.public_id])
        assert _note(client, url, kind="meeting", text="Fictional scoping meeting with agencies.").status_code == 302
        page = client.get(reverse("reviews:review", args=[review.public_id])).text
        assert "Case note: meeting" in page and "Fictional scoping meeting" in page


@pytest.mark.django_db
def test_another_boards_review_has_no_note_page_for_you(client, sign_in, chair_a, staff_b):
    with time_machine.travel(TODAY, tick=False):
        review = workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr").review
        sign_in(staff_b)
        url = reverse("reviews:note", args=[review.public_id])
        assert client.get(url).status_code == 404
        assert _note(client, url, text="Fictional: not this board's review.").status_code == 404
    assert not AuditEntry.objects.filter(transition=NOTE).exists()
