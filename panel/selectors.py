"""Every read of the panel's work, narrowed to what the user may see.

Board users see their own board's submissions. Panel members and the secretariat see every
board's submissions once sent, and, through them, the incident and decision they are about.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role

from .choices import SubmissionState
from .models import SENT_STATES, PanelMeeting, PanelSubmission

PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT)


def submissions_for_user(user) -> QuerySet[PanelSubmission]:
    qs = PanelSubmission.objects.select_related("board", "decision__incident", "meeting")
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
    return meeting.submissions.select_related("board", "decision__incident").order_by("board__name", "pk")


def awaiting_advice(user) -> QuerySet[PanelSubmission]:
    return submissions_for_user(user).filter(state__in=[SubmissionState.SUBMITTED, SubmissionState.SCHEDULED])


def awaiting_panel_view(user) -> QuerySet[PanelSubmission]:
    return submissions_for_user(user).filter(state=SubmissionState.AWAITING_PANEL_VIEW)


def information_overdue(user, *, today: date) -> QuerySet[PanelSubmission]:
    return submissions_for_user(user).filter(state=SubmissionState.AWAITING_INFORMATION, information_due__lt=today)


def submission_history(submission: PanelSubmission):
    return submission.events.select_related("recorded_by", "meeting").order_by("recorded_at", "pk")
