"""The chair corrects a publication's dates typed by mistake (SPEC §4.0, §4.5, §8 "Corrections").

Three event dates: the day the final report went to the panel (`send_report`), the day it was
published (`publish`) and the day it was taken down (`take_down`). (The NSPCC deposit and the
planned date are the board's to change on their own pages.)
Each keeps the event-date rules, named when refused: a report goes to the panel after the review
was signed off; it is published no sooner than the `report_to_panel` notice allows after the panel
received it, comes down no sooner than its `online_period`, and is deposited once published; an
event date stays between the publication's previous and next events. The correction is an audit
entry on the publication and its clock rows are recomputed (the report's notice, the online
period, the delay from completion to publication in the statistics).
"""

from datetime import date

from django.http import Http404

from scr_tracker.corrections import (
    Correctable,
    correction_run,
    event_neighbours,
    on,
)

from .models import Publication
from .selectors import publications_for_user
from .services import earliest_take_down_on

CORRECTABLE = {
    item.field: item
    for item in (
        Correctable("report_sent_on", "The date the final report was sent to the panel", event="send_report"),
        Correctable("published_on", "The date the report was published", event="publish"),
        Correctable("taken_down_on", "The date the report was taken down", event="take_down"),
    )
}


def _earliest_publication(publication: Publication, sent: date) -> date:
    rule = publication.regime.rules.get("report_to_panel")
    return rule.reverse(sent) if rule else sent


def _rules(publication: Publication, field: str, new: date) -> list[str]:
    """What the new date would break, in words naming the rule; empty when it keeps them all."""
    item = CORRECTABLE[field]
    if item.event:
        before, after = event_neighbours(publication, item, getattr(publication, field))
        if before is not None and new < before:
            return [f"The date cannot be before the publication's previous event ({on(before)})"]
        if after is not None and new > after:
            return [f"The date cannot be after the publication's next event ({on(after)})"]
    duration = publication.regime.clock("report_to_panel").duration
    signed = publication.review.signed_off_on
    if field == "report_sent_on":
        if new < signed:
            return [f"The report cannot be sent before the review was signed off ({on(signed)})"]
        published = publication.published_on
        if published is not None and published < _earliest_publication(publication, new):
            return [
                f"The final report must reach the panel at least {duration} publication "
                f"({on(published)}): send it by {on(_earliest_publication_back(publication, published))}"
            ]
    if field == "published_on":
        sent = publication.report_sent_on
        earliest = _earliest_publication(publication, sent) if sent else None
        if earliest is not None and new < earliest:
            return [
                f"The final report must reach the panel at least {duration} publication: "
                f"it cannot have been published before {on(earliest)}"
            ]
        for later, what in ((publication.taken_down_on, "taken down"), (publication.nspcc_deposited_on, "deposited")):
            if later is not None and new > later:
                return [f"The report cannot have been published after it was {what} ({on(later)})"]
    if field == "taken_down_on":
        earliest = earliest_take_down_on(publication)
        if earliest is not None and new < earliest:
            return [f"The report cannot have come down before {on(earliest)}, its time online"]
    return []


def _earliest_publication_back(publication: Publication, published: date) -> date:
    """The last day the report could have reached the panel for a publication on `published`."""
    rule = publication.regime.rules.get("report_to_panel")
    return rule.apply(published) if rule else published


def publication_correct(*, actor, publication_id: int, field: str, new_value: date | None, reason: str) -> Publication:
    """Correct one of the publication's dates typed by mistake; the chair's, audited, clocks recomputed."""
    item = CORRECTABLE.get(field)
    if item is None:
        raise Http404("Not found")
    return correction_run(
        actor=actor,
        records=publications_for_user(actor),
        pk=publication_id,
        item=item,
        new_value=new_value,
        reason=reason,
        rules=lambda publication: _rules(publication, field, new_value),
    )
