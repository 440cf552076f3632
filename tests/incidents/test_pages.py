"""The case pages: logging a SIN, the case page, its transitions, the case list and the dashboards."""

import re
from dataclasses import replace
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from incidents import views
from incidents.choices import IncidentState
from incidents.dashboard import DASHBOARD_CASES
from incidents.models import INCIDENT_TRANSITIONS, Incident
from reviews.choices import RATIONALE_LIMBS, DecisionKind
from reviews.models import Decision
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState
from tests.check_answers import post_and_confirm
from tests.workflow import case_in, decide, notified, reconsidered, settle_submission

TODAY = date(2015, 2, 10)
LIST = reverse("incidents:list")
DASHBOARD = reverse("accounts:dashboard")
START = reverse("incidents:sin_start")
CHECK = reverse("incidents:sin_check")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 2, 10, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def case_url(incident) -> str:
    return reverse("incidents:case", args=[incident.public_id])


def transition_url(incident, name: str) -> str:
    return reverse("incidents:transition", args=[incident.public_id, name])


def step_url(slug: str) -> str:
    return reverse("incidents:sin_step", args=[slug])


def date_fields(name: str, day) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def banner(response) -> str:
    match = re.search(r'class="govuk-notification-banner__heading">(.*?)</p>', response.text, re.S)
    return unescape(match.group(1).strip()) if match else ""


def error_summary(response) -> list[str]:
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.text, re.S)
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []
    return [unescape(re.sub(r"<[^>]+>", "", item).strip()) for item in items]


ERROR = re.compile(
    r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>(.*?)</span>', re.S
)


def field_errors(response, field: str) -> list[str]:
    """The messages shown beside one field: those inside its form group."""
    assert f'id="div_id_{field}"' in response.text, f"no form group for {field}"
    group = response.text.split(f'id="div_id_{field}"')[1].split('id="div_id_')[0]
    return [unescape(message.strip()) for message in ERROR.findall(group)]


def decision_post(**overrides) -> dict:
    data = {
        **date_fields("event_date", date(2015, 2, 2)),
        "decision": DecisionKind.NOT_INITIATE,
        "subgroup_recommendation": "none",
        **{f"rationale_{limb.value}": f"Rationale for {limb.value}" for limb in RATIONALE_LIMBS},
    }
    data.update(overrides)
    return data


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair_a", "staff_a"])
def test_board_users_reach_every_case_page(request, client, sign_in, persona, chair_a):
    user = request.getfixturevalue(persona)
    cases = {state: case_in(state, chair_a) for state in IncidentState.values}
    sign_in(user)
    assert client.get(LIST).status_code == 200
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(START, follow=True).status_code == 200
    for incident in cases.values():
        page = client.get(case_url(incident))
        assert page.status_code == 200
        assert f"{incident.reference}: {incident.child_pseudonym}" in page.text


@pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
def test_panel_and_administrators_get_no_case_pages(request, client, sign_in, persona, chair_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(request.getfixturevalue(persona))
    for url in (
        LIST,
        START,
        step_url("child"),
        CHECK,
        case_url(incident),
        transition_url(incident, "refer_to_subgroup"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(step_url("child"), {"child_pseudonym": "Child X"}).status_code == 404
    assert client.post(CHECK).status_code == 404
    assert "Cases" not in [item["text"] for item in client.get(DASHBOARD).context["navigation_items"]]


@pytest.mark.parametrize("persona", ["chair_b", "staff_b"])
def test_another_boards_case_is_not_found_anywhere(request, client, sign_in, persona, chair_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(request.getfixturevalue(persona))
    assert client.get(case_url(incident)).status_code == 404
    for name in INCIDENT_TRANSITIONS:
        assert client.get(transition_url(incident, name)).status_code == 404, name
        assert client.post(transition_url(incident, name), decision_post()).status_code == 404, name
    listing = client.get(LIST, {"q": incident.reference})
    assert listing.status_code == 200
    assert "No cases match these filters" in listing.text and case_url(incident) not in listing.text
    assert incident.reference not in client.get(LIST).text
    assert incident.reference not in client.get(DASHBOARD).text
    assert AuditEntry.objects.count() == 1  # the notification only; nothing was run


def test_unknown_transition_is_not_found(client, sign_in, chair_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(chair_a)
    assert client.get(transition_url(incident, "publish")).status_code == 404
    assert client.post(transition_url(incident, "delete")).status_code == 404


def test_staff_cannot_open_a_chairs_transition(client, sign_in, chair_a, staff_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(staff_a)
    for name in ("record_decision", "withdraw"):
        assert client.get(transition_url(incident, name)).status_code == 403
        response = client.post(transition_url(incident, name), decision_post(reason="Duplicate"))
        assert response.status_code == 403
        assert "You cannot do this" in response.text
    assert not Decision.objects.exists()


# --- The case page ------------------------------------------------------------------------------


def test_buttons_follow_role_and_state(client, sign_in, chair_a, staff_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(staff_a)
    page = client.get(case_url(incident)).text
    assert f'href="{transition_url(incident, "refer_to_subgroup")}"' in page
    assert transition_url(incident, "record_decision") not in page
    assert transition_url(incident, "withdraw") not in page
    assert transition_url(incident, "notify") not in page

    sign_in(chair_a)
    page = client.get(case_url(incident)).text
    for name in ("refer_to_subgroup", "record_decision", "withdraw"):
        assert f'href="{transition_url(incident, name)}"' in page
    for name in ("notify", "reconsider", "close"):
        assert transition_url(incident, name) not in page


def test_case_page_shows_summary_task_list_clocks_decision_and_flags(client, sign_in, chair_a):
    incident = case_in(IncidentState.DECIDED, chair_a)  # decided on 2 Feb with the post-mortem pending
    sign_in(chair_a)
    page = client.get(case_url(incident)).text
    # Summary list with human labels.
    assert '<dt class="govuk-summary-list__key">Pseudonym</dt>' in page
    assert "Subject of a child in need plan" in page and "Investigation ongoing" in page
    assert "5 January 2015" in page and "SIN received by the LSCB" in page
    # Task list: done, skipped, and the next stage waiting honestly.
    assert page.count('class="govuk-task-list__item') == 5
    assert "Send the case to the national panel" in page
    assert '<strong class="govuk-tag govuk-tag--blue">Not yet started</strong>' in page
    # Clocks: names in words, status, days, RAG as text.
    assert "SIN notification (5 working days" in page
    assert "Initiation decision (1 month" in page
    assert "Send to the national panel (14 days" in page
    assert "16 Feb 2015" in page and "6 days left" in page
    assert "Amber: due soon" in page
    # Decision with its rationale per limb, and flags as tags.
    assert "Current decision: Do not initiate a Serious Case Review" in page
    for limb in RATIONALE_LIMBS:
        assert f"Rationale: {limb.label}" in page
    assert '<strong class="govuk-tag govuk-tag--orange">Premature</strong>' in page
    assert "Delay 28 days" in page
    assert ">Late<" not in page


def test_missed_clock_is_red_with_days_late(client, sign_in, chair_a):
    incident = case_in(IncidentState.DRAFT, chair_a)  # SIN clock due 13 Jan, not yet received
    sign_in(chair_a)
    page = client.get(case_url(incident)).text
    assert "28 days late" in page and "Red: overdue" in page
    assert "Cannot start yet" in page


def test_timeline_shows_every_audit_entry(client, sign_in, chair_a):
    incident = notified(chair_a)
    decide(chair_a, incident, decided_on=date(2015, 2, 2))
    reconsidered(chair_a, incident, on=date(2015, 2, 3))
    decide(chair_a, incident, decision=DecisionKind.INITIATE_SCR, decided_on=date(2015, 2, 5))
    sign_in(chair_a)
    page = client.get(case_url(incident)).text
    timeline = page[page.index('id="timeline"') :]
    entries = AuditEntry.objects.for_object(incident)
    assert entries.count() == 4
    assert timeline.count('<tr class="govuk-table__row">') == 1 + entries.count()  # header row + one per entry
    for words in ("SIN received and notified", "Decision recorded", "Decision reopened", "New information"):
        assert words in timeline
    assert "Draft to Notified" in timeline and "Decided to Under consideration" in timeline
    assert "Chair of A" in timeline and "Board chair" in timeline
    assert "3 Feb 2015" in timeline and "10 Feb 2015, 12:00" in timeline
    # Current decision first, the earlier one kept.
    assert page.index("Current decision: Initiate a Serious Case Review") < page.index(
        "Earlier decision: Do not initiate"
    )


# --- Transition pages ---------------------------------------------------------------------------


def test_staff_records_the_notification(client, sign_in, chair_a, staff_a):
    incident = case_in(IncidentState.DRAFT, chair_a)
    sign_in(staff_a)
    form = client.get(transition_url(incident, "notify"))
    assert form.status_code == 200
    assert "When did the LSCB receive the serious incident notification?" in form.text
    response = client.post(
        transition_url(incident, "notify"),
        {**date_fields("event_date", date(2015, 1, 9)), **date_fields("ofsted_notified_on", date(2015, 1, 8))},
        follow=True,
    )
    assert response.redirect_chain == [(case_url(incident), 302)]
    assert banner(response).startswith("Notification recorded")
    incident.refresh_from_db()
    assert (incident.state, incident.received_on, incident.ofsted_notified_on) == (
        IncidentState.NOTIFIED,
        date(2015, 1, 9),
        date(2015, 1, 8),
    )


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({}, "event_date", "Enter the date the board received the notification"),
        ({"event_date_0": "9", "event_date_2": "2015"}, "event_date", "must include a month"),
        ({"event_date_2": "2015"}, "event_date", "must include a day and month"),
        ({"event_date_0": "30", "event_date_1": "2", "event_date_2": "2015"}, "event_date", "must be a real date"),
        ({"event_date_0": "a", "event_date_1": "2", "event_date_2": "2015"}, "event_date", "must be a real date"),
        ({"event_date_0": "9", "event_date_1": "1", "event_date_2": "26"}, "event_date", "must include 4 numbers"),
        ({**date_fields("event_date", date(2015, 3, 1))}, "event_date", "must be today or in the past"),
        # The service's own rule, shown beside the field it is about.
        ({**date_fields("event_date", date(2015, 1, 5))}, "event_date", "before the local authority was aware"),
        ({**date_fields("ofsted_notified_on", date(2015, 1, 1))}, "ofsted_notified_on", "before the local authority"),
    ],
)
def test_bad_notification_input_shows_field_errors_and_saves_nothing(client, sign_in, chair_a, post, field, message):
    incident = case_in(IncidentState.DRAFT, chair_a)
    data = {**date_fields("event_date", date(2015, 1, 9)), **date_fields("ofsted_notified_on", date(2015, 1, 8))}
    for key in [k for k in data if k.startswith(field)]:
        data.pop(key)
    data.update(post)
    audit_before = AuditEntry.objects.count()
    sign_in(chair_a)
    response = client.post(transition_url(incident, "notify"), data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert any(message in error for error in error_summary(response))
    assert "<title>Record the notification" in response.text and "(error)" in response.text
    incident.refresh_from_db()
    assert incident.state == IncidentState.DRAFT and incident.received_on is None
    assert AuditEntry.objects.count() == audit_before


def test_an_empty_form_is_answered_with_errors(client, sign_in, chair_a):
    incident = case_in(IncidentState.DRAFT, chair_a)
    sign_in(chair_a)
    response = client.post(transition_url(incident, "notify"))
    assert error_summary(response) == [
        "Enter the date the board received the notification",
        "Enter the date Ofsted was notified",
    ]
    incident.refresh_from_db()
    assert incident.state == IncidentState.DRAFT


def test_error_summary_links_reach_real_inputs(client, sign_in, chair_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(chair_a)
    response = client.post(transition_url(incident, "record_decision"), {"event_date_2": "2015"})
    links = re.findall(r'<li><a href="#([^"]+)">', response.text)
    assert links[:3] == ["id_event_date_0", "id_decision_1", f"id_rationale_{RATIONALE_LIMBS[0].value}"]
    for anchor in links:
        assert f'id="{anchor}"' in response.text, anchor


def test_chair_records_a_decision(client, sign_in, chair_a):
    incident = case_in(IncidentState.UNDER_CONSIDERATION, chair_a)
    sign_in(chair_a)
    page = client.get(transition_url(incident, "record_decision")).text
    assert "will be flagged as premature" in page
    response = client.post(
        transition_url(incident, "record_decision"),
        decision_post(
            decision=DecisionKind.INITIATE_SCR,
            subgroup_recommendation=DecisionKind.INITIATE_SCR,
            **date_fields("subgroup_recommended_on", date(2015, 1, 30)),
            alternative_review="",
        ),
        follow=True,
    )
    assert banner(response) == "Decision recorded: initiate a Serious Case Review"
    decision = Decision.objects.get(incident=incident)
    assert decision.decision == DecisionKind.INITIATE_SCR
    assert decision.panel_notified_on == date(2015, 2, 2)
    assert decision.subgroup_recommended_on == date(2015, 1, 30)
    assert decision.rationale == {limb.value: f"Rationale for {limb.value}" for limb in RATIONALE_LIMBS}
    assert "Complete the Serious Case Review (6 months" in response.text


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"decision": ""}, "decision", "Select whether to initiate"),
        ({"rationale_child_died": "  "}, "rationale_child_died", "Enter the rationale for: the child has died"),
        (date_fields("event_date", date(2015, 1, 8)), "event_date", "before the SIN was received"),
        (date_fields("panel_notified_on", date(2015, 2, 3)), "panel_notified_on", "only of a decision to initiate"),
        (date_fields("subgroup_recommended_on", date(2015, 1, 30)), "subgroup_recommended_on", "only with"),
    ],
)
def test_bad_decision_input_saves_nothing(client, sign_in, chair_a, post, field, message):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(chair_a)
    response = client.post(transition_url(incident, "record_decision"), decision_post(**post))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert not Decision.objects.exists()
    incident.refresh_from_db()
    assert incident.state == IncidentState.NOTIFIED


@pytest.mark.parametrize(
    ("state", "name", "post"),
    [
        (IncidentState.NOTIFIED, "notify", {}),
        (IncidentState.DECIDED, "record_decision", decision_post()),
        (IncidentState.DECIDED, "withdraw", {**date_fields("event_date", date(2015, 2, 9)), "reason": "Duplicate"}),
        (IncidentState.NOTIFIED, "close", date_fields("event_date", date(2015, 2, 9))),
        (IncidentState.WITHDRAWN, "reconsider", {**date_fields("event_date", date(2015, 2, 9)), "reason": "New"}),
    ],
)
def test_transition_in_the_wrong_state_redirects_with_a_message(client, sign_in, chair_a, state, name, post):
    incident = case_in(state, chair_a)
    audit_before = AuditEntry.objects.count()
    sign_in(chair_a)
    for response in (client.get(transition_url(incident, name)), client.post(transition_url(incident, name), post)):
        assert response.status_code == 302
        assert response["Location"] == case_url(incident)
    page = client.get(case_url(incident))
    assert banner(page).startswith("You cannot ")
    assert f"the case is {IncidentState(state).label.lower()}" in banner(page)
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    "refusal",
    [
        NotAllowedInState("close", IncidentState.CLOSED, [IncidentState.DECIDED]),
        Blocked("close", IncidentState.DECIDED, ["The panel submission is still open"]),
    ],
)
def test_a_refusal_from_the_service_is_a_message_not_a_500(client, sign_in, chair_a, monkeypatch, refusal):
    """Another person may change the case between the page loading and the form being sent."""
    incident = case_in(IncidentState.DECIDED, chair_a)

    def refuse(**kwargs):
        raise refusal

    monkeypatch.setitem(views.TRANSITION_PAGES, "close", replace(views.TRANSITION_PAGES["close"], run=refuse))
    sign_in(chair_a)
    response = client.post(transition_url(incident, "close"), date_fields("event_date", date(2015, 2, 9)), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(case_url(incident), 302)]
    assert banner(response).startswith("You cannot close the case now")


@pytest.mark.parametrize(
    ("state", "name", "post", "to_state"),
    [
        (
            IncidentState.NOTIFIED,
            "refer_to_subgroup",
            {"comment": "Meeting on 20 Jan"},
            IncidentState.UNDER_CONSIDERATION,
        ),
        (IncidentState.DECIDED, "reconsider", {"reason": "Post-mortem results"}, IncidentState.UNDER_CONSIDERATION),
        (IncidentState.NOTIFIED, "withdraw", {"reason": "Duplicate of AAA-2015-001"}, IncidentState.WITHDRAWN),
        (IncidentState.DECIDED, "close", {}, IncidentState.CLOSED),
    ],
)
def test_each_transition_page_runs_its_service(client, sign_in, chair_a, state, name, post, to_state):
    incident = case_in(state, chair_a)
    if name == "close":
        settle_submission(incident, chair_a)  # closing waits for the panel submission
    sign_in(chair_a)
    assert client.get(transition_url(incident, name)).status_code == 200
    response = post_and_confirm(
        client, transition_url(incident, name), {**date_fields("event_date", date(2015, 2, 9)), **post}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == to_state
    entry = AuditEntry.objects.for_object(incident).order_by("-pk").first()
    assert (entry.transition, entry.event_date) == (name, date(2015, 2, 9))
    assert entry.reason == next(iter(post.values()), "")


def test_a_reason_is_required_to_withdraw(client, sign_in, chair_a):
    incident = case_in(IncidentState.NOTIFIED, chair_a)
    sign_in(chair_a)
    response = client.post(transition_url(incident, "withdraw"), date_fields("event_date", date(2015, 2, 9)))
    assert field_errors(response, "reason") == ["Enter the reason"]
    incident.refresh_from_db()
    assert incident.state == IncidentState.NOTIFIED


# --- Logging a SIN through the question pages ---------------------------------------------------

ANSWERS = {
    "child": {
        "child_pseudonym": "Child Q",
        "age_at_incident": "3",
        "sex": "male",
        "ethnicity": "mixed_white_asian",
        "disability": "no",
        "child_status": ["child_protection_plan", "looked_after"],
    },
    "incident": {
        "nature": "death",
        "harm_types": ["physical", "neglect"],
        "regulation_5": ["abuse_or_neglect", "child_died"],
        **date_fields("incident_on", date(2015, 1, 20)),
        **date_fields("la_aware_on", date(2015, 1, 21)),
    },
    "investigations": {
        "post_mortem": "complete",
        **date_fields("post_mortem_on", date(2015, 2, 2)),
        "police_investigation": "ongoing",
        "criminal_proceedings": "planned",
    },
    "agencies": {"agencies_involved": ["police", "health", "education"], "outline": "A fictional outline."},
}


def test_logging_a_sin_end_to_end(client, sign_in, staff_a):
    sign_in(staff_a)
    response = client.get(START)
    assert response["Location"] == step_url("child")
    for slug, expected_next in (
        ("child", step_url("incident")),
        ("incident", step_url("investigations")),
        ("investigations", step_url("agencies")),
        ("agencies", CHECK),
    ):
        page = client.get(step_url(slug))
        assert page.status_code == 200 and 'class="govuk-back-link"' in page.text
        response = client.post(step_url(slug), ANSWERS[slug])
        assert response.status_code == 302, (slug, error_summary(response))
        assert response["Location"] == expected_next  # answers never travel in the address
    assert not Incident.objects.exists()  # nothing saved before "check your answers"

    check = client.get(CHECK)
    text = check.text
    assert "Check your answers before logging the notification" in text
    for words in ("Child Q", "3 years", "Mixed: White and Asian", "Subject of a child protection plan", "Looked after"):
        assert words in text
    for words in ("20 January 2015", "2 February 2015", "Proceedings expected", "Education and early years"):
        assert words in text
    for slug in ANSWERS:
        assert f'href="{step_url(slug)}#div_id_' in text
    assert text.count(">Change<") == 17

    response = client.post(CHECK, follow=True)
    incident = Incident.objects.get()
    assert response.redirect_chain == [(case_url(incident), 302)]
    assert banner(response) == f"Serious incident notification logged as {incident.reference}"
    assert incident.state == IncidentState.DRAFT and incident.board == staff_a.board and incident.created_by == staff_a
    assert incident.child_status == ["child_protection_plan", "looked_after"]
    assert incident.post_mortem_on == date(2015, 2, 2) and incident.age_at_incident == 3
    assert views.ANSWERS not in client.session
    # Starting again begins with empty pages.
    client.get(START)
    assert 'value="Child Q"' not in client.get(step_url("child")).text


def test_change_link_returns_to_check_your_answers(client, sign_in, chair_a):
    sign_in(chair_a)
    for slug, answers in ANSWERS.items():
        client.post(step_url(slug), answers)
    page = client.get(step_url("child")).text
    assert 'value="Child Q"' in page and 'checked="checked"' in page
    response = client.post(step_url("child"), {**ANSWERS["child"], "child_pseudonym": "Child R"})
    assert response["Location"] == CHECK
    assert "Child R" in client.get(CHECK).text


def test_a_question_page_shows_its_errors_and_keeps_nothing(client, sign_in, chair_a):
    sign_in(chair_a)
    response = client.post(step_url("child"), {"age_at_incident": "18", "child_status": ["bogus"]})
    assert response.status_code == 200
    assert field_errors(response, "child_pseudonym") == ["Enter a pseudonym for the child (never their name)"]
    assert field_errors(response, "age_at_incident") == ["Age must be from 0 to 17"]
    assert field_errors(response, "sex") == ["Select the child's sex"]
    assert len(error_summary(response)) == 6
    assert views.ANSWERS not in client.session
    assert client.get(CHECK)["Location"] == step_url("child")


def test_a_rule_across_pages_is_checked_on_the_page_that_asks(client, sign_in, chair_a):
    sign_in(chair_a)
    client.post(step_url("child"), ANSWERS["child"])
    client.post(step_url("incident"), {**ANSWERS["incident"], "nature": "serious_harm"})
    response = client.post(step_url("investigations"), {**ANSWERS["investigations"], "post_mortem": "pending"})
    assert field_errors(response, "post_mortem") == ["A post-mortem applies only when the child has died"]
    assert field_errors(response, "post_mortem_on") == ["Give a post-mortem date only when the post-mortem is complete"]
    # A later change that breaks an earlier answer sends the user back to that page.
    client.post(
        step_url("investigations"),
        {**ANSWERS["investigations"], "post_mortem": "not_applicable"}
        | {"post_mortem_on_0": "", "post_mortem_on_1": "", "post_mortem_on_2": ""},
    )
    client.post(step_url("agencies"), ANSWERS["agencies"])
    assert client.get(CHECK).status_code == 200
    client.post(step_url("incident"), ANSWERS["incident"])
    client.post(step_url("investigations"), ANSWERS["investigations"])
    client.post(step_url("incident"), {**ANSWERS["incident"], "nature": "serious_harm"})
    assert client.get(CHECK)["Location"] == step_url("investigations")


def test_service_errors_on_save_go_back_to_the_page_that_asked(client, sign_in, chair_a, monkeypatch):
    sign_in(chair_a)
    for slug, answers in ANSWERS.items():
        client.post(step_url(slug), answers)

    def refuse(**kwargs):
        raise InvalidInput({"outline": ["The outline must not name the child"]})

    monkeypatch.setattr(views.services, "incident_create", refuse)
    response = client.post(CHECK)
    assert response["Location"] == step_url("agencies")
    page = client.get(step_url("agencies"))
    assert field_errors(page, "outline") == ["The outline must not name the child"]
    assert error_summary(page) == ["The outline must not name the child"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"incident_on_1": ""}, "incident_on", "The date of the incident must include a month"),
        ({"la_aware_on_0": "31", "la_aware_on_1": "4"}, "la_aware_on", "must be a real date"),
        (date_fields("la_aware_on", date(2015, 1, 19)), "la_aware_on", "cannot have become aware before the incident"),
        (date_fields("incident_on", date(2015, 2, 11)), "incident_on", "must be today or in the past"),
    ],
)
def test_sin_dates_are_checked(client, sign_in, chair_a, dates, field, message):
    sign_in(chair_a)
    response = client.post(step_url("incident"), {**ANSWERS["incident"], **dates})
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)


# --- The case list and the dashboards -----------------------------------------------------------


def make_cases(chair, n: int) -> list[Incident]:
    states = [IncidentState.DRAFT, IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION, IncidentState.DECIDED]
    return [case_in(states[i % len(states)], chair) for i in range(n)]


def test_case_list_shows_the_boards_cases_with_facts(client, sign_in, staff_a, chair_a, chair_b):
    late = notified(chair_a)
    decide(chair_a, late, decided_on=date(2015, 2, 10))  # due 9 Feb: late, and the post-mortem is pending
    draft_case = case_in(IncidentState.DRAFT, chair_a)
    theirs = case_in(IncidentState.DRAFT, chair_b)
    sign_in(staff_a)
    page = client.get(LIST).text
    assert late.reference in page and draft_case.reference in page and theirs.reference not in page
    assert f'href="{case_url(late)}"' in page
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--orange">Premature</strong>' in page
    assert "Delay 36 days" in page
    assert "Red: overdue" in page  # the draft's SIN clock
    assert "24 Feb 2015" in page  # the late case's send-to-panel deadline


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"state": "draft"}, ["draft"], ["decided", "notified"]),
        ({"nature": "serious_harm"}, ["harm"], ["draft", "decided"]),
        ({"year": "2014"}, ["old"], ["draft", "decided"]),
        ({"rag": "amber"}, ["decided"], ["draft", "notified"]),
        ({"rag": "red"}, ["draft", "notified"], ["decided"]),
        ({"flag": "premature"}, ["decided"], ["draft", "notified"]),
        ({"flag": "late"}, [], ["decided", "draft"]),
        ({"q": "-002"}, ["notified"], ["draft", "decided"]),
    ],
)
def test_case_list_filters(client, sign_in, chair_a, query, shown, hidden):
    cases = {
        "draft": case_in(IncidentState.DRAFT, chair_a),
        "notified": case_in(IncidentState.NOTIFIED, chair_a),
        "decided": case_in(IncidentState.DECIDED, chair_a),
        "harm": case_in(IncidentState.DRAFT, chair_a, nature="serious_harm", post_mortem="not_applicable"),
        "old": case_in(IncidentState.DRAFT, chair_a, incident_on=date(2014, 12, 30), la_aware_on=date(2015, 1, 2)),
    }
    sign_in(chair_a)
    page = client.get(LIST, query)
    assert page.status_code == 200 and "govuk-error-summary" not in page.text
    for key in shown:
        assert cases[key].reference in page.text, key
    for key in hidden:
        assert cases[key].reference not in page.text, key


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"state": "nonsense"}, "state", "Choose a state from the list"),
        ({"rag": "purple"}, "rag", "Choose a RAG rating from the list"),
        ({"flag": "'; drop table"}, "flag", "Choose a flag from the list"),
        ({"year": "twenty"}, "year", "Enter the year as 4 numbers, like 2026"),
        ({"year": "99999"}, "year", "Enter a year from 2000 to 2100"),
    ],
)
def test_bad_filters_are_field_errors_and_ignored(client, sign_in, chair_a, query, field, message):
    incident = case_in(IncidentState.DRAFT, chair_a)
    sign_in(chair_a)
    response = client.get(LIST, {**query, "nature": "death"})
    assert response.status_code == 200
    assert message in error_summary(response)
    assert field_errors(response, field) == [message]
    assert incident.reference in response.text  # the bad filter is ignored, the good one applied


def test_case_list_is_paginated(client, sign_in, chair_a):
    cases = [case_in(IncidentState.DRAFT, chair_a) for _ in range(27)]
    sign_in(chair_a)
    first = client.get(LIST, {"state": "draft"}).text
    assert "Showing 1 to 25 of 27 cases" in first
    assert 'class="govuk-pagination"' in first
    assert 'href="?state=draft&amp;page=2" rel="next"' in first
    second = client.get(LIST, {"state": "draft", "page": "2"}).text
    assert "Showing 26 to 27 of 27 cases" in second
    assert cases[0].reference in second and cases[-1].reference not in second  # newest first
    assert "Showing 26 to 27" in client.get(LIST, {"state": "draft", "page": "999"}).text
    assert "Showing 1 to 25" in client.get(LIST, {"state": "draft", "page": "nonsense"}).text


def test_dashboards_show_open_cases_by_next_deadline(client, sign_in, chair_a, staff_a):
    sign_in(chair_a)
    assert "Your board has no open cases" in client.get(DASHBOARD).text
    decided = case_in(IncidentState.DECIDED, chair_a)  # next deadline 16 Feb
    draft_case = case_in(IncidentState.DRAFT, chair_a)  # 13 Jan, overdue
    closed = case_in(IncidentState.CLOSED, chair_a)
    for user in (chair_a, staff_a):
        sign_in(user)
        page = client.get(DASHBOARD).text
        assert "Your board has no open cases" not in page
        assert f'href="{START}"' in page and "Log a serious incident notification" in page
        assert page.index(draft_case.reference) < page.index(decided.reference)
        assert closed.reference not in page
        assert "Premature" in page and "Amber: due soon" in page and "Red: overdue" in page


@pytest.mark.parametrize("n", [5, 50])
def test_case_list_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, n):
    make_cases(chair_a, n)
    sign_in(chair_a)
    # 15 = the page with its cases (8) + each listed case's next move (its open incident, reviews,
    # publications and submissions, and their clock rows in one: 7), whatever n.
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.text.count('<th scope="row" class="govuk-table__header"><a class="govuk-link"') == min(n, 25)


@pytest.mark.parametrize("n", [5, 50])
def test_chair_dashboard_query_count_does_not_grow(client, sign_in, chair_a, django_assert_max_num_queries, n):
    make_cases(chair_a, n)
    sign_in(chair_a)
    # 25 = the page with its cases (8) + the board's open submissions to the panel (1) + what is waiting
    # (each kind of open record, with its clock rows: 8) + the open cases' next moves (8), whatever n.
    with django_assert_max_num_queries(25):
        response = client.get(DASHBOARD)
    # The case rows only (the nearest few): the page's other table lists the board's submissions to the panel.
    shown = response.text.count('<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cases/')
    assert shown == min(n, DASHBOARD_CASES)


def test_case_page_query_count_does_not_grow_with_its_history(client, sign_in, chair_a, django_assert_max_num_queries):
    incident = notified(chair_a)
    for day in range(3):
        decide(chair_a, incident, decided_on=date(2015, 2, 2 + 2 * day))
        reconsidered(chair_a, incident, on=date(2015, 2, 3 + 2 * day))
    sign_in(chair_a)
    # 12 = the page (9) + its review, if this user may see one (1) + its access event row (SECURITY row 10)
    # + every clock row of the case, read in one query (SPEC §3 "Clocks are rows").
    with django_assert_max_num_queries(12):
        assert client.get(case_url(incident)).status_code == 200


def test_a_new_case_says_nothing_has_happened_yet(client, sign_in, chair_a):
    incident = case_in(IncidentState.DRAFT, chair_a)
    sign_in(chair_a)
    page = client.get(case_url(incident)).text
    timeline = page[page.index('id="timeline"') :]
    assert "Nothing has happened to this case since it was logged on 10 February 2015." in timeline


def test_the_case_list_searches_pseudonyms_and_outlines_and_sorts_by_its_columns(client, sign_in, chair_a):
    with time_machine.travel(date(2015, 2, 20), tick=False):
        first = notified(chair_a, child_pseudonym="Child Rowan", outline="A fictional fall at a playground.")
        second = notified(chair_a, child_pseudonym="Child Ash", outline="A fictional burn at home.")
        sign_in(chair_a)
        by_name = client.get(LIST, {"q": "rowan"}).text
        assert first.reference in by_name and second.reference not in by_name
        by_outline = client.get(LIST, {"q": "burn at home"}).text
        assert second.reference in by_outline and first.reference not in by_outline
        assert "Matching cases" in by_outline
        by_child = client.get(LIST, {"sort": "child"}).text
        assert by_child.index(second.reference) < by_child.index(first.reference)  # Ash before Rowan
        assert "by the child&#x27;s pseudonym" in by_child and 'aria-sort="ascending"' in by_child
        assert "All cases" in by_child  # an order is not a filter
        newest = client.get(LIST).text
        assert newest.index(second.reference) < newest.index(first.reference)
        # An order the headings do not offer falls back to newest first, with no error.
        edited = client.get(LIST, {"sort": "'; drop"})
        assert edited.status_code == 200 and "newest first" in edited.text and "There is a problem" not in edited.text


def test_unusual_answers_are_allowed_once_the_user_confirms_them(client, sign_in, staff_a):
    """An incident decades ago for a young child, or no post-mortem for a death, is asked about, not refused."""
    sign_in(staff_a)
    client.post(step_url("child"), ANSWERS["child"])
    long_ago = {**ANSWERS["incident"], **date_fields("incident_on", date(1990, 1, 20))}
    long_ago |= date_fields("la_aware_on", date(1990, 1, 21))
    response = client.post(step_url("incident"), long_ago)
    assert response.status_code == 200
    (message,) = field_errors(response, "incident_on")
    assert message.startswith("The incident is dated") and "for a child aged 3 then: check the year" in message
    assert 'name="confirm_unusual"' in response.text
    confirmed = client.post(step_url("incident"), {**long_ago, "confirm_unusual": "on"})
    assert confirmed.status_code == 302 and confirmed["Location"] == step_url("investigations")
    no_post_mortem = {**ANSWERS["investigations"], "post_mortem": "not_applicable"}
    no_post_mortem |= {"post_mortem_on_0": "", "post_mortem_on_1": "", "post_mortem_on_2": ""}
    response = client.post(step_url("investigations"), no_post_mortem)
    assert field_errors(response, "post_mortem") == [
        "A post-mortem is usually held when a child dies: check 'Not applicable', then confirm below"
    ]
    assert client.post(step_url("investigations"), {**no_post_mortem, "confirm_unusual": "on"}).status_code == 302
    client.post(step_url("agencies"), ANSWERS["agencies"])
    # The confirmed answers stand on "check your answers", and the case is saved with them.
    assert client.get(CHECK).status_code == 200
