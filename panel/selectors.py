"""Every read of the panel's work, narrowed to what the user may see.

Board users see their own board's submissions. Panel members and the secretariat see every
board's submissions once sent, and, through them, the incident and decision they are about.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from audit.models import AuditEntry
from scr_tracker import clocks
from scr_tracker.clock_rows import clock_of, with_clock

from .choices import SubmissionState
from .models import OPEN_STATES, SENT_STATES, PanelMeeting, PanelSubmission

PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT)


def submissions_for_user(user) -> QuerySet[PanelSubmission]:
    # A proposal not to publish finds its case through its publication's review (SPEC §4.5).
    qs = PanelSubmission.objects.select_related(
        "board", "decision__incident", "meeting", "publication__review__decision__incident"
    )
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_board_user:
        return qs.filter(board_id=user.board_id)
    if user.role in PANEL_ROLES:
        # Drafts are the board's own; what has been sent stays visible even if later withdrawn.
        return qs.filter(Q(state__in=SENT_STATES) | Q(first_submitted_on__isnull=False))
    return qs.none()


def submission_for_user(user, public_id) -> PanelSubmission:
    try:
        return submissions_for_user(user).get(public_id=public_id)
    except PanelSubmission.DoesNotExist as exc:
        raise Http404("Not found") from exc


def meetings_for_user(user) -> QuerySet[PanelMeeting]:
    """Meetings are the panel's: board users do not see its agenda of other boards' cases."""
    if user.is_authenticated and user.is_active and user.role in PANEL_ROLES:
        return PanelMeeting.objects.all()
    return PanelMeeting.objects.none()


def meeting_for_user(user, public_id) -> PanelMeeting:
    try:
        return meetings_for_user(user).get(public_id=public_id)
    except PanelMeeting.DoesNotExist as exc:
        raise Http404("Not found") from exc


def next_meeting(user, *, today: date) -> PanelMeeting | None:
    return meetings_for_user(user).filter(meets_on__gte=today).order_by("meets_on").first()


def agenda(meeting: PanelMeeting) -> QuerySet[PanelSubmission]:
    """The submissions scheduled to a meeting, with what the agenda shows about each."""
    return meeting.submissions.select_related(
        "board", "decision__incident", "publication__review__decision__incident"
    ).order_by("board__name", "pk")


def awaiting_advice(user) -> QuerySet[PanelSubmission]:
    return submissions_for_user(user).filter(state__in=[SubmissionState.SUBMITTED, SubmissionState.SCHEDULED])


def awaiting_panel_view(user) -> QuerySet[PanelSubmission]:
    return submissions_for_user(user).filter(state=SubmissionState.AWAITING_PANEL_VIEW)


def information_overdue(user, *, today: date) -> QuerySet[PanelSubmission]:
    return submissions_for_user(user).filter(state=SubmissionState.AWAITING_INFORMATION, information_due__lt=today)


def submission_history(submission: PanelSubmission):
    return submission.events.select_related("recorded_by", "meeting").order_by("recorded_at", "pk")


# --- What the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionFilters:
    state: str = ""
    outcome: str = ""


def submission_list(user, *, filters: SubmissionFilters = SubmissionFilters()) -> QuerySet[PanelSubmission]:
    """The submissions list: drafts first (board users), then the most recently sent; a draft with its due date."""
    qs = with_clock(submissions_for_user(user), "send_to_panel")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return qs.order_by(F("first_submitted_on").desc(nulls_first=True), "-created_at", "-pk")


def open_submissions(user) -> QuerySet[PanelSubmission]:
    """A board's dashboard: its submissions still waiting on someone, oldest first (a draft with its due date)."""
    submissions = with_clock(submissions_for_user(user), "send_to_panel")
    return submissions.filter(state__in=OPEN_STATES).order_by("created_at", "pk")


def meeting_list(user) -> QuerySet[PanelMeeting]:
    return meetings_for_user(user).annotate(agenda_size=Count("submissions")).order_by("-meets_on")


def meetings_to_schedule(user, submission: PanelSubmission, *, today: date) -> QuerySet[PanelMeeting]:
    """Meetings a submission can go to: those still to come, or held since it was sent with no minutes yet."""
    qs = meetings_for_user(user)
    since = Q(meets_on__gte=submission.first_submitted_on, minutes="") if submission.first_submitted_on else Q()
    return qs.filter(Q(meets_on__gte=today) | since).order_by("meets_on")


def meeting_attendees(meeting: PanelMeeting) -> QuerySet[User]:
    """Who can be recorded as present: active panel members and secretariat, and anyone already recorded."""
    present = meeting.members_present.values("pk")
    return User.objects.filter(
        Q(role__in=PANEL_ROLES, is_active=True) | Q(pk__in=present),
    ).order_by("role", "full_name")


def submission_clocks(submission: PanelSubmission, *, today: date) -> list[clocks.Clock]:
    """The submission's clocks (SPEC §3), as its case's regime declares them: sending it after the
    decision, and the board's reply to the latest request for further information."""
    result = []
    case = submission.clock_case
    regime = case.regime_rules
    if (
        submission.decision_id
        and regime.decision_due_clock
        and regime.clock(regime.decision_due_clock).ends.name == "submit"
    ):
        # The case's clock that sending this submission ends (the rapid review): the board is measured by it.
        result.append(clock_of(case, regime.decision_due_clock, today))
    for declared in regime.clocks_of("submission"):
        clock = clock_of(submission, declared.name, today)
        # The clock the decision starts shows from the start; a later request's only once made.
        from_decision = declared.starts.name == "record_decision" and submission.decision_id
        if from_decision or clock.status != clocks.NOT_STARTED:
            result.append(clock)
    if submission.state == SubmissionState.WITHDRAWN:
        # A withdrawn submission waits for nothing: only the clocks it met or missed remain.
        result = [c for c in result if c.status in (clocks.MET, clocks.MISSED) and c.rag is None]
    return result


def submission_timeline(submission: PanelSubmission):
    """Every transition of the submission: who, their role, when recorded, the event date, the reason."""
    return AuditEntry.objects.for_object(submission).select_related("actor").order_by("recorded_at", "pk")


def submissions_to_schedule(user) -> QuerySet[PanelSubmission]:
    """The secretariat's queue: sent, not yet on a meeting's agenda, the longest waiting first."""
    return submissions_for_user(user).filter(state=SubmissionState.SUBMITTED).order_by("first_submitted_on", "pk")


# --- What the API shows -------------------------------------------------------------------------


def submission_visible_to(user, submission: PanelSubmission) -> bool:
    return submissions_for_user(user).filter(pk=submission.pk).exists()


def submissions_newest_first(user, *, state: str = "", kind: str = "", outcome: str = "") -> QuerySet[PanelSubmission]:
    """The user's submissions, narrowed by each value given, the most recently created first."""
    qs = submissions_for_user(user)
    for field, value in {"state": state, "kind": kind, "outcome": outcome}.items():
        if value:
            qs = qs.filter(**{field: value})
    return qs.order_by("-created_at", "-pk")


def meeting_or_none(user, public_id) -> PanelMeeting | None:
    """The meeting with this public id, when the user may see it (a submission's schedule names it)."""
    return meetings_for_user(user).filter(public_id=public_id).first()


AGENDA_ORDER = ("board__name", "pk")  # as `agenda`


def meetings_with_agenda(user) -> QuerySet[PanelMeeting]:
    """The user's meetings, latest first, with those present and their agenda, in a fixed number of queries."""
    return (
        meetings_for_user(user)
        .prefetch_related(
            "members_present",
            Prefetch(
                "submissions",
                queryset=PanelSubmission.objects.order_by(*AGENDA_ORDER).only("public_id", "meeting", "board"),
            ),
        )
        .order_by("-meets_on")
    )


def panel_users_by_email(emails) -> list[User]:
    """The panel members and secretariat with these email addresses, in any case."""
    lookup = Q()
    for email in emails:
        lookup |= Q(email__iexact=email)
    return list(User.objects.filter(lookup, role__in=PANEL_ROLES))
