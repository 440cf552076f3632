"""A person's deadlines as an iCalendar feed (RFC 5545), for their calendar program.

Each running clock is an all-day event on its due date, named by the case reference and the
deadline only, with the address of the page where it is met: a calendar is synced to phones and
shared more widely than the service, so it carries no case details (the page asks for a sign-in).
A publication's planned date is an event too.
"""

from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from scr_tracker.regimes import regime_by_code

from .sources import DueClock, source_for
from .words import clock_words

PRODID = "-//SCR Tracker//Deadlines//EN"


def _uid(deadline: DueClock) -> str:
    # Stable across changes of the due date, so a calendar moves the event rather than adding one.
    return f"{deadline.clock}-{deadline.object_id}@scr-tracker"


def _address(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""


def _event(*, uid: str, day, summary: str, path: str, now: datetime) -> Event:
    """An all-day event with the address of its page (the page asks for a sign-in)."""
    address = _address(path)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    if address:
        event.add("url", address)
    event.add("description", f"Sign in to {settings.SERVICE_NAME} for the case: {address or settings.SITE_URL}")
    event.add("transp", "TRANSPARENT")
    return event


def deadlines_calendar(deadlines: list[DueClock], *, now: datetime, planned: list | None = None) -> bytes:
    """`planned`: (publication id, reference, planned date, page path) of each publication planned."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{settings.SERVICE_NAME} deadlines")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for deadline in deadlines:
        regime = regime_by_code(deadline.regime) if deadline.regime else None  # the case's own words
        source = source_for(deadline.clock)
        event = _event(
            uid=_uid(deadline),
            day=deadline.due,
            summary=f"{deadline.reference}: {clock_words(deadline.clock, regime)}",
            path=source.url(deadline.link_public_id) if source else "",
            now=now,
        )
        calendar.add_component(event)
    for publication_id, reference, planned_on, path in planned or ():
        event = _event(
            uid=f"planned-publication-{publication_id}@scr-tracker",
            day=planned_on,
            summary=f"{reference}: planned publication of the final report",
            path=path,
            now=now,
        )
        calendar.add_component(event)
    return calendar.to_ical()
