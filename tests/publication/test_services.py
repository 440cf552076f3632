"""Publication through its services: opened at sign-off, every transition from each state, the 7-day
and 12-month rules, proposals with each panel advice and each board response, and board scoping."""

from datetime import date, timedelta

import pytest
import time_machine
from django.http import Http404

from audit.models import AuditEntry
from incidents.services import incident_close
from panel.choices import Advice, BoardResponse, Outcome, PanelView, SubmissionKind, SubmissionState
from panel.services import (
    submission_missing,
    submission_provide_information,
    submission_record_board_response,
    submission_record_panel_view,
    submission_withdraw,
)
from publication.models import Publication
from publication.selectors import publications_for_user
from publication.services import (
    publication_propose,
    publication_publish,
    publication_record,
    publication_schedule,
    publication_send_report,
    publication_take_down,
    publication_withhold,
)
from scr_tracker import clocks
from scr_tracker.clock_rows import clock_rows_sync
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState, RoleNotPermitted, blocked_by
from tests.workflow import (
    REPORT_SENT_ON,
    SIGN_OFF_REASON,
    SIGNED_OFF_ON,
    advise,
    completed_review,
    proposed,
    report_sent,
)

TODAY = date(2015, 11, 2)
URL = "https://www.example.org/fictional-scr-report"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def publication_in(state: str, chair) -> Publication:
    """A publication of the chair's board in `state`, reached the way users reach it."""
    if state == "awaiting_report":
        return completed_review(chair).publication
    if state == "report_sent":
        return report_sent(chair)
    if state == "with_panel":
        return proposed(chair)
    publication = report_sent(chair)
    if state == "scheduled":
        return publication_schedule(
            actor=chair,
            publication_id=publication.pk,
            event_date=date(2015, 6, 6),
            planned_publication_on=date(2015, 7, 1),
        )
    if state == "published":
        return publication_publish(actor=chair, publication_id=publication.pk, event_date=date(2015, 7, 1), url=URL)
    if state == "withheld":
        publication = proposed(chair, mode="not_published")
        advise(publication.submission, advice=Advice.AGREE_NOT_PUBLISH, on=date(2015, 6, 20))
        return publication_withhold(
            actor=chair, publication_id=publication.pk, event_date=date(2015, 6, 22), reason="Panel agreed"
        )
    raise ValueError(state)


def run(name, actor, publication, event_date=date(2015, 7, 1)):
    common = {"actor": actor, "publication_id": publication.pk, "event_date": event_date}
    if name == "send_report":
        return publication_send_report(**common)
    if name == "propose":
        return publication_propose(
            **common, mode="anonymised", reasons="Fictional reasons.", independent_advice="Fictional advice."
        )
    if name == "schedule":
        return publication_schedule(**common, planned_publication_on=date(2015, 8, 1))
    if name == "publish":
        return publication_publish(**common, url=URL)
    if name == "withhold":
        return publication_withhold(**common, reason="Fictional reason")
    if name == "take_down":
        return publication_take_down(**common)
    raise ValueError(name)


STATES = ["awaiting_report", "report_sent", "with_panel", "scheduled", "published", "withheld"]
ALLOWED = {
    "send_report": {"awaiting_report": "report_sent"},
    "propose": {"report_sent": "with_panel"},
    "schedule": {"report_sent": "scheduled"},
    "publish": {"report_sent": "published", "scheduled": "published"},
    "take_down": {},  # from published, but only after 12 months: tested below
    "withhold": {},  # from with_panel, only with a not-publish outcome: tested below
}
# With the panel and no advice yet, publish, schedule and withhold are blocked, not refused by state.
BLOCKED_WITH_PANEL = {"schedule", "publish", "withhold"}


class TestOpening:
    def test_sign_off_opens_the_publication_awaiting_the_report(self, chair_a):
        review = completed_review(chair_a)
        publication = review.publication
        assert publication.state == "awaiting_report"
        assert publication.mode == "full"
        assert publication.submission is None
        assert publication.board == review.board

    def test_a_refused_sign_off_opens_nothing(self, chair_a):
        review = completed_review(chair_a)
        from reviews.services import review_sign_off

        with pytest.raises(NotAllowedInState):
            review_sign_off(actor=chair_a, review_id=review.pk, event_date=date(2015, 6, 2), reason=SIGN_OFF_REASON)
        assert Publication.objects.filter(review=review).count() == 1


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_each_transition_from_each_state(chair_a, name, state):
    publication = publication_in(state, chair_a)
    before = AuditEntry.objects.for_object(publication).count()
    event_date = date(2015, 6, 6) if name in ("send_report", "propose", "schedule") else date(2015, 7, 1)
    if state in ("scheduled", "published", "withheld"):
        event_date = date(2015, 7, 2)
    if state in ALLOWED[name]:
        result = run(name, chair_a, publication, event_date)
        assert result.state == ALLOWED[name][state]
        entry = AuditEntry.objects.for_object(publication).latest("pk")
        assert (entry.transition, entry.from_state, entry.to_state) == (name, state, ALLOWED[name][state])
        assert entry.event_date == event_date
        assert entry.actor == chair_a
        assert entry.board == publication.review.board
    elif state == "with_panel" and name in BLOCKED_WITH_PANEL:
        with pytest.raises(Blocked):
            run(name, chair_a, publication, event_date)
    elif state == "published" and name == "take_down":
        with pytest.raises(InvalidInput) as refused:
            run(name, chair_a, publication, event_date)
        assert "at least 12 months" in refused.value.errors["event_date"][0]
    else:
        with pytest.raises(NotAllowedInState):
            run(name, chair_a, publication, event_date)
    if state not in ALLOWED[name]:
        assert AuditEntry.objects.for_object(publication).count() == before
        assert Publication.objects.get(pk=publication.pk).state == state


class TestRoles:
    def test_staff_send_schedule_and_publish_but_only_the_chair_proposes(self, chair_a, staff_a):
        publication = report_sent(chair_a)
        with pytest.raises(RoleNotPermitted):
            run("propose", staff_a, publication)
        result = run("publish", staff_a, publication, date(2015, 6, 12))
        assert result.state == "published"

    def test_only_the_chair_withholds_and_takes_down(self, chair_a, staff_a):
        publication = publication_in("published", chair_a)
        with pytest.raises(RoleNotPermitted):
            run("take_down", staff_a, publication, date(2015, 7, 2))

    def test_the_panel_reads_a_sent_report_but_writes_nothing(self, chair_a, panel_member):
        publication = publication_in("awaiting_report", chair_a)
        assert not publications_for_user(panel_member).filter(pk=publication.pk).exists()
        publication = report_sent(chair_a)
        assert publications_for_user(panel_member).filter(pk=publication.pk).exists()
        with pytest.raises(RoleNotPermitted):
            run("publish", panel_member, publication, date(2015, 6, 12))

    def test_another_board_cannot_reach_the_publication(self, chair_a, chair_b, administrator):
        publication = report_sent(chair_a)
        for outsider in (chair_b, administrator):
            with pytest.raises(Http404):
                run("publish", outsider, publication, date(2015, 6, 12))
            with pytest.raises(Http404):
                publication_record(
                    actor=outsider, publication_id=publication.pk, board_response="x", nspcc_deposited_on=None
                )
        assert Publication.objects.get(pk=publication.pk).state == "report_sent"


class TestDatesAndTheSevenDayRule:
    def test_the_report_cannot_be_sent_before_sign_off(self, chair_a):
        publication = completed_review(chair_a).publication
        with pytest.raises(InvalidInput) as refused:
            run("send_report", chair_a, publication, date(2015, 5, 31))
        assert "before the review was signed off" in refused.value.errors["event_date"][0]

    def test_publish_refuses_a_date_less_than_7_days_after_the_report_reached_the_panel(self, chair_a):
        publication = report_sent(chair_a)
        with pytest.raises(InvalidInput) as refused:
            run("publish", chair_a, publication, date(2015, 6, 11))
        message = refused.value.errors["event_date"][0]
        assert "at least 7 days before publication" in message
        assert "12 June 2015" in message
        assert Publication.objects.get(pk=publication.pk).published_on is None
        published = run("publish", chair_a, publication, date(2015, 6, 12))
        assert published.published_on == date(2015, 6, 12)
        assert published.url == URL

    @pytest.mark.parametrize(
        ("planned", "ok"), [(date(2015, 6, 11), False), (date(2015, 6, 12), True), (date(2015, 12, 25), True)]
    )
    def test_planned_dates_leave_the_panel_7_days(self, chair_a, planned, ok):
        publication = report_sent(chair_a)
        if ok:
            result = publication_schedule(
                actor=chair_a,
                publication_id=publication.pk,
                event_date=date(2015, 6, 6),
                planned_publication_on=planned,
            )
            assert result.planned_publication_on == planned
        else:
            with pytest.raises(InvalidInput) as refused:
                publication_schedule(
                    actor=chair_a,
                    publication_id=publication.pk,
                    event_date=date(2015, 6, 6),
                    planned_publication_on=planned,
                )
            assert "plan publication for 12 June 2015 or later" in refused.value.errors["planned_publication_on"][0]

    def test_send_report_checks_a_planned_date_too(self, chair_a):
        publication = completed_review(chair_a).publication
        with pytest.raises(InvalidInput) as refused:
            publication_send_report(
                actor=chair_a,
                publication_id=publication.pk,
                event_date=REPORT_SENT_ON,
                planned_publication_on=date(2015, 6, 10),
            )
        assert "planned_publication_on" in refused.value.errors
        result = publication_send_report(
            actor=chair_a,
            publication_id=publication.pk,
            event_date=REPORT_SENT_ON,
            planned_publication_on=date(2015, 6, 30),
        )
        assert (result.report_sent_on, result.planned_publication_on) == (REPORT_SENT_ON, date(2015, 6, 30))

    @pytest.mark.parametrize(
        ("url", "ok"),
        [("", False), ("not a web address", False), ("ftp://example.org/r", False), (URL, True)],
    )
    def test_publish_needs_a_web_address(self, chair_a, url, ok):
        publication = report_sent(chair_a)
        if ok:
            assert (
                publication_publish(
                    actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 12), url=url
                ).url
                == url
            )
        else:
            with pytest.raises(InvalidInput) as refused:
                publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 12), url=url)
            assert "url" in refused.value.errors
            assert Publication.objects.get(pk=publication.pk).state == "report_sent"


def test_nothing_runs_once_taken_down(chair_a):
    publication = publication_in("published", chair_a)
    with time_machine.travel(date(2016, 7, 2), tick=False):
        publication = run("take_down", chair_a, publication, date(2016, 7, 1))
        before = AuditEntry.objects.for_object(publication).count()
        for name in ALLOWED:
            with pytest.raises(NotAllowedInState):
                run(name, chair_a, publication, date(2016, 7, 2))
        assert AuditEntry.objects.for_object(publication).count() == before
    assert Publication.objects.get(pk=publication.pk).state == "taken_down"


class TestClocksAcrossTheCalendar:
    """Publication clocks count calendar days and months: weekends and bank holidays do not move them."""

    @pytest.mark.parametrize(
        ("planned", "due"),
        [
            (date(2015, 8, 31), date(2015, 8, 24)),  # the summer bank holiday Monday
            (date(2015, 12, 28), date(2015, 12, 21)),  # the Boxing Day substitute holiday
            (date(2016, 3, 1), date(2016, 2, 23)),  # across a month end in February (2016 is a leap year)
            (date(2015, 7, 4), date(2015, 6, 27)),  # a Saturday
        ],
    )
    def test_report_to_panel_is_due_a_week_before_the_planned_date(self, chair_a, planned, due):
        publication = report_sent(chair_a, planned_publication_on=planned)
        clock = publication.report_to_panel_clock(TODAY)
        assert (clock.name, clock.due, clock.status) == ("report_to_panel", due, clocks.MET)

    @pytest.mark.parametrize(
        ("published_on", "due"),
        [
            (date(2028, 2, 29), date(2029, 2, 28)),  # a leap day
            (date(2016, 1, 31), date(2017, 1, 31)),
            (date(2015, 12, 25), date(2016, 12, 25)),  # a bank holiday, on a Saturday a year later
        ],
    )
    def test_online_period_is_12_calendar_months(self, chair_a, published_on, due):
        publication = publication_in("published", chair_a)
        # As a corrected event date would: the row is recomputed from the stored dates.
        type(publication).objects.filter(pk=publication.pk).update(published_on=published_on)
        publication = type(publication).objects.get(pk=publication.pk)
        clock_rows_sync(publication)
        day_before = publication.online_period_clock(due - timedelta(days=1))
        on_the_day = publication.online_period_clock(due)
        assert (day_before.status, day_before.days_remaining, day_before.rag) == (clocks.RUNNING, 1, None)
        assert (on_the_day.status, on_the_day.due) == (clocks.MET, due)

    def test_a_withheld_report_has_no_publication_clock_or_delay(self, chair_a):
        publication = publication_in("withheld", chair_a)
        assert publication.report_to_panel_clock(TODAY).status == clocks.NOT_STARTED
        assert publication.online_period_clock(TODAY).status == clocks.NOT_STARTED
        assert publication.days_to_publication(TODAY) is None


class TestTwelveMonthsOnline:
    @pytest.mark.parametrize(
        ("published_on", "too_early", "earliest"),
        [
            (date(2015, 7, 1), date(2016, 6, 30), date(2016, 7, 1)),
            # Month ends: 31 August is followed by 31 August; a leap day by 28 February.
            (date(2015, 8, 31), date(2016, 8, 30), date(2016, 8, 31)),
        ],
    )
    def test_take_down_waits_12_months(self, chair_a, published_on, too_early, earliest):
        publication = report_sent(chair_a)
        publication = publication_publish(
            actor=chair_a, publication_id=publication.pk, event_date=published_on, url=URL
        )
        with time_machine.travel(date(2016, 12, 1), tick=False):
            with pytest.raises(InvalidInput) as refused:
                run("take_down", chair_a, publication, too_early)
            assert refused.value.errors["event_date"] == [
                f"The report must stay online for at least 12 months: it can come down on or after {earliest:%-d %B %Y}"
            ]
            result = run("take_down", chair_a, publication, earliest)
            assert (result.state, result.taken_down_on) == ("taken_down", earliest)
            clock = result.online_period_clock(date(2016, 12, 1))
            assert (clock.status, clock.due, clock.rag) == (clocks.MET, earliest, None)

    def test_online_period_clock_runs_without_a_rag_then_is_met(self, chair_a):
        publication = publication_in("published", chair_a)
        running = publication.online_period_clock(date(2016, 6, 28))
        assert (running.status, running.due, running.days_remaining, running.rag) == (
            clocks.RUNNING,
            date(2016, 7, 1),
            3,
            None,
        )
        met = publication.online_period_clock(date(2016, 7, 2))
        assert (met.status, met.rag) == (clocks.MET, None)

    def test_report_to_panel_clock(self, chair_a):
        publication = completed_review(chair_a).publication
        assert publication.report_to_panel_clock(TODAY).status == clocks.NOT_STARTED
        publication = publication_in("scheduled", chair_a)
        clock = publication.report_to_panel_clock(TODAY)
        assert (clock.status, clock.starts_on, clock.due) == (clocks.MET, SIGNED_OFF_ON, date(2015, 6, 24))

    def test_days_from_completion_to_publication(self, chair_a):
        publication = report_sent(chair_a)
        assert publication.days_to_publication(date(2015, 6, 11)) == 10
        publication = publication_publish(
            actor=chair_a, publication_id=publication.pk, event_date=date(2015, 7, 1), url=URL
        )
        assert publication.days_to_publication(TODAY) == 30


class TestProposals:
    def test_a_proposal_opens_a_draft_non_publication_submission(self, chair_a):
        publication = proposed(chair_a, mode="anonymised", send=False)
        submission = publication.submission
        assert publication.state == "with_panel"
        assert publication.mode == "anonymised"
        assert (submission.kind, submission.state, submission.board_id) == (
            SubmissionKind.NON_PUBLICATION,
            SubmissionState.DRAFT,
            publication.review.board_id,
        )
        assert submission_missing(submission) == []
        entry = AuditEntry.objects.for_object(publication).latest("pk")
        assert entry.reason == "Proposed: Anonymised publication (board not identified)"
        assert blocked_by(publication, "publish") == ["The proposal has not been sent to the panel yet"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"mode": "full"}, "mode"),
            ({"mode": None}, "mode"),
            ({"reasons": "  "}, "reasons"),
            ({"independent_advice": ""}, "independent_advice"),
        ],
    )
    def test_a_proposal_needs_a_mode_reasons_and_independent_advice(self, chair_a, overrides, field):
        publication = report_sent(chair_a)
        payload = {"mode": "summary_only", "reasons": "Fictional.", "independent_advice": "Fictional.", **overrides}
        with pytest.raises(InvalidInput) as refused:
            publication_propose(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 8), **payload)
        assert list(refused.value.errors) == [field]
        publication.refresh_from_db()
        assert (publication.state, publication.submission_id) == ("report_sent", None)
        assert not publication.review.board.submissions.exists()

    def test_the_panel_submission_names_what_is_missing(self, chair_a):
        publication = proposed(chair_a, send=False)
        Publication.objects.filter(pk=publication.pk).update(mode="full", reasons="", independent_advice="")
        submission = Publication.objects.get(pk=publication.pk).submission
        assert submission_missing(submission) == [
            "the proposed mode of publication (anonymised, a summary only, or not published)",
            "the board's reasons for not publishing in full",
            "the independent advice that publication would put specific individuals at serious risk",
        ]

    def test_waiting_for_the_panel_blocks_with_reasons(self, chair_a):
        publication = proposed(chair_a)
        assert blocked_by(publication, "publish") == ["The panel has not yet advised"]
        assert blocked_by(publication, "withhold") == ["The panel has not yet advised"]


def _advised(chair, mode, advice, on=date(2015, 6, 20)):
    publication = proposed(chair, mode=mode)
    advise(publication.submission, advice=advice, on=on)
    return Publication.objects.get(pk=publication.pk)


def _responded(chair, response, view=None):
    publication = _advised(chair, "summary_only", Advice.DISAGREE)
    submission_record_board_response(
        actor=chair,
        submission_id=publication.submission_id,
        event_date=date(2015, 6, 22),
        response=response,
        explanation="" if response == BoardResponse.ACCEPTED else "Fictional explanation.",
    )
    if view is not None:
        from tests.workflow import panel_member

        submission_record_panel_view(
            actor=panel_member(),
            submission_id=publication.submission_id,
            event_date=date(2015, 6, 25),
            view=view,
            reasons="Fictional view.",
        )
    return Publication.objects.get(pk=publication.pk)


PUBLISH_PATHS = {
    # proposed mode, panel advice → the mode it is published in
    ("not_published", Advice.AGREE_ANONYMOUS_PUBLICATION): "anonymised",
    ("anonymised", Advice.AGREE_ANONYMOUS_PUBLICATION): "anonymised",
    ("anonymised", Advice.AGREE_SUMMARY_ONLY): "summary_only",
    ("summary_only", Advice.AGREE_SUMMARY_ONLY): "summary_only",
}


class TestTheOutcomeDecidesThePath:
    @pytest.mark.parametrize(("mode", "advice"), list(PUBLISH_PATHS))
    def test_agreed_publication_in_the_outcomes_mode(self, chair_a, mode, advice):
        publication = _advised(chair_a, mode, advice)
        assert blocked_by(publication, "withhold") == ["The outcome is to publish: the report cannot be withheld"]
        with pytest.raises(InvalidInput) as refused:
            run("publish", chair_a, publication, date(2015, 6, 19))
        assert "panel's latest advice" in refused.value.errors["event_date"][0]
        result = run("publish", chair_a, publication, date(2015, 6, 30))
        assert (result.state, result.mode) == ("published", PUBLISH_PATHS[(mode, advice)])

    @pytest.mark.parametrize("mode", ["anonymised", "summary_only", "not_published"])
    def test_agreed_not_to_publish_is_withheld_only(self, chair_a, mode):
        publication = _advised(chair_a, mode, Advice.AGREE_NOT_PUBLISH)
        assert publication.submission.outcome == Outcome.AGREED_NOT_PUBLISH
        assert blocked_by(publication, "publish") == ["The outcome is not to publish: the report can only be withheld"]
        with pytest.raises(Blocked):
            run("schedule", chair_a, publication, date(2015, 6, 30))
        with pytest.raises(InvalidInput) as refused:
            publication_withhold(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 30), reason=" ")
        assert list(refused.value.errors) == ["reason"]
        result = run("withhold", chair_a, publication, date(2015, 6, 30))
        assert (result.state, result.mode) == ("withheld", "not_published")
        assert AuditEntry.objects.for_object(publication).latest("pk").reason == "Fictional reason"

    def test_further_information_blocks_until_the_panel_advises_again(self, chair_a):
        publication = _advised(chair_a, "summary_only", Advice.FURTHER_INFORMATION_REQUESTED)
        assert blocked_by(publication, "publish") == ["The panel has asked the board for further information"]
        submission_provide_information(
            actor=chair_a,
            submission_id=publication.submission_id,
            event_date=date(2015, 6, 24),
            information="Fictional information.",
        )
        publication.refresh_from_db()
        assert blocked_by(Publication.objects.get(pk=publication.pk), "publish") == ["The panel has not yet advised"]
        advise(publication.submission, advice=Advice.AGREE_SUMMARY_ONLY, on=date(2015, 6, 26))
        result = run("publish", chair_a, publication, date(2015, 6, 30))
        assert (result.state, result.mode) == ("published", "summary_only")

    def test_disagreement_waits_for_the_board(self, chair_a):
        publication = _advised(chair_a, "summary_only", Advice.DISAGREE)
        assert blocked_by(publication, "publish") == ["The panel disagreed and the board has not yet responded"]
        assert blocked_by(publication, "withhold") == ["The panel disagreed and the board has not yet responded"]

    def test_the_board_accepting_the_panels_disagreement_publishes_in_full(self, chair_a):
        publication = _responded(chair_a, BoardResponse.ACCEPTED)
        assert publication.submission.outcome == Outcome.DISAGREED_PUBLISHED
        scheduled = publication_schedule(
            actor=chair_a,
            publication_id=publication.pk,
            event_date=date(2015, 6, 23),
            planned_publication_on=date(2015, 7, 6),
        )
        assert (scheduled.state, scheduled.mode) == ("scheduled", "full")
        result = run("publish", chair_a, scheduled, date(2015, 7, 6))
        assert (result.state, result.mode) == ("published", "full")

    @pytest.mark.parametrize(
        ("response", "view"),
        [
            (BoardResponse.NOT_ACCEPTED, None),
            (BoardResponse.FURTHER_EXPLANATION, PanelView.SATISFIED),
            (BoardResponse.FURTHER_EXPLANATION, PanelView.NOT_SATISFIED),
        ],
    )
    def test_the_board_not_accepting_withholds(self, chair_a, response, view):
        publication = _responded(chair_a, response, view)
        if view is None:
            assert publication.submission.outcome == Outcome.DISAGREED_NOT_PUBLISHED
        else:
            assert publication.submission.state == SubmissionState.CLOSED
            assert publication.submission.outcome == Outcome.DISAGREED_NOT_PUBLISHED
        with pytest.raises(Blocked):
            run("publish", chair_a, publication, date(2015, 6, 30))
        assert run("withhold", chair_a, publication, date(2015, 6, 30)).state == "withheld"

    def test_further_explanation_waits_for_the_panels_view(self, chair_a):
        publication = _responded(chair_a, BoardResponse.FURTHER_EXPLANATION)
        # The outcome is already `disagreed_not_published` (SPEC §4.4): withholding may go ahead.
        assert publication.submission.state == SubmissionState.AWAITING_PANEL_VIEW
        assert blocked_by(publication, "withhold") == []

    def test_a_withdrawn_proposal_publishes_in_full(self, chair_a):
        publication = proposed(chair_a, mode="not_published")
        submission_withdraw(
            actor=chair_a, submission_id=publication.submission_id, event_date=date(2015, 6, 9), reason="Fictional"
        )
        publication = Publication.objects.get(pk=publication.pk)
        assert blocked_by(publication, "withhold") == ["The outcome is to publish: the report cannot be withheld"]
        result = run("publish", chair_a, publication, date(2015, 6, 12))
        assert (result.state, result.mode) == ("published", "full")


class TestTheBoardsRecord:
    def test_response_and_nspcc_deposit(self, chair_a, staff_a):
        publication = report_sent(chair_a)
        with pytest.raises(InvalidInput) as refused:
            publication_record(
                actor=staff_a, publication_id=publication.pk, board_response="x", nspcc_deposited_on=date(2015, 6, 20)
            )
        assert "once it has been published" in refused.value.errors["nspcc_deposited_on"][0]
        publication = publication_publish(
            actor=chair_a, publication_id=publication.pk, event_date=date(2015, 7, 1), url=URL
        )
        for bad in (date(2015, 6, 30), date(2015, 11, 3)):
            with pytest.raises(InvalidInput):
                publication_record(
                    actor=staff_a, publication_id=publication.pk, board_response="x", nspcc_deposited_on=bad
                )
        result = publication_record(
            actor=staff_a,
            publication_id=publication.pk,
            board_response="  The board accepts the fictional findings.  ",
            nspcc_deposited_on=date(2015, 7, 15),
        )
        assert (result.board_response, result.nspcc_deposited_on) == (
            "The board accepts the fictional findings.",
            date(2015, 7, 15),
        )
        assert result.history.count() >= 2

    def test_the_panel_cannot_record_for_the_board(self, chair_a, panel_member):
        publication = report_sent(chair_a)
        with pytest.raises(RoleNotPermitted):
            publication_record(
                actor=panel_member, publication_id=publication.pk, board_response="x", nspcc_deposited_on=None
            )


class TestClosingTheCase:
    def test_a_case_with_a_review_closes_once_publication_has_run_its_course(self, chair_a):
        publication = report_sent(chair_a)
        incident = publication.review.incidents.get()
        with pytest.raises(Blocked) as refused:
            incident_close(actor=chair_a, incident_id=incident.pk, event_date=date(2015, 6, 10))
        assert refused.value.reasons == ["The case's local review has not been published, withheld or taken down yet"]
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 12), url=URL)
        assert incident_close(actor=chair_a, incident_id=incident.pk, event_date=date(2015, 6, 13)).state == "closed"


@pytest.mark.parametrize("state", [*STATES, "taken_down"])
def test_the_case_task_list_says_where_publication_stands(chair_a, state):
    from incidents.stages import case_stages

    if state == "taken_down":
        publication = publication_in("published", chair_a)
        with time_machine.travel(date(2016, 7, 2), tick=False):
            publication = run("take_down", chair_a, publication, date(2016, 7, 1))
    else:
        publication = publication_in(state, chair_a)
    incident = publication.review.incidents.get()
    stage = case_stages(incident, list(incident.decisions.all()), [], {}, publication=publication)[-1]
    expected = {
        "awaiting_report": ("Not yet started", "Send the final report to the panel at least 7 days"),
        "report_sent": ("In progress", "Report sent to the panel on 5 June 2015"),
        "with_panel": ("In progress", "Outcome: Not yet advised"),
        "scheduled": ("In progress", "publication planned for 1 July 2015"),
        "published": ("Completed", "Published on 1 July 2015"),
        "withheld": ("Withheld", "Not published"),
        "taken_down": ("Completed", "taken down on 1 July 2016"),
    }[state]
    assert stage.name == "Publish the final report"
    assert stage.status == expected[0]
    assert expected[1] in stage.hint
