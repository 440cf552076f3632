"""Logging a SIN, its clocks, the decision's flags, and transitions under concurrency."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection

from audit.models import AuditEntry
from incidents.models import Incident
from incidents.selectors import incident_clocks, incident_decisions, incident_list, open_cases_by_deadline
from incidents.services import incident_create, incident_notify
from reviews.choices import DecisionKind
from scr_tracker.clock_rows import due_of
from scr_tracker.transitions import InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.factories import ChairFactory
from tests.workflow import decide, draft, notified, sin_data


@pytest.fixture
def in_2015():
    with time_machine.travel(date(2015, 6, 1), tick=False):
        yield


class TestCreate:
    def test_draft_gets_a_reference_per_board_and_year(self, chair_a, chair_b):
        with time_machine.travel(date(2015, 3, 1), tick=False):
            first, second = draft(chair_a), draft(chair_a)
            other = draft(chair_b)
        assert (first.reference, second.reference, other.reference) == ("AAA-2015-001", "AAA-2015-002", "BBB-2015-001")
        assert first.state == "draft" and first.board == chair_a.board and first.created_by == chair_a

    def test_numbering_restarts_each_year(self, chair_a):
        with time_machine.travel(date(2015, 12, 31), tick=False):
            draft(chair_a)
        with time_machine.travel(date(2016, 1, 1), tick=False):
            assert draft(chair_a, incident_on=date(2015, 12, 30), la_aware_on=date(2015, 12, 31)).reference == (
                "AAA-2016-001"
            )

    def test_numbering_goes_past_999_and_skips_imported_references_of_another_shape(self, chair_a):
        with time_machine.travel(date(2015, 3, 1), tick=False):
            draft(chair_a)
            Incident.objects.filter(reference="AAA-2015-001").update(reference="AAA-2015-999")
            assert draft(chair_a).reference == "AAA-2015-1000"  # as text, "-1000" sorts before "-999"
            Incident.objects.filter(reference="AAA-2015-1000").update(reference="AAA-2015-1000a")
            assert draft(chair_a).reference == "AAA-2015-1000"
            assert draft(chair_a).reference == "AAA-2015-1001"

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"child_pseudonym": " "}, "child_pseudonym", "Enter a pseudonym"),
            ({"age_at_incident": 18}, "age_at_incident", "0 to 17"),
            ({"age_at_incident": None}, "age_at_incident", "Enter the child's age"),
            ({"sex": "robot"}, "sex", "Select the sex"),
            ({"ethnicity": ""}, "ethnicity", "Select the ethnicity"),
            ({"harm_types": []}, "harm_types", "at least one"),
            ({"harm_types": ["physical", "bogus"]}, "harm_types", "Select only from the listed"),
            ({"regulation_5": ["abuse_or_neglect", "abuse_or_neglect"]}, "regulation_5", "each option once"),
            ({"incident_on": date(2015, 4, 1)}, "incident_on", "today or in the past"),
            ({"la_aware_on": date(2015, 1, 4)}, "la_aware_on", "before the incident"),
            ({"post_mortem": "complete"}, "post_mortem_on", "Enter the date the post-mortem"),
            ({"post_mortem_on": date(2015, 1, 7)}, "post_mortem_on", "only when the post-mortem is complete"),
            ({"nature": "serious_harm"}, "post_mortem", "only when the child has died"),
            ({"outline": ""}, "outline", "Enter an outline"),
            ({"incident_on": "2015-01-05"}, "incident_on", "Enter a real date"),
        ],
    )
    def test_bad_input_names_the_field_and_saves_nothing(self, chair_a, overrides, field, message):
        with time_machine.travel(date(2015, 3, 1), tick=False), pytest.raises(InvalidInput) as refused:
            draft(chair_a, **overrides)
        assert message in " ".join(refused.value.errors[field])
        assert Incident.objects.count() == 0

    def test_fields_outside_the_sin_cannot_be_set(self, chair_a, board_b):
        for extra in ({"state": "closed"}, {"reference": "X"}, {"board": board_b}, {"regime": "x"}):
            with pytest.raises(InvalidInput) as refused:
                incident_create(actor=chair_a, data={**sin_data(), **extra})
            assert list(refused.value.errors) == list(extra)
        assert Incident.objects.count() == 0

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
    def test_only_board_users_log_notifications(self, request, persona):
        with pytest.raises(RoleNotPermitted):
            incident_create(actor=request.getfixturevalue(persona), data=sin_data())

    def test_field_edits_are_kept_in_history(self, chair_a):
        with time_machine.travel(date(2015, 3, 1), tick=False):
            incident = notified(chair_a)
        history = list(incident.history.order_by("history_date"))
        assert [h.received_on for h in history] == [None, date(2015, 1, 9)]
        assert not hasattr(history[0], "child_name")


class TestClocks:
    """SPEC §3 clocks as the case shows them, across bank holidays and month ends."""

    def test_sin_clock_over_christmas_met(self, chair_a, in_2015):
        # Aware Friday 19 December 2014: +5 working days skips Christmas and Boxing Day.
        incident = notified(
            chair_a,
            incident_on=date(2014, 12, 18),
            la_aware_on=date(2014, 12, 19),
            received_on=date(2014, 12, 30),
            ofsted_notified_on=date(2014, 12, 29),
        )
        assert due_of(incident, "sin_notification") == date(2014, 12, 30)
        clock = incident.sin_notification_clock(date(2015, 6, 1))
        assert (clock.status, clock.days_late, clock.rag) == ("met", None, None)

    def test_sin_clock_missed_by_a_day(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            incident_on=date(2014, 12, 18),
            la_aware_on=date(2014, 12, 19),
            received_on=date(2014, 12, 31),
            ofsted_notified_on=date(2014, 12, 29),
        )
        clock = incident.sin_notification_clock(date(2015, 6, 1))
        assert (clock.status, clock.days_late) == ("missed", 1)

    def test_sin_clock_running_over_easter_in_a_draft(self, chair_a):
        # Aware Thursday 2 April 2015: Good Friday and Easter Monday are not working days.
        with time_machine.travel(date(2015, 4, 7), tick=False):
            incident = draft(chair_a, incident_on=date(2015, 4, 1), la_aware_on=date(2015, 4, 2))
            assert due_of(incident, "sin_notification") == date(2015, 4, 13)
            clock = incident.sin_notification_clock(date(2015, 4, 7))
        assert (clock.status, clock.days_remaining, clock.rag) == ("running", 6, "amber")

    def test_decision_clock_from_31_january_ends_28_february(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            incident_on=date(2015, 1, 26),
            la_aware_on=date(2015, 1, 27),
            received_on=date(2015, 1, 31),
            ofsted_notified_on=date(2015, 1, 28),
        )
        assert incident.initiation_decision_due() == date(2015, 2, 28)
        decision = decide(chair_a, incident, decided_on=date(2015, 2, 28))
        clocks = {c.name: c for c in incident_clocks(incident, incident_decisions(incident), date(2015, 6, 1))}
        assert clocks["initiation_decision"].status == "met"
        assert decision.late is False

    def test_decision_clock_missed_and_late_flag(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            incident_on=date(2015, 1, 26),
            la_aware_on=date(2015, 1, 27),
            received_on=date(2015, 1, 31),
            ofsted_notified_on=date(2015, 1, 28),
        )
        decision = decide(chair_a, incident, decided_on=date(2015, 3, 2))
        clocks = {c.name: c for c in incident_clocks(incident, incident_decisions(incident), date(2015, 6, 1))}
        assert (clocks["initiation_decision"].status, clocks["initiation_decision"].days_late) == ("missed", 2)
        assert decision.late is True

    def test_regime_is_fixed_when_the_sin_is_received(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            incident_on=date(2015, 1, 2),
            la_aware_on=date(2015, 1, 5),
            received_on=date(2015, 1, 6),
            ofsted_notified_on=date(2015, 1, 6),
        )
        assert incident.regime == "wt2013"

    def test_not_initiate_starts_the_14_day_panel_clock(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            incident_on=date(2015, 1, 2),
            la_aware_on=date(2015, 1, 5),
            received_on=date(2015, 1, 6),
            ofsted_notified_on=date(2015, 1, 6),
        )
        decision = decide(chair_a, incident, decision=DecisionKind.NOT_INITIATE, decided_on=date(2015, 1, 30))
        assert decision.submission.send_to_panel_due() == date(2015, 2, 13)
        assert decision.covering_review is None and decision.panel_notified_on is None
        (clock,) = decision.clocks(date(2015, 2, 6))
        assert (clock.name, clock.status, clock.days_remaining, clock.rag) == ("send_to_panel", "running", 7, "amber")

    def test_initiate_starts_the_six_month_completion_clock(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            incident_on=date(2014, 8, 1),
            la_aware_on=date(2014, 8, 4),
            received_on=date(2014, 8, 5),
            ofsted_notified_on=date(2014, 8, 5),
        )
        decision = decide(chair_a, incident, decision=DecisionKind.INITIATE_SCR, decided_on=date(2014, 8, 31))
        assert decision.review.completion_due_original() == date(2015, 2, 28)  # 31 August + 6 months
        assert decision.panel_notified_on == date(2014, 8, 31)  # defaults to the decision date
        assert getattr(decision, "submission", None) is None


class TestFlags:
    def test_premature_when_post_mortem_pending(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            post_mortem="pending",
            incident_on=date(2015, 1, 5),
            la_aware_on=date(2015, 1, 6),
            received_on=date(2015, 1, 9),
            ofsted_notified_on=date(2015, 1, 8),
        )
        decision = decide(chair_a, incident, decided_on=date(2015, 1, 20))
        assert decision.premature is True
        assert decision.delay_days == 15

    def test_not_premature_when_post_mortem_complete(self, chair_a, in_2015):
        incident = notified(
            chair_a,
            post_mortem="complete",
            post_mortem_on=date(2015, 1, 7),
            incident_on=date(2015, 1, 5),
            la_aware_on=date(2015, 1, 6),
            received_on=date(2015, 1, 9),
            ofsted_notified_on=date(2015, 1, 8),
        )
        assert decide(chair_a, incident, decided_on=date(2015, 1, 20)).premature is False

    def test_flags_in_lists_match_the_decision(self, chair_a, in_2015):
        late = notified(
            chair_a,
            incident_on=date(2015, 1, 26),
            la_aware_on=date(2015, 1, 27),
            received_on=date(2015, 1, 31),
            ofsted_notified_on=date(2015, 1, 28),
        )
        decide(chair_a, late, decided_on=date(2015, 3, 2))
        on_time = notified(
            chair_a,
            post_mortem="not_applicable",
            nature="serious_harm",
            regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
            incident_on=date(2015, 1, 26),
            la_aware_on=date(2015, 1, 27),
            received_on=date(2015, 1, 31),
            ofsted_notified_on=date(2015, 1, 28),
        )
        decide(chair_a, on_time, decided_on=date(2015, 2, 20))
        rows = {r.pk: r for r in incident_list(chair_a, today=date(2015, 6, 1))}
        assert (rows[late.pk].late, rows[late.pk].premature) == (True, True)
        assert (rows[on_time.pk].late, rows[on_time.pk].premature) == (False, False)


class TestDashboardOrder:
    def test_open_cases_nearest_deadline_first(self, chair_a):
        with time_machine.travel(date(2015, 3, 2), tick=False):
            far = notified(
                chair_a,
                received_on=date(2015, 2, 27),
                ofsted_notified_on=date(2015, 2, 27),
                incident_on=date(2015, 2, 25),
                la_aware_on=date(2015, 2, 26),
            )
            near = draft(chair_a, incident_on=date(2015, 2, 26), la_aware_on=date(2015, 2, 27))
            overdue = notified(chair_a)
            rows = list(open_cases_by_deadline(chair_a, today=date(2015, 3, 2)))
        assert [r.pk for r in rows] == [overdue.pk, near.pk, far.pk]
        assert [r.rag for r in rows] == ["red", "amber", "green"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_one_transition_run_it_once(board_a):
    """SECURITY row 16: the row lock and the state re-check inside the transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers and proves nothing")
    chair = ChairFactory(board=board_a)
    with time_machine.travel(date(2015, 3, 2), tick=True):
        incident = draft(chair)
        barrier = threading.Barrier(8)
        outcomes = []

        def attempt():
            from django.db import connections

            try:
                barrier.wait()
                incident_notify(
                    actor=chair,
                    incident_id=incident.pk,
                    event_date=date(2015, 1, 9),
                    ofsted_notified_on=date(2015, 1, 8),
                )
                outcomes.append("done")
            except NotAllowedInState:
                outcomes.append("refused")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attempt) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(outcomes) == ["done"] + ["refused"] * 7
    assert AuditEntry.objects.for_object(incident).count() == 1
