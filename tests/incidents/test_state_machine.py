"""A hypothesis state machine over incident transitions and roles (SECURITY row 16).

Random sequences of transitions, attempted by every persona with plausible and implausible
dates, must keep the record and its audit trail consistent with the table of SPEC §4.1, and a
refusal must never be anything but a clear TransitionError or a 404.
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from audit.models import AuditEntry
from incidents.models import Incident
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.factories import BoardFactory, ChairFactory, PanelMemberFactory, StaffFactory
from tests.incidents.test_transitions import TABLE, run
from tests.workflow import draft

TODAY = date(2015, 3, 2)


BLOCKED_BY_REVIEW = {
    "reconsider": "A local review has been opened for this incident",
    "close": "The case's local review has not been published, withheld or taken down yet",
}


@pytest.mark.django_db
def test_incident_state_machine():
    board = BoardFactory()
    people = {
        "chair": ChairFactory(board=board),
        "staff": StaffFactory(board=board),
        "other_chair": ChairFactory(board=BoardFactory()),
        "panel": PanelMemberFactory(),
    }

    class IncidentMachine(RuleBasedStateMachine):
        @initialize()
        def log_a_sin(self):
            self.incident = draft(people["chair"])
            self.state = "draft"
            self.done = 0
            self.last_event = None

        @rule(
            name=st.sampled_from(sorted(TABLE)),
            who=st.sampled_from(sorted(people)),
            offset=st.integers(min_value=-5, max_value=60),
        )
        def attempt(self, name, who, offset):
            actor = people[who]
            event_date = date(2015, 1, 9) + timedelta(days=offset)
            sources, target, roles = TABLE[name]
            try:
                run(name, actor, self.incident, event_date=event_date)
            except Http404:
                assert not (actor.is_board_user and actor.board_id == board.pk)
                return
            except RoleNotPermitted:
                assert actor.role not in roles
                return
            except NotAllowedInState:
                assert self.state not in sources
                return
            except Blocked as blocked:
                # A decision to initiate opened a review: it cannot be reconsidered, nor closed until the
                # review's publication has run its course.
                assert self.state == "decided" and name in ("reconsider", "close")
                assert blocked.reasons == [BLOCKED_BY_REVIEW[name]]
                return
            except InvalidInput as refused:
                assert set(refused.errors) <= {"event_date", "ofsted_notified_on"}
                return
            assert actor.board_id == board.pk and actor.role in roles and self.state in sources
            assert event_date <= TODAY and (self.last_event is None or event_date >= self.last_event)
            self.state, self.done, self.last_event = target, self.done + 1, event_date

        @invariant()
        def record_matches_the_model(self):
            assert Incident.objects.get(pk=self.incident.pk).state == self.state
            assert AuditEntry.objects.for_object(self.incident).count() == self.done

    IncidentMachine.TestCase.settings = settings(
        max_examples=25, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
    )
    with time_machine.travel(TODAY, tick=False):
        run_state_machine_as_test(IncidentMachine, settings=IncidentMachine.TestCase.settings)
