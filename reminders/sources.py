"""The running clocks that reminders and calendar feeds read: the clock rows (SPEC §3, §5).

Every clock of every regime is one `ClockRow` with an indexed due date, so the sweep selects the
running clocks due on or before a limit (optionally of one board) in one query over the rows, with
what a reminder may show: the case reference, the board and the page to link to. Stopped clocks
have no due date, and met or halted clocks are filtered out by their columns, so neither is ever
selected. Who is reminded, where the reminder links and whether a clock can be overdue come from
the case's regime declaration. The sweep reads columns; it never recomputes every case.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db.models import Q
from django.urls import reverse

from scr_tracker import regimes
from scr_tracker.models import ClockRow
from scr_tracker.regimes import ClockDeclaration, clock_declaration, regime_by_code


class DueClock(NamedTuple):
    """One running clock with a due date, as a reminder or a calendar entry sees it."""

    clock: str
    object_id: int
    due: date
    board_id: int
    reference: str
    link_public_id: object  # UUID of the page to link to
    regime: str = ""
    incident_id: int | None = None  # the case the clock belongs to (its access event, in a feed)


@dataclass(frozen=True)
class ClockSource:
    """One clock as reminders see it: who answers for it, where a reminder links, whether it can
    be overdue (a clock met by reaching its date cannot). Read from the regimes' declarations."""

    clock: str

    def declaration(self, regime: str = "") -> ClockDeclaration:
        """As the case's regime declares it, else as the latest regime that declares it."""
        return (regime and clock_declaration(self.clock, regime_by_code(regime))) or clock_declaration(self.clock)

    @property
    def link(self) -> str:
        return self.declaration().page[0]

    @property
    def overdue(self) -> bool:
        return not self.declaration().met_by_lapse

    def responsible(self, regime: str = "") -> tuple[str, ...]:
        """The board's roles reminded before the due date; the chair is added for overdue reminders."""
        return self.declaration(regime).reminded

    def due_clocks(
        self, *, limit: date | None, board_id: int | None = None, today: date | None = None
    ) -> Iterator[DueClock]:
        """Running clocks of this name due on or before `limit`. A clock met by reaching its date is
        over once that date has passed, so with `today` given only those due from today on are read."""
        yield from due_clocks(limit=limit, board_id=board_id, today=today, names=(self.clock,))

    def url(self, public_id) -> str:
        return reverse(self.link, args=[public_id]) if public_id else ""


def due_clocks(
    *, limit: date | None, board_id: int | None = None, today: date | None = None, names: tuple[str, ...] = ()
) -> Iterator[DueClock]:
    """Every running clock due on or before `limit` (None: all of them), in one query over the rows."""
    rows = ClockRow.objects.filter(ended_on__isnull=True, halted=False, due_on__isnull=False)
    if names:
        rows = rows.filter(name__in=names)
    if limit is not None:
        rows = rows.filter(due_on__lte=limit)
    if board_id is not None:
        rows = rows.filter(board_id=board_id)
    if today is not None:
        rows = rows.filter(Q(met_by_lapse=False) | Q(due_on__gte=today))
    for name, object_id, due_on, board, reference, public_id, regime, incident_id in rows.order_by(
        "due_on", "pk"
    ).values_list(
        "name", "object_id", "due_on", "board_id", "incident__reference", "page_public_id", "regime", "incident"
    ):
        yield DueClock(name, object_id, due_on, board, reference or "", public_id, regime, incident_id)


def sources() -> dict[str, ClockSource]:
    """Every clock any regime declares, read when asked (a regime added later is included)."""
    return {clock.name: ClockSource(clock.name) for regime in regimes.REGIMES for clock in regime.clocks}


def source_for(clock: str) -> ClockSource | None:
    return sources().get(clock)
