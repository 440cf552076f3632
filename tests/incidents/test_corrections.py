"""The chair corrects a case's dates typed by mistake (SPEC §4.0, §8 "Corrections"), with frozen time."""

from datetime import date

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from audit.models import CORRECT_DATE, CORRECT_FACT, AuditEntry
from incidents.corrections import incident_correct
from reports.statistics import national_statistics
from scr_tracker.models import ClockRow
from scr_tracker.transitions import InvalidInput, RoleNotPermitted, last_event_on
from tests.workflow import decide, notified

TODAY = date(2015, 6, 1)
RECEIVED = date(2015, 4, 2)  # in 2015/16; the decision clock runs a month, to 2 May
DECIDED = date(2015, 4, 30)


@pytest.fixture
def case(chair_a):
    with time_machine.travel(TODAY, tick=False):
        incident = notified(
            chair_a,
            received_on=RECEIVED,
            ofsted_notified_on=date(2015, 4, 1),
            incident_on=date(2015, 3, 20),
            la_aware_on=date(2015, 3, 25),
        )
        decide(chair_a, incident, decided_on=DECIDED)
    incident.refresh_from_db()
    return incident


def correct(actor, incident, field, new_value, reason="Typed from the wrong email"):
    with time_machine.travel(TODAY, tick=False):
        return incident_correct(actor=actor, incident_id=incident.pk, field=field, new_value=new_value, reason=reason)


def decision_due_row(incident):
    return ClockRow.objects.get(incident=incident, name="initiation_decision")


def test_correcting_the_sins_dates_moves_the_clock_the_late_flag_and_the_statistics(chair_a, case):
    decision = case.decisions.get()
    assert decision_due_row(case).due_on == date(2015, 5, 2)
    assert decision.late is False
    this_year = {"date_from": date(2015, 4, 1), "date_to": date(2016, 3, 31)}
    last_year = {"date_from": date(2014, 4, 1), "date_to": date(2015, 3, 31)}
    assert (national_statistics(**last_year)["sins"], national_statistics(**this_year)["sins"]) == (0, 1)

    correct(chair_a, case, "received_on", date(2015, 3, 27))
    correct(chair_a, case, "ofsted_notified_on", date(2015, 3, 26))  # the same mistyped email

    case.refresh_from_db()
    assert (case.received_on, case.ofsted_notified_on) == (date(2015, 3, 27), date(2015, 3, 26))
    assert decision_due_row(case).due_on == date(2015, 4, 27)
    decision.refresh_from_db()
    assert decision.late is True
    assert (national_statistics(**last_year)["sins"], national_statistics(**this_year)["sins"]) == (1, 0)


def test_the_correction_is_an_audit_entry_and_the_original_stays_marked_corrected(chair_a, case):
    notify = AuditEntry.objects.for_object(case).get(transition="notify")
    correct(chair_a, case, "received_on", date(2015, 3, 27), reason="The SIN email was dated 27 March")
    correction = AuditEntry.objects.for_object(case).get(transition=CORRECT_DATE)
    assert (correction.field, correction.old_value, correction.new_value) == ("received_on", "2015-04-02", "2015-03-27")
    assert (correction.actor, correction.actor_role, correction.reason) == (
        chair_a,
        "board_chair",
        "The SIN email was dated 27 March",
    )
    assert correction.corrects == notify and correction.event_date == date(2015, 3, 27)
    notify.refresh_from_db()
    assert notify.event_date == RECEIVED  # never edited
    assert list(notify.corrections.all()) == [correction]


def test_a_second_correction_corrects_the_first(chair_a, case):
    correct(chair_a, case, "received_on", date(2015, 3, 27))
    correct(chair_a, case, "received_on", date(2015, 3, 28))
    first, second = AuditEntry.objects.for_object(case).filter(transition=CORRECT_DATE).order_by("pk")
    assert second.corrects == first and second.old_value == "2015-03-27"
    assert [e.event_date for e in AuditEntry.objects.for_object(case).events().filter(field="received_on")] == [
        date(2015, 3, 28)
    ]


def test_a_fact_correction_moves_the_delay_and_is_no_event(chair_a, case):
    decision = case.decisions.get()
    assert decision.delay_days == (DECIDED - date(2015, 3, 20)).days
    correct(chair_a, case, "incident_on", date(2015, 3, 18))
    decision.refresh_from_db()
    assert decision.delay_days == (DECIDED - date(2015, 3, 18)).days
    entry = AuditEntry.objects.for_object(case).get(transition=CORRECT_FACT)
    assert (entry.field, entry.old_value, entry.new_value, entry.corrects) == (
        "incident_on",
        "2015-03-20",
        "2015-03-18",
        None,
    )
    # A fact's correction is recorded today but is not an event of the case.
    assert last_event_on(case) == DECIDED


@pytest.mark.parametrize(
    "field, new_value, words",
    [
        ("received_on", date(2015, 3, 24), "before the local authority became aware (25 March 2015)"),
        ("received_on", date(2015, 5, 1), "cannot be after the case's next event, record decision (30 April 2015)"),
        ("la_aware_on", date(2015, 3, 19), "before the incident (20 March 2015)"),
        ("la_aware_on", date(2015, 4, 3), "before the local authority became aware (3 April 2015)"),
        ("incident_on", date(2015, 3, 26), "before the incident (26 March 2015)"),
        ("incident_on", date(2015, 6, 2), "today or in the past"),
        ("ofsted_notified_on", date(2015, 3, 24), "before the local authority became aware (25 March 2015)"),
        ("received_on", date(2015, 4, 2), "other than the one recorded (2 April 2015)"),
    ],
)
def test_a_correction_breaking_an_event_date_rule_is_refused_with_the_rule_named(
    chair_a, case, field, new_value, words
):
    with pytest.raises(InvalidInput) as refused:
        correct(chair_a, case, field, new_value)
    assert words in " ".join(refused.value.errors["new_value"])
    case.refresh_from_db()
    assert (case.incident_on, case.la_aware_on, case.received_on) == (date(2015, 3, 20), date(2015, 3, 25), RECEIVED)
    assert not AuditEntry.objects.for_object(case).filter(transition__in=[CORRECT_DATE, CORRECT_FACT]).exists()


def test_a_received_date_in_another_regime_is_refused(chair_a):
    with time_machine.travel(date(2018, 8, 1), tick=False):
        incident = notified(
            chair_a,
            received_on=date(2018, 7, 2),
            ofsted_notified_on=date(2018, 6, 27),
            incident_on=date(2018, 6, 20),
            la_aware_on=date(2018, 6, 25),
        )
        with pytest.raises(InvalidInput) as refused:
            incident_correct(
                actor=chair_a, incident_id=incident.pk, field="received_on", new_value=date(2018, 6, 28), reason="r"
            )
    assert "withdraw the case and log it again" in refused.value.errors["new_value"][0]


def test_a_reason_is_required_and_the_field_must_be_correctable(chair_a, case):
    with pytest.raises(InvalidInput) as refused:
        correct(chair_a, case, "received_on", date(2015, 3, 27), reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        correct(chair_a, case, "state", date(2015, 3, 27))
    assert "field" in refused.value.errors


def test_staff_are_refused_and_another_boards_chair_finds_nothing(staff_a, chair_b, case):
    with pytest.raises(RoleNotPermitted):
        correct(staff_a, case, "received_on", date(2015, 3, 27))
    with pytest.raises(Http404):
        correct(chair_b, case, "received_on", date(2015, 3, 27))
    case.refresh_from_db()
    assert case.received_on == RECEIVED


# --- The pages --------------------------------------------------------------------------------


def correct_url(incident, field):
    return reverse("incidents:correct", args=[incident.public_id, field])


def test_the_chair_corrects_a_date_on_the_case_page_and_the_timeline_shows_both(client, sign_in, chair_a, case):
    sign_in(chair_a)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("incidents:case", args=[case.public_id])).content.decode()
        assert correct_url(case, "received_on") in page
        form = client.get(correct_url(case, "received_on"))
        assert form.status_code == 200 and "Recorded as 2 April 2015" in form.content.decode()
        response = client.post(
            correct_url(case, "received_on"),
            {"new_value_0": "27", "new_value_1": "3", "new_value_2": "2015", "reason": "Typed from the wrong email"},
        )
        assert response.status_code == 302
        page = client.get(reverse("incidents:case", args=[case.public_id])).content.decode()
    assert "Corrected: SIN received by the LSCB" in page  # in the words of the case's regime
    assert "2 Apr 2015 to 27 Mar 2015" in page  # the correction's row: both values
    assert "Date corrected to 27 Mar 2015" in page  # the original row, marked corrected
    assert "Typed from the wrong email" in page


def test_bad_input_on_the_correction_page_is_shown_by_the_field_and_saves_nothing(client, sign_in, chair_a, case):
    sign_in(chair_a)
    with time_machine.travel(TODAY, tick=False):
        empty = client.post(correct_url(case, "received_on"), {})
        before = client.post(
            correct_url(case, "received_on"),
            {"new_value_0": "1", "new_value_1": "1", "new_value_2": "2015", "reason": "Mistyped"},
        )
        garbage = client.post(
            correct_url(case, "received_on"),
            {"new_value_0": "x", "new_value_1": "13", "new_value_2": "15", "reason": "Mistyped"},
        )
    assert empty.status_code == 200
    assert empty.context["form"].errors.keys() == {"new_value", "reason"}
    assert before.status_code == 200
    assert "before the local authority became aware" in before.context["form"].errors["new_value"][0]
    assert garbage.status_code == 200 and "new_value" in garbage.context["form"].errors
    case.refresh_from_db()
    assert case.received_on == RECEIVED
    assert not AuditEntry.objects.for_object(case).filter(transition__in=[CORRECT_DATE, CORRECT_FACT]).exists()


@pytest.mark.parametrize("persona, status", [("staff_a", 403), ("chair_b", 404), ("panel_member", 404)])
def test_who_may_open_the_correction_page(request, client, sign_in, case, persona, status):
    sign_in(request.getfixturevalue(persona))
    with time_machine.travel(TODAY, tick=False):
        assert client.get(correct_url(case, "received_on")).status_code == status
        page = client.get(reverse("incidents:case", args=[case.public_id]))
    if page.status_code == 200:
        assert correct_url(case, "received_on") not in page.content.decode()


def test_a_field_that_cannot_be_corrected_is_not_found(client, sign_in, chair_a, case):
    sign_in(chair_a)
    assert client.get(correct_url(case, "state")).status_code == 404


def test_the_timeline_names_the_corrected_date_in_the_cases_own_words(client, sign_in, chair_a):
    """A case under Working Together 2023 is the partnership's, in the correction's row too."""
    with time_machine.travel(date(2024, 6, 3), tick=False):
        incident = notified(
            chair_a,
            received_on=date(2024, 5, 2),
            ofsted_notified_on=date(2024, 5, 1),
            incident_on=date(2024, 4, 20),
            la_aware_on=date(2024, 4, 25),
        )
        incident_correct(
            actor=chair_a, incident_id=incident.pk, field="received_on", new_value=date(2024, 5, 3), reason="Mistyped"
        )
        sign_in(chair_a)
        page = client.get(reverse("incidents:case", args=[incident.public_id])).content.decode()
    assert "Corrected: SIN received by the partnership" in page
