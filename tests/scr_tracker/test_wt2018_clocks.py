"""The clocks of Working Together 2018 (SPEC §10) as rows, on the API and by status, across bank
holidays and month ends, under frozen time; and a 2013 case beside a 2018 one, each by its own rules."""

from datetime import date, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from incidents.selectors import with_case_facts
from panel.services import submission_submit
from publication.services import (
    publication_plan,
    publication_propose,
    publication_publish,
    publication_send_report,
    publication_withhold,
)
from reviews.services import (
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
)
from scr_tracker import clocks
from scr_tracker.clocks import ClockRule, add_working_days, working_days_before
from scr_tracker.models import ClockRow
from scr_tracker.transitions import InvalidInput
from tests.api import incident_url, session_client
from tests.workflow import SIGN_OFF_REASON, decide, notified, submission_of

SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."
URL = "https://www.example.org/fictional-lcspr"


def wt2018_case(chair, *, notified_on, received_on=None, aware_on=None):
    aware_on = aware_on or notified_on
    return notified(
        chair,
        received_on=received_on or notified_on,
        ofsted_notified_on=notified_on,
        incident_on=aware_on,
        la_aware_on=aware_on,
    )


def rr_decide(chair, incident, on, decision="not_initiate"):
    return decide(
        chair,
        incident,
        decision=decision,
        decided_on=on,
        rapid_review_summary=SUMMARY,
        national_review_recommended=False,
    )


def row(record, name) -> ClockRow:
    return record.clock_rows.get(name=name)


def api_clock(user, incident, name) -> dict:
    clocks_of = session_client(user).get(incident_url(incident)).json()["clocks"]
    return next(clock for clock in clocks_of if clock["name"] == name)


# --- Working days counted back -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 4, 9), 7, date(2024, 3, 27)),  # over Easter Monday and Good Friday 2024
        (date(2023, 1, 4), 3, date(2022, 12, 29)),  # over 2 Jan 2023 and the Christmas substitutes
        (date(2019, 6, 14), 7, date(2019, 6, 5)),
        (date(2024, 4, 9), 0, date(2024, 4, 9)),
    ],
)
def test_working_days_before(start, n, expected):
    assert working_days_before(start, n) == expected
    if n:
        assert add_working_days(expected, n) == start


def test_working_days_before_rejects_a_negative_count():
    with pytest.raises(ValueError, match="n must be >= 0"):
        working_days_before(date(2024, 4, 9), -1)


def test_a_working_days_rule_counted_back_and_read_the_other_way():
    rule = ClockRule("report_to_panel", "working_days", -7)
    assert rule.apply(date(2024, 4, 9)) == date(2024, 3, 27)
    assert rule.reverse(date(2024, 3, 27)) == date(2024, 4, 9)
    assert rule.words() == "7 working days before"


@pytest.mark.parametrize(
    ("sent_on", "earliest"),
    [
        (date(2026, 12, 4), date(2026, 12, 15)),  # a Friday: the seventh working day after is Tuesday 15
        (date(2026, 12, 5), date(2026, 12, 16)),  # a Saturday counts from the Monday: Wednesday 16
        (date(2026, 12, 6), date(2026, 12, 16)),  # a Sunday too
        # A Saturday before Christmas: the seven working days before New Year's Day are 21 to 31 December.
        (date(2026, 12, 19), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 1, 12)),  # across New Year's Day
    ],
    ids=str,
)
def test_a_report_sent_on_a_weekend_or_bank_holiday_allows_the_publication_its_clock_would_call_in_time(
    sent_on, earliest
):
    """The earliest planned date a report sent on `sent_on` allows is the first whose report_to_panel due
    date is not before it: one rule for the plan's check and the clock's row."""
    rule = ClockRule("report_to_panel", "working_days", -7)
    assert rule.reverse(sent_on) == earliest
    assert rule.apply(earliest) >= sent_on
    assert rule.apply(earliest - timedelta(days=1)) < sent_on


RULES = (
    ClockRule("report_to_panel", "working_days", -7),
    ClockRule("report_to_panel", "days", -7),
    ClockRule("a_month_before", "months", -1),
    ClockRule("online_period", "months", 12),
    ClockRule("a_week", "days", 7),
)


@given(due=st.dates(min_value=date(2013, 1, 1), max_value=date(2030, 12, 31)), rule=st.sampled_from(RULES))
def test_a_rule_read_the_other_way_is_the_earliest_start_due_on_or_after_the_date(due, rule):
    start = rule.reverse(due)
    assert rule.apply(start) >= due
    assert rule.apply(start - timedelta(days=1)) < due


def test_a_plan_accepted_for_a_report_sent_on_a_saturday_is_one_the_clock_calls_in_time(chair_a):
    sent_on = date(2026, 12, 5)  # a Saturday
    with time_machine.travel(date(2026, 12, 7), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=date(2026, 6, 1), signed_off_on=date(2026, 12, 1))
        with pytest.raises(InvalidInput) as refused:
            publication_send_report(
                actor=chair_a,
                publication_id=review.publication.pk,
                event_date=sent_on,
                planned_publication_on=date(2026, 12, 15),
            )
        assert refused.value.errors["planned_publication_on"] == [
            "The final report must reach the panel at least 7 working days before publication: "
            "plan publication for 16 December 2026 or later"
        ]
        publication = publication_send_report(
            actor=chair_a,
            publication_id=review.publication.pk,
            event_date=sent_on,
            planned_publication_on=date(2026, 12, 16),
        )
        report = row(publication, "report_to_panel")
        assert (report.due_on, report.ended_on) == (date(2026, 12, 7), sent_on)
        assert report.state(date(2026, 12, 7)).status == clocks.MET


# --- rapid_review: 15 working days from notification, over Christmas 2022 ----------------------------------

NOTIFIED_ON = date(2022, 12, 23)  # a Friday; 26 and 27 Dec 2022 and 2 Jan 2023 are bank holidays
RAPID_REVIEW_DUE = date(2023, 1, 18)  # a Wednesday


def test_the_rapid_review_row_and_api_clock_while_it_runs(chair_a):
    with time_machine.travel(date(2023, 1, 10), tick=False):
        incident = wt2018_case(chair_a, notified_on=NOTIFIED_ON, aware_on=date(2022, 12, 22))
        rapid = row(incident, "rapid_review")
        assert (rapid.starts_on, rapid.due_on, rapid.ended_on, rapid.regime) == (
            NOTIFIED_ON,
            RAPID_REVIEW_DUE,
            None,
            "wt2018",
        )
        assert rapid.case_deadline
        assert api_clock(chair_a, incident, "rapid_review") == {
            "name": "rapid_review",
            "starts_on": "2022-12-23",
            "due": "2023-01-18",
            "status": "running",
            "days_remaining": 8,
            "days_late": None,
            "rag": "green",
        }


# (decided on, first submitted on, today, status, days late)
RAPID_REVIEW_ENDS = [
    (date(2023, 1, 16), None, date(2023, 1, 18), clocks.RUNNING, None),  # decided, not yet sent: still running
    (date(2023, 1, 16), None, date(2023, 1, 19), clocks.MISSED, 1),  # and past the due date
    (date(2023, 1, 16), date(2023, 1, 18), date(2023, 1, 20), clocks.MET, None),  # both on the due date at latest
    (date(2023, 1, 18), date(2023, 1, 18), date(2023, 1, 20), clocks.MET, None),
    (date(2023, 1, 16), date(2023, 1, 19), date(2023, 1, 20), clocks.MISSED, 1),  # sent a day late
    (date(2023, 1, 19), date(2023, 1, 19), date(2023, 1, 20), clocks.MISSED, 1),  # decided a day late
    (date(2023, 1, 19), date(2023, 1, 24), date(2023, 1, 25), clocks.MISSED, 6),
]


@pytest.mark.parametrize(("decided_on", "sent_on", "today", "status", "days_late"), RAPID_REVIEW_ENDS)
def test_the_rapid_review_is_met_only_when_decided_and_sent_by_the_due_date(
    chair_a, decided_on, sent_on, today, status, days_late
):
    with time_machine.travel(today, tick=False):
        incident = wt2018_case(chair_a, notified_on=NOTIFIED_ON, aware_on=date(2022, 12, 22))
        rr_decide(chair_a, incident, decided_on)
        if sent_on is not None:
            submission_submit(actor=chair_a, submission_id=submission_of(incident).pk, event_date=sent_on)
        rapid = row(incident, "rapid_review")
        assert rapid.due_on == RAPID_REVIEW_DUE
        assert rapid.ended_on == (max(decided_on, sent_on) if sent_on else None)
        clock = api_clock(chair_a, incident, "rapid_review")
        assert (clock["status"], clock["days_late"], clock["due"]) == (status, days_late, "2023-01-18")
        assert rapid.state(today).status == status
        # The decision is late by the rapid review's due date.
        assert incident.decisions.get().late is (decided_on > RAPID_REVIEW_DUE)


def test_no_initiation_or_send_to_panel_clock_under_2018(chair_a):
    with time_machine.travel(date(2023, 1, 20), tick=False):
        incident = wt2018_case(chair_a, notified_on=NOTIFIED_ON, aware_on=date(2022, 12, 22))
        rr_decide(chair_a, incident, date(2023, 1, 16))
        names = set(ClockRow.objects.filter(incident=incident).values_list("name", flat=True))
        assert names == {"sin_notification", "rapid_review"}
        api_names = {clock["name"] for clock in session_client(chair_a).get(incident_url(incident)).json()["clocks"]}
        assert "initiation_decision" not in api_names and "send_to_panel" not in api_names
        assert "rapid_review" in api_names


# --- report_to_panel: 7 working days before the planned date, over Easter 2024 -----------------------------


def lcspr_signed_off(chair, *, decided_on, signed_off_on, notified_on=None, stops=()):
    """A 2018 case whose LCSPR is signed off; `stops` are (stopped_on, resumed_on) periods."""
    notified_on = notified_on or date(decided_on.year, decided_on.month, 1)
    incident = wt2018_case(chair, notified_on=notified_on)
    review = rr_decide(chair, incident, decided_on, decision="initiate_scr").review
    started_on = add_working_days(decided_on, 2)
    review_start(
        actor=chair, review_id=review.pk, event_date=started_on, methodology="silp", lead_reviewer="A. Reviewer"
    )
    for stopped_on, resumed_on in stops:
        review_stop_clock(actor=chair, review_id=review.pk, event_date=stopped_on, reason="inquest")
        review_resume_clock(actor=chair, review_id=review.pk, event_date=resumed_on)
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=signed_off_on)
    return review_sign_off(actor=chair, review_id=review.pk, event_date=signed_off_on, reason=SIGN_OFF_REASON)


PLANNED = date(2024, 4, 9)  # a Tuesday after Easter
REPORT_DUE = date(2024, 3, 27)  # a Wednesday: Good Friday 29 March and Easter Monday 1 April excluded


@pytest.mark.parametrize(
    ("sent_on", "status"), [(date(2024, 3, 20), clocks.MET), (date(2024, 3, 27), clocks.MET)], ids=str
)
def test_report_to_panel_is_due_seven_working_days_before_the_planned_date(chair_a, sent_on, status):
    with time_machine.travel(date(2024, 4, 3), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=date(2023, 10, 2), signed_off_on=date(2024, 3, 1))
        publication = publication_send_report(
            actor=chair_a, publication_id=review.publication.pk, event_date=sent_on, planned_publication_on=PLANNED
        )
        report = row(publication, "report_to_panel")
        assert (report.due_on, report.ended_on, report.regime) == (REPORT_DUE, sent_on, "wt2018")
        assert report.state(date(2024, 4, 3)).status == status


def test_a_planned_date_too_soon_for_the_report_is_refused(chair_a):
    with time_machine.travel(date(2024, 4, 3), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=date(2023, 10, 2), signed_off_on=date(2024, 3, 1))
        with pytest.raises(InvalidInput) as refused:
            publication_send_report(
                actor=chair_a,
                publication_id=review.publication.pk,
                event_date=date(2024, 3, 28),
                planned_publication_on=PLANNED,
            )
        assert refused.value.errors == {
            "planned_publication_on": [
                "The final report must reach the panel at least 7 working days before publication: "
                "plan publication for 10 April 2024 or later"
            ]
        }


def test_a_report_to_panel_clock_running_before_the_planned_date(chair_a):
    """Planned but not yet sent: the row runs to 7 working days before the planned date."""
    with time_machine.travel(date(2024, 3, 22), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=date(2023, 10, 2), signed_off_on=date(2024, 3, 1))
        publication = publication_plan(
            actor=chair_a, publication_id=review.publication.pk, planned_publication_on=PLANNED
        )
        report = row(publication, "report_to_panel")
        assert (report.due_on, report.ended_on) == (REPORT_DUE, None)
        state = report.state(date(2024, 3, 22))
        assert (state.status, state.days_remaining, state.rag) == (clocks.RUNNING, 5, clocks.AMBER)


def test_publish_is_refused_before_seven_working_days_after_the_report(chair_a):
    # Sent Wednesday 20 March 2024: over Easter, the first day it is 7 working days before is Good Friday,
    # 29 March (the seven working days before it are 20 to 28 March), as its clock counts them.
    with time_machine.travel(date(2024, 4, 3), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=date(2023, 10, 2), signed_off_on=date(2024, 3, 1))
        publication = publication_send_report(
            actor=chair_a, publication_id=review.publication.pk, event_date=date(2024, 3, 20)
        )
        for too_soon in (date(2024, 3, 27), date(2024, 3, 28)):
            with pytest.raises(InvalidInput) as refused:
                publication_publish(actor=chair_a, publication_id=publication.pk, event_date=too_soon, url=URL)
            assert "publish on or after 29 March 2024" in refused.value.errors["event_date"][0]
        published = publication_publish(
            actor=chair_a, publication_id=publication.pk, event_date=date(2024, 3, 29), url=URL
        )
        assert (published.state, published.published_on) == ("published", date(2024, 3, 29))


# --- scr_completion of an LCSPR ends at publication ---------------------------------------------------------

DECIDED_ON = date(2019, 1, 21)
COMPLETION_DUE = date(2019, 7, 21)


def test_scr_completion_ends_at_publication_not_sign_off(chair_a):
    with time_machine.travel(date(2019, 7, 1), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=DECIDED_ON, signed_off_on=date(2019, 6, 3))
        completion = row(review, "scr_completion")
        assert (completion.starts_on, completion.due_on, completion.ended_on) == (DECIDED_ON, COMPLETION_DUE, None)
        assert completion.state(date(2019, 7, 1)).status == clocks.RUNNING
        publication = publication_send_report(
            actor=chair_a, publication_id=review.publication.pk, event_date=date(2019, 6, 5)
        )
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2019, 6, 20), url=URL)
        completion.refresh_from_db()
        assert completion.ended_on == date(2019, 6, 20)
        assert completion.state(date(2019, 7, 1)).status == clocks.MET


def test_scr_completion_published_after_the_due_date_is_missed(chair_a):
    with time_machine.travel(date(2019, 8, 1), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=DECIDED_ON, signed_off_on=date(2019, 7, 1))
        publication = publication_send_report(
            actor=chair_a, publication_id=review.publication.pk, event_date=date(2019, 7, 3)
        )
        assert row(review, "scr_completion").state(date(2019, 7, 22)).status == clocks.MISSED
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2019, 7, 24), url=URL)
        state = row(review, "scr_completion").state(date(2019, 8, 1))
        assert (state.status, state.days_late, state.rag) == (clocks.MISSED, 3, None)


def test_scr_completion_is_extended_by_stopped_days(chair_a):
    # Stopped 1-11 February 2019: 10 days.
    with time_machine.travel(date(2019, 7, 1), tick=False):
        review = lcspr_signed_off(
            chair_a,
            decided_on=DECIDED_ON,
            signed_off_on=date(2019, 6, 3),
            stops=[(date(2019, 2, 1), date(2019, 2, 11))],
        )
        completion = row(review, "scr_completion")
        assert (completion.original_due_on, completion.due_on) == (COMPLETION_DUE, date(2019, 7, 31))


def test_scr_completion_halts_when_the_report_is_withheld(chair_a):
    with time_machine.travel(date(2019, 7, 1), tick=False):
        review = lcspr_signed_off(chair_a, decided_on=DECIDED_ON, signed_off_on=date(2019, 6, 3))
        publication = publication_send_report(
            actor=chair_a, publication_id=review.publication.pk, event_date=date(2019, 6, 5)
        )
        publication_propose(
            actor=chair_a,
            publication_id=publication.pk,
            event_date=date(2019, 6, 6),
            mode="not_published",
            reasons="Fictional reasons.",
            independent_advice="Fictional independent advice.",
        )
        assert not row(review, "scr_completion").halted
        publication_withhold(
            actor=chair_a, publication_id=publication.pk, event_date=date(2019, 6, 7), reason="Fictional reason."
        )
        completion = row(review, "scr_completion")
        assert (completion.halted, completion.ended_on) == (True, None)
        incident = review.decision.incident
        facts = with_case_facts(type(incident).objects.filter(pk=incident.pk), date(2019, 7, 1)).get()
        assert facts.next_clock != "scr_completion"


# --- Month ends ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided_on", "due"),
    [
        (date(2018, 8, 31), date(2019, 2, 28)),
        (date(2019, 8, 31), date(2020, 2, 29)),
        (date(2023, 8, 31), date(2024, 2, 29)),
    ],
    ids=str,
)
def test_scr_completion_at_a_month_end(chair_a, decided_on, due):
    with time_machine.travel(date(2024, 3, 1), tick=False):
        incident = wt2018_case(chair_a, notified_on=date(decided_on.year, decided_on.month, 20))
        review = rr_decide(chair_a, incident, decided_on, decision="initiate_scr").review
        completion = row(review, "scr_completion")
        assert (completion.starts_on, completion.due_on, completion.regime) == (decided_on, due, "wt2018")


# --- A 2013 case and a 2018 case of the same board, side by side --------------------------------------------


def test_two_regimes_side_by_side(chair_a):
    with time_machine.travel(date(2024, 3, 1), tick=False):
        # Working Together 2013: received Saturday 31 January 2015 (a month end).
        old = notified(
            chair_a,
            received_on=date(2015, 1, 31),
            ofsted_notified_on=date(2015, 1, 30),
            incident_on=date(2015, 1, 26),
            la_aware_on=date(2015, 1, 27),
        )
        decide(chair_a, old, decided_on=date(2015, 2, 20))
        # Working Together 2018: notified on Friday 23 December 2022.
        new = wt2018_case(chair_a, notified_on=NOTIFIED_ON, aware_on=date(2022, 12, 22))
        rr_decide(chair_a, new, date(2023, 1, 16))
        assert (old.regime, new.regime) == ("wt2013", "wt2018")

        old_rows = {r.name: r for r in ClockRow.objects.filter(incident=old)}
        new_rows = {r.name: r for r in ClockRow.objects.filter(incident=new)}
        assert set(old_rows) == {"sin_notification", "initiation_decision", "send_to_panel"}
        assert set(new_rows) == {"sin_notification", "rapid_review"}
        assert {r.regime for r in old_rows.values()} == {"wt2013"}
        assert {r.regime for r in new_rows.values()} == {"wt2018"}
        # 5 working days from Tuesday 27 January 2015; from Thursday 22 December 2022 over Christmas.
        assert old_rows["sin_notification"].due_on == date(2015, 2, 3)
        assert new_rows["sin_notification"].due_on == date(2023, 1, 3)
        # A month from 31 January is 28 February; 14 days from the decision.
        assert old_rows["initiation_decision"].due_on == date(2015, 2, 28)
        assert old_rows["send_to_panel"].due_on == date(2015, 3, 6)
        assert new_rows["rapid_review"].due_on == RAPID_REVIEW_DUE

        old_api = {c["name"] for c in session_client(chair_a).get(incident_url(old)).json()["clocks"]}
        new_api = {c["name"] for c in session_client(chair_a).get(incident_url(new)).json()["clocks"]}
        assert {"initiation_decision", "send_to_panel"} <= old_api and "rapid_review" not in old_api
        assert "rapid_review" in new_api and not {"initiation_decision", "send_to_panel"} & new_api


def test_two_regimes_side_by_side_for_their_reviews(chair_a):
    """An SCR ends at sign-off; an LCSPR of the same board at publication."""
    with time_machine.travel(date(2019, 7, 1), tick=False):
        old = decide(chair_a, notified(chair_a), decision="initiate_scr", decided_on=date(2015, 2, 2)).review
        review_start(
            actor=chair_a, review_id=old.pk, event_date=date(2015, 2, 10), methodology="silp", lead_reviewer="A. R."
        )
        review_begin_drafting(actor=chair_a, review_id=old.pk, event_date=date(2015, 5, 1))
        review_sign_off(actor=chair_a, review_id=old.pk, event_date=date(2015, 6, 1), reason=SIGN_OFF_REASON)
        new = lcspr_signed_off(chair_a, decided_on=DECIDED_ON, signed_off_on=date(2019, 6, 3))
        old_row, new_row = row(old, "scr_completion"), row(new, "scr_completion")
        assert (old_row.regime, old_row.due_on, old_row.ended_on) == ("wt2013", date(2015, 8, 2), date(2015, 6, 1))
        assert (new_row.regime, new_row.due_on, new_row.ended_on) == ("wt2018", COMPLETION_DUE, None)
        # The final report: 7 days before the planned date for the SCR; 7 working days for the LCSPR,
        # the summer bank holiday (Monday 26 August 2019) excluded.
        planned = date(2019, 9, 2)  # a Monday
        for review, due in ((old, date(2019, 8, 26)), (new, date(2019, 8, 21))):
            publication = publication_plan(
                actor=chair_a, publication_id=review.publication.pk, planned_publication_on=planned
            )
            assert row(publication, "report_to_panel").due_on == due
