"""Every write of the panel's work: submissions, their transitions and history, and meetings (SPEC §4.4)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from incidents.choices import IncidentState, PostMortem
from reviews.choices import RATIONALE_LIMBS, DecisionKind
from reviews.models import Decision
from reviews.services import decision_create
from scr_tracker.terms import capital
from scr_tracker.transitions import EventFloor, InvalidInput, RoleNotPermitted, transition_run

from .choices import AGREE_KINDS, DECISION_KINDS, Advice, BoardResponse, PanelView, SubmissionKind, SubmissionState
from .models import (
    MEETING_ARRANGED,
    MEETING_WITHDRAW,
    MEETING_WITHDRAWN,
    PanelMeeting,
    PanelSubmission,
    SubmissionEvent,
)
from .outcomes import derive_outcome
from .selectors import meetings_for_user, submissions_for_user


def submission_open_for_decision(decision: Decision, kind: str) -> PanelSubmission:
    """A decision opens the submission its case's regime declares, in draft: a decision not to initiate,
    or the rapid review that reports any decision."""
    return PanelSubmission.objects.create(board_id=decision.incident.board_id, kind=kind, decision=decision)


def submission_missing(submission: PanelSubmission) -> list[str]:
    """What the panel needs that the submission does not have yet, in words (SPEC §4.4)."""
    missing: list[str] = []
    if submission.kind in DECISION_KINDS:
        missing.extend(_decision_missing(submission))
    else:
        publication = getattr(submission, "publication", None)
        if publication is None:
            missing.append("the publication the proposal is about")
        else:
            if publication.mode in ("", "full"):
                missing.append("the proposed mode of publication (anonymised, a summary only, or not published)")
            if not publication.reasons.strip():
                missing.append("the board's reasons for not publishing in full")
            if not publication.independent_advice.strip():
                missing.append("the independent advice that publication would put specific individuals at serious risk")
    return missing


# The SIN details the panel needs about any decision, in words.
SIN_DETAILS = (
    ("child_pseudonym", "the child's pseudonym"),
    ("age_at_incident", "the child's age"),
    ("nature", "the nature of the incident"),
    ("incident_on", "the date of the incident"),
    ("la_aware_on", "the date the local authority became aware"),
    ("ofsted_notified_on", "the date {notified} was notified"),
    ("received_on", "the date the board received the notification"),
    ("post_mortem", "the post-mortem status"),
    ("outline", "an outline of what happened"),
)


def _decision_missing(submission: PanelSubmission) -> list[str]:
    """A submission about a decision: the SIN details, the decision and its rationale against each
    regulation 5 limb and, for a rapid review, its summary and the agencies involved."""
    decision = submission.decision
    incident = decision.incident
    regime = incident.regime_rules
    terms = {"notified": regime.term("notified")}
    missing = [words.format(**terms) for field, words in SIN_DETAILS if getattr(incident, field) in (None, "", [])]
    if not incident.harm_types:
        missing.append("the types of harm")
    if not incident.regulation_5:
        missing.append("which regulation 5 criteria apply")
    if incident.post_mortem == PostMortem.COMPLETE and incident.post_mortem_on is None:
        missing.append("the date the post-mortem results were known")
    rationale = decision.rationale if isinstance(decision.rationale, dict) else {}
    for limb in RATIONALE_LIMBS:
        if not str(rationale.get(limb) or "").strip():
            missing.append(f"the rationale for: {limb.label.lower()}")
    if submission.kind == SubmissionKind.RAPID_REVIEW:
        if not decision.rapid_review_summary.strip():
            missing.append("the rapid review's summary of the facts, immediate actions and learning")
        if not incident.agencies_involved:
            missing.append("the agencies involved")
    current = Decision.objects.filter(incident=incident).order_by("-decided_on", "-pk").first()
    stands = incident.state == IncidentState.DECIDED and current is not None and current.pk == decision.pk
    if submission.kind == SubmissionKind.NON_INITIATION and (
        not stands or decision.decision != DecisionKind.NOT_INITIATE
    ):
        missing.append("a current decision not to initiate (the decision has been reconsidered)")
    elif not stands:
        missing.append("a current decision (the decision has been reconsidered)")
    return missing


def _floor_after_decision(submission):
    if submission.decision_id:
        return [EventFloor(submission.decision.decided_on, "The submission cannot be sent before the decision")]
    publication = getattr(submission, "publication", None)
    if publication is not None and publication.report_sent_on:
        return [EventFloor(publication.report_sent_on, "The proposal cannot be sent before the final report")]
    return []


def submission_update_note(*, actor, submission_id: int, covering_note: str) -> PanelSubmission:
    """The board's covering note, editable while the submission is a draft."""
    with transaction.atomic():
        submission = submissions_for_user(actor).select_for_update(of=("self",)).filter(pk=submission_id).first()
        if submission is None:
            raise Http404("Not found")
        if actor.role not in (Role.BOARD_STAFF, Role.BOARD_CHAIR):
            raise RoleNotPermitted("Only the board can change its submission")
        if submission.state != SubmissionState.DRAFT:
            raise InvalidInput({"covering_note": ["The submission has been sent: it can no longer be changed"]})
        submission.covering_note = covering_note.strip()
        submission.save(update_fields=["covering_note"])
    return submission


def submission_submit(*, actor, submission_id: int, event_date: date | None) -> PanelSubmission:
    """Send the submission to the panel. Refused, with what is missing, until it is complete."""

    def validate(submission):
        missing = submission_missing(submission)
        return {"missing": missing} if missing else {}

    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="submit",
        actor=actor,
        event_date=event_date,
        floors=_floor_after_decision,
        validate=validate,
        kwargs={"on": event_date},
    )


def submission_schedule(*, actor, submission_id: int, event_date: date | None, meeting_id: int | None):
    """Put a submitted case on a panel meeting's agenda (a meeting that stands: not one withdrawn)."""
    chosen = {"meeting": None}

    def validate(submission):
        # Locked: a meeting being withdrawn at this moment is either withdrawn first (and not found
        # here) or waits and finds this submission on its agenda (and is not withdrawn).
        meeting = PanelMeeting.objects.select_for_update().filter(pk=meeting_id).first() if meeting_id else None
        if meeting is None:
            return {"meeting": ["Select the meeting"]}
        if submission.first_submitted_on and meeting.meets_on < submission.first_submitted_on:
            return {"meeting": ["Choose a meeting on or after the date the board sent the submission"]}
        chosen["meeting"] = meeting
        return {}

    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="schedule",
        actor=actor,
        event_date=event_date,
        validate=validate,
        kwargs=chosen,
    )


def _record_event(submission, *, actor, what, value="", text="", event_date, information_due=None, meeting=None):
    SubmissionEvent.objects.create(
        submission=submission,
        what=what,
        value=value,
        text=text,
        event_date=event_date,
        information_due=information_due,
        meeting=meeting,
        recorded_by=actor,
    )
    history = submission.events.exclude(what=SubmissionEvent.What.INFORMATION).order_by("recorded_at", "pk")
    submission.outcome = derive_outcome(submission.kind, history.values_list("what", "value"))
    submission.save(update_fields=["outcome"])


def _text_required(value: str, field: str, message: str) -> dict:
    return {} if (value or "").strip() else {field: [message]}


def submission_record_advice(
    *,
    actor,
    submission_id: int,
    event_date: date | None,
    advice: str | None,
    reasons: str,
    information_due: date | None = None,
) -> PanelSubmission:
    """The panel's advice. Agreement closes the submission; disagreement waits for the board's response;
    a request for further information waits for the board's reply by `information_due` (default +1 month)."""

    def validate(submission):
        errors = _text_required(reasons, "reasons", "Give the panel's reasons")
        allowed = submission.advice_allowed()
        if advice in Advice.values and advice not in allowed:
            labels = ", ".join(f"'{Advice(value).label.lower()}'" for value in allowed)
            errors["advice"] = [f"That advice cannot be given on this submission: choose from {labels}"]
        elif advice not in allowed:
            errors["advice"] = ["Select the panel's advice"]
        if information_due is not None:
            if advice != Advice.FURTHER_INFORMATION_REQUESTED:
                errors["information_due"] = ["Give a reply date only when asking for further information"]
            elif event_date and information_due <= event_date:
                errors["information_due"] = ["The reply date must be after the date of the advice"]
        return errors

    event = {"target": None, "on": event_date, "information_due": None}

    def at_the_meeting(submission):
        # Advice on a scheduled submission is recorded as given at its meeting: not before it met.
        meeting = submission.meeting
        if meeting is None:
            return []
        return [
            EventFloor(
                meeting.meets_on,
                "The advice is recorded as given at the panel meeting on {date}: it cannot be dated before the meeting",
            )
        ]

    def before(submission):
        # The reply's default date follows the case's own regime, whatever regime is in force today.
        if advice == Advice.FURTHER_INFORMATION_REQUESTED:
            regime = submission.clock_case.regime_rules
            event["information_due"] = information_due or regime.due("information_reply", event_date)

    if advice in AGREE_KINDS:
        event["target"] = SubmissionState.CLOSED
    elif advice == Advice.DISAGREE:
        event["target"] = SubmissionState.AWAITING_BOARD_RESPONSE
    else:
        event["target"] = SubmissionState.AWAITING_INFORMATION

    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="record_advice",
        actor=actor,
        event_date=event_date,
        reason=(reasons or "").strip(),
        floors=at_the_meeting,
        validate=validate,
        before=before,
        kwargs=event,
        after=lambda s: _record_event(
            s,
            actor=actor,
            what=SubmissionEvent.What.ADVICE,
            value=advice,
            text=reasons.strip(),
            event_date=event_date,
            information_due=event["information_due"],
            meeting=s.meeting,
        ),
    )


def submission_provide_information(
    *, actor, submission_id: int, event_date: date | None, information: str
) -> PanelSubmission:
    """The board answers the panel's request for further information; the submission goes back to it."""
    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="provide_information",
        actor=actor,
        event_date=event_date,
        validate=lambda s: _text_required(information, "information", "Enter the information for the panel"),
        after=lambda s: _record_event(
            s, actor=actor, what=SubmissionEvent.What.INFORMATION, text=information.strip(), event_date=event_date
        ),
    )


def _initiate_after_advice(submission, *, actor, event_date: date) -> Decision:
    """A board accepting the panel's disagreement with not initiating: an SCR is initiated."""
    panel = submission.clock_case.regime_rules.term("panel")
    note = f"Initiated following the {panel}'s advice (accepted on {event_date:%-d %B %Y})."
    return decision_create(
        actor=actor,
        incident=submission.decision.incident,
        kind=DecisionKind.INITIATE_SCR,
        decided_on=event_date,
        rationale=dict.fromkeys(RATIONALE_LIMBS, note),
        following_panel_advice=True,
        panel_notified_on=event_date,
    )


def submission_record_board_response(
    *, actor, submission_id: int, event_date: date | None, response: str | None, explanation: str = ""
) -> PanelSubmission:
    """The chair's response to the panel's disagreement: accept, explain further, or not accept."""

    def validate(submission):
        if response not in BoardResponse.values:
            return {"response": ["Select the board's response"]}
        if response != BoardResponse.ACCEPTED:
            return _text_required(explanation, "explanation", "Explain the board's position to the panel")
        return {}

    def after(submission):
        _record_event(
            submission,
            actor=actor,
            what=SubmissionEvent.What.BOARD_RESPONSE,
            value=response,
            text=(explanation or "").strip(),
            event_date=event_date,
        )
        # Accepting the panel's disagreement with a decision not to initiate initiates the review.
        if response == BoardResponse.ACCEPTED and submission.kind in DECISION_KINDS:
            _initiate_after_advice(submission, actor=actor, event_date=event_date)

    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="record_board_response",
        actor=actor,
        event_date=event_date,
        reason=BoardResponse(response).label if response in BoardResponse.values else "",
        validate=validate,
        kwargs={
            "target": SubmissionState.AWAITING_PANEL_VIEW
            if response == BoardResponse.FURTHER_EXPLANATION
            else SubmissionState.CLOSED
        },
        after=after,
    )


def submission_record_panel_view(
    *, actor, submission_id: int, event_date: date | None, view: str | None, reasons: str
) -> PanelSubmission:
    """The panel's view of the board's further explanation."""

    def validate(submission):
        errors = _text_required(reasons, "reasons", "Give the panel's reasons")
        if view not in PanelView.values:
            errors["view"] = ["Select the panel's view"]
        return errors

    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="record_panel_view",
        actor=actor,
        event_date=event_date,
        reason=(reasons or "").strip(),
        validate=validate,
        after=lambda s: _record_event(
            s,
            actor=actor,
            what=SubmissionEvent.What.PANEL_VIEW,
            value=view,
            text=reasons.strip(),
            event_date=event_date,
        ),
    )


def submission_withdraw(*, actor, submission_id: int, event_date: date | None, reason: str) -> PanelSubmission:
    """The board withdraws its submission; its history stays."""
    return transition_run(
        queryset=submissions_for_user(actor),
        pk=submission_id,
        name="withdraw",
        actor=actor,
        event_date=event_date,
        reason=(reason or "").strip(),
        validate=lambda s: _text_required(reason, "reason", "Enter the reason"),
    )


MEETING_ON_THAT_DATE = "There is already a meeting on that date"


def meeting_create(*, actor, meets_on: date | None, members_present=(), minutes: str = "") -> PanelMeeting:
    """The secretariat sets up a panel meeting (usually monthly): a meeting arranged is today or later.
    One already held is recorded only with what happened at it (who was present, or the minutes)."""
    if actor.role != Role.PANEL_SECRETARIAT:
        raise RoleNotPermitted("Only the panel secretariat arranges meetings")
    errors: dict[str, list[str]] = {}
    members = list(members_present)
    today = timezone.localdate()
    if meets_on is None:
        errors["meets_on"] = ["Enter the date of the meeting"]
    elif meets_on < today and not (members or minutes.strip()):
        errors["meets_on"] = [
            f"A meeting is arranged for today or later: enter {today:%-d %B %Y} or a later date "
            "(a meeting already held is recorded with who was present or its minutes)"
        ]
    elif PanelMeeting.objects.filter(meets_on=meets_on).exists():  # the meetings that stand
        errors["meets_on"] = [MEETING_ON_THAT_DATE]
    if any(m.role not in (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT) for m in members):
        errors["members_present"] = ["Only panel members and the secretariat attend panel meetings"]
    if minutes.strip() and meets_on and meets_on > timezone.localdate():
        errors["minutes"] = ["Minutes can be added once the meeting has taken place"]
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            meeting = PanelMeeting.objects.create(meets_on=meets_on, minutes=minutes.strip(), created_by=actor)
            meeting.members_present.set(members)
    except IntegrityError as exc:
        # Arranged by someone else a moment ago: the one-meeting-a-day constraint refused it.
        if PanelMeeting.objects.filter(meets_on=meets_on).exists():
            raise InvalidInput({"meets_on": [MEETING_ON_THAT_DATE]}) from exc
        raise
    return meeting


def meeting_update(*, actor, meeting_id: int, members_present=(), minutes: str = "") -> PanelMeeting:
    """Record who attended and the minutes, after the meeting."""
    if actor.role != Role.PANEL_SECRETARIAT:
        raise RoleNotPermitted("Only the panel secretariat keeps the minutes")
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None:
            raise InvalidInput({"meeting": ["No such meeting"]})
        members = list(members_present)
        errors: dict[str, list[str]] = {}
        if any(m.role not in (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT) for m in members):
            errors["members_present"] = ["Only panel members and the secretariat attend panel meetings"]
        if meeting.meets_on > timezone.localdate() and (members or minutes.strip()):
            errors["minutes"] = ["Attendance and minutes can be added once the meeting has taken place"]
        if errors:
            raise InvalidInput(errors)
        meeting.minutes = minutes.strip()
        meeting.save(update_fields=["minutes"])
        meeting.members_present.set(members)
    return meeting


def meeting_withdrawal_refusals(meeting: PanelMeeting) -> list[str]:
    """Why a meeting cannot be withdrawn, in words: only one with nothing scheduled to it and nothing
    recorded at it was arranged by mistake."""
    refusals = []
    scheduled = PanelSubmission.objects.filter(meeting=meeting).count()
    if scheduled:
        refusals.append(
            f"{_submissions(scheduled)} {'is' if scheduled == 1 else 'are'} on this meeting's agenda: "
            "a meeting can be withdrawn only when nothing is scheduled to it"
        )
    # A submission rescheduled after the panel asked for information keeps its advice at this meeting
    # (advice is the only history that names a meeting).
    recorded = SubmissionEvent.objects.filter(meeting=meeting).values("submission_id").distinct().count()
    if recorded:
        refusals.append(
            f"the panel's advice on {_submissions(recorded)} is recorded as given at this meeting: "
            "a meeting at which the panel's work is recorded cannot be withdrawn"
        )
    return refusals


def _submissions(n: int) -> str:
    return f"{n} submission{'' if n == 1 else 's'}"


def meeting_withdraw(*, actor, meeting_id: int, reason: str) -> PanelMeeting:
    """The secretariat withdraws a meeting arranged by mistake. It leaves every list, choice and count
    (its date can be used again); the meeting and its audit entry stay."""
    with transaction.atomic():
        # Locked: a submission being scheduled to it at this moment waits, then finds it withdrawn.
        meeting = meetings_for_user(actor).select_for_update().filter(pk=meeting_id).first()
        if meeting is None:
            raise Http404("Not found")
        if actor.role != Role.PANEL_SECRETARIAT:
            raise RoleNotPermitted("Only the panel secretariat withdraws meetings")
        errors: dict[str, list[str]] = {}
        refusals = meeting_withdrawal_refusals(meeting)
        if refusals:
            errors["meeting"] = [capital(refusal) for refusal in refusals]
        errors.update(_text_required(reason, "reason", "Enter the reason"))
        if errors:
            raise InvalidInput(errors)
        meeting.withdrawn_at = timezone.now()
        meeting.withdrawn_by = actor
        meeting.withdrawal_reason = reason.strip()
        meeting.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        AuditEntry.objects.create(
            record=meeting,
            board=None,  # a meeting is the panel's, not a board's
            transition=MEETING_WITHDRAW,
            from_state=MEETING_ARRANGED,
            to_state=MEETING_WITHDRAWN,
            event_date=timezone.localdate(),
            actor=actor,
            actor_role=actor.role,
            reason=meeting.withdrawal_reason,
        )
    return meeting
