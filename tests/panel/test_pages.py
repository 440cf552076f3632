"""The panel's pages: submissions for the board and the panel, their transitions, meetings, dashboards."""

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.demo import DEMO_USERS
from accounts.models import Role
from audit.models import AccessEvent, AuditEntry
from incidents.models import Incident
from panel import views
from panel.choices import Advice, Outcome
from panel.models import PanelMeeting, PanelSubmission, SubmissionEvent
from panel.services import (
    meeting_create,
    submission_record_board_response,
    submission_schedule,
    submission_withdraw,
)
from reviews.models import Decision
from scr_tracker.transitions import Blocked, NotAllowedInState
from tests.check_answers import post_and_confirm
from tests.factories import SecretariatFactory
from tests.incidents.test_pages import banner, date_fields, error_summary, field_errors
from tests.workflow import advise, case_in, meeting_arranged, submission_of, submit

TODAY = date(2015, 2, 10)
LIST = reverse("panel:submissions")
MEETINGS = reverse("panel:meetings")
DASHBOARD = reverse("accounts:dashboard")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 2, 10, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def page_url(submission) -> str:
    return reverse("panel:submission", args=[submission.public_id])


def transition_url(submission, name: str) -> str:
    if name == "submit":
        return reverse("panel:check", args=[submission.public_id])
    return reverse("panel:transition", args=[submission.public_id, name])


def note_url(submission) -> str:
    return reverse("panel:note", args=[submission.public_id])


def meeting_url(meeting) -> str:
    return reverse("panel:meeting", args=[meeting.public_id])


def case_url(incident) -> str:
    return reverse("incidents:case", args=[incident.public_id])


def reload(submission) -> PanelSubmission:
    return PanelSubmission.objects.get(pk=submission.pk)


def submission_in(state: str, chair, secretariat, meets_on=date(2015, 2, 12)) -> PanelSubmission:
    """A non-initiation submission of the chair's board in `state` (decided 2 Feb, sent 3 Feb, advised 4 Feb)."""
    incident = case_in("decided", chair)
    submission = submission_of(incident)
    if state == "draft":
        return submission
    if state == "withdrawn":
        return submission_withdraw(actor=chair, submission_id=submission.pk, event_date=date(2015, 2, 3), reason="x")
    submission = submit(chair, incident)
    if state == "submitted":
        return submission
    if state == "scheduled":
        meeting = PanelMeeting.objects.filter(meets_on=meets_on).first() or meeting_arranged(secretariat, meets_on)
        return submission_schedule(
            actor=secretariat, submission_id=submission.pk, event_date=date(2015, 2, 4), meeting_id=meeting.pk
        )
    advice = {
        "awaiting_information": Advice.FURTHER_INFORMATION_REQUESTED,
        "awaiting_board_response": Advice.DISAGREE,
        "awaiting_panel_view": Advice.DISAGREE,
        "closed": Advice.AGREE,
    }[state]
    submission = advise(submission, advice, member=secretariat)
    if state == "awaiting_panel_view":
        return submission_record_board_response(
            actor=chair,
            submission_id=submission.pk,
            event_date=date(2015, 2, 5),
            response="further_explanation",
            explanation="The board's fictional explanation.",
        )
    return submission


SENT = ["submitted", "scheduled", "awaiting_information", "awaiting_board_response", "awaiting_panel_view", "closed"]
ALL_STATES = ["draft", *SENT, "withdrawn"]
TRANSITION_PAGES = [
    "submit",
    "schedule",
    "record_advice",
    "provide_information",
    "record_board_response",
    "record_panel_view",
    "withdraw",
]
BOARD_ONLY = ["submit", "provide_information", "record_board_response", "withdraw"]


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_board_users_reach_their_submissions_in_every_state(request, client, sign_in, persona, chair_a, secretariat):
    submissions = [submission_in(state, chair_a, secretariat) for state in ALL_STATES]
    sign_in(request.getfixturevalue(persona))
    listing = client.get(LIST)
    assert listing.status_code == 200
    for submission in submissions:
        assert page_url(submission) in listing.text
        page = client.get(page_url(submission))
        assert page.status_code == 200
        assert submission.decision.incident.reference in page.text
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("persona", ["panel_member", "secretariat"])
def test_panel_reads_every_sent_submission_and_its_case_but_no_draft(
    request, client, sign_in, persona, chair_a, chair_b, secretariat
):
    sent = [submission_in(state, chair, secretariat) for state in SENT for chair in (chair_a, chair_b)]
    draft = submission_in("draft", chair_a, secretariat)
    unsent_withdrawn = submission_in("withdrawn", chair_b, secretariat)
    sign_in(request.getfixturevalue(persona))
    listing = client.get(LIST).text
    for submission in sent:
        assert page_url(submission) in listing
        assert client.get(page_url(submission)).status_code == 200
        assert client.get(case_url(submission.decision.incident)).status_code == 200
    for hidden in (draft, unsent_withdrawn):
        assert page_url(hidden) not in listing
        assert client.get(page_url(hidden)).status_code == 404
        assert client.get(case_url(hidden.decision.incident)).status_code == 404
        for name in TRANSITION_PAGES:
            assert client.get(transition_url(hidden, name)).status_code == 404, name
        assert client.get(note_url(hidden)).status_code == 404


@pytest.mark.parametrize("persona", ["chair_b", "staff_b"])
@pytest.mark.parametrize("state", ["draft", "submitted", "awaiting_board_response"])
def test_another_boards_submission_is_not_found_anywhere(
    request, client, sign_in, persona, state, chair_a, secretariat
):
    submission = submission_in(state, chair_a, secretariat)
    audit_before = AuditEntry.objects.count()
    sign_in(request.getfixturevalue(persona))
    assert client.get(page_url(submission)).status_code == 404
    assert client.get(note_url(submission)).status_code == 404
    assert client.post(note_url(submission), {"covering_note": "x"}).status_code == 404
    for name in TRANSITION_PAGES:
        assert client.get(transition_url(submission, name)).status_code == 404, name
        post = {**date_fields("event_date", TODAY), "reason": "x", "response": "accepted"}
        assert client.post(transition_url(submission, name), post).status_code == 404, name
    assert page_url(submission) not in client.get(LIST).text
    assert page_url(submission) not in client.get(DASHBOARD).text
    assert AuditEntry.objects.count() == audit_before
    assert reload(submission).state == state


@pytest.mark.parametrize("persona", ["chair_a", "staff_a", "administrator"])
def test_meetings_are_the_panels_only(request, client, sign_in, persona, chair_a, secretariat):
    submission = submission_in("scheduled", chair_a, secretariat)
    sign_in(request.getfixturevalue(persona))
    assert client.get(MEETINGS).status_code == 404
    assert client.post(MEETINGS, date_fields("meets_on", date(2015, 3, 12))).status_code == 404
    assert client.get(meeting_url(submission.meeting)).status_code == 404
    assert client.post(meeting_url(submission.meeting), {"minutes": "x"}).status_code == 404
    assert PanelMeeting.objects.count() == 1
    nav = [item["text"] for item in client.get(DASHBOARD).context["navigation_items"]]
    assert "Meetings" not in nav


def test_administrators_have_no_submission_pages(client, sign_in, administrator, chair_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(administrator)
    assert client.get(LIST).status_code == 404
    assert client.get(page_url(submission)).status_code == 404
    assert client.get(transition_url(submission, "record_advice")).status_code == 404


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("submit", "submitted"),
        ("provide_information", "awaiting_information"),
        ("record_board_response", "awaiting_board_response"),
        ("withdraw", "scheduled"),
    ],
)
def test_panel_member_cannot_open_the_boards_transitions(
    client, sign_in, panel_member, chair_a, secretariat, name, state
):
    submission = submission_in(state, chair_a, secretariat)
    sign_in(panel_member)
    assert client.get(transition_url(submission, name)).status_code == 403
    post = {**date_fields("event_date", TODAY), "reason": "x", "information": "x", "response": "accepted"}
    response = client.post(transition_url(submission, name), post)
    assert response.status_code == 403 and "You cannot do this" in response.text
    assert client.get(note_url(submission)).status_code == 403
    assert reload(submission).state == state
    assert not Decision.objects.filter(following_panel_advice=True).exists()


@pytest.mark.parametrize(
    ("persona", "name", "state"),
    [
        ("panel_member", "schedule", "submitted"),
        ("chair_a", "schedule", "submitted"),
        ("chair_a", "record_advice", "scheduled"),
        ("staff_a", "record_panel_view", "awaiting_panel_view"),
        ("staff_a", "record_board_response", "awaiting_board_response"),
        ("staff_a", "withdraw", "draft"),
        ("secretariat", "provide_information", "awaiting_information"),
    ],
)
def test_roles_that_may_not_get_the_403_page(request, client, sign_in, chair_a, secretariat, persona, name, state):
    submission = submission_in(state, chair_a, secretariat)
    sign_in(request.getfixturevalue(persona))
    assert client.get(transition_url(submission, name)).status_code == 403
    assert client.post(transition_url(submission, name), date_fields("event_date", TODAY)).status_code == 403
    assert reload(submission).state == state


def test_unknown_transition_is_not_found(client, sign_in, chair_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    assert client.get(transition_url(submission, "publish")).status_code == 404
    assert client.post(transition_url(submission, "delete")).status_code == 404


def test_viewing_a_submission_writes_an_access_event(client, sign_in, chair_a, panel_member, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(panel_member)
    client.get(page_url(submission))
    event = AccessEvent.objects.for_object(submission).get()
    assert (event.user, event.user_role, event.board, event.action) == (
        panel_member,
        "panel_member",
        chair_a.board,
        "view",
    )


# --- The submission page ------------------------------------------------------------------------


def test_buttons_follow_role_and_state(client, sign_in, chair_a, staff_a, panel_member, secretariat):
    draft = submission_in("draft", chair_a, secretariat)
    sign_in(staff_a)
    page = client.get(page_url(draft)).text
    assert f'href="{transition_url(draft, "submit")}"' in page and "Check and send to the panel" in page
    assert transition_url(draft, "withdraw") not in page
    assert f'href="{note_url(draft)}"' in page
    sign_in(chair_a)
    page = client.get(page_url(draft)).text
    for name in ("submit", "withdraw"):
        assert f'href="{transition_url(draft, name)}"' in page

    submitted = submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    page = client.get(page_url(submitted)).text
    for name in ("schedule", "record_advice"):
        assert f'href="{transition_url(submitted, name)}"' in page
    assert transition_url(submitted, "withdraw") not in page
    sign_in(panel_member)
    page = client.get(page_url(submitted)).text
    assert f'href="{transition_url(submitted, "record_advice")}"' in page
    assert transition_url(submitted, "schedule") not in page
    assert note_url(submitted) not in page
    sign_in(chair_a)
    page = client.get(page_url(submitted)).text
    assert f'href="{transition_url(submitted, "withdraw")}"' in page
    assert transition_url(submitted, "record_advice") not in page


def test_submission_page_shows_facts_clocks_history_and_timeline(client, sign_in, chair_a, panel_member, secretariat):
    submission = submission_in("awaiting_panel_view", chair_a, secretariat)
    incident = submission.decision.incident
    sign_in(panel_member)
    page = client.get(page_url(submission)).text
    # The case, linked, with its flags and the facts the panel needs.
    assert f'href="{case_url(incident)}"' in page and incident.reference in page and "Child T" in page
    assert "Alphaford Safeguarding Children Board" in page
    assert '<strong class="govuk-tag govuk-tag--orange">Premature</strong>' in page and "Delay 28 days" in page
    assert "Incident: 5 January 2015" in page and "Decision: 2 February 2015" in page
    assert "Post-mortem" in page and "At the decision: pending" in page
    assert "Rationale: The child has died" in page and "Fictional test rationale for child_died." in page
    # The state as a tag; the outcome only says it again ("Pending the panel's view"), so it is not shown.
    assert "Awaiting the panel&#x27;s view" in page and "Pending the panel&#x27;s view" not in page
    # The clock: sent on 3 Feb, within 14 days of the decision.
    clocks = page[page.index('id="clocks"') : page.index('id="history"')]
    assert "Send to the national panel (14 days" in clocks and "16 Feb 2015" in clocks and "Met" in clocks
    # History: the advice and the board's response, with who and when.
    history = page[page.index('id="history"') : page.index('id="case"')]
    assert "Panel advice: <strong>Disagree</strong>" in history
    assert "Board&#x27;s response: <strong>Gave the panel a further explanation</strong>" in history
    assert "The board&#x27;s fictional explanation." in history and "Panel Secretariat" in history
    assert "4 Feb 2015" in history and "10 Feb 2015, 12:00" in history
    # Timeline: every audit entry.
    timeline = page[page.index('id="timeline"') :]
    for words in ("Sent to the panel", "Panel&#x27;s advice recorded", "Board&#x27;s response recorded"):
        assert words in timeline
    assert "Draft to Submitted" in timeline and "Chair of A" in timeline and "Board chair" in timeline
    assert timeline.count('<tr class="govuk-table__row">') == 1 + AuditEntry.objects.for_object(submission).count()


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        ("draft", None),
        ("submitted", None),
        ("scheduled", None),
        ("awaiting_information", None),
        ("awaiting_board_response", None),
        ("awaiting_panel_view", None),
        ("closed", "Panel agreed"),
        ("withdrawn", "Not yet advised"),
    ],
)
def test_the_submission_page_shows_the_outcome_only_where_it_adds_to_the_state(
    client, sign_in, chair_a, secretariat, state, outcome
):
    submission = submission_in(state, chair_a, secretariat)
    sign_in(chair_a)
    facts = client.get(page_url(submission)).text
    facts = facts[facts.index('<ul class="govuk-list">') :]
    facts = facts[: facts.index("</ul>")]
    assert "State: " in facts
    if outcome is None:
        assert "Outcome:" not in facts, facts
    else:
        assert 'Outcome: <strong class="govuk-tag govuk-tag--' in facts and f">{outcome}</strong>" in facts


@pytest.mark.parametrize("name", ["record_advice", "record_board_response", "record_panel_view"])
def test_each_banner_gives_the_outcome_in_its_words_not_its_label_lowered(chair_a, secretariat, name):
    submission = submission_in("closed", chair_a, secretariat)
    submission.outcome = Outcome.SCR_INITIATED_AFTER_ADVICE  # the outcome that names the case's review
    assert views.TRANSITION_PAGES[name].done(submission).endswith("Outcome: SCR initiated after advice")
    submission.outcome = Outcome.AGREED
    assert views.TRANSITION_PAGES[name].done(submission).endswith("Outcome: panel agreed")


def test_the_attendance_form_names_each_demo_person_with_their_role_once(client, sign_in, secretariat):
    (name,) = [full_name for email, full_name, role, board in DEMO_USERS if role == Role.PANEL_SECRETARIAT]
    pat = SecretariatFactory(email="pat.demo@test.example", full_name=name)
    with time_machine.travel(datetime(2015, 2, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        meeting = meeting_create(actor=secretariat, meets_on=date(2015, 2, 5))
    sign_in(secretariat)
    page = client.get(meeting_url(meeting)).text
    assert f"{pat.full_name} (panel secretariat)" in page
    assert page.count("(panel secretariat)") == 2  # the demo person and the signed-in secretariat, once each


def test_information_reply_clock(client, sign_in, chair_a, secretariat):
    submission = submission_in("awaiting_information", chair_a, secretariat)  # asked on 4 Feb: due 4 March
    sign_in(chair_a)
    clocks = client.get(page_url(submission)).text
    clocks = clocks[clocks.index('id="clocks"') : clocks.index('id="history"')]
    assert "Reply to the panel&#x27;s request for information" in clocks
    assert "4 Mar 2015" in clocks and "22 days left" in clocks and "Green: on track" in clocks
    client.post(
        transition_url(submission, "provide_information"),
        {**date_fields("event_date", date(2015, 2, 9)), "information": "The fictional answer."},
    )
    clocks = client.get(page_url(submission)).text
    clocks = clocks[clocks.index('id="clocks"') : clocks.index('id="history"')]
    assert clocks.count("Met") == 2


def test_a_draft_lists_what_is_missing(client, sign_in, chair_a, secretariat):
    submission = submission_in("draft", chair_a, secretariat)
    sign_in(chair_a)
    assert 'id="missing"' not in client.get(page_url(submission)).text
    Incident.objects.filter(pk=submission.decision.incident_id).update(outline="", ofsted_notified_on=None)
    page = client.get(page_url(submission)).text
    assert 'id="missing"' in page
    assert "<li>The date Ofsted was notified</li>" in page and "<li>An outline of what happened</li>" in page


# --- Covering note, check your answers and send --------------------------------------------------


def test_the_board_writes_a_covering_note_then_checks_and_sends(client, sign_in, staff_a, chair_a, secretariat):
    submission = submission_in("draft", chair_a, secretariat)
    sign_in(staff_a)
    assert client.get(note_url(submission)).status_code == 200
    response = client.post(note_url(submission) + "?from=check", {"covering_note": "  Please note the inquest.  "})
    assert response["Location"] == transition_url(submission, "submit")
    assert reload(submission).covering_note == "Please note the inquest."

    check = client.get(transition_url(submission, "submit"))
    assert check.status_code == 200
    text = check.text
    assert "Check your answers before sending the submission" in text
    assert "Please note the inquest." in text and f'href="{note_url(submission)}?from=check"' in text
    for words in ("Child T", "Rationale: The child has died", "The incident", "Post-mortem and police", "Neglect"):
        assert words in text
    assert 'value="10"' in text  # today's date, filled in

    response = client.post(
        transition_url(submission, "submit"), date_fields("event_date", date(2015, 2, 9)), follow=True
    )
    assert response.redirect_chain == [(page_url(submission), 302)]
    assert banner(response) == "Submission sent to the national panel"
    submission = reload(submission)
    assert (submission.state, submission.first_submitted_on) == ("submitted", date(2015, 2, 9))
    entry = AuditEntry.objects.for_object(submission).get()
    assert (entry.transition, entry.actor, entry.event_date) == ("submit", staff_a, date(2015, 2, 9))
    # Sent: the note can no longer change, and sending again is refused with a message.
    response = client.get(note_url(submission), follow=True)
    assert "can no longer be changed" in banner(response)
    response = client.post(transition_url(submission, "submit"), date_fields("event_date", TODAY), follow=True)
    assert banner(response) == "You cannot check and send to the panel now: the submission is submitted."


def test_a_covering_note_can_be_cleared(client, sign_in, chair_a, secretariat):
    submission = submission_in("draft", chair_a, secretariat)
    PanelSubmission.objects.filter(pk=submission.pk).update(covering_note="An old note.")
    sign_in(chair_a)
    assert "An old note." in client.get(note_url(submission)).text
    response = client.post(note_url(submission), {"covering_note": ""})
    assert response["Location"] == page_url(submission)
    assert reload(submission).covering_note == ""


def test_an_incomplete_submission_is_refused_with_the_list_and_nothing_saved(client, sign_in, chair_a, secretariat):
    submission = submission_in("draft", chair_a, secretariat)
    Incident.objects.filter(pk=submission.decision.incident_id).update(outline="")
    sign_in(chair_a)
    check = client.get(transition_url(submission, "submit")).text
    assert "You cannot send it yet" in check and "<li>An outline of what happened</li>" in check
    assert "Accept and send to the panel" not in check
    response = client.post(transition_url(submission, "submit"), date_fields("event_date", TODAY))
    assert response.status_code == 200
    assert error_summary(response) == ["An outline of what happened"]
    assert "The submission was not sent" in response.text
    submission = reload(submission)
    assert (submission.state, submission.first_submitted_on) == ("draft", None)
    assert not AuditEntry.objects.for_object(submission).exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({}, "Enter the date the submission was sent"),
        (date_fields("event_date", date(2015, 2, 11)), "must be today or in the past"),
        (date_fields("event_date", date(2015, 2, 1)), "cannot be sent before the decision"),
    ],
)
def test_a_bad_sending_date_is_a_field_error(client, sign_in, chair_a, secretariat, post, message):
    submission = submission_in("draft", chair_a, secretariat)
    sign_in(chair_a)
    response = client.post(transition_url(submission, "submit"), post)
    assert any(message in error for error in field_errors(response, "event_date")), field_errors(response, "event_date")
    assert any(message in error for error in error_summary(response))
    assert reload(submission).state == "draft"


# --- Transition pages ---------------------------------------------------------------------------


@pytest.fixture
def meeting(secretariat):
    return meeting_create(actor=secretariat, meets_on=date(2015, 2, 12))


def test_the_secretariat_schedules_a_submission(client, sign_in, chair_a, secretariat, meeting):
    submission = submission_in("submitted", chair_a, secretariat)
    past = meeting_arranged(secretariat, date(2015, 1, 15))  # before it was sent
    sign_in(secretariat)
    form = client.get(transition_url(submission, "schedule")).text
    assert "Thursday 12 February 2015" in form and "15 January 2015" not in form
    response = client.post(
        transition_url(submission, "schedule"),
        {**date_fields("event_date", date(2015, 2, 5)), "meeting": str(past.pk)},
    )
    assert field_errors(response, "meeting") == ["Select one of the meetings listed"]
    response = client.post(
        transition_url(submission, "schedule"),
        {**date_fields("event_date", date(2015, 2, 5)), "meeting": str(meeting.pk)},
        follow=True,
    )
    assert banner(response) == "Scheduled for the panel meeting on 12 February 2015"
    submission = reload(submission)
    assert (submission.state, submission.meeting) == ("scheduled", meeting)


def test_schedule_without_meetings_says_so(client, sign_in, chair_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    page = client.get(transition_url(submission, "schedule")).text
    assert "There are no meetings to choose from" in page and f'href="{MEETINGS}"' in page
    response = client.post(transition_url(submission, "schedule"), date_fields("event_date", date(2015, 2, 5)))
    assert field_errors(response, "meeting") == ["Select the meeting"]
    assert reload(submission).state == "submitted"


@pytest.mark.parametrize(
    ("advice", "state", "outcome"),
    [
        (Advice.AGREE, "closed", "agreed"),
        (Advice.DISAGREE, "awaiting_board_response", "pending_board_response"),
        (Advice.FURTHER_INFORMATION_REQUESTED, "awaiting_information", "awaiting_information"),
    ],
)
def test_a_panel_member_records_advice(client, sign_in, panel_member, chair_a, secretariat, advice, state, outcome):
    submission = submission_in("scheduled", chair_a, secretariat, meets_on=date(2015, 2, 9))  # held yesterday
    sign_in(panel_member)
    form = client.get(transition_url(submission, "record_advice")).text
    assert "Agree with the decision" in form and "Further information requested" in form
    assert "agree_not_publish" not in form  # only the advice of this kind
    response = client.post(
        transition_url(submission, "record_advice"),
        {**date_fields("event_date", date(2015, 2, 8)), "advice": advice, "reasons": "Fictional reasons."},
    )
    assert field_errors(response, "event_date") == [  # the day before the meeting it is on
        "The advice is recorded as given at the panel meeting on 9 February 2015: it cannot be dated before the meeting"
    ]
    assert not SubmissionEvent.objects.filter(submission=submission).exists()
    response = client.post(
        transition_url(submission, "record_advice"),
        {**date_fields("event_date", date(2015, 2, 9)), "advice": advice, "reasons": "Fictional reasons."},
        follow=True,
    )
    assert response.redirect_chain == [(page_url(submission), 302)]
    assert banner(response).startswith("Advice recorded")
    submission = reload(submission)
    assert (submission.state, submission.outcome) == (state, outcome)
    event = SubmissionEvent.objects.get(submission=submission)
    assert (event.what, event.value, event.text, event.recorded_by) == (
        "advice",
        advice,
        "Fictional reasons.",
        panel_member,
    )
    if advice == Advice.FURTHER_INFORMATION_REQUESTED:
        assert submission.information_due == date(2015, 3, 9)  # one month by default
        assert "by 9 March 2015" in banner(response)


def test_the_panel_may_set_the_reply_date(client, sign_in, chair_a, secretariat):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    client.post(
        transition_url(submission, "record_advice"),
        {
            **date_fields("event_date", date(2015, 2, 9)),
            "advice": Advice.FURTHER_INFORMATION_REQUESTED,
            "reasons": "Send the post-mortem report.",
            **date_fields("information_due", date(2015, 2, 27)),
        },
    )
    assert reload(submission).information_due == date(2015, 2, 27)


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"advice": ""}, "advice", "Select the panel's advice"),
        ({"advice": "agree_not_publish"}, "advice", "Select the panel's advice"),
        ({"reasons": ""}, "reasons", "Give the panel's reasons"),
        (
            date_fields("information_due", date(2015, 3, 9)),
            "information_due",
            "only when asking for further information",
        ),
        (
            {"information_due_0": "31", "information_due_1": "2", "information_due_2": "2015"},
            "information_due",
            "real date",
        ),
        (date_fields("event_date", date(2015, 2, 2)), "event_date", "previous event"),
    ],
)
def test_bad_advice_shows_field_errors_and_saves_nothing(client, sign_in, chair_a, secretariat, post, field, message):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    data = {**date_fields("event_date", date(2015, 2, 9)), "advice": Advice.AGREE, "reasons": "Fictional."}
    data.update(post)
    response = client.post(transition_url(submission, "record_advice"), data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert any(message in error for error in error_summary(response))
    assert "(error)" in response.text
    submission = reload(submission)
    assert (submission.state, submission.outcome) == ("submitted", "not_yet_advised")
    assert not SubmissionEvent.objects.exists()
    assert AuditEntry.objects.for_object(submission).count() == 1  # the submit only


def test_the_board_provides_further_information(client, sign_in, staff_a, chair_a, secretariat):
    submission = submission_in("awaiting_information", chair_a, secretariat)
    sign_in(staff_a)
    form = client.get(transition_url(submission, "provide_information")).text
    assert "Further information requested" in form and "Fictional panel reasons." in form  # what was asked
    response = client.post(transition_url(submission, "provide_information"), date_fields("event_date", TODAY))
    assert field_errors(response, "information") == ["Enter the information for the panel"]
    response = client.post(
        transition_url(submission, "provide_information"),
        {**date_fields("event_date", TODAY), "information": "The post-mortem report is attached."},
        follow=True,
    )
    assert banner(response).startswith("Information sent")
    assert reload(submission).state == "submitted"
    assert SubmissionEvent.objects.filter(what="information", text="The post-mortem report is attached.").exists()


def test_the_chair_accepts_the_panels_advice_and_an_scr_is_initiated(client, sign_in, chair_a, secretariat):
    submission = submission_in("awaiting_board_response", chair_a, secretariat)
    incident = submission.decision.incident
    sign_in(chair_a)
    form = client.get(transition_url(submission, "record_board_response")).text
    assert "Panel advice of 4 February 2015" in form and "Disagree" in form
    response = client.post(
        transition_url(submission, "record_board_response"),
        {**date_fields("event_date", TODAY), "response": "accepted"},
        follow=True,
    )
    assert banner(response) == "Response recorded. Outcome: SCR initiated after advice"
    assert (reload(submission).state, reload(submission).outcome) == ("closed", "scr_initiated_after_advice")
    current = Decision.objects.filter(incident=incident).order_by("-pk").first()
    assert (current.decision, current.following_panel_advice, current.decided_on) == ("initiate_scr", True, TODAY)
    case_page = client.get(case_url(incident)).text
    assert "Current decision: Initiate a Serious Case Review" in case_page
    assert "Initiated following the panel&#x27;s advice" in case_page


def test_a_response_other_than_accepting_needs_an_explanation(client, sign_in, chair_a, secretariat):
    submission = submission_in("awaiting_board_response", chair_a, secretariat)
    sign_in(chair_a)
    response = client.post(
        transition_url(submission, "record_board_response"),
        {**date_fields("event_date", TODAY), "response": "further_explanation"},
    )
    assert field_errors(response, "explanation") == ["Explain the board's position to the panel"]
    response = client.post(transition_url(submission, "record_board_response"), date_fields("event_date", TODAY))
    assert field_errors(response, "response") == ["Select the board's response"]
    assert reload(submission).state == "awaiting_board_response"
    assert not SubmissionEvent.objects.filter(what="board_response").exists()


@pytest.mark.parametrize(
    ("view", "outcome"), [("satisfied", "satisfied_after_explanation"), ("not_satisfied", "advice_not_accepted")]
)
def test_the_panel_records_its_view(client, sign_in, panel_member, chair_a, secretariat, view, outcome):
    submission = submission_in("awaiting_panel_view", chair_a, secretariat)
    sign_in(panel_member)
    form = client.get(transition_url(submission, "record_panel_view")).text
    assert "The board&#x27;s fictional explanation." in form
    response = client.post(
        transition_url(submission, "record_panel_view"),
        {**date_fields("event_date", TODAY), "view": view},
    )
    assert field_errors(response, "reasons") == ["Give the panel's reasons"]
    client.post(
        transition_url(submission, "record_panel_view"),
        {**date_fields("event_date", TODAY), "view": view, "reasons": "Fictional."},
    )
    assert (reload(submission).state, reload(submission).outcome) == ("closed", outcome)


def test_the_chair_withdraws_a_submission(client, sign_in, chair_a, secretariat):
    submission = submission_in("scheduled", chair_a, secretariat)
    sign_in(chair_a)
    response = client.post(transition_url(submission, "withdraw"), date_fields("event_date", TODAY))
    assert field_errors(response, "reason") == ["Enter the reason"]
    response = post_and_confirm(
        client,
        transition_url(submission, "withdraw"),
        {**date_fields("event_date", TODAY), "reason": "The board reconsidered its decision."},
        follow=True,
    )
    assert banner(response) == "Submission withdrawn"
    assert reload(submission).state == "withdrawn"
    entry = AuditEntry.objects.for_object(submission).order_by("-pk").first()
    assert (entry.transition, entry.reason) == ("withdraw", "The board reconsidered its decision.")


@pytest.mark.parametrize(
    ("state", "name", "persona"),
    [
        ("closed", "record_advice", "secretariat"),
        ("scheduled", "schedule", "secretariat"),
        ("submitted", "provide_information", "chair_a"),
        ("closed", "withdraw", "chair_a"),
        ("submitted", "record_panel_view", "panel_member"),
    ],
)
def test_transition_in_the_wrong_state_redirects_with_a_message(
    request, client, sign_in, chair_a, secretariat, state, name, persona
):
    submission = submission_in(state, chair_a, secretariat)
    audit_before = AuditEntry.objects.count()
    sign_in(request.getfixturevalue(persona))
    post = {**date_fields("event_date", TODAY), "reason": "x", "information": "x", "advice": "agree"}
    for response in (client.get(transition_url(submission, name)), client.post(transition_url(submission, name), post)):
        assert response.status_code == 302
        assert response["Location"] == page_url(submission)
    message = banner(client.get(page_url(submission)))
    assert message.startswith("You cannot ") and f"the submission is {state.replace('_', ' ')}" in message
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    "refusal",
    [
        NotAllowedInState("record_advice", "closed", ["submitted", "scheduled"]),
        Blocked("record_advice", "submitted", ["The panel has not met yet"]),
    ],
)
def test_a_refusal_from_the_service_is_a_message_not_a_500(client, sign_in, chair_a, secretariat, monkeypatch, refusal):
    """Someone else may advise between the page loading and the form being sent."""
    submission = submission_in("submitted", chair_a, secretariat)

    def refuse(**kwargs):
        raise refusal

    page = views.TRANSITION_PAGES["record_advice"]
    monkeypatch.setitem(views.TRANSITION_PAGES, "record_advice", replace(page, run=refuse))
    sign_in(secretariat)
    response = client.post(
        transition_url(submission, "record_advice"),
        {**date_fields("event_date", TODAY), "advice": "agree", "reasons": "x"},
        follow=True,
    )
    assert response.redirect_chain == [(page_url(submission), 302)]
    assert banner(response).startswith("You cannot record the panel's advice now")


# --- Lists --------------------------------------------------------------------------------------


def test_the_board_sees_its_own_submissions_with_their_outcome(client, sign_in, staff_a, chair_a, chair_b, secretariat):
    ours = submission_in("awaiting_board_response", chair_a, secretariat)
    draft = submission_in("draft", chair_a, secretariat)
    theirs = submission_in("submitted", chair_b, secretariat)
    sign_in(staff_a)
    page = client.get(LIST).text
    assert page_url(ours) in page and page_url(draft) in page and page_url(theirs) not in page
    assert "Pending the board&#x27;s response" in page and "Not sent: due 16 Feb 2015" in page
    assert page.index(page_url(draft)) < page.index(page_url(ours))  # drafts first
    assert '<th scope="col" class="govuk-table__header">Board</th>' not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"state": "submitted"}, ["submitted"], ["closed", "awaiting"]),
        ({"state": "closed"}, ["closed"], ["submitted", "awaiting"]),
        ({"outcome": "agreed"}, ["closed"], ["submitted", "awaiting"]),
        ({"outcome": "awaiting_information"}, ["awaiting"], ["submitted", "closed"]),
        ({"state": "submitted", "outcome": "agreed"}, [], ["submitted", "closed", "awaiting"]),
    ],
)
def test_the_panel_filters_submissions(
    client, sign_in, panel_member, chair_a, chair_b, secretariat, query, shown, hidden
):
    submissions = {
        "submitted": submission_in("submitted", chair_a, secretariat),
        "closed": submission_in("closed", chair_b, secretariat),
        "awaiting": submission_in("awaiting_information", chair_b, secretariat),
    }
    sign_in(panel_member)
    page = client.get(LIST, query)
    assert page.status_code == 200 and "govuk-error-summary" not in page.text
    for key in shown:
        assert page_url(submissions[key]) in page.text, key
    for key in hidden:
        assert page_url(submissions[key]) not in page.text, key


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"state": "draft"}, "state", "Choose a state from the list"),  # the panel never sees drafts
        ({"outcome": "'; drop table"}, "outcome", "Choose an outcome from the list"),
    ],
)
def test_bad_filters_are_field_errors_and_ignored(
    client, sign_in, panel_member, chair_a, secretariat, query, field, message
):
    submission = submission_in("submitted", chair_a, secretariat)
    sign_in(panel_member)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert field_errors(response, field) == [message]
    assert page_url(submission) in response.text


def test_the_submissions_list_is_paginated(client, sign_in, secretariat, chair_a):
    submissions = [submission_in("submitted", chair_a, secretariat) for _ in range(27)]
    sign_in(secretariat)
    first = client.get(LIST).text
    assert "Showing 1 to 25 of 27 submissions" in first
    assert 'aria-label="Pages of submissions"' in first and 'href="?page=2" rel="next"' in first
    second = client.get(LIST, {"page": "2"}).text
    assert "Showing 26 to 27 of 27 submissions" in second
    assert page_url(submissions[0]) in second and page_url(submissions[-1]) not in second


ROW_LINK = '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/panel/submissions/'


@pytest.mark.parametrize("n", [5, 50])
def test_submissions_list_query_count_does_not_grow(
    client, sign_in, secretariat, chair_a, django_assert_max_num_queries, n
):
    for _ in range(n):
        submission_in("submitted", chair_a, secretariat)
    sign_in(secretariat)
    with django_assert_max_num_queries(8 + 1):  # + 1: the page's access events, one INSERT
        response = client.get(LIST)
    assert response.text.count(ROW_LINK) == min(n, 25)


# --- Meetings -----------------------------------------------------------------------------------


def test_the_secretariat_arranges_a_meeting(client, sign_in, secretariat):
    sign_in(secretariat)
    page = client.get(MEETINGS).text
    assert "No meeting is arranged." in page and "Arrange a meeting" in page
    response = client.post(MEETINGS, date_fields("meets_on", date(2015, 3, 12)), follow=True)
    meeting = PanelMeeting.objects.get()
    assert response.redirect_chain == [(meeting_url(meeting), 302)]
    assert banner(response) == "Meeting arranged for 12 March 2015"
    assert (meeting.meets_on, meeting.created_by) == (date(2015, 3, 12), secretariat)
    assert "Thursday 12 March 2015" in client.get(MEETINGS).text

    response = client.post(MEETINGS, date_fields("meets_on", date(2015, 3, 12)))
    assert field_errors(response, "meets_on") == ["There is already a meeting on that date"]
    response = client.post(MEETINGS, {"meets_on_0": "31", "meets_on_1": "4", "meets_on_2": "2015"})
    assert field_errors(response, "meets_on") == ["The date of the meeting must be a real date"]
    assert PanelMeeting.objects.count() == 1


@pytest.mark.parametrize("meets_on", [date(2014, 1, 15), date(2015, 2, 9)])  # years ago, and yesterday
def test_a_meeting_is_not_arranged_in_the_past(client, sign_in, secretariat, meets_on):
    sign_in(secretariat)
    response = client.post(MEETINGS, date_fields("meets_on", meets_on))
    message = (
        "A meeting is arranged for today or later: enter 10 February 2015 or a later date "
        "(a meeting already held is recorded with who was present or its minutes)"
    )
    assert field_errors(response, "meets_on") == [message]
    assert message in error_summary(response)
    assert not PanelMeeting.objects.exists()
    response = client.post(MEETINGS, date_fields("meets_on", TODAY), follow=True)
    assert banner(response) == "Meeting arranged for 10 February 2015"


def test_a_panel_member_reads_meetings_but_arranges_none(client, sign_in, panel_member, chair_a, secretariat):
    submission = submission_in("scheduled", chair_a, secretariat)
    sign_in(panel_member)
    page = client.get(MEETINGS).text
    assert meeting_url(submission.meeting) in page and "Arrange a meeting" not in page
    assert client.post(MEETINGS, date_fields("meets_on", date(2015, 3, 12))).status_code == 403
    assert client.get(meeting_url(submission.meeting)).status_code == 200
    assert client.post(meeting_url(submission.meeting), {"minutes": "x"}).status_code == 403
    assert PanelMeeting.objects.count() == 1


def test_the_agenda_shows_each_case_with_its_key_facts_and_flags(
    client, sign_in, panel_member, chair_a, chair_b, secretariat
):
    ours = submission_in("scheduled", chair_a, secretariat)
    theirs = submission_in("scheduled", chair_b, secretariat)
    elsewhere = submission_in("scheduled", chair_a, secretariat, meets_on=date(2015, 3, 12))
    sign_in(panel_member)
    page = client.get(meeting_url(ours.meeting)).text
    agenda = page[page.index('id="agenda"') : page.index('id="attendance"')]
    assert page_url(ours) in agenda and page_url(theirs) in agenda and page_url(elsewhere) not in agenda
    assert agenda.index("Alphaford") < agenda.index("Betaby")  # by board
    assert ours.decision.incident.reference in agenda and "Death, age 4" in agenda
    assert "Incident 5 Jan 2015" in agenda and "Post-mortem: pending" in agenda
    assert agenda.count("Premature") == 2 and agenda.count("Delay 28 days") == 2
    assert "Scheduled" in agenda and "Not yet advised" in agenda
    assert "Attendance and minutes are recorded once the meeting has taken place" in page


def test_the_secretariat_records_attendance_and_minutes(client, sign_in, secretariat, panel_member, chair_a):
    with time_machine.travel(datetime(2015, 2, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        meeting = meeting_create(actor=secretariat, meets_on=date(2015, 2, 5))
    sign_in(secretariat)
    page = client.get(meeting_url(meeting)).text
    assert "Panel Member (panel member)" in page and "Chair of A" not in page
    response = client.post(meeting_url(meeting), {"members_present": [str(chair_a.pk)], "minutes": "x"})
    assert field_errors(response, "members_present") == ["Select only the people listed"]
    response = client.post(
        meeting_url(meeting),
        {"members_present": [str(panel_member.pk), str(secretariat.pk)], "minutes": "Two cases considered."},
        follow=True,
    )
    assert banner(response) == "Attendance and minutes saved"
    meeting.refresh_from_db()
    assert set(meeting.members_present.all()) == {panel_member, secretariat}
    assert meeting.minutes == "Two cases considered."
    assert "Two cases considered." in response.text


def test_no_attendance_before_the_meeting(client, sign_in, secretariat):
    meeting = meeting_create(actor=secretariat, meets_on=date(2015, 3, 12))
    sign_in(secretariat)
    assert 'name="minutes"' not in client.get(meeting_url(meeting)).text
    response = client.post(meeting_url(meeting), {"minutes": "Too early."}, follow=True)
    assert "once the meeting has taken place" in banner(response)
    meeting.refresh_from_db()
    assert meeting.minutes == ""


@pytest.mark.parametrize("n", [5, 50])
def test_agenda_query_count_does_not_grow(
    client, sign_in, panel_member, chair_a, secretariat, django_assert_max_num_queries, n
):
    for _ in range(n):
        submission_in("scheduled", chair_a, secretariat)
    meeting = PanelMeeting.objects.get()
    sign_in(panel_member)
    # Sign-in checks and the session (6 with its save), the meeting, its agenda, who was present.
    with django_assert_max_num_queries(9 + 1):  # + 1: the page's access events, one INSERT
        response = client.get(meeting_url(meeting))
    assert response.text.count(ROW_LINK) == n


# --- Dashboards and the case page ---------------------------------------------------------------


def test_panel_member_dashboard(client, sign_in, panel_member, chair_a, chair_b, secretariat):
    scheduled = submission_in("scheduled", chair_a, secretariat)
    submitted = submission_in("submitted", chair_b, secretariat)
    explained = submission_in("awaiting_panel_view", chair_a, secretariat)
    closed = submission_in("closed", chair_b, secretariat)
    sign_in(panel_member)
    page = client.get(DASHBOARD).text
    meeting = page[page.index('id="next-meeting"') : page.index('id="awaiting-advice"')]
    assert "Thursday 12 February 2015" in meeting and "1 submission on the agenda" in meeting
    assert page_url(scheduled) in meeting and page_url(submitted) not in meeting
    advice = page[page.index('id="awaiting-advice"') : page.index('id="awaiting-view"')]
    assert page_url(scheduled) in advice and page_url(submitted) in advice and page_url(closed) not in advice
    view = page[page.index('id="awaiting-view"') : page.index('id="information-overdue"')]
    assert page_url(explained) in view and page_url(scheduled) not in view


def test_secretariat_dashboard(client, sign_in, secretariat, chair_a, chair_b, board_a, board_b):
    to_schedule = submission_in("submitted", chair_a, secretariat)
    scheduled = submission_in("scheduled", chair_b, secretariat)
    overdue = submission_in("awaiting_information", chair_b, secretariat)
    SubmissionEvent.objects.filter(submission=overdue).update(information_due=date(2015, 2, 9))
    PanelSubmission.objects.filter(pk=overdue.pk).update(information_due=date(2015, 2, 9))
    sign_in(secretariat)
    page = client.get(DASHBOARD).text
    queue = page[page.index('id="to-schedule"') : page.index('id="next-meeting"')]
    assert page_url(to_schedule) in queue and page_url(scheduled) not in queue
    assert page_url(scheduled) in page[page.index('id="next-meeting"') : page.index('id="information-overdue"')]
    assert page_url(overdue) in page[page.index('id="information-overdue"') :]
    assert board_a.name in page and board_b.name in page


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_board_dashboard_lists_open_submissions_with_their_outcome(
    request, client, sign_in, persona, chair_a, secretariat
):
    sign_in(request.getfixturevalue(persona))
    assert "Your board has no open submissions" in client.get(DASHBOARD).text
    open_one = submission_in("awaiting_board_response", chair_a, secretariat)
    closed = submission_in("closed", chair_a, secretariat)
    page = client.get(DASHBOARD).text
    section = page[page.index('id="submissions"') :]
    assert page_url(open_one) in section and "Pending the board&#x27;s response" in section
    assert page_url(closed) not in section


def test_case_page_links_to_its_submission(client, sign_in, chair_a, panel_member, secretariat):
    submission = submission_in("awaiting_board_response", chair_a, secretariat)
    incident = submission.decision.incident
    for user in (chair_a, panel_member):
        sign_in(user)
        page = client.get(case_url(incident)).text
        assert f'href="{page_url(submission)}"' in page
        assert "Send the case to the national panel" in page and "In progress" in page
        assert "Sent on 3 February 2015. Awaiting the board&#x27;s response" in page
        assert "Pending the board&#x27;s response" not in page  # the outcome would only say the state again
    # The panel comes back to the submission, not to a case list it does not have.
    assert reverse("incidents:list") not in page


def test_the_case_of_a_draft_submission_links_to_it_for_the_board(client, sign_in, chair_a, secretariat):
    submission = submission_in("draft", chair_a, secretariat)
    sign_in(chair_a)
    page = client.get(case_url(submission.decision.incident)).text
    assert f'href="{page_url(submission)}"' in page and "Due by 16 February 2015" in page
