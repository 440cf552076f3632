"""Regimes as declarations (SPEC §3, §10): each statutory regime's clocks and workflow variations.

A regime is data. For each clock it declares the record the clock belongs to, the event that
starts it and the event that ends it (with the record's fields where those events' dates live),
its rule, whether stops extend it, who is reminded, and its words. The transition runner
(`scr_tracker.clock_rows`) reads these declarations to write each clock as a row; every page,
list, reminder, feed, export and statistic reads the rows. Nothing outside this module and the
code that reads it names a regime or a duration.

An incident keeps the regime in force on the day its SIN was received, for good: adding a regime
here, or correcting a number in one, changes no clock of a case fixed to another regime.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

from scr_tracker.clocks import ClockRule, add_days, has_open_stop, period_words, stopped_days

__all__ = [
    "REGIMES",
    "WT2013",
    "WT2018",
    "WT2023",
    "ClockDeclaration",
    "Event",
    "Regime",
    "StepDeclaration",
    "clock_declaration",
    "record_clock",
    "regime_by_code",
    "regime_for",
    "regime_of",
]


@dataclass(frozen=True)
class Event:
    """An event of the workflow and the record fields (dotted paths) where its date is kept.

    For a start, the first field that has a date counts; for an end, the clock ends only once
    every field has a date, on the latest of them (a SIN is notified when both Ofsted and the
    board have it).
    """

    name: str
    fields: tuple[str, ...]

    def __init__(self, name: str, *fields: str):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "fields", fields)


@dataclass(frozen=True)
class ClockDeclaration:
    """One statutory clock of a regime (SPEC §3).

    `record` names the kind of record the clock belongs to ("incident", "submission", "review",
    "contribution", "action", "publication"). `rule` gives the due date from the start (or from
    `counts_from`, for a clock counted back from a planned date); `due_field` names the record's
    own due date, set per record or overriding the rule. `applies_when`/`applies_unless` narrow
    the records that have the clock by field values; `halted_when` the values under which a
    started clock no longer runs (the record left the workflow). `stoppable`: stop periods extend it.
    `met_by_lapse`: met by reaching its due date without its end event (a report stays online).
    `reminded`: the roles reminded before the due date. `case_deadline`: the case waits on it, so
    it is the case's next deadline while it runs. `page`: where a reminder links (URL name and the
    path to the public id it takes). `title` and `words` are what pages call it; `{duration}` in
    `words` is written from the rule. `task` is what a reminder asks for (the title when empty),
    its `{duration}` written the same way.
    """

    name: str
    record: str
    starts: Event
    ends: Event
    title: str
    words: str
    page: tuple[str, str]
    rule: ClockRule | None = None
    due_field: str = ""
    counts_from: tuple[str, ...] = ()
    applies_when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    applies_unless: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    halted_when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stoppable: bool = False
    stop_periods: str = ""
    met_by_lapse: bool = False
    reminded: tuple[str, ...] = ("board_staff",)
    case_deadline: bool = False
    task: str = ""

    def __post_init__(self) -> None:
        if self.rule is None and not self.due_field:
            raise ValueError(f"clock {self.name!r} needs a rule or a per-record due date")
        if self.rule is not None and self.rule.name != self.name:
            raise ValueError(f"rule {self.rule.name!r} declared for clock {self.name!r}")
        if self.stoppable and not self.stop_periods:
            raise ValueError(f"stoppable clock {self.name!r} needs the relation holding its stop periods")

    @property
    def duration(self) -> str:
        """The rule in words ("5 working days", "7 days before"); empty when set per record."""
        return self.rule.words() if self.rule else ""

    @property
    def described(self) -> str:
        """The title with the rule written out, as the case page's clock table shows it."""
        words = self.phrase
        return f"{self.title} ({words})" if words else self.title

    @property
    def phrase(self) -> str:
        """The words with the rule written out: "at least 7 days before publication"."""
        return self.words.format(duration=self.duration)

    @property
    def reminder(self) -> str:
        """What a reminder asks for: the task with the rule written out, or the title."""
        return self.task.format(duration=self.duration) if self.task else self.title

    def length(self, *, spelt: bool = False, compound: bool = False) -> str:
        """The rule's length without its direction: "7 days", "six months", "one-month" (before a
        noun); empty when the due date is set per record."""
        if self.rule is None:
            return ""
        return period_words(self.rule.amount, self.rule.unit, spelt=spelt, compound=compound)


@dataclass(frozen=True)
class StepDeclaration:
    """Whose move it is on a record in an open state, what they do and by when.

    `record` names the kind of record, as for clocks. `when` gives the field values (dotted paths, as
    for clocks) that put a record at this step: its state, and where needed a narrower fact. `owner`
    is the role that acts next; `action` says what they do in one sentence, with the regime's terms
    (`{panel}`, `{review}`, `{chair}`, ...) written in. `page` is where the action is done: a URL
    name, the path to the public id it takes and, for a transition page, the transition's name.

    By when: `clock` names the statutory clock the step is due by (its row; `clock_on` the path to
    the record holding it when that is not this record). A step with no statutory clock, or whose
    clock has not started, is "expected by" a date declared here: `expected` (a rule) from the date
    at `expected_from` (`entered_on` is the date of the record's latest event, when it came to this
    step), or the date at `expected_on` itself (a meeting's date, a planned publication).

    A state in which the record waits on records below it (a decided case waits on its submission
    or review) declares `waits_on` instead, with no owner: their own steps say whose move it is.
    """

    record: str
    when: Mapping[str, tuple]
    owner: str = ""
    action: str = ""
    page: tuple[str, ...] = ()
    clock: str = ""
    clock_on: str = ""
    expected: ClockRule | None = None
    expected_from: str = ""
    expected_on: str = ""
    waits_on: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.when:
            raise ValueError(f"a {self.record} step needs the field values that put a record at it")
        if self.waits_on:
            return
        if not (self.owner and self.action and self.page):
            raise ValueError(f"a {self.record} step in {self.when} needs an owner, an action and a page")
        if not self.clock and not (self.expected or self.expected_on):
            raise ValueError(f"a {self.record} step in {self.when} needs a clock or an expected date")
        if self.expected is not None and not self.expected_from:
            raise ValueError(f"a {self.record} step in {self.when} is expected from no date")

    def action_words(self, terms: Mapping[str, str]) -> str:
        return self.action.format(**terms)

    @property
    def expected_words(self) -> str:
        """The expected time in words ("1 month"), empty when the date is a field's own."""
        return self.expected.words() if self.expected else ""


@dataclass(frozen=True)
class Regime:
    """A dated set of clock declarations and workflow variations."""

    code: str
    title: str
    in_force_from: date
    # Left out of the hash so regimes can be dict keys; code and date identify a regime.
    clocks: tuple[ClockDeclaration, ...] = field(hash=False)
    # Which records a decision of each kind opens (SPEC §10 "which records open which"): "review",
    # or the kind of panel submission it opens. A decision made by accepting the panel's advice
    # opens only its review: the panel has already seen the case.
    opens: Mapping[str, tuple[str, ...]] = field(hash=False, default_factory=dict)
    # Which advice values the panel may give, per submission kind.
    advice: Mapping[str, tuple[str, ...]] = field(hash=False, default_factory=dict)
    # Advice values offered only on a submission whose decision is one of these kinds.
    advice_on_decision: Mapping[str, tuple[str, ...]] = field(hash=False, default_factory=dict)
    panel_advises_on_publication: bool = True
    # The natures of incident that may be notified.
    natures: tuple[str, ...] = field(hash=False, default=("death", "serious_harm"))
    # What a decision records besides the decision and its rationale, each required.
    decision_asks: tuple[str, ...] = field(hash=False, default=())
    # The clock by whose due date a decision is late (SPEC §4.2 "late").
    decision_due_clock: str = ""
    # The words the pages use for the regime's bodies and reviews.
    terms: Mapping[str, str] = field(hash=False, default_factory=dict)
    # Whose move it is in each open state of each record, and by when.
    steps: tuple[StepDeclaration, ...] = field(hash=False, default=())

    def __post_init__(self) -> None:
        names = [clock.name for clock in self.clocks]
        if len(names) != len(set(names)):
            raise ValueError(f"regime {self.code!r} declares a clock twice")
        if self.decision_due_clock and self.decision_due_clock not in names:
            raise ValueError(f"regime {self.code!r} measures decisions by an undeclared clock")
        for step in self.steps:
            if step.clock and step.clock not in names:
                raise ValueError(f"regime {self.code!r} has a {step.record} step due by an undeclared clock")
        missing_terms = set(TERMS) - set(self.terms)
        if missing_terms:
            raise ValueError(f"regime {self.code!r} has no words for {sorted(missing_terms)}")
        # Freeze the mappings so a shared regime cannot be changed under running cases.
        for name in ("opens", "advice", "advice_on_decision", "terms"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def advice_for(self, kind: str, decision: str = "") -> tuple[str, ...]:
        """The advice the panel may give on a submission of `kind` about a decision of `decision`."""
        return tuple(
            value
            for value in self.advice.get(kind, ())
            if value not in self.advice_on_decision or decision in self.advice_on_decision[value]
        )

    @property
    def submission_kinds(self) -> tuple[str, ...]:
        """The kinds of panel submission a case of this regime can have."""
        return tuple(self.advice)

    @property
    def rules(self) -> Mapping[str, ClockRule]:
        """The clocks that have a rule, by name."""
        return MappingProxyType({clock.name: clock.rule for clock in self.clocks if clock.rule is not None})

    def clock(self, name: str) -> ClockDeclaration | None:
        return next((clock for clock in self.clocks if clock.name == name), None)

    def clocks_of(self, record: str) -> tuple[ClockDeclaration, ...]:
        return tuple(clock for clock in self.clocks if clock.record == record)

    def steps_of(self, record: str) -> tuple[StepDeclaration, ...]:
        return tuple(step for step in self.steps if step.record == record)

    def due(
        self,
        name: str,
        starts_on: date,
        stopped_periods: Iterable[tuple[date, date | None]] = (),
        today: date | None = None,
    ) -> date:
        """Due date of clock `name`: its rule applied to `starts_on`, plus stopped days.

        `today` is needed only to measure an open stop; without it an open stop is an error,
        because the due date of a stopped clock is not known yet.
        """
        rule = self.rules[name]
        periods = list(stopped_periods)
        if today is None:
            if has_open_stop(periods):
                raise ValueError("an open stop period needs `today` to be measured")
            today = starts_on  # closed periods do not depend on today
        return add_days(rule.apply(starts_on), stopped_days(periods, today))

    def term(self, key: str) -> str:
        return self.terms[key]


# The words every regime gives (its `terms`): pages write these, never the words of one regime.
TERMS = {
    "board": "the body that runs the case's reviews ('Local Safeguarding Children Board')",
    "board_short": "its short form ('LSCB')",
    "review": "the local review ('Serious Case Review')",
    "review_short": "its short form ('SCR')",
    "panel": "the national body that advises ('national panel')",
    "chair": "who signs for the board ('chair')",
    "notified": "who a SIN is notified to ('Ofsted')",
}


STAFF = ("board_staff",)
CHAIR = ("board_chair",)
OPEN_REVIEW = ("commissioning", "in_progress", "drafting")

# Expected times for steps no statutory clock measures (SPEC §3 names none for them): what a careful
# board and panel aim for, shown as "expected by", never as a statutory deadline.
SCHEDULING = ClockRule("scheduling", "days", 14)
BOARD_RESPONSE = ClockRule("board_response", "months", 1)
PANEL_VIEW = ClockRule("panel_view", "months", 1)
PROPOSAL_SENT = ClockRule("proposal_sent", "days", 14)
REPORT_SENT = ClockRule("report_sent", "months", 1)
PUBLISHING_DECIDED = ClockRule("publishing_decided", "months", 1)

STEPS_2013 = (
    StepDeclaration(
        record="incident",
        when={"state": ("draft",)},
        owner="board_staff",
        action="Record that the notification was received and {notified} was notified",
        page=("incidents:transition", "public_id", "notify"),
        clock="sin_notification",
    ),
    StepDeclaration(
        record="incident",
        when={"state": ("notified", "under_consideration")},
        owner="board_chair",
        action="Decide whether to initiate a {review}",
        page=("incidents:transition", "public_id", "record_decision"),
        clock="initiation_decision",
    ),
    StepDeclaration(record="incident", when={"state": ("decided",)}, waits_on=("submission", "review")),
    StepDeclaration(
        record="submission",
        when={"state": ("draft",), "kind": ("non_initiation",)},
        owner="board_staff",
        action="Send the decision not to initiate to the {panel}",
        page=("panel:check", "public_id"),
        clock="send_to_panel",
    ),
    StepDeclaration(
        record="submission",
        when={"state": ("draft",), "kind": ("non_publication",)},
        owner="board_staff",
        action="Send the proposal not to publish in full to the {panel}",
        page=("panel:check", "public_id"),
        expected=PROPOSAL_SENT,
        expected_from="entered_on",
    ),
    StepDeclaration(
        record="submission",
        when={"state": ("submitted",)},
        owner="panel_secretariat",
        action="Schedule the submission for a meeting of the {panel}",
        page=("panel:transition", "public_id", "schedule"),
        expected=SCHEDULING,
        expected_from="entered_on",
    ),
    StepDeclaration(
        record="submission",
        when={"state": ("scheduled",)},
        owner="panel_member",
        action="Record the {panel}'s advice from its meeting",
        page=("panel:transition", "public_id", "record_advice"),
        expected_on="meeting.meets_on",
    ),
    StepDeclaration(
        record="submission",
        when={"state": ("awaiting_information",)},
        owner="board_staff",
        action="Reply to the {panel}'s request for information",
        page=("panel:transition", "public_id", "provide_information"),
        clock="information_reply",
    ),
    StepDeclaration(
        record="submission",
        when={"state": ("awaiting_board_response",)},
        owner="board_chair",
        action="Respond to the {panel}'s advice",
        page=("panel:transition", "public_id", "record_board_response"),
        expected=BOARD_RESPONSE,
        expected_from="entered_on",
    ),
    StepDeclaration(
        record="submission",
        when={"state": ("awaiting_panel_view",)},
        owner="panel_member",
        action="Record the {panel}'s view of the {board_short}'s explanation",
        page=("panel:transition", "public_id", "record_panel_view"),
        expected=PANEL_VIEW,
        expected_from="entered_on",
    ),
    StepDeclaration(
        record="review",
        when={"state": ("commissioning",)},
        owner="board_staff",
        action="Start the {review}: record its method and lead reviewer",
        page=("reviews:transition", "public_id", "start"),
        clock="scr_completion",
    ),
    StepDeclaration(
        record="review",
        when={"state": ("in_progress",)},
        owner="board_staff",
        action="Gather the agencies' contributions and begin drafting the overview report",
        page=("reviews:transition", "public_id", "begin_drafting"),
        clock="scr_completion",
    ),
    StepDeclaration(
        record="review",
        when={"state": ("drafting",)},
        owner="board_chair",
        action="Sign off the {review}",
        page=("reviews:transition", "public_id", "sign_off"),
        clock="scr_completion",
    ),
    StepDeclaration(
        record="contribution",
        when={"received_on": (None,), "review.state": OPEN_REVIEW},
        owner="board_staff",
        action="Record the agency's contribution when it arrives",
        page=("reviews:contribution_receive", "public_id"),
        clock="agency_contribution",
    ),
    StepDeclaration(
        record="action",
        when={"status": ("open",)},
        owner="board_staff",
        action="Begin the action agreed from the review's recommendation",
        page=("reviews:action_transition", "public_id", "begin"),
        clock="action_due",
    ),
    StepDeclaration(
        record="action",
        when={"status": ("in_progress",)},
        owner="board_staff",
        action="Record that the action is complete",
        page=("reviews:action_transition", "public_id", "complete"),
        clock="action_due",
    ),
    StepDeclaration(
        record="publication",
        when={"state": ("awaiting_report",)},
        owner="board_staff",
        action="Send the final report to the {panel}",
        page=("publication:transition", "public_id", "send_report"),
        clock="report_to_panel",
        # Until a publication date is planned the clock has not started.
        expected=REPORT_SENT,
        expected_from="review.signed_off_on",
    ),
    StepDeclaration(
        record="publication",
        when={"state": ("report_sent",)},
        owner="board_chair",
        action="Decide how the report is published, or propose to the {panel} not to publish it in full",
        page=("publication:publication", "public_id"),
        expected=PUBLISHING_DECIDED,
        expected_from="report_sent_on",
    ),
    StepDeclaration(record="publication", when={"state": ("with_panel",)}, waits_on=("submission",)),
    StepDeclaration(
        record="publication",
        when={"state": ("scheduled",)},
        owner="board_staff",
        action="Publish the report on its planned date and record where it is online",
        page=("publication:transition", "public_id", "publish"),
        expected_on="planned_publication_on",
    ),
)


def _step(steps: tuple[StepDeclaration, ...], record: str, state: str, **changes) -> StepDeclaration:
    """The step of `record` in `state` among `steps`, as a later regime keeps it, with the changes given."""
    found = next(step for step in steps if step.record == record and state in step.when.get("state", ()))
    return replace(found, **changes)


WT2013 = Regime(
    code="wt2013",
    title="Working Together 2013/2015",
    in_force_from=date(2013, 4, 15),
    clocks=(
        ClockDeclaration(
            name="sin_notification",
            record="incident",
            starts=Event("create", "la_aware_on"),
            ends=Event("notify", "ofsted_notified_on", "received_on"),
            rule=ClockRule("sin_notification", "working_days", 5),
            title="SIN notification",
            words="{duration} from the local authority becoming aware",
            page=("incidents:case", "public_id"),
            halted_when={"state": ("withdrawn",)},
            reminded=STAFF,
            case_deadline=True,
            task="Record the serious incident notification",
        ),
        ClockDeclaration(
            name="initiation_decision",
            record="incident",
            starts=Event("notify", "received_on"),
            ends=Event("record_decision", "first_decided_on"),
            rule=ClockRule("initiation_decision", "months", 1),
            title="Initiation decision",
            words="{duration} from the SIN being received",
            page=("incidents:case", "public_id"),
            halted_when={"state": ("withdrawn",)},
            # Only the chair can record the decision.
            reminded=CHAIR,
            case_deadline=True,
            task="Decide whether to initiate a Serious Case Review",
        ),
        ClockDeclaration(
            name="send_to_panel",
            record="submission",
            starts=Event("record_decision", "decision.decided_on"),
            ends=Event("submit", "first_submitted_on"),
            rule=ClockRule("send_to_panel", "days", 14),
            applies_when={"kind": ("non_initiation",)},
            title="Send to the national panel",
            words="{duration} from the decision",
            page=("panel:submission", "public_id"),
            halted_when={"state": ("withdrawn",)},
            reminded=STAFF,
            case_deadline=True,
            task="Send the decision not to initiate to the national panel",
        ),
        ClockDeclaration(
            name="information_reply",
            record="submission",
            starts=Event("record_advice", "information_requested_on"),
            ends=Event("provide_information", "information_provided_on"),
            rule=ClockRule("information_reply", "months", 1),
            due_field="information_reply_due",
            title="Reply to the panel's request for information",
            words="",
            page=("panel:submission", "public_id"),
            halted_when={"state": ("withdrawn",)},
            reminded=STAFF,
            case_deadline=True,
            task="Reply to the national panel's request for information",
        ),
        ClockDeclaration(
            name="scr_completion",
            record="review",
            starts=Event("record_decision", "initiated_on"),
            ends=Event("sign_off", "signed_off_on"),
            rule=ClockRule("scr_completion", "months", 6),
            stoppable=True,
            stop_periods="stop_periods",
            title="Complete the Serious Case Review",
            words="{duration} from the decision, plus stopped days",
            page=("reviews:review", "public_id"),
            reminded=STAFF,
            case_deadline=True,
            task="Complete the Serious Case Review",
        ),
        ClockDeclaration(
            name="agency_contribution",
            record="contribution",
            starts=Event("request_contribution", "requested_on"),
            ends=Event("receive_contribution", "received_on"),
            due_field="due_on",
            title="Agency contribution",
            words="",
            page=("reviews:review", "review.public_id"),
            # Not waited for once the review is complete; gone once withdrawn (requested by mistake).
            halted_when={"review.state": ("completed",)},
            applies_unless={"is_withdrawn": (True,)},
            reminded=STAFF,
            task="An agency contribution to the review",
        ),
        ClockDeclaration(
            name="action_due",
            record="action",
            starts=Event("add_action", "created_on"),
            ends=Event("complete", "completed_on"),
            due_field="due_on",
            title="Action due",
            words="",
            page=("reviews:review", "recommendation.review.public_id"),
            # Gone once withdrawn (agreed by mistake).
            applies_unless={"status": ("withdrawn",)},
            reminded=STAFF,
            task="An action from a review recommendation",
        ),
        ClockDeclaration(
            name="report_to_panel",
            record="publication",
            starts=Event("sign_off", "review.signed_off_on"),
            ends=Event("send_report", "report_sent_on"),
            # Counted back from the publication date: the report reaches the panel a week before.
            rule=ClockRule("report_to_panel", "days", -7),
            counts_from=("published_on", "planned_publication_on"),
            applies_unless={"state": ("withheld",)},
            title="Final report to the national panel",
            words="at least {duration} publication",
            page=("publication:publication", "public_id"),
            reminded=STAFF,
            case_deadline=True,
            task="Send the final report to the national panel",
        ),
        ClockDeclaration(
            name="online_period",
            record="publication",
            starts=Event("publish", "published_on"),
            ends=Event("take_down", "taken_down_on"),
            rule=ClockRule("online_period", "months", 12),
            met_by_lapse=True,
            title="Published report online",
            words="at least {duration} from publication",
            page=("publication:publication", "public_id"),
            # Only the chair can take a report down.
            reminded=CHAIR,
            task="The published report completes its {duration} online (the chair may then take it down)",
        ),
    ),
    opens={"not_initiate": ("non_initiation",), "initiate_scr": ("review",)},
    advice={
        "non_initiation": ("agree", "disagree", "further_information_requested"),
        "non_publication": (
            "agree_not_publish",
            "agree_anonymous_publication",
            "agree_summary_only",
            "disagree",
            "further_information_requested",
        ),
    },
    panel_advises_on_publication=True,
    decision_due_clock="initiation_decision",
    steps=STEPS_2013,
    terms={
        "board": "Local Safeguarding Children Board",
        "board_short": "LSCB",
        "review": "Serious Case Review",
        "review_short": "SCR",
        "panel": "national panel",
        "chair": "chair",
        "notified": "Ofsted",
    },
)


def _same(name: str, **changes) -> ClockDeclaration:
    """A clock of Working Together 2013/2015 as a later regime keeps it, with the changes given."""
    return replace(WT2013.clock(name), **changes)


PANEL_2018 = "Child Safeguarding Practice Review Panel"

WT2018 = Regime(
    code="wt2018",
    title="Working Together 2018",
    in_force_from=date(2018, 6, 29),
    clocks=(
        _same(
            "sin_notification",
            words="{duration} from the local authority becoming aware",
            task=f"Notify the {PANEL_2018} of the serious incident",
        ),
        ClockDeclaration(
            name="rapid_review",
            record="incident",
            starts=Event("notify", "ofsted_notified_on"),
            # Met once the decision is recorded and its rapid review has reached the Panel.
            ends=Event("submit", "first_decided_on", "first_submission_sent_on"),
            rule=ClockRule("rapid_review", "working_days", 15),
            title="Rapid review",
            words=f"{{duration}} from notification to the {PANEL_2018}",
            page=("incidents:case", "public_id"),
            halted_when={"state": ("withdrawn",)},
            # The partners' lead decides; the staff send the rapid review.
            reminded=("board_staff", "board_chair"),
            case_deadline=True,
            task=f"Hold the rapid review, decide, and send it to the {PANEL_2018}",
        ),
        _same(
            "information_reply",
            title=f"Reply to the {PANEL_2018}'s request for information",
            task=f"Reply to the {PANEL_2018}'s request for information",
        ),
        _same(
            "scr_completion",
            # The review is completed and published within six months (Working Together 2018, ch. 4).
            ends=Event("publish", "publication.published_on"),
            title="Complete and publish the local child safeguarding practice review",
            words="{duration} from the decision, plus stopped days, to publication",
            halted_when={"publication.state": ("withheld",)},
            task="Complete and publish the local child safeguarding practice review",
        ),
        _same("agency_contribution"),
        _same("action_due"),
        _same(
            "report_to_panel",
            rule=ClockRule("report_to_panel", "working_days", -7),
            title=f"Final report to the {PANEL_2018} and the Secretary of State",
            task=f"Send the final report to the {PANEL_2018} and the Secretary of State",
        ),
        _same("online_period"),
    ),
    # Every decision, to initiate or not, goes to the Panel as the rapid review.
    opens={"not_initiate": ("rapid_review",), "initiate_scr": ("review", "rapid_review")},
    advice={"rapid_review": ("agree", "disagree", "national_review", "further_information_requested")},
    # The Panel disagrees only with a decision not to hold a local review.
    advice_on_decision={"disagree": ("not_initiate",)},
    # The partners decide how to publish; no proposal goes to the Panel.
    panel_advises_on_publication=False,
    natures=("death", "serious_harm", "other"),
    decision_asks=("national_review_recommended", "rapid_review_summary"),
    decision_due_clock="rapid_review",
    steps=(
        _step(STEPS_2013, "incident", "draft"),
        _step(
            STEPS_2013,
            "incident",
            "notified",
            action="Hold the rapid review and decide whether to hold a {review}",
            clock="rapid_review",
        ),
        _step(STEPS_2013, "incident", "decided"),
        StepDeclaration(
            record="submission",
            when={"state": ("draft",), "kind": ("rapid_review",)},
            owner="board_staff",
            action="Send the rapid review to the {panel}",
            page=("panel:check", "public_id"),
            clock="rapid_review",
            clock_on="decision.incident",
        ),
        *(
            step
            for step in STEPS_2013
            if step.record in ("submission", "review", "contribution", "action")
            and "draft" not in step.when.get("state", ())
        ),
        _step(STEPS_2013, "publication", "awaiting_report"),
        _step(
            STEPS_2013,
            "publication",
            "report_sent",
            action="Decide how the report is published, and plan its publication",
            page=("publication:plan", "public_id"),
        ),
        _step(STEPS_2013, "publication", "with_panel"),
        _step(STEPS_2013, "publication", "scheduled"),
    ),
    terms={
        "board": "safeguarding partnership",
        "board_short": "partnership",
        "review": "local child safeguarding practice review",
        "review_short": "LCSPR",
        "panel": PANEL_2018,
        "chair": "safeguarding partners' lead",
        "notified": f"the {PANEL_2018}",
    },
)

# Working Together 2023 keeps the 2018 clocks and workflow; it changes terms and partnership
# roles (lead and delegated safeguarding partners). Added as data alone.
WT2023 = replace(
    WT2018,
    code="wt2023",
    title="Working Together 2023",
    in_force_from=date(2023, 12, 15),
    terms={**WT2018.terms, "chair": "lead safeguarding partner"},
)

# Ordered by in_force_from; a new regime is a new declaration added here and nowhere else.
REGIMES: tuple[Regime, ...] = (WT2013, WT2018, WT2023)


def regime_for(received_on: date) -> Regime:
    """The regime in force when the SIN was received; dates before the first get the first."""
    # Sorted here too so that a regime appended out of order still cannot pick the wrong rules.
    ordered = sorted(REGIMES, key=lambda r: r.in_force_from)
    chosen = ordered[0]
    for regime in ordered:
        if regime.in_force_from <= received_on:
            chosen = regime
    return chosen


def regime_by_code(code: str) -> Regime:
    """The regime stored on a case, by its code; KeyError if the code is unknown."""
    for regime in REGIMES:
        if regime.code == code:
            return regime
    raise KeyError(code)


def clock_declaration(name: str, regime: Regime | None = None) -> ClockDeclaration | None:
    """A clock's declaration in `regime`, or in the latest regime that declares it."""
    for candidate in (regime,) if regime is not None else reversed(REGIMES):
        declared = candidate.clock(name)
        if declared is not None:
            return declared
    return None


def record_clock(name: str, record=None, *, today: date | None = None) -> ClockDeclaration:
    """Clock `name` as the regime of `record`'s case declares it; with no record, as the regime in
    force on `today` does (a list or a form with no case yet), or the latest regime declaring it."""
    regime = None
    if record is not None:
        regime = regime_of(record)
    elif today is not None:
        regime = regime_for(today)
    declared = clock_declaration(name, regime)
    if declared is None and record is None:
        # A page with no case that speaks of a clock today's regime does not have (a list of
        # older cases): the latest regime that declares it.
        declared = clock_declaration(name)
    if declared is None:
        raise LookupError(f"no clock {name!r} declared")
    return declared


def regime_of(record) -> Regime:
    """The regime of a record's case (an incident is its own case): its pages' words follow it."""
    if isinstance(record, Regime):
        return record
    return getattr(record, "clock_case", record).regime_rules
