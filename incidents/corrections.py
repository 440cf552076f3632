"""The chair corrects a case's dates typed by mistake (SPEC §4.0, §8 "Corrections").

Four dates of the SIN can be corrected: `received_on` (the date of the `notify` event) and the
facts `incident_on`, `la_aware_on` and `ofsted_notified_on` (the SIN's date in the statistics). A correction:

- is the chair's, on their own board's case (another board's case is 404);
- keeps every event-date rule of SPEC §4.0: nothing in the future, the incident before the local
  authority's awareness, which is before the board received the SIN, which is before the first
  decision and every later event of the case; a received date may not move the case into
  another regime (its clocks and words would change under it);
- is one audit entry naming the field, the old and new value and the reason; a corrected event
  date points at the entry it corrects, which stays in the timeline, marked corrected;
- moves what the dates made: the decisions' copies of the incident date and their due date (the
  late flag and the delay), and every clock row of the case.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from audit.models import CORRECT_DATE, CORRECT_FACT, AuditEntry
from scr_tracker import regimes
from scr_tracker.clock_rows import clock_rows_sync
from scr_tracker.transitions import InvalidInput, RoleNotPermitted

from .models import Incident
from .selectors import incidents_for_user

CHAIR_ONLY = "Only the board's chair can correct a case's dates"


@dataclass(frozen=True)
class CorrectableDate:
    field: str
    label: str  # as the form's question and the timeline say it
    event: str | None  # the transition whose date it is, when it is an event's date


CORRECTABLE = {
    item.field: item
    for item in (
        CorrectableDate("incident_on", "The date of the incident", None),
        CorrectableDate("la_aware_on", "The date the local authority became aware", None),
        CorrectableDate("ofsted_notified_on", "The date of the notification", None),
        CorrectableDate("received_on", "The date the board received the notification", "notify"),
    )
}


def _on(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _later_events(incident: Incident) -> list[tuple[date, str]]:
    """The case's events after the SIN was received, earliest first, with their words."""
    entries = (
        AuditEntry.objects.for_object(incident)
        .events()
        .exclude(transition__in=("notify", CORRECT_DATE))
        .order_by("event_date")
    )
    return [(entry.event_date, entry.transition.replace("_", " ")) for entry in entries]


def _rules(incident: Incident, field: str, new: date) -> list[str]:
    """What the new date would break, in words naming the rule; empty when it keeps them all."""
    today = timezone.localdate()
    if new > today:
        return ["The date must be today or in the past"]
    incident_on = new if field == "incident_on" else incident.incident_on
    la_aware_on = new if field == "la_aware_on" else incident.la_aware_on
    received_on = new if field == "received_on" else incident.received_on
    notified_on = new if field == "ofsted_notified_on" else incident.ofsted_notified_on
    if la_aware_on < incident_on:
        return [
            f"The local authority cannot have become aware ({_on(la_aware_on)}) "
            f"before the incident ({_on(incident_on)})"
        ]
    if received_on is not None and received_on < la_aware_on:
        return [
            f"The board cannot have received the notification ({_on(received_on)}) before the local authority "
            f"became aware ({_on(la_aware_on)})"
        ]
    if notified_on is not None and notified_on < la_aware_on:
        return [
            f"The notification ({_on(notified_on)}) cannot have been made before the local authority "
            f"became aware ({_on(la_aware_on)})"
        ]
    if field == "received_on":
        later = _later_events(incident)
        if later and new > later[0][0]:
            when, what = later[0]
            return [
                "The date the board received the notification cannot be after the case's next event, "
                f"{what} ({_on(when)})"
            ]
        regime = regimes.regime_for(new)
        if regime.code != incident.regime:
            return [
                f"On {_on(new)} the case would fall under {regime.title}, not {incident.regime_rules.title}: "
                "withdraw the case and log it again instead"
            ]
    if field in ("incident_on", "la_aware_on"):
        decided = [d.decided_on for d in incident.decisions.all()]
        if decided and new > min(decided):
            return [f"The date cannot be after the first decision ({_on(min(decided))})"]
    return []


def incident_correct(*, actor, incident_id: int, field: str, new_value: date | None, reason: str) -> Incident:
    """Correct one of the case's dates typed by mistake; the chair's, audited, clocks recomputed."""
    item = CORRECTABLE.get(field)
    if item is None:
        raise InvalidInput({"field": ["This date cannot be corrected here"]})
    with transaction.atomic():
        try:
            incident = incidents_for_user(actor).select_for_update(of=("self",)).get(pk=incident_id)
        except Incident.DoesNotExist as exc:
            raise Http404("Not found") from exc
        if not actor.is_chair:
            raise RoleNotPermitted(CHAIR_ONLY)
        old = getattr(incident, field)
        errors: dict[str, list[str]] = {}
        if new_value is None:
            errors["new_value"] = ["Enter the correct date"]
        elif old is None:
            errors["new_value"] = ["There is no date recorded yet to correct"]
        elif new_value == old:
            errors["new_value"] = [f"Enter a date other than the one recorded ({_on(old)})"]
        else:
            broken = _rules(incident, field, new_value)
            if broken:
                errors["new_value"] = broken
        if not reason.strip():
            errors["reason"] = ["Enter the reason for the correction"]
        if errors:
            raise InvalidInput(errors)
        corrects = None
        if item.event:
            # The event's effective entry: its own, or the latest correction of its date.
            corrects = (
                AuditEntry.objects.for_object(incident)
                .events()
                .filter(Q(transition=item.event) | Q(transition=CORRECT_DATE, field=field))
                .last()
            )
        setattr(incident, field, new_value)
        incident.save(update_fields=[field])
        AuditEntry.objects.create(
            record=incident,
            board=incident.board,
            transition=CORRECT_DATE if corrects is not None else CORRECT_FACT,
            from_state=incident.state,
            to_state=incident.state,
            event_date=new_value if corrects is not None else timezone.localdate(),
            actor=actor,
            actor_role=actor.role,
            reason=reason.strip(),
            corrects=corrects,
            field=field,
            old_value=old.isoformat(),
            new_value=new_value.isoformat(),
        )
        clock_rows_sync(incident)
        _decisions_follow(incident)
    return incident


def _decisions_follow(incident: Incident) -> None:
    """The decisions keep their own copies of what the dates decide: the incident date (the
    delay) and the day the decision was due (the late flag)."""
    incident = Incident.objects.get(pk=incident.pk)  # the clock rows as they now are
    due = incident.decision_due()
    incident.decisions.update(incident_on=incident.incident_on, initiation_due_at_decision=due)
