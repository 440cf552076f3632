"""Every read of publications, narrowed to what the user may see.

Board users see their own board's publications. Panel members and the secretariat see a
publication once the board has sent them its final report (and, through it, the review the board
told them it initiated); they only read it. Nobody else sees any.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet
from django.http import Http404

from accounts.selectors import board_records_for_user, reads_as_panel
from audit.models import AuditEntry
from scr_tracker import clocks
from scr_tracker.clock_rows import clock_of, with_clock

from .models import Publication


def publications_for_user(user) -> QuerySet[Publication]:
    publications = Publication.objects.select_related("review__board", "review__decision__incident", "submission")
    publications = with_clock(with_clock(publications, "report_to_panel"), "online_period")
    if reads_as_panel(user):
        return publications.filter(report_sent_on__isnull=False, review__decision__panel_notified_on__isnull=False)
    return board_records_for_user(user, publications, board_field="review__board")


def publication_for_user(user, public_id) -> Publication:
    """One publication in the user's scope (404 otherwise, whatever the reason)."""
    try:
        return publications_for_user(user).get(public_id=public_id)
    except Publication.DoesNotExist as exc:
        raise Http404("Not found") from exc


@dataclass(frozen=True)
class PublicationFilters:
    state: str = ""
    mode: str = ""


def publication_list(user, *, filters: PublicationFilters = PublicationFilters()) -> QuerySet[Publication]:
    """The publications list: the longest waiting since completion first, then the published."""
    qs = publications_for_user(user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.mode:
        qs = qs.filter(mode=filters.mode)
    return qs.order_by(F("published_on").desc(nulls_first=True), "review__signed_off_on", "pk")


def publication_timeline(publication: Publication) -> QuerySet[AuditEntry]:
    """Every transition of the publication: who, their role, when recorded, the event date, the reason."""
    return AuditEntry.objects.for_object(publication).select_related("actor").order_by("recorded_at", "pk")


def publication_clocks(publication: Publication, *, today: date) -> list[clocks.Clock]:
    """The publication's clocks (SPEC §3): the report to the panel a week before publication, and the
    report online for at least 12 months after it."""
    return [clock_of(publication, clock.name, today) for clock in publication.regime.clocks_of("publication")]


def publication_of_review(user, review) -> Publication | None:
    """The review's publication when this user may see it (the case page's publication section)."""
    if review is None:
        return None
    return publications_for_user(user).filter(review=review).first()
