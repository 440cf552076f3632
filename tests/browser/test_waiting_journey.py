"""Whose move it is, in a real browser: each role starts on its dashboard and does its part of a case by
following only the links under "Waiting for you"; every page fits a phone (320 px) and a desktop
(1280 px) with no sideways scroll, and axe-core finds nothing.

The live server runs in another thread, so time is not frozen: dates are relative to today.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import (
    CHAIR_KEY,
    NATIONAL_REVIEW_QUESTION,
    STAFF_KEY,
    SUMMARY,
    fill_date,
    heading,
    sign_in,
)
from tests.factories import BoardFactory, ChairFactory, StaffFactory, TOTPDeviceFactory
from tests.workflow import draft

pytestmark = pytest.mark.browser

COLLEAGUE_KEY = "7172737475767778797a7b7c7d7e7f8081828384"


def waiting_links(page) -> list[str]:
    return page.locator("#waiting-for-you + ul a").all_inner_texts()


def follow(page, action: str) -> None:
    """Click the "Waiting for you" entry that starts with `action` (the one link each entry has)."""
    page.locator("#waiting-for-you + ul").get_by_role("link", name=action).first.click()


def no_sideways_scroll(page, shots, name: str) -> None:
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width} px ({scroll} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_and_chair_do_their_parts_from_waiting_for_you(page, live_server, transactional_db, tmp_path):
    today = timezone.localdate()
    board = BoardFactory(code="WFY", name="Waitingham Safeguarding Children Board")
    staff = StaffFactory(board=board, email="staff@waiting.example", full_name="Wren Staff")
    chair = ChairFactory(board=board, email="chair@waiting.example", full_name="Cass Chair")
    TOTPDeviceFactory(user=staff, key=STAFF_KEY)
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    case = draft(staff, incident_on=today - timedelta(days=3), la_aware_on=today - timedelta(days=2))

    # --- Staff: the notification to record is the first thing on the dashboard.
    sign_in(page, staff.email, STAFF_KEY)
    assert heading(page) == "Your tasks"
    links = waiting_links(page)
    assert len(links) == 1 and links[0].startswith("Record that the notification was received")
    assert_accessible(page)
    no_sideways_scroll(page, tmp_path, "staff-dashboard")
    follow(page, "Record that the notification was received")
    assert heading(page) == "Record the notification"
    fill_date(page, "When did the partnership receive the serious incident notification?", today - timedelta(days=1))
    fill_date(page, "When was the Child Safeguarding Practice Review Panel notified?", today - timedelta(days=1))
    page.get_by_role("button", name="Record the notification").click()
    assert "Notification recorded" in page.locator(".govuk-notification-banner").inner_text()
    page.goto("/")
    # The decision is the chair's now: nothing waits for staff, and the case waits on the chair.
    assert waiting_links(page) == []
    others = page.locator("#waiting-for-others + ul").inner_text()
    assert "Hold the rapid review and decide" in others and "Waiting on: The lead safeguarding partner" in others
    page.get_by_role("button", name="Sign out").click()

    # --- The chair: the decision, by its statutory clock.
    sign_in(page, chair.email, CHAIR_KEY)
    assert heading(page) == "Your board's cases"
    entry = page.locator("#waiting-for-you + ul li").first.inner_text()
    assert case.reference in entry and "Due by" in entry and "left" in entry
    assert_accessible(page)
    no_sideways_scroll(page, tmp_path, "chair-dashboard")
    follow(page, "Hold the rapid review and decide")
    assert heading(page) == "Record the decision"
    assert_accessible(page)
    fill_date(page, "When did you make the decision?", today)
    page.get_by_label("Do not initiate a local child safeguarding practice review").first.check()
    page.get_by_label("Abuse or neglect of the child is known or suspected").fill("Fictional: neglect suspected.")
    page.get_by_label("The child has died", exact=True).fill("Fictional: the child died.")
    page.get_by_label("The child has been seriously harmed").fill("Fictional: not applicable.")
    page.get_by_label("The sub-group made no recommendation").check()
    page.get_by_label("Summary of the rapid review").fill(SUMMARY)
    page.get_by_role("group", name=NATIONAL_REVIEW_QUESTION).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    assert heading(page).startswith(case.reference)
    no_sideways_scroll(page, tmp_path, "case-page")
    page.goto("/cases/")
    assert_accessible(page)
    no_sideways_scroll(page, tmp_path, "case-list")
    page.goto("/reports/statistics/")
    assert_accessible(page)
    no_sideways_scroll(page, tmp_path, "statistics")
    page.goto("/")
    assert waiting_links(page) == []
    page.get_by_role("button", name="Sign out").click()

    # --- Staff again (a colleague: a security code is never accepted twice), the rapid review to send.
    colleague = StaffFactory(board=board, email="colleague@waiting.example", full_name="Cleo Colleague")
    TOTPDeviceFactory(user=colleague, key=COLLEAGUE_KEY)
    sign_in(page, colleague.email, COLLEAGUE_KEY)
    follow(page, "Send the rapid review to the Child Safeguarding Practice Review Panel")
    assert heading(page) == "Check your answers before sending the submission"
    assert_accessible(page)


def test_the_secretariat_and_a_panel_member_do_their_parts_from_waiting_for_you(page, live_server, transactional_db):
    from panel.services import meeting_create
    from tests.browser.test_panel_journey import MEMBER_KEY, SECRETARIAT_KEY, banner_text, long_date
    from tests.factories import PanelMemberFactory, SecretariatFactory
    from tests.workflow import decide, notified, submit

    today = timezone.localdate()
    board = BoardFactory(code="WFP", name="Waitingham Panel Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@waiting-panel.example", full_name="Cass Chair")
    secretariat = SecretariatFactory(email="secretariat@waiting.example", full_name="Sol Secretariat")
    member = PanelMemberFactory(email="member@waiting.example", full_name="Mo Member")
    TOTPDeviceFactory(user=secretariat, key=SECRETARIAT_KEY)
    TOTPDeviceFactory(user=member, key=MEMBER_KEY)
    incident = notified(
        chair,
        incident_on=today - timedelta(days=12),
        la_aware_on=today - timedelta(days=11),
        ofsted_notified_on=today - timedelta(days=10),
        received_on=today - timedelta(days=10),
    )
    decide(
        chair,
        incident,
        "not_initiate",
        decided_on=today - timedelta(days=2),
        national_review_recommended=False,
        rapid_review_summary=SUMMARY,
    )
    submit(chair, incident, on=today - timedelta(days=1))
    meeting_create(actor=secretariat, meets_on=today)

    # --- The secretariat: the sent rapid review to schedule, with how long it has waited.
    sign_in(page, secretariat.email, SECRETARIAT_KEY)
    entry = page.locator("#waiting-for-you + ul li").first.inner_text()
    assert incident.reference in entry and "Waiting since" in entry and "(1 day)" in entry
    assert_accessible(page)
    follow(page, "Schedule the submission for a meeting")
    assert heading(page) == "Schedule for a meeting"
    fill_date(page, "When was the submission put on the agenda?", today)
    page.get_by_label(long_date(today)).check()
    page.get_by_role("button", name="Schedule for this meeting").click()
    assert f"Scheduled for the panel meeting on {today.day} {today:%B %Y}" in banner_text(page)
    page.goto("/")
    assert waiting_links(page) == []
    assert (
        "Record the Child Safeguarding Practice Review Panel's advice"
        in page.locator("#waiting-for-others + ul").inner_text()
    )
    page.get_by_role("button", name="Sign out").click()

    # --- A panel member: the advice, expected at the meeting.
    sign_in(page, member.email, MEMBER_KEY)
    entry = page.locator("#waiting-for-you + ul li").first.inner_text()
    assert f"Meeting on {today.day} {today:%B %Y}" in entry and "Expected today" in entry
    assert_accessible(page)
    follow(page, "Record the Child Safeguarding Practice Review Panel's advice")
    assert heading(page) == "Record the panel's advice"
    fill_date(page, "When did the panel give its advice?", today)
    page.get_by_label("Agree with the decision", exact=True).check()
    page.get_by_label("The panel's reasons").fill("Fictional: the rapid review shows the criteria are not met.")
    page.get_by_role("button", name="Record the advice").click()
    assert "Outcome: panel agreed" in banner_text(page).replace("Panel", "panel")
    page.goto("/")
    assert waiting_links(page) == []
    assert_accessible(page)
