"""Where each statutory clock's due date is stored, and when it is still running (SPEC §3, §5).

One entry per clock name. Each selects, in one query, the running clocks whose stored due date
is on or before a limit (optionally of one board), with what a reminder may show: the record's
case reference and the board. Stopped clocks have no due date stored (a review's completion
clock while a stop is open), and met clocks are filtered out by their end event, so neither is
ever selected. The sweep reads columns; it never recomputes every case.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import Role
from scr_tracker.clocks import WT2013, add_days, add_months

STAFF = (Role.BOARD_STAFF,)
CHAIR = (Role.BOARD_CHAIR,)


class DueClock(NamedTuple):
    """One running clock with a due date, as a reminder or a calendar entry sees it."""

    clock: str
    object_id: int
    due: date
    board_id: int
    reference: str
    link_public_id: object  # UUID of the page to link to


@dataclass(frozen=True)
class ClockSource:
    """How to find one clock's running instances and who answers for them.

    `rows(limit, board_id, since)` returns (pk, stored date, board id, reference, public id) tuples
    whose stored date is on or before `limit` (None: any) and on or after `since` (None: any).
    `due_from_stored` turns the stored date into the due date when the column is not the due date
    itself (a publication stores its planned and publication dates); `stored_limit` and
    `stored_floor` turn the sweep's bounds on due dates into bounds on the stored column.
    `responsible` are the roles of the board who are reminded before the due date; the chair is
    added for overdue reminders. `overdue` is False for a clock met by reaching its due date.
    """

    clock: str
    rows: Callable[[date | None, int | None, date | None], QuerySet]
    link: str  # URL name taking the public id
    responsible: tuple[str, ...]
    overdue: bool = True
    due_from_stored: Callable[[date], date] | None = None
    stored_limit: Callable[[date], date] | None = None
    stored_floor: Callable[[date], date] | None = None

    def due_clocks(
        self, *, limit: date | None, board_id: int | None = None, today: date | None = None
    ) -> Iterator[DueClock]:
        """Running clocks due on or before `limit`. A clock without overdue reminders is over once its
        date has passed, so with `today` given only those due from today on are read."""
        stored = self.stored_limit(limit) if (limit is not None and self.stored_limit) else limit
        since = None
        if today is not None and not self.overdue:
            since = self.stored_floor(today) if self.stored_floor else today
        for pk, stored_on, board, reference, public_id in self.rows(stored, board_id, since):
            due = self.due_from_stored(stored_on) if self.due_from_stored else stored_on
            if (limit is not None and due > limit) or (since is not None and due < today):
                continue
            yield DueClock(self.clock, pk, due, board, reference or "", public_id)

    def url(self, public_id) -> str:
        return reverse(self.link, args=[public_id]) if public_id else ""


def _narrow(
    qs: QuerySet, due_field: str, limit: date | None, board_field: str, board_id: int | None, since: date | None = None
) -> QuerySet:
    qs = qs.filter(**{f"{due_field}__isnull": False})
    if limit is not None:
        qs = qs.filter(**{f"{due_field}__lte": limit})
    if since is not None:
        qs = qs.filter(**{f"{due_field}__gte": since})
    if board_id is not None:
        qs = qs.filter(**{board_field: board_id})
    return qs


# --- The clocks ---------------------------------------------------------------------------------


def _sin_notification(limit, board_id, since=None):
    from incidents.choices import IncidentState
    from incidents.models import Incident

    # Met when the SIN is recorded as received and notified (`notify`): a draft is still running.
    qs = Incident.objects.filter(state=IncidentState.DRAFT)
    qs = _narrow(qs, "sin_notification_due", limit, "board_id", board_id)
    return qs.values_list("pk", "sin_notification_due", "board_id", "reference", "public_id")


def _initiation_decision(limit, board_id, since=None):
    from incidents.choices import IncidentState
    from incidents.models import Incident
    from reviews.models import Decision

    # Ended by the first decision: a reconsidered case (a decision already on record) is not reminded.
    qs = Incident.objects.filter(
        ~Exists(Decision.objects.filter(incident=OuterRef("pk"))),
        state__in=[IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION],
    )
    qs = _narrow(qs, "initiation_decision_due", limit, "board_id", board_id)
    return qs.values_list("pk", "initiation_decision_due", "board_id", "reference", "public_id")


def _send_to_panel(limit, board_id, since=None):
    from panel.choices import SubmissionState
    from panel.models import PanelSubmission

    qs = PanelSubmission.objects.filter(state=SubmissionState.DRAFT, first_submitted_on__isnull=True)
    qs = _narrow(qs, "send_to_panel_due", limit, "board_id", board_id)
    return qs.values_list("pk", "send_to_panel_due", "board_id", "decision__incident__reference", "public_id")


def _information_reply(limit, board_id, since=None):
    from panel.choices import SubmissionState
    from panel.models import PanelSubmission

    qs = PanelSubmission.objects.filter(state=SubmissionState.AWAITING_INFORMATION)
    qs = _narrow(qs, "information_due", limit, "board_id", board_id)
    reference = Coalesce("decision__incident__reference", "publication__review__decision__incident__reference")
    return qs.annotate(case_reference=reference).values_list(
        "pk", "information_due", "board_id", "case_reference", "public_id"
    )


def _scr_completion(limit, board_id, since=None):
    from reviews.choices import OPEN_REVIEW_STATES
    from reviews.models import SeriousCaseReview

    # A stopped clock has no `completion_due` (it is set again, moved on, when the clock resumes).
    qs = SeriousCaseReview.objects.filter(state__in=OPEN_REVIEW_STATES, signed_off_on__isnull=True)
    qs = _narrow(qs, "completion_due", limit, "board_id", board_id)
    return qs.values_list("pk", "completion_due", "board_id", "decision__incident__reference", "public_id")


def _agency_contribution(limit, board_id, since=None):
    from reviews.choices import OPEN_REVIEW_STATES
    from reviews.models import Contribution

    qs = Contribution.objects.filter(received_on__isnull=True, review__state__in=OPEN_REVIEW_STATES)
    qs = _narrow(qs, "due_on", limit, "review__board_id", board_id)
    return qs.values_list(
        "pk", "due_on", "review__board_id", "review__decision__incident__reference", "review__public_id"
    )


def _action_due(limit, board_id, since=None):
    from reviews.choices import ActionStatus
    from reviews.models import Action

    qs = Action.objects.filter(completed_on__isnull=True, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    qs = _narrow(qs, "due_on", limit, "board_id", board_id)
    return qs.values_list(
        "pk",
        "due_on",
        "board_id",
        "recommendation__review__decision__incident__reference",
        "recommendation__review__public_id",
    )


def _report_to_panel(limit, board_id, since=None):
    from publication.choices import PublicationState
    from publication.models import Publication

    # Running from when a publication date is planned until the report is sent (`send_report`).
    qs = Publication.objects.filter(state=PublicationState.AWAITING_REPORT, report_sent_on__isnull=True)
    qs = _narrow(qs, "planned_publication_on", limit, "review__board_id", board_id, since)
    return qs.values_list(
        "pk", "planned_publication_on", "review__board_id", "review__decision__incident__reference", "public_id"
    )


def _online_period(limit, board_id, since=None):
    from publication.choices import PublicationState
    from publication.models import Publication

    # Met by staying online until its date: reminded only ahead of the date the chair may take it down.
    qs = Publication.objects.filter(state=PublicationState.PUBLISHED, taken_down_on__isnull=True)
    qs = _narrow(qs, "published_on", limit, "review__board_id", board_id, since)
    return qs.values_list(
        "pk", "published_on", "review__board_id", "review__decision__incident__reference", "public_id"
    )


# Working Together 2013/2015's rules for the two publication clocks (scr_tracker.clocks.WT2013):
# the report reaches the panel 7 days before the planned date; the report stays online 12 months.
REPORT_TO_PANEL_DAYS = WT2013.rules["report_to_panel"].amount
ONLINE_MONTHS = WT2013.rules["online_period"].amount

SOURCES: dict[str, ClockSource] = {
    source.clock: source
    for source in (
        ClockSource("sin_notification", _sin_notification, "incidents:case", STAFF),
        # Only the chair can record the decision.
        ClockSource("initiation_decision", _initiation_decision, "incidents:case", CHAIR),
        ClockSource("send_to_panel", _send_to_panel, "panel:submission", STAFF),
        ClockSource("information_reply", _information_reply, "panel:submission", STAFF),
        ClockSource("scr_completion", _scr_completion, "reviews:review", STAFF),
        ClockSource("agency_contribution", _agency_contribution, "reviews:review", STAFF),
        ClockSource("action_due", _action_due, "reviews:review", STAFF),
        ClockSource(
            "report_to_panel",
            _report_to_panel,
            "publication:publication",
            STAFF,
            due_from_stored=lambda planned: add_days(planned, REPORT_TO_PANEL_DAYS),
            stored_limit=lambda due: add_days(due, -REPORT_TO_PANEL_DAYS),
        ),
        # Only the chair can take a report down.
        ClockSource(
            "online_period",
            _online_period,
            "publication:publication",
            CHAIR,
            overdue=False,
            due_from_stored=lambda published: add_months(published, ONLINE_MONTHS),
            # Month ends clamp (29 February + 12 months is 28 February): a few days' margin, then exact.
            stored_limit=lambda due: add_days(add_months(due, -ONLINE_MONTHS), 3),
            stored_floor=lambda today: add_days(add_months(today, -ONLINE_MONTHS), -3),
        ),
    )
}


def due_clocks(*, limit: date | None, board_id: int | None = None, today: date | None = None) -> Iterator[DueClock]:
    """Every running clock due on or before `limit` (None: all of them), one query per clock."""
    for source in SOURCES.values():
        yield from source.due_clocks(limit=limit, board_id=board_id, today=today)


def source_for(clock: str) -> ClockSource | None:
    return SOURCES.get(clock)
