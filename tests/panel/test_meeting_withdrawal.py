"""Withdrawing a panel meeting arranged by mistake: only the secretariat, only with nothing scheduled
to it or recorded at it, with a reason; it leaves every list and choice, and stays in the audit trail."""

import threading
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEntry
from panel.api import NO_SUCH_MEETING
from panel.choices import Advice
from panel.models import PanelMeeting, PanelSubmission
from panel.services import (
    meeting_create,
    meeting_update,
    meeting_withdraw,
    submission_provide_information,
    submission_schedule,
    submission_withdraw,
)
from scr_tracker.transitions import InvalidInput, RoleNotPermitted
from tests.api import session_client, token_client
from tests.incidents.test_pages import banner, date_fields, error_summary, field_errors
from tests.workflow import advise, case_in, meeting_arranged, submission_of, submit

NOW = datetime(2015, 2, 10, 12, 0, tzinfo=ZoneInfo("Europe/London"))
MISTAKE = date(2015, 3, 12)  # arranged on the wrong date
MEETINGS = reverse("panel:meetings")
DASHBOARD = reverse("accounts:dashboard")
API_MEETINGS = "/api/v1/meetings/"
SCHEDULED_RULE = "a meeting can be withdrawn only when nothing is scheduled to it"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mistake(secretariat):
    return meeting_create(actor=secretariat, meets_on=MISTAKE)


def meeting_url(meeting) -> str:
    return reverse("panel:meeting", args=[meeting.public_id])


def withdraw_url(meeting) -> str:
    return reverse("panel:meeting_withdraw", args=[meeting.public_id])


def api_meeting_url(meeting) -> str:
    return f"/api/v1/meetings/{meeting.public_id}/"


def reload(meeting) -> PanelMeeting:
    return PanelMeeting.all_objects.get(pk=meeting.pk)


def withdrawals():
    return AuditEntry.objects.filter(transition="withdraw", object_id__in=PanelMeeting.all_objects.values("pk"))


def sent(chair) -> PanelSubmission:
    """A non-initiation submission of the chair's board, decided 2 Feb and sent 3 Feb 2015."""
    incident = case_in("decided", chair)
    submit(chair, incident)
    return submission_of(incident)


def scheduled(chair, secretariat, meeting) -> PanelSubmission:
    submission = sent(chair)
    return submission_schedule(
        actor=secretariat, submission_id=submission.pk, event_date=date(2015, 2, 4), meeting_id=meeting.pk
    )


# --- The secretariat withdraws it ---------------------------------------------------------------


def test_the_secretariat_withdraws_a_meeting_arranged_by_mistake(client, sign_in, secretariat, mistake):
    sign_in(secretariat)
    detail = client.get(meeting_url(mistake)).text
    assert f'href="{withdraw_url(mistake)}">Withdraw this meeting</a>' in detail

    page = client.get(withdraw_url(mistake)).text
    assert "Withdraw the meeting of Thursday 12 March 2015" in page
    assert 'class="govuk-warning-text"' in page and "This cannot be undone" in page
    assert '<textarea name="reason"' in page
    assert 'class="govuk-button govuk-button--warning"' in page and "Withdraw the meeting</button>" in page
    assert f'<a href="{meeting_url(mistake)}" class="govuk-back-link">Back</a>' in page

    response = client.post(withdraw_url(mistake), {"reason": "  Arranged for the wrong month.  "}, follow=True)
    assert response.redirect_chain == [(MEETINGS, 302)]
    assert banner(response) == "The meeting of 12 March 2015 has been withdrawn"
    assert meeting_url(mistake) not in response.text
    assert "No meeting is arranged." in response.text

    meeting = reload(mistake)
    assert (meeting.withdrawn_at, meeting.withdrawn_by, meeting.withdrawal_reason) == (
        NOW,
        secretariat,
        "Arranged for the wrong month.",
    )


def test_the_withdrawal_is_in_the_audit_trail(secretariat, mistake):
    meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Arranged for the wrong month.")
    entry = AuditEntry.objects.for_object(mistake).get()
    assert (entry.transition, entry.from_state, entry.to_state) == ("withdraw", "arranged", "withdrawn")
    assert (entry.actor, entry.actor_role, entry.board) == (secretariat, "panel_secretariat", None)
    assert (entry.event_date, entry.reason) == (date(2015, 2, 10), "Arranged for the wrong month.")
    # The entry still reaches its meeting, which every list has left.
    assert entry.record == reload(mistake)
    assert not PanelMeeting.objects.filter(pk=mistake.pk).exists()


# --- Who may --------------------------------------------------------------------------------------


def test_a_panel_member_reads_the_meeting_but_cannot_withdraw_it(client, sign_in, panel_member, mistake):
    sign_in(panel_member)
    assert "Withdraw this meeting" not in client.get(meeting_url(mistake)).text
    assert client.get(withdraw_url(mistake)).status_code == 403
    assert client.post(withdraw_url(mistake), {"reason": "Mine"}).status_code == 403
    with pytest.raises(RoleNotPermitted):
        meeting_withdraw(actor=panel_member, meeting_id=mistake.pk, reason="Mine")
    assert reload(mistake).withdrawn_at is None
    assert not withdrawals().exists()


@pytest.mark.parametrize("persona", ["chair_a", "staff_a", "chair_b", "administrator"])
def test_anyone_else_finds_no_such_page(request, client, sign_in, persona, mistake):
    user = request.getfixturevalue(persona)
    sign_in(user)
    assert client.get(withdraw_url(mistake)).status_code == 404
    assert client.post(withdraw_url(mistake), {"reason": "x"}).status_code == 404
    with pytest.raises(Http404):
        meeting_withdraw(actor=user, meeting_id=mistake.pk, reason="x")
    assert reload(mistake).withdrawn_at is None
    assert not withdrawals().exists()


# --- Only with nothing scheduled --------------------------------------------------------------------


def test_refused_while_a_submission_is_on_its_agenda(client, sign_in, chair_a, secretariat, mistake):
    scheduled(chair_a, secretariat, mistake)
    sign_in(secretariat)
    assert "Withdraw this meeting" not in client.get(meeting_url(mistake)).text
    rule = f"You cannot withdraw this meeting: 1 submission is on this meeting's agenda: {SCHEDULED_RULE}."
    for response in (
        client.get(withdraw_url(mistake), follow=True),
        client.post(withdraw_url(mistake), {"reason": "Wrong date"}, follow=True),
    ):
        assert response.redirect_chain == [(meeting_url(mistake), 302)]
        assert banner(response) == rule
    with pytest.raises(InvalidInput) as refused:
        meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")
    assert refused.value.errors == {"meeting": [f"1 submission is on this meeting's agenda: {SCHEDULED_RULE}"]}
    assert reload(mistake).withdrawn_at is None
    assert not withdrawals().exists()


def test_the_rule_counts_every_submission_on_the_agenda_withdrawn_or_not(chair_a, chair_b, secretariat, mistake):
    scheduled(chair_a, secretariat, mistake)
    theirs = scheduled(chair_b, secretariat, mistake)
    submission_withdraw(actor=chair_b, submission_id=theirs.pk, event_date=date(2015, 2, 5), reason="Reconsidered")
    with pytest.raises(InvalidInput) as refused:
        meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")
    assert refused.value.errors["meeting"] == [f"2 submissions are on this meeting's agenda: {SCHEDULED_RULE}"]


def test_refused_when_advice_was_given_at_it_though_the_case_moved_on(client, sign_in, chair_a, secretariat):
    """Asked for more information at one meeting, the case is scheduled to the next: the first keeps
    the advice given at it, so it was no mistake."""
    first = meeting_arranged(secretariat, date(2015, 2, 5))  # held
    later = meeting_create(actor=secretariat, meets_on=date(2015, 3, 12))
    submission = scheduled(chair_a, secretariat, first)
    advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 2, 5), member=secretariat)
    submission_provide_information(
        actor=chair_a, submission_id=submission.pk, event_date=date(2015, 2, 6), information="Fictional answer."
    )
    submission_schedule(
        actor=secretariat, submission_id=submission.pk, event_date=date(2015, 2, 7), meeting_id=later.pk
    )
    assert not first.submissions.exists()

    sign_in(secretariat)
    assert "Withdraw this meeting" not in client.get(meeting_url(first)).text
    response = client.get(withdraw_url(first), follow=True)
    assert banner(response) == (
        "You cannot withdraw this meeting: the panel's advice on 1 submission is recorded as given at this "
        "meeting: a meeting at which the panel's work is recorded cannot be withdrawn."
    )
    with pytest.raises(InvalidInput) as refused:
        meeting_withdraw(actor=secretariat, meeting_id=first.pk, reason="Wrong date")
    assert list(refused.value.errors) == ["meeting"]
    assert reload(first).withdrawn_at is None
    assert not withdrawals().exists()


# --- The reason ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required_and_nothing_is_saved(client, sign_in, secretariat, mistake, reason):
    sign_in(secretariat)
    response = client.post(withdraw_url(mistake), {"reason": reason})
    assert response.status_code == 200
    assert field_errors(response, "reason") == ["Enter the reason"]
    assert error_summary(response) == ["Enter the reason"]
    with pytest.raises(InvalidInput) as refused:
        meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason=reason)
    assert refused.value.errors == {"reason": ["Enter the reason"]}
    meeting = reload(mistake)
    assert (meeting.withdrawn_at, meeting.withdrawn_by, meeting.withdrawal_reason) == (None, None, "")
    assert not withdrawals().exists()


def test_a_withdrawn_meeting_cannot_be_withdrawn_again(client, sign_in, secretariat, mistake):
    meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")
    with pytest.raises(Http404):
        meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Again")
    sign_in(secretariat)
    assert client.post(withdraw_url(mistake), {"reason": "Again"}).status_code == 404
    assert withdrawals().count() == 1


# --- It leaves every list and choice ---------------------------------------------------------------


def test_it_leaves_the_pages_the_api_and_the_dashboard(client, sign_in, secretariat, panel_member, mistake):
    standing = meeting_create(actor=secretariat, meets_on=date(2015, 4, 9))
    meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")

    for user in (secretariat, panel_member):
        sign_in(user)
        listed = client.get(MEETINGS).text
        assert meeting_url(standing) in listed and meeting_url(mistake) not in listed
        assert client.get(meeting_url(mistake)).status_code == 404
        assert client.post(meeting_url(mistake), {"minutes": "x"}).status_code in (403, 404)
        dashboard = client.get(DASHBOARD).text
        assert "12 March 2015" not in dashboard and "9 April 2015" in dashboard  # the next meeting that stands

        api = session_client(user)
        meetings = api.get(API_MEETINGS).json()
        assert meetings["count"] == 1 and meetings["results"][0]["id"] == str(standing.public_id)
        assert api.get(api_meeting_url(mistake)).status_code == 404
        assert api.patch(api_meeting_url(mistake), {"minutes": "x"}, format="json").status_code == 404

    with pytest.raises(InvalidInput):
        meeting_update(actor=secretariat, meeting_id=mistake.pk, minutes="x")


def test_it_is_no_longer_a_choice_when_scheduling(client, sign_in, chair_a, secretariat, mistake):
    standing = meeting_create(actor=secretariat, meets_on=date(2015, 4, 9))
    meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")
    submission = sent(chair_a)
    schedule = reverse("panel:transition", args=[submission.public_id, "schedule"])

    sign_in(secretariat)
    form = client.get(schedule).text
    assert "Thursday 9 April 2015" in form and "12 March 2015" not in form
    response = client.post(schedule, {**date_fields("event_date", date(2015, 2, 5)), "meeting": str(mistake.pk)})
    assert field_errors(response, "meeting") == ["Select one of the meetings listed"]

    with pytest.raises(InvalidInput) as refused:
        submission_schedule(
            actor=secretariat, submission_id=submission.pk, event_date=date(2015, 2, 5), meeting_id=mistake.pk
        )
    assert refused.value.errors == {"meeting": ["Select the meeting"]}

    api = session_client(secretariat)
    response = api.post(
        f"/api/v1/submissions/{submission.public_id}/transitions/schedule/",
        {"event_date": "2015-02-05", "meeting": str(mistake.public_id)},
        format="json",
    )
    assert response.status_code == 400 and response.json()["meeting"] == [NO_SUCH_MEETING]

    submission.refresh_from_db()
    assert (submission.state, submission.meeting) == ("submitted", None)
    assert not mistake.submissions.exists() and not standing.submissions.exists()


# --- Its date can be used again --------------------------------------------------------------------


def test_its_date_can_be_used_again(client, sign_in, secretariat, mistake):
    sign_in(secretariat)
    response = client.post(MEETINGS, date_fields("meets_on", MISTAKE))
    assert field_errors(response, "meets_on") == ["There is already a meeting on that date"]

    meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")
    response = client.post(MEETINGS, date_fields("meets_on", MISTAKE), follow=True)
    assert banner(response) == "Meeting arranged for 12 March 2015"
    again = PanelMeeting.objects.get()
    assert again.meets_on == MISTAKE and again.pk != mistake.pk
    assert PanelMeeting.all_objects.filter(meets_on=MISTAKE).count() == 2

    # And withdrawn again: any number of withdrawn meetings may share a date.
    meeting_withdraw(actor=secretariat, meeting_id=again.pk, reason="Wrong again")
    assert meeting_create(actor=secretariat, meets_on=MISTAKE).meets_on == MISTAKE
    assert PanelMeeting.all_objects.filter(meets_on=MISTAKE).count() == 3


def test_the_database_keeps_one_standing_meeting_a_day(secretariat, mistake):
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelMeeting.objects.create(meets_on=MISTAKE, created_by=secretariat)
    meeting_withdraw(actor=secretariat, meeting_id=mistake.pk, reason="Wrong date")
    PanelMeeting.objects.create(meets_on=MISTAKE, created_by=secretariat)


def test_a_date_taken_a_moment_ago_is_a_field_error(monkeypatch, secretariat, mistake):
    """Two people arranging the same day at once: the second passes the check before the first is saved,
    and the constraint's refusal reaches them as the same field error, nothing saved."""
    checks = []
    real_exists = QuerySet.exists

    def exists(queryset):
        checks.append(queryset.model)
        # The first check misses the meeting arranged a moment ago; later ones see it.
        return len(checks) > 1 and real_exists(queryset)

    monkeypatch.setattr(QuerySet, "exists", exists)
    with pytest.raises(InvalidInput) as refused:
        meeting_create(actor=secretariat, meets_on=MISTAKE)
    assert refused.value.errors == {"meets_on": ["There is already a meeting on that date"]}
    assert checks == [PanelMeeting, PanelMeeting]  # before saving, and after the constraint refused it
    assert PanelMeeting.all_objects.count() == 1


# --- Lists keep their cost ----------------------------------------------------------------------------


def _meetings(secretariat, n: int) -> None:
    """n meetings that stand and n withdrawn, on alternate days before and after today."""
    for i in range(n):
        for day in (date(2015, 2, 10) + timedelta(days=2 * i + 1), date(2015, 2, 9) - timedelta(days=2 * i)):
            meeting_arranged(secretariat, day)
        withdrawn = meeting_create(actor=secretariat, meets_on=date(2016, 1, 1) + timedelta(days=i))
        meeting_withdraw(actor=secretariat, meeting_id=withdrawn.pk, reason="Wrong year")


@pytest.mark.parametrize("n", [2, 20])
def test_the_meetings_page_query_count_does_not_grow(client, sign_in, secretariat, django_assert_max_num_queries, n):
    _meetings(secretariat, n)
    sign_in(secretariat)
    # Sign-in checks and the session (6 with its save), the meetings with their agenda sizes.
    with django_assert_max_num_queries(7):
        response = client.get(MEETINGS)
    assert response.text.count('<a class="govuk-link" href="/panel/meetings/') == 2 * n


@pytest.mark.parametrize("n", [2, 20])
def test_the_api_list_query_count_does_not_grow(secretariat, panel_member, django_assert_max_num_queries, n):
    _meetings(secretariat, n)
    client = token_client(panel_member)
    with django_assert_max_num_queries(5):  # token and user, count, page, members, agendas
        response = client.get(API_MEETINGS)
    assert response.json()["count"] == 2 * n


# --- Scheduling and withdrawing at the same moment ---------------------------------------------------


def _at_once(**runs) -> dict:
    """Run each function in a thread of its own, all released together; what each did."""
    barrier = threading.Barrier(len(runs))
    outcomes = {}

    def attempt(name, run):
        try:
            barrier.wait()
            run()
            outcomes[name] = "done"
        except InvalidInput as exc:
            outcomes[name] = sorted(exc.errors)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=item) for item in runs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_scheduling_and_withdrawing_at_once_never_leave_a_case_on_a_withdrawn_meeting(chair_a, secretariat):
    """The meeting's row lock: one of the two goes first, and the other sees what it did."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers and proves nothing")
    for day in range(5):
        meeting = meeting_create(actor=secretariat, meets_on=MISTAKE + timedelta(days=day))
        submission = sent(chair_a)
        outcomes = _at_once(
            schedule=partial(
                submission_schedule,
                actor=secretariat,
                submission_id=submission.pk,
                event_date=date(2015, 2, 4),
                meeting_id=meeting.pk,
            ),
            withdraw=partial(meeting_withdraw, actor=secretariat, meeting_id=meeting.pk, reason="Wrong date"),
        )
        assert outcomes in (
            {"schedule": "done", "withdraw": ["meeting"]},
            {"schedule": ["meeting"], "withdraw": "done"},
        ), outcomes
        meeting = reload(meeting)
        assert (meeting.withdrawn_at is None) == meeting.submissions.exists()
