"""Planning the publication date while the final report is awaited: the only way the
`report_to_panel` clock can start before the report is sent (SPEC §3), so that the board sees the
date, is reminded, and the case's next deadline counts down to it. Service, page and API."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEntry
from incidents.selectors import open_cases_by_deadline
from publication.models import Publication
from publication.services import publication_plan, publication_send_report
from scr_tracker import clocks
from scr_tracker.transitions import InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.api import assert_matches_schema, token_client
from tests.incidents.test_pages import date_fields, error_summary, field_errors
from tests.publication.test_services import STATES, publication_in
from tests.workflow import completed_review

TODAY = date(2015, 11, 2)  # a Monday
PLANNED = date(2015, 12, 1)
DUE = date(2015, 11, 24)  # a week before
DETAIL = "/api/v1/publications/{public_id}/"
# Planned today, the report can reach the panel today at the soonest: publication a week later.
EARLIEST = (
    "The final report must reach the panel at least 7 days before publication: "
    "plan publication for 9 November 2015 or later"
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2015, 11, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def plan(actor, publication, on=PLANNED):
    return publication_plan(actor=actor, publication_id=publication.pk, planned_publication_on=on)


def plan_url(publication) -> str:
    return reverse("publication:plan", args=[publication.public_id])


def publication_url(publication) -> str:
    return reverse("publication:publication", args=[publication.public_id])


class TestTheService:
    @pytest.mark.parametrize("state", STATES)
    def test_only_while_the_report_is_awaited(self, chair_a, state):
        publication = publication_in(state, chair_a)
        before = AuditEntry.objects.count()
        if state == "awaiting_report":
            planned = plan(chair_a, publication)
            assert (planned.state, planned.planned_publication_on) == ("awaiting_report", PLANNED)
            entry = AuditEntry.objects.for_object(publication).get(transition="plan")
            assert (entry.from_state, entry.to_state, entry.event_date, entry.actor) == (
                "awaiting_report",
                "awaiting_report",
                TODAY,
                chair_a,
            )
            assert (
                entry.reason
                == "Planned for 1 December 2015: the final report is due with the panel by 24 November 2015"
            )
        else:
            kept = publication.planned_publication_on
            with pytest.raises(NotAllowedInState) as refused:
                plan(chair_a, publication)
            assert refused.value.allowed_from == ["awaiting_report"]
            assert Publication.objects.get(pk=publication.pk).planned_publication_on == kept
            assert AuditEntry.objects.count() == before

    def test_staff_plan_too_and_a_change_says_what_it_was(self, chair_a, staff_a):
        publication = completed_review(chair_a).publication
        plan(staff_a, publication)
        plan(staff_a, publication, on=date(2016, 1, 4))
        plan(staff_a, publication, on=date(2016, 1, 4))  # unchanged: nothing written
        entries = list(AuditEntry.objects.for_object(publication).filter(transition="plan").order_by("pk"))
        assert len(entries) == 2
        assert entries[1].reason.startswith("Planned for 4 January 2016 (was 1 December 2015)")
        history = Publication.history.filter(id=publication.pk).order_by("history_id")
        assert [h.planned_publication_on for h in history][-2:] == [PLANNED, date(2016, 1, 4)]

    @pytest.mark.parametrize(
        ("on", "message"),
        [
            (None, "Enter the planned publication date"),
            (date(2015, 11, 1), EARLIEST),
            (TODAY, EARLIEST),
            (date(2015, 11, 8), EARLIEST),  # the report would reach the panel too late however soon it went
        ],
    )
    def test_a_missing_past_or_too_soon_date_is_refused_beside_the_field(self, chair_a, on, message):
        publication = completed_review(chair_a).publication
        with pytest.raises(InvalidInput) as refused:
            plan(chair_a, publication, on=on)
        assert refused.value.errors == {"planned_publication_on": [message]}
        assert Publication.objects.get(pk=publication.pk).planned_publication_on is None

    def test_the_earliest_date_is_allowed_and_its_send_by_date_is_today(self, chair_a):
        publication = completed_review(chair_a).publication
        planned = plan(chair_a, publication, on=date(2015, 11, 9))
        assert (planned.planned_publication_on, planned.report_to_panel_due()) == (date(2015, 11, 9), TODAY)

    def test_one_rule_with_sending_the_report_today(self, chair_a):
        # The date planning refuses is the date the send-report form refuses for a report sent today.
        publication = completed_review(chair_a).publication
        with pytest.raises(InvalidInput) as refused_plan:
            plan(chair_a, publication, on=date(2015, 11, 8))
        with pytest.raises(InvalidInput) as refused_send:
            publication_send_report(
                actor=chair_a, publication_id=publication.pk, event_date=TODAY, planned_publication_on=date(2015, 11, 8)
            )
        assert refused_plan.value.errors == refused_send.value.errors == {"planned_publication_on": [EARLIEST]}

    def test_another_board_gets_404_and_the_panel_cannot_reach_it(self, chair_a, chair_b, panel_member):
        publication = completed_review(chair_a).publication
        for outsider in (chair_b, panel_member):
            with pytest.raises(Http404):
                plan(outsider, publication)
        assert Publication.objects.get(pk=publication.pk).planned_publication_on is None

    def test_the_administrator_is_refused(self, chair_a, administrator):
        publication = completed_review(chair_a).publication
        with pytest.raises((Http404, RoleNotPermitted)):
            plan(administrator, publication)


class TestTheClock:
    def test_a_planned_date_starts_the_report_to_panel_clock_and_the_cases_next_deadline(self, chair_a):
        publication = completed_review(chair_a).publication
        case = publication.review.incidents.get()
        facts = open_cases_by_deadline(chair_a, today=TODAY).get(pk=case.pk)
        assert facts.next_due is None  # nothing planned: nothing due yet

        plan(chair_a, publication)
        clock = Publication.objects.get(pk=publication.pk).report_to_panel_clock(TODAY)
        assert (clock.due, clock.status) == (DUE, clocks.RUNNING)
        facts = open_cases_by_deadline(chair_a, today=TODAY).get(pk=case.pk)
        assert (facts.next_due, facts.rag) == (DUE, clocks.GREEN)

        with time_machine.travel(date(2015, 11, 25), tick=False):  # the day after it was due
            facts = open_cases_by_deadline(chair_a, today=date(2015, 11, 25)).get(pk=case.pk)
            assert (facts.next_due, facts.rag) == (DUE, clocks.RED)
            publication_send_report(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 11, 25))
            facts = open_cases_by_deadline(chair_a, today=date(2015, 11, 25)).get(pk=case.pk)
            assert facts.next_due is None  # the report has gone: the board owes nothing dated


class TestThePage:
    def test_plan_from_the_publication_page(self, client, sign_in, chair_a):
        publication = completed_review(chair_a).publication
        sign_in(chair_a)
        assert (
            f'href="{plan_url(publication)}">Plan the publication date</a>'
            in client.get(publication_url(publication)).text
        )
        assert client.get(plan_url(publication)).status_code == 200

        response = client.post(plan_url(publication), date_fields("planned_publication_on", date(2015, 10, 1)))
        assert field_errors(response, "planned_publication_on") == [EARLIEST]
        assert EARLIEST in error_summary(response)
        response = client.post(plan_url(publication), date_fields("planned_publication_on", date(2015, 11, 5)))
        assert field_errors(response, "planned_publication_on") == [EARLIEST]  # not a send-by date already past
        response = client.post(plan_url(publication), {})
        assert field_errors(response, "planned_publication_on")  # the date is needed
        assert Publication.objects.get(pk=publication.pk).planned_publication_on is None

        response = client.post(plan_url(publication), date_fields("planned_publication_on", PLANNED))
        assert response.status_code == 302 and response["Location"] == publication_url(publication)
        text = client.get(publication_url(publication)).text
        assert "send the final report to the panel by 24 November 2015" in text
        assert "1 December 2015" in text and "Publication date planned" in text  # the fact and the timeline
        assert f'href="{plan_url(publication)}">Change the planned publication date</a>' in text

    def test_once_the_report_is_sent_the_page_sends_the_user_to_scheduling(self, client, sign_in, chair_a):
        publication = publication_in("report_sent", chair_a)
        sign_in(chair_a)
        assert plan_url(publication) not in client.get(publication_url(publication)).text
        response = client.post(plan_url(publication), date_fields("planned_publication_on", PLANNED), follow=True)
        assert "Schedule publication to change the date" in response.text
        assert Publication.objects.get(pk=publication.pk).planned_publication_on is None

    def test_another_board_gets_404_and_the_panel_403_or_404(self, client, sign_in, chair_a, chair_b, panel_member):
        publication = completed_review(chair_a).publication
        sign_in(chair_b)
        assert client.get(plan_url(publication)).status_code == 404
        assert client.post(plan_url(publication), date_fields("planned_publication_on", PLANNED)).status_code == 404
        sign_in(panel_member)
        assert client.get(plan_url(publication)).status_code == 404  # the panel sees no report not yet sent
        assert Publication.objects.get(pk=publication.pk).planned_publication_on is None


class TestTheApi:
    def test_patch_plans_while_awaited_and_409_after(self, chair_a):
        publication = completed_review(chair_a).publication
        client = token_client(chair_a)
        url = DETAIL.format(public_id=publication.public_id)
        response = client.patch(url, {"planned_publication_on": "2015-12-01"}, format="json")
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL, "patch")
        clock = {c["name"]: c for c in response.json()["clocks"]}["report_to_panel"]
        assert clock["due"] == "2015-11-24"

        bad = client.patch(url, {"planned_publication_on": "2015-10-01"}, format="json")
        assert bad.status_code == 400
        assert bad.json()["planned_publication_on"] == [EARLIEST]
        too_soon = client.patch(url, {"planned_publication_on": "2015-11-05"}, format="json")
        assert too_soon.status_code == 400 and too_soon.json()["planned_publication_on"] == [EARLIEST]

        publication_send_report(actor=chair_a, publication_id=publication.pk, event_date=TODAY)
        refused = client.patch(url, {"planned_publication_on": "2016-01-04"}, format="json")
        assert refused.status_code == 409
        assert_matches_schema(refused, DETAIL, "patch")
        assert Publication.objects.get(pk=publication.pk).planned_publication_on == PLANNED

    def test_nothing_is_half_saved(self, chair_a):
        publication = completed_review(chair_a).publication
        client = token_client(chair_a)
        url = DETAIL.format(public_id=publication.public_id)
        # A good date with a deposit that cannot be recorded yet: neither is saved.
        response = client.patch(
            url, {"planned_publication_on": "2015-12-01", "nspcc_deposited_on": "2015-11-01"}, format="json"
        )
        assert response.status_code == 400 and "nspcc_deposited_on" in response.json()
        saved = Publication.objects.get(pk=publication.pk)
        assert (saved.planned_publication_on, saved.nspcc_deposited_on) == (None, None)
        assert not AuditEntry.objects.for_object(publication).filter(transition="plan").exists()
