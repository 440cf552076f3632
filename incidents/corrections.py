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

from datetime import date

from audit.models import CORRECT_DATE, AuditEntry
from scr_tracker import regimes
from scr_tracker.corrections import Correctable, correction_run, on
from scr_tracker.transitions import InvalidInput

from .models import Incident
from .selectors import incidents_for_user

CORRECTABLE = {
    item.field: item
    for item in (
        Correctable("incident_on", "The date of the incident"),
        Correctable("la_aware_on", "The date the local authority became aware"),
        Correctable("ofsted_notified_on", "The date of the notification"),
        Correctable("received_on", "The date the board received the notification", event="notify"),
    )
}


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
    incident_on = new if field == "incident_on" else incident.incident_on
    la_aware_on = new if field == "la_aware_on" else incident.la_aware_on
    received_on = new if field == "received_on" else incident.received_on
    notified_on = new if field == "ofsted_notified_on" else incident.ofsted_notified_on
    if la_aware_on < incident_on:
        return [
            f"The local authority cannot have become aware ({on(la_aware_on)}) before the incident ({on(incident_on)})"
        ]
    if received_on is not None and received_on < la_aware_on:
        return [
            f"The board cannot have received the notification ({on(received_on)}) before the local authority "
            f"became aware ({on(la_aware_on)})"
        ]
    if notified_on is not None and notified_on < la_aware_on:
        return [
            f"The notification ({on(notified_on)}) cannot have been made before the local authority "
            f"became aware ({on(la_aware_on)})"
        ]
    if field == "received_on":
        later = _later_events(incident)
        if later and new > later[0][0]:
            when, what = later[0]
            return [
                "The date the board received the notification cannot be after the case's next event, "
                f"{what} ({on(when)})"
            ]
        regime = regimes.regime_for(new)
        if regime.code != incident.regime:
            return [
                f"On {on(new)} the case would fall under {regime.title}, not {incident.regime_rules.title}: "
                "withdraw the case and log it again instead"
            ]
    if field in ("incident_on", "la_aware_on"):
        decided = [d.decided_on for d in incident.decisions.all()]
        if decided and new > min(decided):
            return [f"The date cannot be after the first decision ({on(min(decided))})"]
    return []


def incident_correct(*, actor, incident_id: int, field: str, new_value: date | None, reason: str) -> Incident:
    """Correct one of the case's dates typed by mistake; the chair's, audited, clocks recomputed."""
    item = CORRECTABLE.get(field)
    if item is None:
        raise InvalidInput({"field": ["This date cannot be corrected here"]})
    return correction_run(
        actor=actor,
        records=incidents_for_user(actor),
        pk=incident_id,
        item=item,
        new_value=new_value,
        reason=reason,
        rules=lambda incident: _rules(incident, field, new_value),
        after=_decisions_follow,
    )


def _decisions_follow(incident: Incident) -> None:
    """The decisions keep their own copies of what the dates decide: the incident date (the
    delay) and the day the decision was due (the late flag)."""
    incident = Incident.objects.get(pk=incident.pk)  # the clock rows as they now are
    due = incident.decision_due()
    incident.decisions.update(incident_on=incident.incident_on, initiation_due_at_decision=due)
