"""The panel's pages: submissions (the board's side and the panel's), their transitions, and meetings.

Thin (STYLE): parse the request, fetch through a permission-checked selector, call one service,
and turn the service's refusals into field errors, a message on the submission page, or a 403 page.
Board users reach their own board's submissions; panel users every sent one; meetings are the
panel's only (404 for anyone else).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import last_event_on
from audit.services import access_record, access_record_many
from audit.timeline import timeline_rows
from incidents.forms import SIN_STEPS
from incidents.services import SIN_FIELDS
from incidents.words import sin_rows
from scr_tracker.corrections import CHAIR_ONLY, field_words
from scr_tracker.forms import CorrectionForm, add_service_errors
from scr_tracker.pages import Confirm, PageRefusal, TransitionPages, check_transition, run_for_page, transition_view
from scr_tracker.pages import TransitionPage as BaseTransitionPage
from scr_tracker.steps import step_of
from scr_tracker.terms import lower_first, term
from scr_tracker.transitions import (
    InvalidInput,
    RoleNotPermitted,
    transitions_now,
    waiting_on,
)

from . import selectors, services
from .choices import SubmissionKind, SubmissionState
from .corrections import SUBMITTED_ON, submission_correct
from .forms import (
    AdviceForm,
    AttendanceForm,
    BoardResponseForm,
    CoveringNoteForm,
    InformationForm,
    MeetingForm,
    MeetingWithdrawForm,
    PanelViewForm,
    ScheduleForm,
    SubmissionFilterForm,
    SubmitForm,
    WithdrawSubmissionForm,
)
from .models import SUBMISSION_TRANSITIONS, SubmissionEvent
from .words import outcome_words, submission_action_words, submission_state_words, submission_transition_words

SUBMISSIONS_PER_PAGE = 25


def _today():
    return timezone.localdate()


def _submission_user_or_404(user) -> None:
    # Submissions are the boards' and the panel's; for anyone else these pages do not exist.
    if not (user.is_board_user or user.is_panel_user):
        raise Http404("Not found")


def _panel_user_or_404(user) -> None:
    # Meetings are the panel's: their agendas list other boards' cases.
    if not user.is_panel_user:
        raise Http404("Not found")


def _submission_url(submission) -> str:
    return reverse("panel:submission", args=[submission.public_id])


def _transition_url(submission, name: str) -> str:
    if name == "submit":
        return reverse("panel:check", args=[submission.public_id])
    return reverse("panel:transition", args=[submission.public_id, name])


def _refused(request, submission, name: str, reasons: list[str]):
    messages.error(request, f"You cannot {submission_action_words(name).lower()} now: {'; '.join(reasons)}.")
    return redirect(_submission_url(submission))


# A proposal not to publish in full: what the board's response means for publication (SPEC §4.4, §4.5).
NON_PUBLICATION_INTROS = {
    "record_board_response": "If the board accepts the panel's advice, the report is published in full. If it does "
    "not accept it, or the panel is not satisfied with its explanation, the report is withheld.",
}


def _state_reason(state: str) -> str:
    return f"the submission is {submission_state_words(state).lower()}"


def _check(request, submission, name: str) -> None:
    check_transition(request.user, submission, name, action=submission_action_words(name), state_reason=_state_reason)


def _case_sections(incident) -> list[dict]:
    """The SIN's details as on the case page, page by page of the question pages."""
    values = {name: getattr(incident, name) for name in SIN_FIELDS}
    values.update(received_on=incident.received_on, ofsted_notified_on=incident.ofsted_notified_on)
    sections = []
    for step in SIN_STEPS:
        fields = list(step.base_fields)
        if step.slug == "incident":
            fields += ["received_on", "ofsted_notified_on"]
        sections.append({"title": step.title, "rows": sin_rows(values, fields, incident.regime_rules)})
    return sections


def _submission_context(submission) -> dict:
    """What every page about one submission shows of it: the case, the decision and their facts."""
    decision = submission.decision
    incident = decision.incident if decision else None
    # A proposal not to publish in full finds its review and case through its publication (SPEC §4.5).
    publication = (
        getattr(submission, "publication", None) if submission.kind == SubmissionKind.NON_PUBLICATION else None
    )
    if publication is not None:
        incident = publication.review.decision.incident
    return {
        "submission": submission,
        "decision": decision,
        "incident": incident,
        "publication": publication,
        "sections": _case_sections(incident) if incident else [],
    }


# --- The submissions list ------------------------------------------------------------------------


def submission_list_rows(request):
    """The submissions list's filter form and its submissions: one function for the page and its export."""
    user = request.user
    _submission_user_or_404(user)
    form = SubmissionFilterForm(request.GET or None, board_user=user.is_board_user)
    form.is_valid()
    return form, selectors.submission_list(user, filters=selectors.SubmissionFilters(**form.filters()))


@require_http_methods(["GET"])
def submission_list(request):
    form, submissions = submission_list_rows(request)
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    access_record_many(request=request, records=page.object_list)
    return render(
        request,
        "panel/submission_list.html",
        {
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "filtered": bool(form.filters()),
        },
    )


# --- One submission ------------------------------------------------------------------------------


def _waits_on_words(step) -> str:
    """Whose move it is, in words, when it is not the reader's: "Waiting on the panel's secretariat: schedule
    the submission for a meeting of the panel. Expected by 3 March 2015"."""
    who = step.owner_words if step.person is not None else lower_first(step.owner_words)
    return f"Waiting on {who}: {lower_first(step.action)}" + (f". {step.due_words}" if step.due_words else "")


@require_http_methods(["GET"])
def submission_detail(request, public_id):
    submission = selectors.submission_for_user(request.user, public_id)
    access_record(request=request, record=submission)
    history = list(selectors.submission_history(submission))
    # Only what the user can do now (a transition a rule blocks is not offered); what it waits on is said apart.
    steps = transitions_now(submission, request.user, SUBMISSION_TRANSITIONS)
    submission.entered_on = last_event_on(submission)  # when it came to its step: an expected date runs from it
    step = step_of(submission, _today())
    draft = submission.state == SubmissionState.DRAFT
    return render(
        request,
        "panel/submission_detail.html",
        {
            **_submission_context(submission),
            "history": history,
            "timeline_rows": timeline_rows(
                selectors.submission_timeline(submission),
                transition_words=submission_transition_words,
                state_words=submission_state_words,
                field_words=field_words({SUBMITTED_ON.field: SUBMITTED_ON}),
            ),
            "correct_sent_href": reverse("panel:correct", args=[submission.public_id])
            if submission.first_submitted_on and request.user.is_board_user and request.user.is_chair
            else None,
            "opened_on": f"{submission.created_at:%-d %B %Y}",
            "clocks": selectors.submission_clocks(submission, today=_today()),
            "actions": [{"name": name, "href": _transition_url(submission, name)} for name in steps],
            "waiting": waiting_on(submission, request.user, SUBMISSION_TRANSITIONS),
            "waits_on": _waits_on_words(step) if step is not None and not step.is_for(request.user) else "",
            "missing": services.submission_missing(submission) if draft else [],
            "can_edit_note": draft and request.user.is_board_user,
        },
    )


@require_http_methods(["GET", "POST"])
def submission_note(request, public_id):
    """The board's covering note, while the submission is a draft."""
    submission = selectors.submission_for_user(request.user, public_id)
    if not request.user.is_board_user:
        raise PermissionDenied("Only the board writes its covering note")
    if submission.state != SubmissionState.DRAFT:
        messages.error(request, "The submission has been sent: its covering note can no longer be changed.")
        return redirect(_submission_url(submission))
    access_record(request=request, record=submission)
    from_check = request.GET.get("from") == "check"
    form = CoveringNoteForm(
        request.POST if request.method == "POST" else None, initial={"covering_note": submission.covering_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_update_note(
                actor=request.user, submission_id=submission.pk, covering_note=form.cleaned_data["covering_note"]
            )
        except InvalidInput as exc:
            add_service_errors(form, exc.errors)
        except RoleNotPermitted as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, "Covering note saved")
            return redirect(_transition_url(submission, "submit") if from_check else _submission_url(submission))
    back = _transition_url(submission, "submit") if from_check else _submission_url(submission)
    return render(request, "panel/covering_note.html", {**_submission_context(submission), "form": form, "back": back})


@require_http_methods(["GET", "POST"])
def submission_check(request, public_id):
    """Check your answers: everything the panel will see, then send it (the `submit` transition)."""
    submission = selectors.submission_for_user(request.user, public_id)
    access_record(request=request, record=submission)
    missing = services.submission_missing(submission)
    refused_missing = False
    try:
        _check(request, submission, "submit")
        form = SubmitForm(request.POST if request.method == "POST" else None, record=submission)
        if request.method == "POST":
            sent, kept = run_for_page(
                lambda: services.submission_submit(actor=request.user, submission_id=submission.pk, **form.payload()),
                form,
                state_reason=_state_reason,
                keep=("missing",),
            )
            if "missing" in kept:
                missing, refused_missing = kept["missing"], True
            if sent is not None:
                messages.success(request, f"Submission sent to the {term(submission, 'panel')}")
                return redirect(_submission_url(submission))
    except PageRefusal as refusal:
        return _refused(request, submission, "submit", refusal.reasons)
    return render(
        request,
        "panel/check.html",
        {**_submission_context(submission), "form": form, "missing": missing, "refused_missing": refused_missing},
    )


# --- Transition pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionPage(BaseTransitionPage):
    """A submission's transition page: some pages show an earlier answer."""

    # Which earlier event the page shows, so that the person answers what was actually said.
    answers: str = ""


def _scheduled(submission) -> str:
    return f"Scheduled for the panel meeting on {submission.meeting.meets_on:%-d %B %Y}"


def _advised(submission) -> str:
    if submission.state == SubmissionState.AWAITING_INFORMATION:
        return f"Advice recorded: the board is asked for further information by {submission.information_due:%-d %B %Y}"
    return f"Advice recorded. Outcome: {_outcome(submission)}"


def _outcome(submission) -> str:
    """The submission's outcome inside a sentence, in its case's words."""
    return lower_first(outcome_words(submission.outcome, submission))


TRANSITION_PAGES = {
    "schedule": TransitionPage(
        ScheduleForm,
        services.submission_schedule,
        _scheduled,
        "Put the submission on the agenda of one of the panel's meetings.",
        form_kwargs=lambda request, submission: {
            "meetings": selectors.meetings_to_schedule(request.user, submission, today=_today())
        },
    ),
    "record_advice": TransitionPage(
        AdviceForm,
        services.submission_record_advice,
        _advised,
        "The board should have regard to the panel's advice. Give the reasons the board will read.",
    ),
    "provide_information": TransitionPage(
        InformationForm,
        services.submission_provide_information,
        lambda submission: "Information sent: the submission is with the panel again",
        "The submission goes back to the panel with this information.",
        answers=SubmissionEvent.What.ADVICE,
    ),
    "record_board_response": TransitionPage(
        BoardResponseForm,
        services.submission_record_board_response,
        lambda submission: f"Response recorded. Outcome: {_outcome(submission)}",
        lambda submission: (
            f"If the {term(submission, 'board_short')} accepts the panel's advice, a decision to initiate a "
            f"{term(submission, 'review')} is recorded on the case, dated the day of the response and marked "
            "as following the panel's advice."
        ),
        answers=SubmissionEvent.What.ADVICE,
    ),
    "record_panel_view": TransitionPage(
        PanelViewForm,
        services.submission_record_panel_view,
        lambda submission: f"The panel's view is recorded. Outcome: {_outcome(submission)}",
        "Record whether the panel is satisfied with the board's further explanation.",
        answers=SubmissionEvent.What.BOARD_RESPONSE,
    ),
    "withdraw": TransitionPage(
        WithdrawSubmissionForm,
        services.submission_withdraw,
        lambda submission: "Submission withdrawn",
        "A withdrawn submission leaves the panel's work. Its history is kept.",
        confirm=Confirm(
            "withdraw",
            "A withdrawal cannot be undone: the submission leaves the panel's work. Its history is kept.",
            red=True,
        ),
    ),
}


def _submission_transition_context(submission, name: str, page, form) -> dict:
    answering = None
    if page.answers:
        answering = selectors.submission_history(submission).filter(what=page.answers).last()
    return {
        **_submission_context(submission),
        "intro": NON_PUBLICATION_INTROS.get(name, page.intro_for(submission))
        if submission.kind == SubmissionKind.NON_PUBLICATION
        else page.intro_for(submission),
        "answering": answering,
        "no_meetings": name == "schedule" and not form.fields["meeting"].queryset.exists(),
    }


submission_transition = transition_view(
    TransitionPages(
        record="submission",
        pages=TRANSITION_PAGES,
        fetch=selectors.submission_for_user,
        template="panel/transition.html",
        back=_submission_url,
        action_words=submission_action_words,
        state_reason=_state_reason,
        context=_submission_transition_context,
    )
)


# --- Meetings ------------------------------------------------------------------------------------


def _meeting_url(meeting) -> str:
    return reverse("panel:meeting", args=[meeting.public_id])


@require_http_methods(["GET", "POST"])
def meeting_list(request):
    """The panel's meetings; the secretariat arranges the next one here."""
    user = request.user
    _panel_user_or_404(user)
    form = None
    if user.is_secretariat:
        form = MeetingForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                meeting = services.meeting_create(actor=user, meets_on=form.cleaned_data["meets_on"])
            except InvalidInput as exc:
                add_service_errors(form, exc.errors)
            except RoleNotPermitted as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, f"Meeting arranged for {meeting.meets_on:%-d %B %Y}")
                return redirect(_meeting_url(meeting))
    elif request.method == "POST":
        raise PermissionDenied("Only the panel secretariat arranges meetings")
    today = _today()
    meetings = list(selectors.meeting_list(user))
    return render(
        request,
        "panel/meeting_list.html",
        {
            "form": form,
            "upcoming": [m for m in reversed(meetings) if m.meets_on >= today],
            "past": [m for m in meetings if m.meets_on < today],
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_detail(request, public_id):
    """A meeting's agenda with the key facts and flags of each case; attendance and minutes afterwards."""
    user = request.user
    _panel_user_or_404(user)
    meeting = selectors.meeting_for_user(user, public_id)
    held = meeting.meets_on <= _today()
    present = list(meeting.members_present.order_by("full_name"))
    form = None
    if user.is_secretariat and held:
        form = AttendanceForm(
            request.POST if request.method == "POST" else None,
            attendees=selectors.meeting_attendees(meeting),
            initial={"members_present": present, "minutes": meeting.minutes},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.meeting_update(
                    actor=user,
                    meeting_id=meeting.pk,
                    members_present=form.cleaned_data["members_present"],
                    minutes=form.cleaned_data["minutes"],
                )
            except InvalidInput as exc:
                add_service_errors(form, exc.errors)
            except RoleNotPermitted as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, "Attendance and minutes saved")
                return redirect(_meeting_url(meeting))
    elif request.method == "POST":
        if not user.is_secretariat:
            raise PermissionDenied("Only the panel secretariat keeps the minutes")
        messages.error(request, "You can record attendance and minutes once the meeting has taken place.")
        return redirect(_meeting_url(meeting))
    agenda = list(selectors.agenda(meeting))
    access_record_many(request=request, records=agenda)
    return render(
        request,
        "panel/meeting_detail.html",
        {
            "meeting": meeting,
            "held": held,
            "agenda": agenda,
            "present": present,
            "form": form,
            # Offered only where it would be accepted: the secretariat's, with nothing scheduled or recorded.
            "can_withdraw": user.is_secretariat and not agenda and not services.meeting_withdrawal_refusals(meeting),
        },
    )


def _meeting_refused(request, meeting, refusals: list[str]):
    messages.error(request, f"You cannot withdraw this meeting: {'; '.join(lower_first(r) for r in refusals)}.")
    return redirect(_meeting_url(meeting))


@require_http_methods(["GET", "POST"])
def meeting_withdraw(request, public_id):
    """Withdraw a meeting arranged by mistake (secretariat): confirm, with the reason, then the meetings list."""
    user = request.user
    _panel_user_or_404(user)
    meeting = selectors.meeting_for_user(user, public_id)
    if not user.is_secretariat:
        raise PermissionDenied("Only the panel secretariat withdraws meetings")
    refusals = services.meeting_withdrawal_refusals(meeting)
    if refusals:
        return _meeting_refused(request, meeting, refusals)
    form = MeetingWithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_withdraw(actor=user, meeting_id=meeting.pk, reason=form.cleaned_data["reason"])
        except InvalidInput as exc:
            if "meeting" in exc.errors:  # scheduled to since the page was shown
                return _meeting_refused(request, meeting, exc.errors["meeting"])
            add_service_errors(form, exc.errors)
        except RoleNotPermitted as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, f"The meeting of {meeting.meets_on:%-d %B %Y} has been withdrawn")
            return redirect(reverse("panel:meetings"))
    return render(request, "panel/meeting_withdraw.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def submission_correct_page(request, public_id):
    """The chair corrects the date the board sent the submission, typed by mistake (SPEC §8 "Corrections")."""
    submission = selectors.submission_for_user(request.user, public_id)
    if submission.first_submitted_on is None:
        raise Http404("Not found")
    if not (request.user.is_board_user and request.user.is_chair):
        raise PermissionDenied(CHAIR_ONLY)
    back = _submission_url(submission)
    form = CorrectionForm(request.POST if request.method == "POST" else None, item=SUBMITTED_ON)
    if request.method == "POST":
        result, _ = run_for_page(
            lambda: submission_correct(actor=request.user, submission_id=submission.pk, **form.cleaned_data),
            form,
            state_reason=_state_reason,
        )
        if result is not None:
            messages.success(request, f"{SUBMITTED_ON.label} corrected. The clocks and the timeline show it.")
            return redirect(back)
    intro = (
        f"Recorded as {submission.first_submitted_on:%-d %B %Y}. The correction is kept in the submission's "
        "timeline with the reason, and its clocks are worked out again."
    )
    title = "Correct the date the submission was sent"
    context = {**_submission_context(submission), "form": form, "back": back, "title": title, "intro": intro}
    access_record(request=request, record=submission)
    return render(request, "panel/correct.html", context)
