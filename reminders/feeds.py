"""A person's deadlines as an iCalendar feed (RFC 5545), for their calendar program.

Each running clock is an all-day event on its due date, named by the case reference and the
deadline only: a calendar is synced to phones and shared more widely than the service, so it
carries no case details.
"""

from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from scr_tracker.regimes import regime_by_code

from .sources import DueClock
from .words import clock_words

PRODID = "-//SCR Tracker//Deadlines//EN"


def _uid(deadline: DueClock) -> str:
    # Stable across changes of the due date, so a calendar moves the event rather than adding one.
    return f"{deadline.clock}-{deadline.object_id}@scr-tracker"


def deadlines_calendar(deadlines: list[DueClock], *, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{settings.SERVICE_NAME} deadlines")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for deadline in deadlines:
        event = Event()
        event.add("uid", _uid(deadline))
        event.add("dtstamp", now)
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        regime = regime_by_code(deadline.regime) if deadline.regime else None  # the case's own words
        event.add("summary", f"{deadline.reference}: {clock_words(deadline.clock, regime)}")
        event.add("description", f"Sign in to {settings.SERVICE_NAME} for the case.")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
