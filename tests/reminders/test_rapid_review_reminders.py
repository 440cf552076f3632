"""Reminders of the rapid review (SPEC §5, §10): 15 working days from notification to the Child
Safeguarding Practice Review Panel, over Christmas 2022; the partners' lead and the staff are both
reminded; a wt2013 case of the same board, side by side, is reminded of its own clocks."""

from datetime import date

from django.core import mail

from panel.models import PanelSubmission
from panel.services import submission_submit
from reminders.models import Notification
from tests.reminders.conftest import at, received
from tests.workflow import decide, notified

# Notified on Friday 23 December 2022: 26 and 27 December and 2 January are bank holidays.
NOTIFIED = date(2022, 12, 23)
DUE = date(2023, 1, 18)


def rapid_review_case(chair):
    with at(NOTIFIED, hour=6):
        return notified(
            chair,
            received_on=NOTIFIED,
            ofsted_notified_on=NOTIFIED,
            incident_on=date(2022, 12, 19),
            la_aware_on=date(2022, 12, 20),
        )


def test_the_rapid_review_reminds_the_staff_and_the_partners_lead_at_each_stage(sweep, staff_a, chair_a):
    incident = rapid_review_case(chair_a)
    assert incident.regime == "wt2018"

    sweep(date(2023, 1, 11))  # 7 days before
    sweep(date(2023, 1, 17))  # the day before
    sweep(DUE)
    expected = [("rapid_review", "d7", DUE), ("rapid_review", "d1", DUE), ("rapid_review", "d0", DUE)]
    assert received(staff_a) == expected
    assert received(chair_a) == expected
    # The email speaks the case's regime: the Panel, not Ofsted's or the national panel's clock.
    subjects = {message.subject for message in mail.outbox}
    bodies = " ".join(message.body for message in mail.outbox)
    assert any(incident.reference in subject for subject in subjects)
    assert "Hold the rapid review" in bodies and "Child Safeguarding Practice Review Panel" in bodies
    assert "national panel" not in bodies


def test_a_rapid_review_sent_in_time_is_silent_and_one_overdue_is_chased(sweep, staff_a, chair_a):
    on_time = rapid_review_case(chair_a)
    late = rapid_review_case(chair_a)
    with at(date(2023, 1, 16), hour=6):
        for incident in (on_time, late):
            decide(
                chair_a,
                incident,
                decided_on=date(2023, 1, 16),
                rapid_review_summary="Fictional facts, immediate actions and learning.",
                national_review_recommended=False,
            )
        submission = PanelSubmission.objects.get(decision__incident=on_time)
        submission_submit(actor=staff_a, submission_id=submission.pk, event_date=date(2023, 1, 16))

    sweep(date(2023, 1, 25))  # a week overdue for the one not sent
    overdue = [r for r in received(chair_a) if r[1].startswith("overdue")]
    assert overdue == [("rapid_review", "overdue_w1", DUE)]
    notification = Notification.objects.filter(recipient=chair_a, reminder__stage="overdue_w1").get()
    assert notification.reminder.object_id == late.pk


def test_cases_of_both_regimes_on_one_board_are_reminded_by_their_own_rules(sweep, staff_a, chair_a):
    rapid_review_case(chair_a)
    # A Working Together 2013/2015 case: its decision is due a month after the SIN was received.
    with at(date(2015, 3, 2), hour=6):
        older = notified(chair_a, received_on=date(2015, 3, 2), ofsted_notified_on=date(2015, 3, 2),
                         incident_on=date(2015, 2, 26), la_aware_on=date(2015, 2, 27))  # fmt: skip
    assert older.regime == "wt2013"

    sweep(date(2015, 3, 26))  # 7 days before 2 April 2015
    sweep(date(2023, 1, 11))
    clocks = {(clock, stage, due) for clock, stage, due in received(chair_a) if not stage.startswith("overdue")}
    assert ("initiation_decision", "d7", date(2015, 4, 2)) in clocks
    assert ("rapid_review", "d7", DUE) in clocks
    assert not any(clock == "rapid_review" and due != DUE for clock, _stage, due in clocks)
