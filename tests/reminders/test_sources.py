"""The remaining clock sources, each from running to met: an action's due date, and the board's
reply to the panel's request for further information."""

from datetime import date

from panel.choices import Advice
from panel.services import submission_provide_information
from reminders.models import Reminder
from reviews.choices import DecisionKind
from reviews.models import Theme
from reviews.services import action_add, action_begin, action_complete, recommendation_add
from tests.reminders.conftest import at, received
from tests.workflow import advise, decide, notified, submit

MONDAY = date(2015, 3, 2)


def test_an_action_is_reminded_until_it_is_completed(sweep, staff_a, chair_a):
    with at(MONDAY, hour=6):
        review = decide(chair_a, notified(chair_a), DecisionKind.INITIATE_SCR).review
        recommendation = recommendation_add(
            actor=staff_a,
            review_id=review.pk,
            text="A fictional recommendation.",
            addressed_to="practitioners",
            theme_ids=[Theme.objects.first().pk],
        )
        action = action_add(
            actor=staff_a,
            recommendation_id=recommendation.pk,
            description="A fictional action.",
            owner_agency="health",
            owner_person="A. Owner (fictional)",
            due_on=date(2015, 3, 6),
        )
    sweep(MONDAY)
    sweep(date(2015, 3, 9))
    with at(date(2015, 3, 10), hour=6):
        action_begin(actor=staff_a, action_id=action.pk, event_date=date(2015, 3, 10))
        action_complete(actor=staff_a, action_id=action.pk, event_date=date(2015, 3, 10))
    sweep(date(2015, 3, 16))  # would be the second overdue week
    due = date(2015, 3, 6)
    assert received(staff_a) == [("action_due", "d7", due), ("action_due", "overdue_w1", due)]
    assert received(chair_a) == [("action_due", "overdue_w1", due)]
    assert set(Reminder.objects.values_list("reference", flat=True)) == {review.decision.incident.reference}


def test_the_reply_to_the_panel_is_reminded_until_the_information_is_provided(sweep, staff_a, chair_a):
    with at(MONDAY, hour=6):
        incident = notified(chair_a)
        decide(chair_a, incident)
        submission = advise(
            submit(chair_a, incident),
            advice=Advice.FURTHER_INFORMATION_REQUESTED,
            on=date(2015, 2, 20),
            information_due=date(2015, 3, 4),
        )
    sweep(MONDAY)
    sweep(date(2015, 3, 4))
    with at(date(2015, 3, 5), hour=6):
        submission_provide_information(
            actor=staff_a, submission_id=submission.pk, event_date=date(2015, 3, 5), information="Fictional reply."
        )
    sweep(date(2015, 3, 5))
    due = date(2015, 3, 4)
    assert received(staff_a) == [("information_reply", "d7", due), ("information_reply", "d0", due)]
    assert received(chair_a) == []
    assert Reminder.objects.get(stage="d0").reference == incident.reference
