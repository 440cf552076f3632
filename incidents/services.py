"""Every write to an incident: logging a SIN and its transitions (SPEC §4.1).

Services take keyword arguments, check the domain rules that pages and API share, and raise
`InvalidInput` (field → messages) or another `TransitionError`; nothing is saved on any error.
"""

import re
from datetime import date

from django.db import transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.http import Http404
from django.utils import timezone

from accounts.models import Board
from accounts.selectors import board_members
from audit.models import LEAD_OFFICER, AuditEntry
from scr_tracker import regimes
from scr_tracker.clock_rows import clock_rows_sync
from scr_tracker.transitions import EventFloor, InvalidInput, RoleNotPermitted, atomic, transition_run

from .choices import (
    Agency,
    ChildStatus,
    CriminalProceedings,
    Disability,
    Ethnicity,
    HarmType,
    Nature,
    PoliceInvestigation,
    PostMortem,
    Regulation5,
    Sex,
)
from .models import BOARD, Incident
from .selectors import incidents_for_user

SIN_FIELDS = (
    "child_pseudonym",
    "age_at_incident",
    "sex",
    "ethnicity",
    "disability",
    "child_status",
    "nature",
    "harm_types",
    "regulation_5",
    "incident_on",
    "la_aware_on",
    "post_mortem",
    "post_mortem_on",
    "police_investigation",
    "criminal_proceedings",
    "agencies_involved",
    "outline",
)

SINGLE_CHOICES = {
    "sex": Sex,
    "ethnicity": Ethnicity,
    "disability": Disability,
    "nature": Nature,
    "post_mortem": PostMortem,
    "police_investigation": PoliceInvestigation,
    "criminal_proceedings": CriminalProceedings,
}
MULTI_CHOICES = {
    "child_status": (ChildStatus, False),
    "harm_types": (HarmType, True),
    "regulation_5": (Regulation5, True),
    "agencies_involved": (Agency, False),
}


# An incident dated this many years back is unusual enough to ask the user to check it: the child
# would be an adult now (a board's history comes in through the import, which does not warn).
UNUSUAL_YEARS_AGO = 18


def incident_warnings(data: dict) -> dict[str, list[str]]:
    """Answers that are allowed but unusual, each by its field: the page asks the user to confirm them."""
    warnings: dict[str, list[str]] = {}
    today = timezone.localdate()
    incident_on = data.get("incident_on")
    if isinstance(incident_on, date) and today.year - incident_on.year > UNUSUAL_YEARS_AGO:
        age = data.get("age_at_incident")
        child = f" for a child aged {age} then" if isinstance(age, int) else ""
        warnings["incident_on"] = [
            f"The incident is dated {today.year - incident_on.year} years ago{child}: check the year"
        ]
    if data.get("nature") == Nature.DEATH and data.get("post_mortem") == PostMortem.NOT_APPLICABLE:
        warnings["post_mortem"] = ["A post-mortem is usually held when a child dies: check 'Not applicable'"]
    return warnings


def incident_check_fields(data: dict) -> dict[str, list[str]]:
    """The SIN's own rules, shared by the question pages, the API and the importer."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()

    def add(field, message):
        errors.setdefault(field, []).append(message)

    pseudonym = (data.get("child_pseudonym") or "").strip()
    if not pseudonym:
        add("child_pseudonym", "Enter a pseudonym for the child (never their name)")
    age = data.get("age_at_incident")
    if age is None or age == "":
        add("age_at_incident", "Enter the child's age at the incident")
    elif not isinstance(age, int) or not 0 <= age <= 17:
        add("age_at_incident", "Age must be a whole number from 0 to 17")
    for field, choices in SINGLE_CHOICES.items():
        if data.get(field) not in choices.values:
            add(field, f"Select the {field.replace('_', ' ')}")
    for field, (choices, required) in MULTI_CHOICES.items():
        values = data.get(field) or []
        if not isinstance(values, list) or any(v not in choices.values for v in values):
            add(field, f"Select only from the listed {field.replace('_', ' ')}")  # noqa: S608 - a message, not SQL
        elif required and not values:
            add(field, f"Select at least one of the {field.replace('_', ' ')}")
        elif len(set(values)) != len(values):
            add(field, "Select each option once")
    if not (data.get("outline") or "").strip():
        add("outline", "Enter an outline of what happened")

    incident_on, la_aware_on = data.get("incident_on"), data.get("la_aware_on")
    for field, value in (("incident_on", incident_on), ("la_aware_on", la_aware_on)):
        if not isinstance(value, date):
            add(field, "Enter a real date")
        elif value > today:
            add(field, "The date must be today or in the past")
    if isinstance(incident_on, date) and isinstance(la_aware_on, date) and la_aware_on < incident_on:
        add("la_aware_on", "The local authority cannot have become aware before the incident")

    post_mortem, post_mortem_on = data.get("post_mortem"), data.get("post_mortem_on")
    if post_mortem == PostMortem.COMPLETE:
        if not isinstance(post_mortem_on, date):
            add("post_mortem_on", "Enter the date the post-mortem results were known")
        elif post_mortem_on > today:
            add("post_mortem_on", "The date must be today or in the past")
        elif isinstance(incident_on, date) and post_mortem_on < incident_on:
            add("post_mortem_on", "The post-mortem cannot be before the incident")
    elif post_mortem_on is not None:
        add("post_mortem_on", "Give a post-mortem date only when the post-mortem is complete")
    if data.get("nature") == Nature.SERIOUS_HARM and post_mortem not in (None, PostMortem.NOT_APPLICABLE):
        add("post_mortem", "A post-mortem applies only when the child has died")
    dated = data.get("received_on") or la_aware_on
    if data.get("nature") in Nature.values and isinstance(dated, date):
        message = nature_refused(data["nature"], dated)
        if message:
            add("nature", message)
    return errors


def nature_refused(nature: str, dated: date) -> str:
    """Why a nature is not offered for a case of the regime in force on `dated`, or ''."""
    regime = regimes.regime_for(dated)
    if nature in regime.natures:
        return ""
    offering = [r.title for r in regimes.REGIMES if nature in r.natures]
    return (
        f"'{Nature(nature).label}' is a nature of case under {' and '.join(offering)}: this case follows "
        f"{regime.title}. Select death or serious harm"
    )


def _next_reference(board: Board, year: int) -> str:
    """`{BOARD}-{YYYY}-{NNN}`, numbered per board and year; the board row is locked while counting."""
    Board.objects.select_for_update().filter(pk=board.pk).first()
    prefix = f"{board.code}-{year}-"
    # The highest number, not the highest text: "-1000" sorts before "-999" as text. An imported
    # reference of another shape (kept as the board had it) is not a number of this series.
    last = Incident.objects.filter(reference__regex=rf"^{re.escape(prefix)}[0-9]+$").aggregate(
        n=Max(Cast(Substr("reference", len(prefix) + 1), BigIntegerField()))
    )["n"]
    number = last + 1 if last else 1
    return f"{prefix}{number:03d}"


def incident_create(
    *, actor, data: dict, reference: str = "", external_reference: str = "", year: int | None = None
) -> Incident:
    """Log a serious incident notification as a draft of the actor's board.

    An imported case (SPEC §8 "Import") keeps the reference it already had, or is numbered in the
    `year` it began, and keeps the board's own `external_reference`; the importer checks both first.
    """
    if not BOARD(None, actor):
        raise RoleNotPermitted("Only board staff and chairs log notifications")
    unknown = set(data) - set(SIN_FIELDS)
    if unknown:
        raise InvalidInput({field: ["This field cannot be set"] for field in sorted(unknown)})
    errors = incident_check_fields(data)
    if errors:
        raise InvalidInput(errors)
    with atomic():
        board = actor.board
        incident = Incident(
            board=board,
            reference=reference or _next_reference(board, year or timezone.localdate().year),
            external_reference=external_reference,
            created_by=actor,
            **{field: data.get(field) for field in SIN_FIELDS},
        )
        incident.child_pseudonym = incident.child_pseudonym.strip()
        incident.save()
        clock_rows_sync(incident)  # the SIN notification clock starts when the authority became aware
    return incident


def _scope(actor):
    # The user's whole reading scope: a panel member who can read the case is refused with 403, not 404.
    return incidents_for_user(actor)


def incident_notify(*, actor, incident_id: int, event_date: date | None, ofsted_notified_on: date | None) -> Incident:
    """The board has received the SIN (event date = received_on); starts the decision clock."""

    def validate(incident):
        # Who the SIN goes to, in the words of the regime of the day it was received.
        notified = regimes.regime_for(event_date or incident.la_aware_on).term("notified")
        if ofsted_notified_on is None:
            return {"ofsted_notified_on": [f"Enter the date {notified} was notified"]}
        if ofsted_notified_on > timezone.localdate():
            return {"ofsted_notified_on": ["The date must be today or in the past"]}
        if ofsted_notified_on < incident.la_aware_on:
            return {
                "ofsted_notified_on": [
                    f"{notified[0].upper()}{notified[1:]} cannot have been notified "
                    "before the local authority was aware"
                ]
            }
        if event_date is not None and nature_refused(incident.nature, event_date):
            return {"event_date": [f"{nature_refused(incident.nature, event_date)} (change the SIN's answers first)"]}
        return {}

    return transition_run(
        queryset=_scope(actor),
        pk=incident_id,
        name="notify",
        actor=actor,
        event_date=event_date,
        floors=lambda i: [EventFloor(i.la_aware_on, "The SIN cannot be received before the local authority was aware")],
        validate=validate,
        kwargs={"received_on": event_date, "ofsted_notified_on": ofsted_notified_on},
    )


def incident_refer_to_subgroup(*, actor, incident_id: int, event_date: date | None, comment: str = "") -> Incident:
    """Ask the board's sub-group to consider the case and recommend."""
    return transition_run(
        queryset=_scope(actor),
        pk=incident_id,
        name="refer_to_subgroup",
        actor=actor,
        event_date=event_date,
        reason=comment.strip(),
    )


def _reason_required(reason: str):
    return lambda record: {} if reason.strip() else {"reason": ["Enter the reason"]}


def incident_reconsider(*, actor, incident_id: int, event_date: date | None, reason: str) -> Incident:
    """Reopen the decision: the case goes back under consideration and a new decision follows."""
    return transition_run(
        queryset=_scope(actor),
        pk=incident_id,
        name="reconsider",
        actor=actor,
        event_date=event_date,
        reason=reason.strip(),
        validate=_reason_required(reason),
    )


def incident_withdraw(*, actor, incident_id: int, event_date: date | None, reason: str) -> Incident:
    """Take a case out of the workflow (notified in error, a duplicate); its history stays."""
    return transition_run(
        queryset=_scope(actor),
        pk=incident_id,
        name="withdraw",
        actor=actor,
        event_date=event_date,
        reason=reason.strip(),
        validate=_reason_required(reason),
    )


def incident_close(*, actor, incident_id: int, event_date: date | None, reason: str = "") -> Incident:
    """Nothing further is expected for the incident."""
    return transition_run(
        queryset=_scope(actor),
        pk=incident_id,
        name="close",
        actor=actor,
        event_date=event_date,
        reason=reason.strip(),
    )


def incident_set_lead_officer(*, actor, incident_id: int, officer_id: int | None) -> Incident:
    """Staff or the chair choose (or clear) the case's lead officer: one of the board's active people."""
    with transaction.atomic():
        incident = _scope(actor).select_for_update(of=("self",)).filter(pk=incident_id).first()
        if incident is None:
            raise Http404("Not found")
        if actor.role not in BOARD.roles:
            raise RoleNotPermitted("Only the board's staff and chair choose a case's lead officer")
        officer = None
        if officer_id is not None:
            # Who can lead a case: one of the board's active staff and chairs.
            officer = board_members(actor, incident.board).filter(pk=officer_id).first()
            if officer is None:
                raise InvalidInput({"lead_officer": ["Choose one of the board's staff or its chair"]})
        if officer == incident.lead_officer:
            return incident
        before = incident.lead_officer.full_name if incident.lead_officer_id else "None"
        incident.lead_officer = officer
        incident.save(update_fields=["lead_officer"])
        AuditEntry.objects.create(
            record=incident,
            board_id=incident.board_id,
            transition=LEAD_OFFICER,
            from_state=incident.state,
            to_state=incident.state,
            event_date=timezone.localdate(),
            actor=actor,
            actor_role=actor.role,
            reason=f"Lead officer: {officer.full_name if officer else 'none'} (was {before})",
        )
    return incident
