"""Recording and delivering reminders: who receives them, email choices, tasks safe to run twice,
transient failures retried, a broker that is down, and the send_reminders command."""

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.management import CommandError, call_command
from kombu.exceptions import OperationalError as BrokerUnreachable

from incidents.services import incident_notify, incident_withdraw
from reminders import services
from reminders.models import EmailStatus, Notification, Reminder, ReminderPreference
from reminders.services import notification_email_send, reminders_sweep
from reminders.tasks import deliver_reminders
from tests.factories import StaffFactory
from tests.reminders.conftest import at, received
from tests.workflow import draft

MONDAY = date(2015, 3, 2)
DUE = date(2015, 3, 9)  # a draft SIN with the local authority aware on Monday 2 March: +5 working days


@pytest.fixture
def draft_sin(staff_a, chair_a):
    with at(MONDAY, hour=6):
        return draft(staff_a, incident_on=date(2015, 2, 27), la_aware_on=MONDAY)


def test_before_the_due_date_the_responsible_staff_are_reminded_not_the_chair(draft_sin, sweep, staff_a, chair_a):
    other_staff = StaffFactory(board=staff_a.board, email="staff.two@test.example")
    StaffFactory(board=staff_a.board, email="gone@test.example", is_active=False)
    result = sweep(MONDAY)
    assert result.created == 1 and result.notifications == 2
    assert received(staff_a) == received(other_staff) == [("sin_notification", "d7", DUE)]
    assert received(chair_a) == []
    assert sorted(m.to[0] for m in mail.outbox) == ["staff.a@test.example", "staff.two@test.example"]


def test_a_board_without_staff_is_reminded_through_its_chair(sweep, chair_a):
    with at(MONDAY, hour=6):
        draft(chair_a, incident_on=date(2015, 2, 27), la_aware_on=MONDAY)
    sweep(MONDAY)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.as_chair) == (chair_a, False)


def test_met_and_withdrawn_clocks_are_silent(draft_sin, sweep, staff_a, chair_a):
    with at(MONDAY, hour=6):
        other = draft(staff_a, incident_on=date(2015, 2, 27), la_aware_on=MONDAY)
        incident_notify(actor=staff_a, incident_id=draft_sin.pk, event_date=MONDAY, ofsted_notified_on=MONDAY)
        incident_withdraw(actor=chair_a, incident_id=other.pk, event_date=MONDAY, reason="Duplicate")
    assert sweep(MONDAY).created == 0
    assert sweep(date(2015, 3, 10)).created == 0  # would be overdue


def test_email_choices_leave_the_notification_in_the_app(draft_sin, sweep, staff_a):
    ReminderPreference.objects.create(user=staff_a, email_d7=False)
    sweep(MONDAY)
    notification = Notification.objects.get(recipient=staff_a)
    assert notification.email_status == EmailStatus.NOT_WANTED
    assert notification.read_at is None
    assert mail.outbox == []
    sweep(date(2015, 3, 6))  # the day before (Friday, over the weekend): still wanted
    assert [m.to for m in mail.outbox] == [["staff.a@test.example"]]


def test_a_user_deactivated_before_delivery_gets_no_email(
    draft_sin, sweep, staff_a, django_capture_on_commit_callbacks
):
    with at(MONDAY), django_capture_on_commit_callbacks(execute=False):
        reminders_sweep(today=MONDAY)
    staff_a.is_active = False
    staff_a.save(update_fields=["is_active"])
    assert notification_email_send(notification_id=Notification.objects.get().pk) == EmailStatus.NOT_SENT
    assert mail.outbox == []


def test_delivering_twice_sends_once(draft_sin, sweep, eager_celery, staff_a):
    sweep(MONDAY)
    reminder = Reminder.objects.get()
    assert len(mail.outbox) == 1
    assert deliver_reminders.apply(args=[reminder.pk]).get() == {}
    notification = Notification.objects.get()
    assert notification_email_send(notification_id=notification.pk) == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_an_unreachable_mail_server_is_retried_and_the_next_attempt_sends(
    draft_sin, staff_a, settings, django_capture_on_commit_callbacks
):
    with at(MONDAY), django_capture_on_commit_callbacks(execute=False):
        reminders_sweep(today=MONDAY)
    reminder = Reminder.objects.get()
    settings.EMAIL_BACKEND = "tests.reminders.mailbox.UnreachableBackend"
    with mock.patch.object(deliver_reminders, "retry", side_effect=Retry()) as retry, pytest.raises(Retry):
        deliver_reminders.run(reminder.pk)
    assert retry.called
    notification = Notification.objects.get()
    assert notification.email_status == EmailStatus.PENDING
    assert notification.email_attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_reminders.run(reminder.pk) == {EmailStatus.SENT: 1}
    assert len(mail.outbox) == 1


def test_with_the_broker_down_the_sweep_records_and_the_next_sweep_sends(draft_sin, sweep, staff_a):
    with mock.patch.object(deliver_reminders, "apply_async", side_effect=BrokerUnreachable("broker down")):
        result = sweep(MONDAY)
    assert result.created == 1
    assert Notification.objects.get().email_status == EmailStatus.PENDING  # in the app already
    assert mail.outbox == []
    result = sweep(date(2015, 3, 3))  # the next morning: nothing new, the unsent email goes
    assert result.created == 0 and result.queued == [Reminder.objects.get().pk]
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_the_sweep_queues_its_deliveries_in_chunks_and_every_email_goes_once(staff_a, chair_a, sweep, monkeypatch):
    """Issue 19: one broker message per chunk of reminders, not one per reminder."""
    with at(MONDAY, hour=6):
        for day in (date(2015, 2, 25), date(2015, 2, 26), date(2015, 2, 27)):
            draft(staff_a, incident_on=day, la_aware_on=MONDAY)
    monkeypatch.setattr(services, "DELIVER_CHUNK", 2)
    with mock.patch.object(deliver_reminders, "apply_async", wraps=deliver_reminders.apply_async) as queued:
        result = sweep(MONDAY)
    assert result.created == 3
    assert [call.kwargs["args"] for call in queued.call_args_list] == [result.queued[:2], result.queued[2:]]
    assert all(call.kwargs["producer"] is queued.call_args_list[0].kwargs["producer"] for call in queued.call_args_list)
    assert sorted(m.to[0] for m in mail.outbox) == ["staff.a@test.example"] * 3
    assert {n.email_status for n in Notification.objects.all()} == {EmailStatus.SENT}


def test_a_sweep_for_a_weekend_or_bank_holiday_records_nothing(draft_sin, sweep):
    assert sweep(date(2015, 3, 7)).created == 0
    assert sweep(date(2015, 4, 6)).created == 0  # Easter Monday


# --- manage.py send_reminders ------------------------------------------------------------------


def test_command_dry_run_lists_and_changes_nothing(draft_sin, staff_a):
    out = StringIO()
    with at(MONDAY, hour=8):
        call_command("send_reminders", "--dry-run", stdout=out)
    assert (
        f"{draft_sin.reference}  sin_notification  Due within a week (d7)  due 2015-03-09  1 recipient(s)"
        in out.getvalue()
    )
    assert "Dry run for 2015-03-02: 1 reminder(s) would be sent" in out.getvalue()
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_command_sweeps_a_given_date(draft_sin, staff_a, eager_celery, django_capture_on_commit_callbacks):
    out = StringIO()
    with at(date(2015, 3, 10), hour=8), django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2015-03-06", stdout=out)
    assert "Swept 2015-03-06: 1 reminder(s), 1 notification(s); 1 reminder(s) queued for email" in out.getvalue()
    assert Reminder.objects.get().stage == "d1"
    assert len(mail.outbox) == 1


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "06/03/2015")


@pytest.mark.parametrize("n", [2, 30])
def test_the_sweep_query_count_does_not_grow_with_the_cases(staff_a, chair_a, n, django_assert_max_num_queries):
    with at(MONDAY, hour=6):
        for _ in range(n):
            draft(staff_a, incident_on=date(2015, 2, 27), la_aware_on=MONDAY)
    # The lock (get or create, then locked), one query per clock source (10, across the regimes), one for the reminders
    # already recorded of each source with clocks due, the people, two bulk inserts, the lock's
    # update, the emails pending, and 6 savepoints: the same for 2 cases and 30.
    with at(MONDAY), django_assert_max_num_queries(25):
        result = reminders_sweep(today=MONDAY)
    assert result.created == n and result.notifications == n
