"""Replaying one row of a board's history through the services and transitions, each event with its
own date, so that its clocks, flags, outcomes, audit entries and statistics are those of a case typed
in by hand (SPEC §8 "Import").

The importing user (the board's chair) is the actor of every event. The panel's own events (its
advice and its view) are recorded as the panel's: the chair acts in the panel member's role for them
only, on the row's own submission, and the audit entry says it was imported, from which file and line.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.http import Http404

from accounts.models import Role
from incidents.models import Incident
from incidents.services import (
    SIN_FIELDS,
    incident_close,
    incident_create,
    incident_notify,
    incident_refer_to_subgroup,
    incident_withdraw,
)
from panel.models import PanelSubmission
from panel.services import (
    submission_provide_information,
    submission_record_advice,
    submission_record_board_response,
    submission_record_panel_view,
    submission_submit,
)
from publication.services import (
    publication_propose,
    publication_publish,
    publication_send_report,
    publication_take_down,
    publication_withhold,
)
from reviews.choices import RATIONALE_LIMBS
from reviews.models import SeriousCaseReview
from reviews.services import (
    decision_record,
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
)
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState, RoleNotPermitted, TransitionError

from .columns import BY_NAME, COLUMNS, DATE

# A value and the date it was given: both, or neither.
PAIRS = (
    ("decision", "decided_on"),
    ("proposed_mode", "proposed_on"),
    ("url", "published_on"),
    ("stop_reason", "review_stopped_on"),
    *(
        (f"{p}{value}", f"{p}{value}_on")
        for p in ("submission_", "proposal_")
        for value in ("advice_1", "advice_2", "board_response", "panel_view")
    ),
)

# An event's column and the earlier event it needs, in words.
NEEDS = (
    ("ofsted_notified_on", "received_on", "the date the board received the SIN"),
    ("referred_to_subgroup_on", "received_on", "the date the board received the SIN"),
    ("withdrawn_on", "received_on", "the date the board received the SIN"),
    ("decided_on", "received_on", "the date the board received the SIN"),
    ("submission_sent_on", "decided_on", "the decision"),
    ("report_sent_on", "signed_off_on", "the date the review was signed off"),
    ("proposed_on", "report_sent_on", "the date the final report was sent"),
    ("proposal_sent_on", "proposed_on", "the proposal"),
    ("taken_down_on", "published_on", "the date the report was published"),
    ("review_resumed_on", "review_stopped_on", "the date the review's clock stopped"),
    ("closed_on", "decided_on", "the decision"),
    *(
        (f"{p}{later}", f"{p}{earlier}", words)
        for p in ("submission_", "proposal_")
        for later, earlier, words in (
            ("advice_1_on", "sent_on", "the date it was sent to the panel"),
            ("information_on", "advice_1_on", "the panel's request for further information"),
            ("advice_2_on", "information_on", "the further information the board sent"),
            ("board_response_on", "advice_1_on", "the panel's advice"),
            ("panel_view_on", "board_response_on", "the board's response"),
        )
    ),
)

# A cell that belongs to an event: given without the event's date, it would be lost.
BELONGS = (
    ("withdrawal_reason", "withdrawn_on"),
    ("decision_rationale", "decided_on"),
    ("national_review_recommended", "decided_on"),
    ("rapid_review_summary", "decided_on"),
    ("methodology", "review_started_on"),
    ("lead_reviewer", "review_started_on"),
    ("stop_detail", "review_stopped_on"),
    ("proposal_reasons", "proposed_on"),
    ("independent_advice", "proposed_on"),
    ("withheld_reason", "withheld_on"),
    ("taken_down_reason", "taken_down_on"),
    *(
        (f"{p}{text}", f"{p}{on}")
        for p in ("submission_", "proposal_")
        for text, on in (
            ("advice_1_reasons", "advice_1_on"),
            ("information", "information_on"),
            ("advice_2_reasons", "advice_2_on"),
            ("board_response_explanation", "board_response_on"),
            ("panel_view_reasons", "panel_view_on"),
        )
    ),
)

# The review's events, replayed in the order of their dates (a clock may stop while the report is drafted).
IMPORTED_SIGN_OFF = "Imported from the board's records"
REVIEW_EVENTS = ("review_started_on", "review_stopped_on", "review_resumed_on", "drafting_on", "signed_off_on")


@dataclass
class RowResult:
    """What one row made: its case, and the problems that stopped it (column, message)."""

    incident: Incident | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)


class _Stop(Exception):
    """A step was refused: the row's later events cannot be replayed."""


def row_problems(row: dict) -> list[tuple[str, str]]:
    """The rules between a row's cells, all of them, before anything is replayed."""
    problems = []
    for value, on in PAIRS:
        if row.get(value) not in (None, "", []) and row.get(on) is None:
            problems.append((on, f"Enter the date: the row gives '{value}', which needs its date in this column"))
        elif row.get(on) is not None and row.get(value) in (None, "", []):
            problems.append((value, f"Enter the '{value}' given on {row[on]:%-d %B %Y}"))
    for later, earlier, words in NEEDS:
        if row.get(later) is not None and row.get(earlier) is None:
            problems.append((later, f"This event needs {words} ('{earlier}') first"))
    if row.get("decided_on") is None:
        after = [c.name for c in COLUMNS[COLUMNS.index(BY_NAME["decided_on"]) + 1 :] if c.kind == DATE]
        given = [name for name in after if row.get(name) is not None and name != "closed_on"]
        if given:
            problems.append((given[0], "This event needs the decision ('decided_on') first"))
    for cell, on in BELONGS:
        if row.get(cell) not in (None, "", []) and row.get(on) is None:
            problems.append((cell, f"This belongs to the event dated in '{on}', which is empty: give its date too"))
    if row.get("decision") and not (row.get("decision_rationale") or "").strip():
        problems.append(("decision_rationale", "Enter the rationale for the decision"))
    if row.get("withdrawn_on") and row.get("decided_on"):
        problems.append(("withdrawn_on", "A case can be withdrawn only before a decision: leave one of them empty"))
    if row.get("published_on") and row.get("withheld_on"):
        problems.append(("withheld_on", "A report is either published or withheld: leave one of them empty"))
    return problems


def _panel(actor):
    """The importing user, acting in the panel member's role for the panel's own events."""
    panel = copy.copy(actor)
    panel.role = Role.PANEL_MEMBER
    return panel


class _Replay:
    def __init__(self, row: dict, actor):
        self.row, self.actor, self.problems = row, actor, []

    def step(self, date_column: str, call: Callable, fields: dict[str, str] | None = None):
        """Run one service; a refusal becomes the row's problems, named by column."""
        fields = fields or {}
        try:
            return call()
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                column = date_column if name == "event_date" else fields.get(name, date_column)
                if name == "missing":
                    messages = [f"The panel needs what is missing first: {'; '.join(messages)}"]
                self.problems.extend((column, message) for message in messages)
        except (Blocked, NotAllowedInState, RoleNotPermitted) as exc:
            self.problems.append((date_column, _refusal_words(exc)))
        except (TransitionError, Http404) as exc:
            self.problems.append((date_column, str(exc) or "This event cannot be recorded"))
        raise _Stop

    def given(self, prefix: str) -> list[str]:
        """The date columns of a submission's events (by their prefix) that the row gives, in column order."""
        return [c.name for c in COLUMNS if c.name.startswith(prefix) and c.kind == DATE and self.row.get(c.name)]

    def none_of(self, prefix: str, message: str) -> None:
        """A submission's events where the case has no such submission: refused, naming the first."""
        present = self.given(prefix)
        if present:
            self.problems.append((present[0], message))
            raise _Stop

    def text(self, name: str) -> str:
        return (self.row.get(name) or "").strip()

    # --- The case --------------------------------------------------------------------------

    def run(self) -> Incident:
        row, actor = self.row, self.actor
        began = began_on(row)
        data = {name: row.get(name) for name in SIN_FIELDS}
        incident = self.step(
            "child_pseudonym",
            lambda: incident_create(
                actor=actor,
                data=data,
                reference=self.text("reference"),
                external_reference=self.text("external_reference"),
                year=began.year,
            ),
            {name: name for name in SIN_FIELDS},
        )
        self.incident = incident
        if row.get("received_on"):
            self.step(
                "received_on",
                lambda: incident_notify(
                    actor=actor,
                    incident_id=incident.pk,
                    event_date=row["received_on"],
                    ofsted_notified_on=row.get("ofsted_notified_on"),
                ),
                {"ofsted_notified_on": "ofsted_notified_on", "nature": "nature"},
            )
        if row.get("referred_to_subgroup_on"):
            self.step(
                "referred_to_subgroup_on",
                lambda: incident_refer_to_subgroup(
                    actor=actor, incident_id=incident.pk, event_date=row["referred_to_subgroup_on"]
                ),
            )
        if row.get("withdrawn_on"):
            self.step(
                "withdrawn_on",
                lambda: incident_withdraw(
                    actor=actor,
                    incident_id=incident.pk,
                    event_date=row["withdrawn_on"],
                    reason=self.text("withdrawal_reason"),
                ),
                {"reason": "withdrawal_reason"},
            )
        if row.get("decided_on"):
            self.decide(incident)
        if row.get("closed_on"):
            self.step(
                "closed_on",
                lambda: incident_close(actor=actor, incident_id=incident.pk, event_date=row["closed_on"]),
            )
        return incident

    def decide(self, incident: Incident) -> None:
        row, actor = self.row, self.actor
        rationale = dict.fromkeys(RATIONALE_LIMBS, self.text("decision_rationale"))
        decision = self.step(
            "decided_on",
            lambda: decision_record(
                actor=actor,
                incident_id=incident.pk,
                event_date=row["decided_on"],
                decision=row["decision"],
                rationale=rationale,
                national_review_recommended=row.get("national_review_recommended"),
                rapid_review_summary=self.text("rapid_review_summary"),
            ),
            {
                "decision": "decision",
                "rationale": "decision_rationale",
                "national_review_recommended": "national_review_recommended",
                "rapid_review_summary": "rapid_review_summary",
                "panel_notified_on": "decided_on",
            },
        )
        # The submission and the review are read only for a row that gives some of their events.
        given = self.given("submission_")
        if given:
            submission = PanelSubmission.objects.filter(decision=decision).order_by("pk").first()
            if submission is None:
                self.problems.append((given[0], "The decision opened no submission to the panel"))
                raise _Stop
            self.submission(submission, "submission_")
        later = ("report_sent_on", "proposed_on", "published_on", "withheld_on", "taken_down_on")
        present = [name for name in (*REVIEW_EVENTS, *later) if row.get(name)]
        if present:
            review = SeriousCaseReview.objects.filter(incidents=incident).order_by("-initiated_on", "-pk").first()
            if review is None:
                self.problems.append((present[0], "The case has no review: the decision was not to initiate one"))
                raise _Stop
            self.review(review)

    # --- A submission to the panel -------------------------------------------------------------

    def submission(self, submission: PanelSubmission, p: str) -> None:
        row, actor, panel = self.row, self.actor, _panel(self.actor)
        pk = submission.pk
        if row.get(f"{p}sent_on"):
            self.step(
                f"{p}sent_on", lambda: submission_submit(actor=actor, submission_id=pk, event_date=row[f"{p}sent_on"])
            )
        for n in ("1", "2"):
            if n == "2" and row.get(f"{p}information_on"):
                self.step(
                    f"{p}information_on",
                    lambda: submission_provide_information(
                        actor=actor,
                        submission_id=pk,
                        event_date=row[f"{p}information_on"],
                        information=self.text(f"{p}information"),
                    ),
                    {"information": f"{p}information"},
                )
            if row.get(f"{p}advice_{n}_on"):
                self.step(
                    f"{p}advice_{n}_on",
                    lambda n=n: submission_record_advice(
                        actor=panel,
                        submission_id=pk,
                        event_date=row[f"{p}advice_{n}_on"],
                        advice=row[f"{p}advice_{n}"],
                        reasons=self.text(f"{p}advice_{n}_reasons"),
                    ),
                    {"advice": f"{p}advice_{n}", "reasons": f"{p}advice_{n}_reasons"},
                )
        if row.get(f"{p}board_response_on"):
            self.step(
                f"{p}board_response_on",
                lambda: submission_record_board_response(
                    actor=actor,
                    submission_id=pk,
                    event_date=row[f"{p}board_response_on"],
                    response=row[f"{p}board_response"],
                    explanation=self.text(f"{p}board_response_explanation"),
                ),
                {"response": f"{p}board_response", "explanation": f"{p}board_response_explanation"},
            )
        if row.get(f"{p}panel_view_on"):
            self.step(
                f"{p}panel_view_on",
                lambda: submission_record_panel_view(
                    actor=panel,
                    submission_id=pk,
                    event_date=row[f"{p}panel_view_on"],
                    view=row[f"{p}panel_view"],
                    reasons=self.text(f"{p}panel_view_reasons"),
                ),
                {"view": f"{p}panel_view", "reasons": f"{p}panel_view_reasons"},
            )

    # --- The review and its publication ------------------------------------------------------

    def review(self, review: SeriousCaseReview) -> None:
        row, actor, pk = self.row, self.actor, review.pk
        calls = {
            "review_started_on": (
                lambda on: review_start(
                    actor=actor,
                    review_id=pk,
                    event_date=on,
                    methodology=row.get("methodology"),
                    lead_reviewer=self.text("lead_reviewer"),
                ),
                {"methodology": "methodology", "lead_reviewer": "lead_reviewer"},
            ),
            "review_stopped_on": (
                lambda on: review_stop_clock(
                    actor=actor,
                    review_id=pk,
                    event_date=on,
                    reason=row.get("stop_reason"),
                    detail=self.text("stop_detail"),
                ),
                {"reason": "stop_reason", "detail": "stop_detail"},
            ),
            "review_resumed_on": (lambda on: review_resume_clock(actor=actor, review_id=pk, event_date=on), {}),
            "drafting_on": (lambda on: review_begin_drafting(actor=actor, review_id=pk, event_date=on), {}),
            # A board's records come without their overview report: the sign-off says where it came from.
            "signed_off_on": (
                lambda on: review_sign_off(actor=actor, review_id=pk, event_date=on, reason=IMPORTED_SIGN_OFF),
                {},
            ),
        }
        dated = sorted((row[name], REVIEW_EVENTS.index(name), name) for name in REVIEW_EVENTS if row.get(name))
        for on, _, name in dated:
            call, fields = calls[name]
            self.step(name, lambda call=call, on=on: call(on), fields)
        if row.get("signed_off_on"):
            review.refresh_from_db()
            self.publication(review.publication.pk)

    def publication(self, pk: int) -> None:
        row, actor = self.row, self.actor
        if row.get("report_sent_on"):
            self.step(
                "report_sent_on",
                lambda: publication_send_report(actor=actor, publication_id=pk, event_date=row["report_sent_on"]),
            )
        if row.get("proposed_on"):
            publication = self.step(
                "proposed_on",
                lambda: publication_propose(
                    actor=actor,
                    publication_id=pk,
                    event_date=row["proposed_on"],
                    mode=row.get("proposed_mode"),
                    reasons=self.text("proposal_reasons"),
                    independent_advice=self.text("independent_advice"),
                ),
                {"mode": "proposed_mode", "reasons": "proposal_reasons", "independent_advice": "independent_advice"},
            )
            if publication.submission_id is not None:
                self.submission(PanelSubmission.objects.get(pk=publication.submission_id), "proposal_")
            else:
                self.none_of("proposal_", "Under this case's regime the proposal does not go to the panel")
        if row.get("published_on"):
            self.step(
                "published_on",
                lambda: publication_publish(
                    actor=actor, publication_id=pk, event_date=row["published_on"], url=self.text("url")
                ),
                {"url": "url"},
            )
        if row.get("withheld_on"):
            self.step(
                "withheld_on",
                lambda: publication_withhold(
                    actor=actor, publication_id=pk, event_date=row["withheld_on"], reason=self.text("withheld_reason")
                ),
                {"reason": "withheld_reason"},
            )
        if row.get("taken_down_on"):
            self.step(
                "taken_down_on",
                lambda: publication_take_down(
                    actor=actor,
                    publication_id=pk,
                    event_date=row["taken_down_on"],
                    reason=self.text("taken_down_reason"),
                ),
                {"reason": "taken_down_reason"},
            )


def _refusal_words(exc: TransitionError) -> str:
    if isinstance(exc, NotAllowedInState):
        return f"This event cannot follow the case's earlier events (the record is {exc.state.replace('_', ' ')})"
    if isinstance(exc, Blocked):
        return "; ".join(exc.reasons)
    return str(exc)


def replay_row(row: dict, actor) -> RowResult:
    """Replay a row whose cells have been read; on a refusal the row's problems say why (the caller
    rolls the row back)."""
    replay = _Replay(row, actor)
    try:
        incident = replay.run()
    except _Stop:
        return RowResult(None, replay.problems)
    return RowResult(incident, [])


def began_on(row: dict) -> date:
    return row.get("received_on") or row["la_aware_on"]
