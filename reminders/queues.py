"""Whose move it is: each user's "waiting for you" and "waiting for others" (the dashboards' first part).

Every open record the user may see is read in one query a kind of record, with what its step needs
(its case, its clock rows and the date of its latest event); `scr_tracker.steps.step_of` then says,
from the regime's declarations, who acts next, what they do, by when and where. A user's own queue
holds the steps their role owns; "waiting for others" the steps of the same records owned by
someone else. The number of queries does not grow with the records.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.dashboard import dashboard_reads, dashboard_shows
from audit.models import AuditEntry
from incidents.choices import OPEN_STATES as INCIDENT_OPEN
from incidents.selectors import incidents_for_user
from panel.models import OPEN_STATES as SUBMISSION_OPEN
from panel.selectors import submissions_for_user
from publication.choices import FINISHED_STATES
from publication.selectors import publications_for_user
from reviews.choices import OPEN_REVIEW_STATES, ActionStatus
from reviews.models import Action, Contribution
from reviews.selectors import actions_for_user, contributions_for_user, reviews_for_user
from scr_tracker.clock_rows import hand_out
from scr_tracker.models import ClockRow
from scr_tracker.steps import Step, step_of

# How many entries a dashboard shows of each part before "see all".
DASHBOARD_ENTRIES = 10


def _entered_on(queryset: QuerySet) -> QuerySet:
    """Each record annotated with the date of its latest event (when it came to its current step)."""
    latest = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
        )
        .events()
        .order_by("-event_date", "-pk")
        .values("event_date")[:1]
    )
    return queryset.annotate(entered_on=Subquery(latest))


def _with_rows(records: list) -> list:
    """Hand each record, and the case each record reached, its clock rows: one query for every case."""
    cases = [record.clock_case for record in records]
    rows = list(ClockRow.objects.filter(incident_id__in={case.pk for case in cases})) if cases else []
    hand_out(rows, [*records, *cases])
    return records


def _open_records(user, incident_pks: list | None = None) -> list:
    """Every open record in the user's scope, each with what its step reads, in a query a kind; with
    `incident_pks`, only the records of those cases that carry the case's own path (not its
    contributions and actions)."""
    records: list = []
    only = incident_pks is not None
    if user.is_board_user:
        incidents = incidents_for_user(user).filter(state__in=INCIDENT_OPEN).select_related("lead_officer")
        reviews = (
            reviews_for_user(user)
            .filter(state__in=OPEN_REVIEW_STATES)
            .select_related("decision__incident__lead_officer")
        )
        if only:
            incidents = incidents.filter(pk__in=incident_pks)
            reviews = reviews.filter(decision__incident__in=incident_pks)
        records += _entered_on(incidents)
        records += _entered_on(reviews)
    if user.is_board_user and not only:
        contributions = contributions_for_user(user).filter(received_on__isnull=True)
        records += (
            _entered_on(contributions)
            .filter(review__state__in=OPEN_REVIEW_STATES)
            .select_related("review__decision__incident__lead_officer")
        )
        actions = actions_for_user(user).filter(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
        records += _entered_on(actions).select_related("recommendation__review__decision__incident__lead_officer")
    if user.is_board_user:
        publications = (
            publications_for_user(user)
            .exclude(state__in=FINISHED_STATES)
            .select_related("review__decision__incident__lead_officer")
        )
        if only:
            publications = publications.filter(review__decision__incident__in=incident_pks)
        records += _entered_on(publications)
    submissions = (
        submissions_for_user(user)
        .filter(state__in=SUBMISSION_OPEN)
        .select_related("decision__incident__lead_officer", "publication__review__decision__incident__lead_officer")
    )
    if only:
        submissions = submissions.filter(
            Q(decision__incident__in=incident_pks) | Q(publication__review__decision__incident__in=incident_pks)
        )
    records += _entered_on(submissions)
    return _with_rows(records)


def _every_open_record(user) -> list:
    """`_open_records(user)`, read once for all of a dashboard's sections."""
    reads = dashboard_reads()
    if reads is None:
        return _open_records(user)
    key = ("open_records", user.pk)
    if key not in reads:
        reads[key] = _open_records(user)
    return reads[key]


def _case_path_records(user, incident_pks: list) -> list:
    """The open records on the listed cases' own path: on a dashboard, those of the records its queue reads."""
    if dashboard_reads() is None:
        return _open_records(user, incident_pks)
    wanted = set(incident_pks)
    return [
        record
        for record in _every_open_record(user)
        if record.clock_case.pk in wanted and not isinstance(record, (Contribution, Action))
    ]


def next_steps_of_cases(user, incident_pks: list, today: date) -> dict:
    """Each listed case's next move: the nearest step of the case, its submissions, review and
    publication (registered with `scr_tracker.steps.case_steps_register`)."""
    steps: dict = {}
    for record in _case_path_records(user, incident_pks):
        step = step_of(record, today)
        if step is None:
            continue
        case = record.clock_case.pk
        if case not in steps or step.sort_key < steps[case].sort_key:
            steps[case] = step
    return steps


@dataclass(frozen=True)
class Queue:
    """A user's steps: those their role owns, and those of the same records that others hold."""

    mine: list[Step]
    others: list[Step]

    @property
    def mine_shown(self) -> list[Step]:
        return self.mine[:DASHBOARD_ENTRIES]

    @property
    def others_shown(self) -> list[Step]:
        return self.others[:DASHBOARD_ENTRIES]


def queue_for(user, *, today: date) -> Queue:
    """The user's "waiting for you" and "waiting for others", the nearest date first."""
    if not (user.is_authenticated and user.is_active) or not (user.is_board_user or user.is_panel_user):
        return Queue([], [])
    steps = [step for step in (step_of(record, today) for record in _every_open_record(user)) if step is not None]
    steps.sort(key=lambda step: step.sort_key)
    mine = [step for step in steps if step.is_for(user)]
    others = [step for step in steps if not step.is_for(user)]
    return Queue(mine, others)


def dashboard_queue(user, today: date) -> dict:
    """The dashboards' first section (registered from the app's ready)."""
    if not (user.is_board_user or user.is_panel_user):
        return {}
    queue = queue_for(user, today=today)
    dashboard_shows(step.record for step in (*queue.mine_shown, *queue.others_shown))
    return {"queue": queue}
