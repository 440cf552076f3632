"""Notifications in a real browser: the header's unread count, the list, marking read, email
choices and a calendar address; axe-core checks each page.

The live server runs in another thread, so time is not frozen: the reminders are made directly.
"""

import pytest
from django.utils import timezone

from reminders.models import Notification, Reminder
from tests.browser.conftest import assert_accessible, chromium, page  # noqa: F401 - fixtures
from tests.browser.test_case_journey import heading, sign_in
from tests.factories import BoardFactory, StaffFactory, TOTPDeviceFactory

pytestmark = pytest.mark.browser

STAFF_KEY = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4"


def test_a_member_of_staff_reads_reminders_and_chooses_emails(page, live_server, transactional_db):  # noqa: F811
    board = BoardFactory(code="RMD", name="Remindham Safeguarding Children Board")
    staff = StaffFactory(board=board, email="staff@remindham.example", full_name="Rae Staff")
    TOTPDeviceFactory(user=staff, key=STAFF_KEY)
    today = timezone.localdate()
    for number, stage in ((1, "d7"), (2, "overdue_w1")):
        reminder = Reminder.objects.create(
            clock="sin_notification",
            object_id=number,
            stage=stage,
            due_on=today,
            board=board,
            reference=f"RMD-2015-00{number}",
            swept_on=today,
        )
        Notification.objects.create(reminder=reminder, recipient=staff)

    sign_in(page, staff.email, STAFF_KEY)
    page.get_by_role("link", name="Notifications 2 unread").click()
    assert heading(page) == "Notifications"
    assert page.locator("tbody tr").count() == 2
    assert page.get_by_text("Overdue (week 1)").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Mark all as read").click()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    page.get_by_role("link", name="Choose which you also get by email").click()
    assert heading(page) == "Reminder settings"
    assert_accessible(page)
    page.get_by_label("A week before the due date").uncheck()
    page.get_by_role("button", name="Save your choices").click()
    assert page.get_by_text("Your reminder choices have been saved").is_visible()
    assert not page.get_by_label("A week before the due date").is_checked()

    page.get_by_role("button", name="Make a calendar address").click()
    address = page.locator("#calendar-address").inner_text()
    assert address.startswith(live_server.url) and address.endswith(".ics")
    assert_accessible(page)
