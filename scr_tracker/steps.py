"""Whose move it is on a record, what they do and by when, from the regime's step declarations.

`step_of(record, today)` finds the declaration of the record's regime that the record's fields match
(`regimes.StepDeclaration.when`) and says who acts, what they do, by when (the statutory clock's row,
else the declared expected date) and where the action is done. It reads only the record and what
the caller fetched with it: `entered_on` (the date of its latest event) and its clock rows, so that a
list asks nothing a row. This module imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from scr_tracker import clocks
from scr_tracker.clock_rows import clock_row, resolve
from scr_tracker.regimes import StepDeclaration, regime_of

ROLE_WORDS = {
    "board_staff": "Board staff",
    "board_chair": "The chair",
    "panel_member": "The panel",
    "panel_secretariat": "The panel's secretariat",
}


@dataclass(frozen=True)
class Step:
    """One record's next move: `owner` (a role), `action` (a sentence), `due_on` and whether it is a
    statutory deadline or an expected date, its RAG on the day asked, and the page where it is done."""

    record: object
    declaration: StepDeclaration
    owner: str
    action: str
    due_on: date | None
    statutory: bool
    rag: str | None
    days: int | None  # days remaining (negative: overdue), None without a date
    url: str
    waiting_since: date | None
    person: object = None  # the case's lead officer, for a step of the board's staff

    def is_for(self, user) -> bool:
        """Whether the step waits on this user: on them by name, or on their role when nobody is named."""
        if self.person is not None:
            return self.person.pk == user.pk
        return self.owner == user.role

    @property
    def owner_words(self) -> str:
        """Who acts, in words ("The chair"), following the case's regime for the chair's title."""
        if self.person is not None:
            return self.person.full_name
        if self.owner == "board_chair":
            return f"The {regime_of(self.record).term('chair')}"
        if self.owner == "panel_member":
            return f"The {regime_of(self.record).term('panel')}"
        return ROLE_WORDS.get(self.owner, self.owner)

    @property
    def due_words(self) -> str:
        """ "Due by 4 March 2015" for a statutory deadline, "Expected by ..." otherwise; "" without a date."""
        if self.due_on is None:
            return ""
        return f"{'Due' if self.statutory else 'Expected'} by {self.due_on:%-d %B %Y}"

    @property
    def rag_words(self) -> str:
        """The RAG in words: how late, how soon, or on track."""
        if self.days is None:
            return "No date yet: the clock is stopped" if self.statutory else "No date yet"
        if self.days < 0:
            late = -self.days
            return f"Overdue by {clocks.days_words(late)}"
        if self.days == 0:
            return "Due today" if self.statutory else "Expected today"
        if self.rag == clocks.AMBER:
            return f"Due soon: {clocks.days_words(self.days)} left"
        return f"On track: {clocks.days_words(self.days)} left"

    @property
    def sort_key(self) -> tuple:
        return (self.due_on is None, self.due_on or date.max, str(getattr(self.record, "pk", "")))


def declaration_of(record) -> StepDeclaration | None:
    """The step declaration the record's regime makes for the record as it is now (None: no step)."""
    for declared in regime_of(record).steps_of(record.clock_record):
        if all(resolve(record, path) in values for path, values in declared.when.items()):
            return declared
    return None


def _url(declared: StepDeclaration, record) -> str:
    url_name, public_id_path, *transition = declared.page
    kwargs = {"public_id": resolve(record, public_id_path)}
    if transition:
        kwargs["name"] = transition[0]
    return reverse(url_name, kwargs=kwargs)


def _expected(declared: StepDeclaration, record) -> date | None:
    if declared.expected_on:
        return resolve(record, declared.expected_on)
    if declared.expected is not None:
        start = resolve(record, declared.expected_from)
        return declared.expected.apply(start) if start is not None else None
    return None


def step_of(record, today: date) -> Step | None:
    """The record's next move on `today`, or None when its state waits on other records or on nobody."""
    declared = declaration_of(record)
    if declared is None or declared.waits_on:
        return None
    due_on, statutory, rag = None, False, None
    if declared.clock:
        holder = resolve(record, declared.clock_on) if declared.clock_on else record
        row = clock_row(holder, declared.clock) if holder is not None else None
        if row is not None and row.ended_on is None:
            clock = row.state(today)
            due_on, statutory, rag = clock.due, True, clock.rag
            if clock.status == clocks.STOPPED:
                due_on = None
    if due_on is None and not statutory:
        due_on = _expected(declared, record)
        if due_on is not None:
            rag = clocks.rag_on(due_on, today)
    return Step(
        record=record,
        declaration=declared,
        owner=declared.owner,
        action=declared.action_words(regime_of(record).terms),
        due_on=due_on,
        statutory=statutory,
        rag=rag,
        days=(due_on - today).days if due_on is not None else None,
        url=_url(declared, record),
        waiting_since=getattr(record, "entered_on", None),
        person=_lead_officer(declared, record),
    )


def _lead_officer(declared: StepDeclaration, record):
    """The case's lead officer, when the step is the board staff's and the case has one."""
    case = record.clock_case
    if declared.owner != "board_staff" or getattr(case, "lead_officer_id", None) is None:
        return None
    return case.lead_officer


# --- A case's next move, for the case lists ---------------------------------------------------------
# The lists live below the apps that hold a case's submission, review and publication; the app that
# reads them all registers the function that finds each case's next step (as the dashboards' sections).

_case_steps: list = []


def case_steps_register(provider) -> None:
    """`provider(user, incident_pks, today) -> {incident pk: Step}`; the last registered is used."""
    _case_steps[:] = [provider]


def case_steps(user, incident_pks, today: date) -> dict:
    """Each case's next move (the nearest of its own and its submission's, review's and publication's)."""
    if not _case_steps or not incident_pks:
        return {}
    return _case_steps[0](user, list(incident_pks), today)
