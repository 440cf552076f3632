"""Whose move it is: "waiting for you" and "waiting for others" on each role's dashboard."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from panel.choices import Advice
from reminders.queues import queue_for
from tests import workflow

DASHBOARD = reverse("accounts:dashboard")
TODAY = date(2015, 2, 20)  # a Friday


def _actions(steps) -> list[tuple[str, str]]:
    return [(step.record.clock_case.reference, step.action) for step in steps]


@pytest.mark.django_db
def test_the_chair_sees_the_decision_due_and_the_staff_see_it_held_by_the_chair(chair_a, staff_a):
    with time_machine.travel(TODAY, tick=False):
        case = workflow.notified(chair_a)  # received 9 January 2015
        chair = queue_for(chair_a, today=TODAY)
        staff = queue_for(staff_a, today=TODAY)
    assert _actions(chair.mine) == [(case.reference, "Decide whether to initiate a Serious Case Review")]
    step = chair.mine[0]
    # The statutory clock's own row: one month from the SIN's receipt.
    assert (step.due_on, step.statutory, step.due_words) == (date(2015, 2, 9), True, "Due by 9 February 2015")
    assert step.rag_words == "Overdue by 11 days"
    assert step.url == reverse("incidents:transition", args=[case.public_id, "record_decision"])
    assert staff.mine == []
    assert [(s.action, s.owner_words) for s in staff.others] == [(step.action, "The chair")]


@pytest.mark.django_db
def test_a_case_waiting_for_the_chairs_response_to_advice_has_an_expected_date(chair_a):
    """The walk-through's first finding: "Next deadline: None", sorted last."""
    with time_machine.travel(TODAY, tick=False):
        incident = workflow.decide(chair_a, workflow.notified(chair_a)).incident
        workflow.advise(workflow.submit(chair_a, incident), Advice.DISAGREE, on=date(2015, 2, 4))
        mine = queue_for(chair_a, today=TODAY).mine
    assert _actions(mine) == [(incident.reference, "Respond to the national panel's advice")]
    step = mine[0]
    # No statutory clock: a month from the advice, shown as expected.
    assert (step.due_on, step.statutory, step.due_words) == (date(2015, 3, 4), False, "Expected by 4 March 2015")
    assert step.rag_words == "On track: 12 days left"
    assert step.url == reverse(
        "panel:transition", args=[incident.decisions.get().submission.public_id, "record_board_response"]
    )


@pytest.mark.django_db
def test_the_secretariat_sees_a_sent_submission_to_schedule_with_its_age(chair_a, secretariat, panel_member):
    with time_machine.travel(TODAY, tick=False):
        incident = workflow.decide(chair_a, workflow.notified(chair_a)).incident
        submission = workflow.submit(chair_a, incident, on=date(2015, 2, 3))
    later = date(2015, 4, 3)
    with time_machine.travel(later, tick=False):
        steps = queue_for(secretariat, today=later).mine
        member = queue_for(panel_member, today=later)
    assert _actions(steps) == [(incident.reference, "Schedule the submission for a meeting of the national panel")]
    assert steps[0].waiting_since == date(2015, 2, 3)
    assert steps[0].rag_words == "Overdue by 45 days"  # expected a fortnight after it was sent
    assert member.mine == [] and _actions(member.others) == _actions(steps)
    assert steps[0].url == reverse("panel:transition", args=[submission.public_id, "schedule"])


@pytest.mark.django_db
def test_another_boards_steps_are_never_in_a_queue(chair_a, chair_b, staff_b):
    with time_machine.travel(TODAY, tick=False):
        workflow.notified(chair_a)
        workflow.draft(chair_a)
        assert queue_for(chair_b, today=TODAY).mine == [] and queue_for(chair_b, today=TODAY).others == []
        assert queue_for(staff_b, today=TODAY).mine == []


@pytest.mark.django_db
def test_the_sin_clock_counts_working_days_over_a_bank_holiday(chair_a, staff_a):
    # Aware on Thursday 2 April 2015: Good Friday and Easter Monday are not working days.
    with time_machine.travel(date(2015, 4, 3), tick=False):
        case = workflow.draft(chair_a, la_aware_on=date(2015, 4, 2), incident_on=date(2015, 4, 1))
    # Five working days: Tuesday 7 to Monday 13 April.
    for today, words in (
        (date(2015, 4, 3), "On track: 10 days left"),
        (date(2015, 4, 8), "Due soon: 5 days left"),
        (date(2015, 4, 13), "Due today"),
        (date(2015, 4, 14), "Overdue by 1 day"),
    ):
        with time_machine.travel(today, tick=False):
            step = queue_for(staff_a, today=today).mine[0]
        assert step.record.pk == case.pk and step.due_on == date(2015, 4, 13)
        assert step.rag_words == words


@pytest.mark.django_db
def test_each_dashboard_starts_with_what_is_waiting_and_links_to_where_it_is_done(client, sign_in, chair_a):
    with time_machine.travel(TODAY, tick=False):
        case = workflow.notified(chair_a)
        sign_in(chair_a)
        page = client.get(DASHBOARD).text
        first = page.index('id="waiting-for-you"')
        assert first < page.index("Open cases, nearest next move first")
        href = reverse("incidents:transition", args=[case.public_id, "record_decision"])
        assert f'href="{href}"' in page and "Overdue by 11 days" in page
        assert client.get(href).status_code == 200
        assert client.get(reverse("reminders:waiting")).status_code == 200


@pytest.mark.django_db
def test_the_dashboard_queries_do_not_grow_with_the_cases(client, sign_in, chair_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    with time_machine.travel(TODAY, tick=False):
        sign_in(chair_a)
        workflow.notified(chair_a)
        review = workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr").review
        workflow.decide(chair_a, workflow.notified(chair_a))  # a submission to send
        few = count()
        for _ in range(3):
            workflow.notified(chair_a)
            workflow.decide(chair_a, workflow.notified(chair_a))
        workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr")
        assert review is not None
        assert count() == few


@pytest.mark.django_db
def test_the_case_tables_say_each_cases_next_move_and_who_holds_it(client, sign_in, chair_a, staff_a):
    with time_machine.travel(TODAY, tick=False):
        responding = workflow.decide(chair_a, workflow.notified(chair_a)).incident
        workflow.advise(workflow.submit(chair_a, responding), Advice.DISAGREE, on=date(2015, 2, 4))
        # A draft whose SIN clock is due (26 February) before the response is expected (4 March).
        draft = workflow.draft(chair_a, la_aware_on=date(2015, 2, 19), incident_on=date(2015, 2, 18))
        sign_in(staff_a)
        page = client.get(DASHBOARD).text
        table = page[page.index("Open cases, nearest next move first") :]
        # The case waiting for the chair's response no longer says "None" and sorts last: by its expected date.
        assert table.index(draft.reference) < table.index(responding.reference)
        assert "Respond to the national panel&#x27;s advice" in table and "Expected by 4 March 2015" in table
        assert "The chair" in table
        listed = client.get(reverse("incidents:list")).text
        assert "Next action" in listed and "Waiting on" in listed
        # Staff send the draft's notification: a link; the chair's response is not theirs to open.
        notify = reverse("incidents:transition", args=[draft.public_id, "notify"])
        assert f'href="{notify}"' in listed
        respond = reverse(
            "panel:transition", args=[responding.decisions.get().submission.public_id, "record_board_response"]
        )
        assert f'href="{respond}"' not in listed


@pytest.mark.django_db
def test_a_lead_officer_holds_the_staffs_steps_by_name(client, sign_in, chair_a, staff_a, staff_b):
    from audit.models import LEAD_OFFICER, AuditEntry
    from tests.factories import StaffFactory

    colleague = StaffFactory(board=chair_a.board, email="colleague@a.example", full_name="Cleo Colleague")
    with time_machine.travel(TODAY, tick=False):
        case = workflow.draft(chair_a, la_aware_on=date(2015, 2, 19), incident_on=date(2015, 2, 18))
        assert _actions(queue_for(colleague, today=TODAY).mine)  # no lead officer: any of the staff
        sign_in(chair_a)
        url = reverse("incidents:lead_officer", args=[case.public_id])
        # Someone who is not one of the board's people is refused beside the field, and nothing changes.
        refused = client.post(url, {"lead_officer": str(staff_b.pk)})
        assert refused.status_code == 400 and "Choose who leads the case" in refused.text
        assert client.post(url, {"lead_officer": str(staff_a.pk)}).status_code == 302
        case.refresh_from_db()
        assert case.lead_officer == staff_a
        entry = AuditEntry.objects.for_object(case).get(transition=LEAD_OFFICER)
        assert (entry.actor, entry.reason) == (chair_a, f"Lead officer: {staff_a.full_name} (was None)")
        mine, theirs = queue_for(staff_a, today=TODAY), queue_for(colleague, today=TODAY)
    assert _actions(mine.mine) == [
        (case.reference, "Record that the notification was received and Ofsted was notified")
    ]
    assert theirs.mine == [] and [s.owner_words for s in theirs.others] == [staff_a.full_name]
    # The chair's own steps are never a lead officer's.
    assert all(step.person is None for step in queue_for(chair_a, today=TODAY).mine)


@pytest.mark.django_db
def test_another_boards_case_has_no_lead_officer_page_for_you(client, sign_in, chair_a, staff_b, panel_member):
    with time_machine.travel(TODAY, tick=False):
        case = workflow.notified(chair_a)
        url = reverse("incidents:lead_officer", args=[case.public_id])
        sign_in(staff_b)
        assert client.get(url).status_code == 404
        assert client.post(url, {"lead_officer": str(staff_b.pk)}).status_code == 404
    case.refresh_from_db()
    assert case.lead_officer is None


@pytest.mark.django_db
def test_the_full_waiting_page_queries_do_not_grow_with_the_cases(client, sign_in, chair_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reminders:waiting")).status_code == 200
        return len(queries)

    with time_machine.travel(TODAY, tick=False):
        sign_in(chair_a)
        workflow.notified(chair_a)
        workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr")
        workflow.decide(chair_a, workflow.notified(chair_a))
        few = count()
        for _ in range(4):
            workflow.notified(chair_a)
            workflow.decide(chair_a, workflow.notified(chair_a))
        assert count() == few


@pytest.mark.django_db
def test_the_dashboard_reads_the_users_open_records_once_for_its_queue_and_its_cases(
    client, sign_in, chair_a, monkeypatch
):
    """Its "waiting for you" and its cases' next moves are worked out from the same read."""
    from reminders import queues

    reads = []
    read = queues._open_records
    monkeypatch.setattr(queues, "_open_records", lambda *args, **kwargs: reads.append(args) or read(*args, **kwargs))
    with time_machine.travel(TODAY, tick=False):
        sign_in(chair_a)
        workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr")
        workflow.decide(chair_a, workflow.notified(chair_a))
        page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert len(reads) == 1
    # The cases' next moves are still there, from that read.
    assert [case.next_step is not None for case in page.context["cases"]] == [True, True]
    queue = page.context["queue"]
    assert len(queue.mine) + len(queue.others) >= 2
