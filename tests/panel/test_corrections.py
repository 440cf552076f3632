"""The chair corrects the date the board sent a submission to the panel (SPEC §4.0, §8 "Corrections"), with
frozen time: the send_to_panel clock turns met or missed, the rules are named when refused, the
submission's timeline shows both values."""

from datetime import date

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from audit.models import CORRECT_DATE, AuditEntry
from panel.corrections import submission_correct
from panel.models import PanelSubmission
from panel.selectors import submission_clocks
from scr_tracker.models import ClockRow
from scr_tracker.transitions import InvalidInput, RoleNotPermitted
from tests.incidents.test_pages import banner, field_errors
from tests.workflow import advise, decide, notified, submit

TODAY = date(2015, 3, 2)
REASON = "Typed from the wrong email"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def sent(chair, on=date(2015, 2, 3)) -> PanelSubmission:
    """A decision not to initiate on 2 February 2015 (due at the panel within 14 days: 16 February), sent on `on`."""
    incident = notified(chair)
    decide(chair, incident)
    return submit(chair, incident, on=on)


def sending(submission):
    fresh = PanelSubmission.objects.get(pk=submission.pk)
    return next(clock for clock in submission_clocks(fresh, today=TODAY) if clock.name == "send_to_panel")


def correct(actor, submission, new_value, reason=REASON):
    return submission_correct(actor=actor, submission_id=submission.pk, new_value=new_value, reason=reason)


def refused(actor, submission, new_value) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        correct(actor, submission, new_value)
    return caught.value.errors["new_value"]


def test_a_later_date_misses_the_send_to_panel_clock(chair_a):
    submission = sent(chair_a)
    row = ClockRow.objects.get(object_id=submission.pk, name="send_to_panel")
    assert (row.due_on, row.ended_on) == (date(2015, 2, 16), date(2015, 2, 3))
    assert sending(submission).status == "met"

    correct(chair_a, submission, date(2015, 2, 18))

    row.refresh_from_db()
    assert row.ended_on == date(2015, 2, 18)
    assert (sending(submission).status, sending(submission).days_late) == ("missed", 2)
    assert PanelSubmission.objects.get(pk=submission.pk).first_submitted_on == date(2015, 2, 18)
    entry = AuditEntry.objects.for_object(submission).order_by("pk").last()
    submitted = AuditEntry.objects.for_object(submission).get(transition="submit")
    assert (entry.transition, entry.corrects, entry.old_value, entry.new_value, entry.actor) == (
        CORRECT_DATE,
        submitted,
        "2015-02-03",
        "2015-02-18",
        chair_a,
    )


def test_out_of_order_dates_are_refused_with_the_rule_named(chair_a):
    submission = sent(chair_a)
    advise(submission, on=date(2015, 2, 20))
    assert refused(chair_a, submission, date(2015, 2, 1)) == [
        "The submission cannot be sent before the decision (2 February 2015)"
    ]
    assert refused(chair_a, submission, date(2015, 2, 21)) == [
        "The date cannot be after the submission's next event (20 February 2015)"
    ]
    assert refused(chair_a, submission, date(2015, 3, 3)) == ["The date must be today or in the past"]
    assert PanelSubmission.objects.get(pk=submission.pk).first_submitted_on == date(2015, 2, 3)


def test_only_the_boards_chair(chair_a, staff_a, chair_b, panel_member):
    submission = sent(chair_a)
    with pytest.raises(RoleNotPermitted):
        correct(staff_a, submission, date(2015, 2, 4))
    with pytest.raises(RoleNotPermitted):
        correct(panel_member, submission, date(2015, 2, 4))
    with pytest.raises(Http404):
        correct(chair_b, submission, date(2015, 2, 4))


def test_the_pages(client, sign_in, chair_a, staff_a, chair_b):
    submission = sent(chair_a)
    page = reverse("panel:submission", args=[submission.public_id])
    url = reverse("panel:correct", args=[submission.public_id])
    sign_in(staff_a)
    assert url not in client.get(page).text
    assert client.get(url).status_code == 403
    sign_in(chair_b)
    assert client.get(url).status_code == 404
    sign_in(chair_a)
    assert url in client.get(page).text
    form_page = client.get(url).text
    assert ">Back</a>" in form_page and "<h1" in form_page  # the back link says "Back", not the page's title
    bad = client.post(url, {"new_value_0": "1", "new_value_1": "2", "new_value_2": "2015", "reason": REASON})
    assert field_errors(bad, "new_value") == ["The submission cannot be sent before the decision (2 February 2015)"]
    response = client.post(url, {"new_value_0": "4", "new_value_1": "2", "new_value_2": "2015", "reason": REASON})
    assert response.status_code == 302
    shown = client.get(page)
    assert "The date the submission was sent to the panel corrected" in banner(shown)
    assert "Corrected: the date the submission was sent to the panel" in shown.text
    assert "3 Feb 2015 to 4 Feb 2015" in shown.text


def test_a_draft_has_nothing_to_correct(client, sign_in, chair_a):
    submission = decide(chair_a, notified(chair_a)).submission
    sign_in(chair_a)
    assert client.get(reverse("panel:correct", args=[submission.public_id])).status_code == 404
