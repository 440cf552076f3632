"""The sweep over eight frozen weeks (16 February to 10 April 2015): every stage of every clock
reaches the right people exactly once, across weekends, Easter's bank holidays and a month end;
met clocks fall silent, a stopped clock is silent until it resumes with a new due date, and
overdue reminders also go to the chair."""

from datetime import date

import pytest
from django.core import mail

from incidents.services import incident_notify
from reminders.models import EmailStatus, Notification, Reminder
from reviews.choices import DecisionKind
from reviews.models import Contribution
from reviews.services import contribution_receive, contribution_request, review_resume_clock, review_stop_clock
from scr_tracker.clocks import is_working_day
from tests.reminders.conftest import at, days, received
from tests.workflow import decide, draft, notified

START, END = date(2015, 2, 16), date(2015, 4, 10)

SIN, INITIATION, PANEL, COMPLETION, CONTRIBUTION = (
    "sin_notification",
    "initiation_decision",
    "send_to_panel",
    "scr_completion",
    "agency_contribution",
)


def weeks(clock, due, *numbers):
    return [(clock, f"overdue_w{n}", due) for n in numbers]


@pytest.fixture
def eight_weeks(db, sweep, staff_a, chair_a, staff_b, chair_b):
    """Four cases, the events that happen to them, and a sweep every morning (twice)."""
    with at(START, hour=6):
        # 1. A SIN logged as a draft the day the local authority became aware: due Monday 23 February.
        case1 = draft(staff_a, incident_on=date(2015, 2, 13), la_aware_on=START)
        # 2. Received on Saturday 31 January: the decision is due on 28 February (the month's end).
        case2 = notified(
            chair_a,
            received_on=date(2015, 1, 31),
            ofsted_notified_on=date(2015, 1, 30),
            incident_on=date(2015, 1, 27),
            la_aware_on=date(2015, 1, 28),
        )
        # 3. A review initiated on 20 September 2014: complete by 20 March 2015; a contribution due 27 February.
        case3 = notified(
            chair_a,
            received_on=date(2014, 8, 28),
            ofsted_notified_on=date(2014, 8, 27),
            incident_on=date(2014, 8, 25),
            la_aware_on=date(2014, 8, 26),
        )
        decide(chair_a, case3, DecisionKind.INITIATE_SCR, decided_on=date(2014, 9, 20))
        review = case3.reviews.get()
        contribution = contribution_request(
            actor=staff_a,
            review_id=review.pk,
            agency="health",
            agency_name="Fictional Health Trust",
            requested_on=date(2014, 10, 1),
            due_on=date(2015, 2, 27),
        )
        # 4. Board B's own draft SIN, never notified.
        case4 = draft(staff_b, incident_on=date(2015, 2, 13), la_aware_on=START)

    events = {
        date(2015, 3, 4): lambda: contribution_receive(
            actor=staff_a, contribution_id=contribution.pk, received_on=date(2015, 3, 4)
        ),
        date(2015, 3, 10): lambda: decide(chair_a, case2, DecisionKind.NOT_INITIATE, decided_on=date(2015, 3, 10)),
        date(2015, 3, 12): lambda: incident_notify(
            actor=staff_a, incident_id=case1.pk, event_date=date(2015, 3, 12), ofsted_notified_on=date(2015, 3, 11)
        ),
        date(2015, 3, 16): lambda: review_stop_clock(
            actor=chair_a, review_id=review.pk, event_date=date(2015, 3, 16), reason="inquest"
        ),
        date(2015, 3, 23): lambda: review_resume_clock(
            actor=chair_a, review_id=review.pk, event_date=date(2015, 3, 23)
        ),
    }
    second_sweeps = []
    for day in days(START, END):
        if day in events:
            with at(day, hour=6):
                events[day]()
        sweep(day)
        second_sweeps.append(sweep(day))
    return {"cases": (case1, case2, case3, case4), "second_sweeps": second_sweeps, "review": review}


def check_staff_get_each_stage_of_their_clocks_once(eight_weeks, staff_a):
    case1_sin = date(2015, 2, 23)
    expected = (
        [(SIN, "d7", case1_sin), (SIN, "d1", case1_sin), (SIN, "d0", case1_sin)]
        + weeks(SIN, case1_sin, 1, 2, 3)  # notified on 12 March: silent from then on
        + [(CONTRIBUTION, s, date(2015, 2, 27)) for s in ("d7", "d1", "d0", "overdue_w1")]  # received 4 March
        + [(PANEL, s, date(2015, 3, 24)) for s in ("d7", "d1", "d0")]
        + weeks(PANEL, date(2015, 3, 24), 1, 2, 3)
        # Stopped on 16 March after its first reminder; resumed on 23 March seven days later.
        + [(COMPLETION, "d7", date(2015, 3, 20))]
        + [(COMPLETION, s, date(2015, 3, 27)) for s in ("d7", "d1", "d0")]
        + weeks(COMPLETION, date(2015, 3, 27), 1, 2, 3)
    )
    assert sorted(received(staff_a)) == sorted(expected)


def check_the_chair_decides_and_hears_of_everything_overdue(eight_weeks, chair_a):
    expected = [
        *weeks(SIN, date(2015, 2, 23), 1, 2, 3),
        # Due Saturday 28 February: a week before on Friday 20th; "due" on Friday 27th, before the weekend.
        (INITIATION, "d7", date(2015, 2, 28)),
        (INITIATION, "d0", date(2015, 2, 28)),
        *weeks(INITIATION, date(2015, 2, 28), 1, 2),  # decided on 10 March
        # Case 1 notified on 12 March: its decision is due Sunday 12 April. Good Friday and Easter
        # Monday: the week-before reminder comes on Thursday 2 April, "due" on Friday 10th.
        (INITIATION, "d7", date(2015, 4, 12)),
        (INITIATION, "d0", date(2015, 4, 12)),
        *weeks(CONTRIBUTION, date(2015, 2, 27), 1),
        *weeks(PANEL, date(2015, 3, 24), 1, 2, 3),
        *weeks(COMPLETION, date(2015, 3, 27), 1, 2, 3),
    ]
    assert sorted(received(chair_a)) == sorted(expected)
    as_chair = Notification.objects.filter(recipient=chair_a, as_chair=True).select_related("reminder")
    assert {n.reminder.clock for n in as_chair} == {SIN, CONTRIBUTION, PANEL, COMPLETION}
    assert all(n.reminder.stage.startswith("overdue") for n in as_chair)


def check_the_other_board_hears_only_of_its_own_case(eight_weeks, staff_b, chair_b):
    due = date(2015, 2, 23)
    assert sorted(received(staff_b)) == sorted(
        [(SIN, "d7", due), (SIN, "d1", due), (SIN, "d0", due), *weeks(SIN, due, *range(1, 8))]
    )
    assert sorted(received(chair_b)) == sorted(weeks(SIN, due, *range(1, 8)))
    case4 = eight_weeks["cases"][3]
    assert set(Reminder.objects.filter(notifications__recipient=staff_b).values_list("reference", flat=True)) == {
        case4.reference
    }


def check_reminders_go_out_on_working_days_only_and_a_second_sweep_adds_nothing(eight_weeks):
    assert all(is_working_day(day) for day in Reminder.objects.values_list("swept_on", flat=True))
    assert not Reminder.objects.filter(swept_on__in=[date(2015, 4, 3), date(2015, 4, 6)]).exists()  # Easter
    assert all(result.created == 0 and result.notifications == 0 for result in eight_weeks["second_sweeps"])


def check_stopped_clock_is_silent_until_it_resumes(eight_weeks):
    completion = Reminder.objects.filter(clock=COMPLETION).order_by("swept_on")
    swept = [r.swept_on for r in completion]
    assert not [d for d in swept if date(2015, 3, 16) <= d < date(2015, 3, 23)]
    assert next(r.swept_on for r in completion if r.due_on == date(2015, 3, 27)) == date(2015, 3, 23)


def check_each_notification_is_emailed_once_to_its_recipient_alone(eight_weeks):
    notifications = Notification.objects.select_related("reminder", "recipient")
    assert notifications.count() == len(mail.outbox)
    assert not notifications.exclude(email_status=EmailStatus.SENT).exists()
    sent = sorted((m.to[0], m.extra_headers["X-SCR-Reminder"]) for m in mail.outbox)
    assert len(set(sent)) == len(sent)
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert sorted((n.recipient.email, f"{n.reminder_id}/{n.pk}") for n in notifications) == sent


def check_emails_show_the_reference_and_deadline_and_no_case_details(eight_weeks):
    case1 = eight_weeks["cases"][0]
    message = next(m for m in mail.outbox if case1.reference in m.subject and "overdue" not in m.body.lower())
    html = message.alternatives[0].content
    for text in (message.subject, message.body, html):
        assert case1.reference in text
        assert "Child T" not in text  # the pseudonym
        assert "fictional outline" not in text.lower()
    assert "Monday 23 February 2015" in message.body
    assert "/notifications/" in message.body and "Sign in" in message.body
    assert message.subject.startswith("Deadline: ")


def check_contribution_ends_its_reminders_when_received(eight_weeks):
    contribution = Contribution.objects.get()
    last = Reminder.objects.filter(clock=CONTRIBUTION, object_id=contribution.pk).order_by("-swept_on").first()
    assert last.swept_on < date(2015, 3, 4)


# The eight weeks take a few seconds to sweep: each test below sweeps them once and checks several things.


def test_each_person_gets_each_stage_of_their_clocks_once(eight_weeks, staff_a, chair_a, staff_b, chair_b):
    check_staff_get_each_stage_of_their_clocks_once(eight_weeks, staff_a)
    check_the_chair_decides_and_hears_of_everything_overdue(eight_weeks, chair_a)
    check_the_other_board_hears_only_of_its_own_case(eight_weeks, staff_b, chair_b)


def test_working_days_only_second_sweeps_add_nothing_met_and_stopped_clocks_silent(eight_weeks):
    check_reminders_go_out_on_working_days_only_and_a_second_sweep_adds_nothing(eight_weeks)
    check_stopped_clock_is_silent_until_it_resumes(eight_weeks)
    check_contribution_ends_its_reminders_when_received(eight_weeks)


def test_each_notification_is_emailed_once_with_no_case_details(eight_weeks):
    check_each_notification_is_emailed_once_to_its_recipient_alone(eight_weeks)
    check_emails_show_the_reference_and_deadline_and_no_case_details(eight_weeks)
