"""The import's columns (SPEC §8 "Import"): one row per incident, the §4.1 fields, then each event's
date and value. `docs/import.md` and the downloadable templates are written from this table.

A column's `kind` says how its cells are read: a date is `YYYY-MM-DD` (or `DD/MM/YYYY`, or a date
cell in XLSX); a list is its values separated by semicolons; a choice is its value or its label.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models

from incidents.choices import (
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
from panel.choices import Advice, BoardResponse, PanelView
from publication.choices import PROPOSED_MODES, PublicationMode
from reviews.choices import DecisionKind, Methodology, StopReason

TEXT, DATE, INT, CHOICE, CHOICES, BOOL = "text", "date", "whole number", "choice", "list", "yes or no"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    words: str
    choices: type[models.TextChoices] | None = None
    required: bool = False  # the cell may never be empty
    values: tuple[str, ...] = ()  # the choices a column offers, when fewer than its `choices`

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.values or (tuple(self.choices.values) if self.choices else ())


class _Yes(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


def _submission(prefix: str, what: str) -> tuple[Column, ...]:
    """The columns of a submission to the panel: sent, up to two pieces of advice with the board's
    information between them, the board's response to a disagreement and the panel's view of it."""
    p = prefix
    return (
        Column(f"{p}sent_on", DATE, f"The date the {what} was sent to the panel"),
        Column(f"{p}advice_1", CHOICE, "The panel's first advice", Advice),
        Column(f"{p}advice_1_on", DATE, "The date of the panel's first advice"),
        Column(f"{p}advice_1_reasons", TEXT, "The panel's reasons for its first advice"),
        Column(f"{p}information_on", DATE, "The date the board sent the further information the panel asked for"),
        Column(f"{p}information", TEXT, "The further information the board sent"),
        Column(f"{p}advice_2", CHOICE, "The panel's advice after the further information", Advice),
        Column(f"{p}advice_2_on", DATE, "The date of the panel's second advice"),
        Column(f"{p}advice_2_reasons", TEXT, "The panel's reasons for its second advice"),
        Column(f"{p}board_response", CHOICE, "The board's response to the panel's disagreement", BoardResponse),
        Column(f"{p}board_response_on", DATE, "The date of the board's response"),
        Column(f"{p}board_response_explanation", TEXT, "The board's explanation (unless it accepted the advice)"),
        Column(f"{p}panel_view", CHOICE, "The panel's view of the board's further explanation", PanelView),
        Column(f"{p}panel_view_on", DATE, "The date of the panel's view"),
        Column(f"{p}panel_view_reasons", TEXT, "The panel's reasons for its view"),
    )


COLUMNS: tuple[Column, ...] = (
    # Which case the row is.
    Column("board", TEXT, "The board's code (optional: when given, it must be the board imported into)"),
    Column("reference", TEXT, "The case's reference in this service, starting with the board's code (optional)"),
    Column("external_reference", TEXT, "The board's own reference for the case (optional; unique in the board)"),
    # The SIN (SPEC §4.1).
    Column("child_pseudonym", TEXT, "A pseudonym for the child, never their name", required=True),
    Column("age_at_incident", INT, "The child's age in whole years at the incident (0 to 17)", required=True),
    Column("sex", CHOICE, "The child's sex", Sex, required=True),
    Column("ethnicity", CHOICE, "The child's ethnicity", Ethnicity, required=True),
    Column("disability", CHOICE, "Whether the child has a disability", Disability, required=True),
    Column("child_status", CHOICES, "The child's status with children's services", ChildStatus),
    Column("nature", CHOICE, "The nature of the incident", Nature, required=True),
    Column("harm_types", CHOICES, "The types of harm (at least one)", HarmType, required=True),
    Column("regulation_5", CHOICES, "Which regulation 5 criteria apply (at least one)", Regulation5, required=True),
    Column("incident_on", DATE, "The date of the incident", required=True),
    Column("la_aware_on", DATE, "The date the local authority became aware", required=True),
    Column("post_mortem", CHOICE, "The post-mortem's status", PostMortem, required=True),
    Column("post_mortem_on", DATE, "The date the post-mortem results were known (when complete)"),
    Column("police_investigation", CHOICE, "The police investigation", PoliceInvestigation, required=True),
    Column("criminal_proceedings", CHOICE, "Criminal proceedings", CriminalProceedings, required=True),
    Column("agencies_involved", CHOICES, "The agencies involved with the child", Agency),
    Column("outline", TEXT, "An outline of what happened", required=True),
    # Notification and consideration.
    Column("received_on", DATE, "The date the board received the SIN (empty: the case is a draft)"),
    Column("ofsted_notified_on", DATE, "The date Ofsted (from 29 June 2018, the national panel) was notified"),
    Column("referred_to_subgroup_on", DATE, "The date the case review sub-group was asked to consider the case"),
    Column("withdrawn_on", DATE, "The date the case was withdrawn (notified in error, a duplicate)"),
    Column("withdrawal_reason", TEXT, "Why the case was withdrawn"),
    # The chair's decision (SPEC §4.2).
    Column("decision", CHOICE, "The chair's decision whether to initiate a review", DecisionKind),
    Column("decided_on", DATE, "The date of the decision"),
    Column("decision_rationale", TEXT, "The decision's rationale, recorded against each limb of regulation 5"),
    Column(
        "national_review_recommended", BOOL, "Working Together 2018 on: whether a national review was recommended", _Yes
    ),
    Column("rapid_review_summary", TEXT, "Working Together 2018 on: the rapid review's summary"),
    # The submission the decision opened: a decision not to initiate, or the rapid review (SPEC §4.4).
    *_submission("submission_", "submission"),
    # The review (SPEC §4.3).
    Column("review_started_on", DATE, "The date the review was commissioned"),
    Column("methodology", CHOICE, "The review's methodology", Methodology),
    Column("lead_reviewer", TEXT, "The lead reviewer's name"),
    Column("review_stopped_on", DATE, "The date the review's clock stopped"),
    Column("stop_reason", CHOICE, "Why the review's clock stopped", StopReason),
    Column("stop_detail", TEXT, "Why the clock stopped, when the reason is 'other'"),
    Column("review_resumed_on", DATE, "The date the review's clock ran again"),
    Column("drafting_on", DATE, "The date the overview report began to be drafted"),
    Column("signed_off_on", DATE, "The date the chair signed the review off"),
    # Publication (SPEC §4.5).
    Column("report_sent_on", DATE, "The date the final report was sent to the panel"),
    Column("proposed_on", DATE, "The date the board proposed publishing other than in full"),
    Column("proposed_mode", CHOICE, "The mode proposed", PublicationMode, values=tuple(PROPOSED_MODES)),
    Column("proposal_reasons", TEXT, "The board's reasons for not publishing in full"),
    Column("independent_advice", TEXT, "The independent advice that publication would put individuals at risk"),
    *_submission("proposal_", "proposal"),
    Column("published_on", DATE, "The date the report was published"),
    Column("url", TEXT, "The web address where the report is published"),
    Column("withheld_on", DATE, "The date the board decided not to publish the report"),
    Column("withheld_reason", TEXT, "Why the report is withheld"),
    Column("taken_down_on", DATE, "The date the report came down"),
    Column("taken_down_reason", TEXT, "Why the report came down"),
    # The end of the case.
    Column("closed_on", DATE, "The date the case was closed"),
)

BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED = tuple(column.name for column in COLUMNS if column.required)

# --- Reading a cell ----------------------------------------------------------------------------

FORMULA = "The cell holds a formula: the import never runs formulas, so enter the value itself"
_FORMULA_START = re.compile(r"^[=+@\t\r]|^-(?![\d.])")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class CellError(ValueError):
    """Why a cell cannot be read; the message is shown with the line, the column and the value."""


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA_START.match(text))


def read_cell(column: Column, raw):
    """The cell's value, or None when empty; `CellError` names the rule a bad value breaks."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise CellError(f"Enter {column.words[0].lower()}{column.words[1:]}")
        return [] if column.kind == CHOICES else None
    if column.kind == DATE:
        return _date(raw)
    if isinstance(raw, (datetime, date)):
        raise CellError(f"This column holds {'a ' if column.kind != TEXT else ''}{column.kind}, not a date")
    if isinstance(raw, bool):
        raise CellError("Enter a value, not TRUE or FALSE")
    if column.kind == INT:
        return _whole_number(raw)
    text = str(raw).strip() if not isinstance(raw, float) else _number_text(raw)
    if column.kind == TEXT:
        return text
    if column.kind == CHOICES:
        values = [_choice(column, part.strip()) for part in text.split(";") if part.strip()]
        return values
    value = _choice(column, text)
    return value == "yes" if column.kind == BOOL else value


def _number_text(raw: float) -> str:
    return str(int(raw)) if raw.is_integer() else str(raw)


def _date(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    match = _ISO.match(text)
    parts = (int(match[1]), int(match[2]), int(match[3])) if match else None
    match = _UK.match(text)
    if match:
        parts = (int(match[3]), int(match[2]), int(match[1]))
    if parts is None:
        raise CellError("Enter a date like 2015-03-31 (or 31/03/2015)")
    try:
        return date(*parts)
    except ValueError as exc:
        raise CellError("Enter a real date like 2015-03-31") from exc


def _whole_number(raw) -> int:
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"\d+", text):
        raise CellError("Enter a whole number, like 4")
    return int(text)


def _choice(column: Column, text: str) -> str:
    by_value = {value.lower(): value for value in column.allowed}
    labels = dict(column.choices.choices) if column.choices else {}
    by_label = {str(labels[value]).lower(): value for value in column.allowed if value in labels}
    found = by_value.get(text.lower()) or by_label.get(text.lower())
    if found is None:
        raise CellError(f"Enter one of: {', '.join(column.allowed)}")
    return found
