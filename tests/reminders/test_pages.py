"""Notification pages, email choices, and the private calendar feed (SPEC §5)."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from reminders.models import CalendarFeed, Notification, Reminder, ReminderPreference
from tests.reminders.conftest import at
from tests.workflow import draft

TODAY = date(2015, 3, 4)


def make_notifications(user, count: int, *, board=None, start: int = 1):
    board = board or user.board
    for i in range(start, start + count):
        reminder = Reminder.objects.create(
            clock="action_due",
            object_id=i,
            stage="overdue_w1" if i % 2 else "d7",
            due_on=date(2015, 3, i % 28 + 1),
            board=board,
            reference=f"{board.code}-2015-{i:03d}",
            swept_on=TODAY,
        )
        Notification.objects.create(reminder=reminder, recipient=user)


# --- Notifications -----------------------------------------------------------------------------


def test_notifications_list_shows_own_reminders_only(client, sign_in, chair_a, chair_b):
    make_notifications(chair_a, 2)
    make_notifications(chair_b, 1, start=50)
    with at(TODAY, hour=10):
        response = sign_in(chair_a).get(reverse("reminders:list"))
    assert response.status_code == 200
    page = response.text
    assert "AAA-2015-001" in page and "AAA-2015-002" in page
    assert "BBB-2015-050" not in page
    assert "Overdue (week 1)" in page and "Due within a week" in page
    assert 'Notifications <strong class="govuk-tag govuk-tag--blue app-header__count">2' in page


def test_header_shows_no_count_when_all_are_read(client, sign_in, chair_a):
    make_notifications(chair_a, 1)
    Notification.objects.update(read_at="2015-03-04T10:00:00Z")
    page = sign_in(chair_a).get(reverse("accounts:dashboard")).text
    assert ">Notifications</a>" in page


@pytest.mark.parametrize("n", [3, 40])
def test_notifications_list_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, n):
    make_notifications(chair_a, n)
    sign_in(chair_a)
    # session, user (with board and unread count), device, count, page with reminders, session save (3)
    # + 1: the page's access events, one INSERT; + 1 the first time a kind's content type is read (then cached)
    with django_assert_max_num_queries(8 + 2):
        assert client.get(reverse("reminders:list")).status_code == 200


def test_mark_all_read_clears_the_count_for_that_user_only(client, sign_in, chair_a, staff_a):
    make_notifications(chair_a, 3)
    make_notifications(staff_a, 1, start=10)
    response = sign_in(chair_a).post(reverse("reminders:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=chair_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=staff_a, read_at__isnull=True).count() == 1
    assert client.get(reverse("reminders:mark_all_read")).status_code == 405


def test_panel_users_see_an_empty_list(client, sign_in, panel_member):
    response = sign_in(panel_member).get(reverse("reminders:list"))
    assert response.status_code == 200
    assert "You have no notifications" in response.text


# --- Email choices -----------------------------------------------------------------------------


def test_choices_start_all_on_and_are_saved(client, sign_in, staff_a):
    sign_in(staff_a)
    page = client.get(reverse("reminders:settings")).text
    assert page.count('type="checkbox"') == 4
    assert page.count(" checked") == 4
    response = client.post(reverse("reminders:settings"), {"email": ["d0", "overdue"]})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=staff_a)
    assert (preference.email_d7, preference.email_d1, preference.email_d0, preference.email_overdue) == (
        False,
        False,
        True,
        True,
    )
    assert client.post(reverse("reminders:settings"), {}).status_code == 302
    assert not any(ReminderPreference.objects.filter(user=staff_a).values_list("email_d0", "email_overdue").get())


def test_a_bad_choice_is_shown_next_to_the_field_and_nothing_is_saved(client, sign_in, staff_a):
    response = sign_in(staff_a).post(reverse("reminders:settings"), {"email": ["d0", "every_hour"]})
    assert response.status_code == 400
    assert "Select reminders from the list" in response.text
    assert "govuk-error-summary" in response.text
    assert not ReminderPreference.objects.exists()


# --- The calendar feed -------------------------------------------------------------------------


def make_feed(client, sign_in, user) -> str:
    response = sign_in(user).post(reverse("reminders:calendar_create"))
    assert response.status_code == 200
    start = response.text.index('id="calendar-address">') + len('id="calendar-address">')
    return response.text[start : response.text.index("</code>", start)]


def events(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")  # a download, never shown in the page
    assert "no-store" in response["Cache-Control"]
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_feed_is_valid_icalendar_of_own_board_deadlines_only(client, sign_in, staff_a, staff_b):
    with at(TODAY, hour=9):
        own = draft(staff_a, incident_on=date(2015, 3, 2), la_aware_on=date(2015, 3, 3))
        other = draft(staff_b, incident_on=date(2015, 3, 2), la_aware_on=date(2015, 3, 3))
        url = make_feed(client, sign_in, staff_a)
        client.logout()
        response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    (event,) = events(response)
    assert str(event["SUMMARY"]) == f"{own.reference}: Record the serious incident notification"
    assert event.decoded("DTSTART") == date(2015, 3, 10)  # +5 working days
    assert event.decoded("DTEND") == date(2015, 3, 11)
    text = response.content.decode()
    assert other.reference not in text
    assert "Child T" not in text and "fictional outline" not in text.lower()
    assert "no-store" in response["Cache-Control"]


def test_feed_secret_is_stored_only_as_a_digest_and_a_new_one_replaces_the_old(client, sign_in, chair_a):
    first = make_feed(client, sign_in, chair_a)
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=chair_a)
    assert token not in feed.token_digest and feed.token_digest == CalendarFeed.digest(token)
    second = make_feed(client, sign_in, chair_a)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert CalendarFeed.objects.filter(user=chair_a).count() == 1


def test_revoked_feed_stops_working(client, sign_in, chair_a):
    url = make_feed(client, sign_in, chair_a)
    assert client.get(url).status_code == 200
    assert client.post(reverse("reminders:calendar_revoke")).status_code == 302
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_feed_of_a_deactivated_user_stops_working(client, sign_in, chair_a):
    url = make_feed(client, sign_in, chair_a)
    chair_a.is_active = False
    chair_a.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_unknown_feed_address_is_not_found(client, db):
    assert client.get(reverse("reminders:calendar", args=["not-a-real-secret"])).status_code == 404


def test_only_board_users_make_calendar_addresses(client, sign_in, panel_member):
    sign_in(panel_member)
    assert client.post(reverse("reminders:calendar_create")).status_code == 404
    assert "calendar address" not in client.get(reverse("reminders:settings")).text
    assert not CalendarFeed.objects.exists()


def test_pages_need_sign_in(client, db):
    for name in ("reminders:list", "reminders:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_someone_moved_to_another_board_no_longer_sees_the_old_boards_reminders(client, sign_in, staff_a, board_b):
    make_notifications(staff_a, 2)
    staff_a.board = board_b
    staff_a.save(update_fields=["board"])
    page = sign_in(staff_a).get(reverse("reminders:list")).text
    assert "AAA-2015-001" not in page and "You have no notifications" in page
    assert "app-header__count" not in page
