"""Every open step has an owner, a next action and a due or expected date, declared per regime."""

import pytest

from incidents.choices import OPEN_STATES as INCIDENT_OPEN
from panel.models import OPEN_STATES as SUBMISSION_OPEN
from publication.choices import FINISHED_STATES, PublicationState
from reviews.choices import OPEN_REVIEW_STATES, ActionStatus
from scr_tracker.regimes import REGIMES, ClockRule, StepDeclaration

# Each kind of record, the field its state is kept in, and its open states.
OPEN = {
    "incident": ("state", INCIDENT_OPEN),
    "review": ("state", OPEN_REVIEW_STATES),
    "action": ("status", (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
    "publication": ("state", tuple(s for s in PublicationState.values if s not in FINISHED_STATES)),
}


def _covering(regime, record: str, facts: dict) -> list[StepDeclaration]:
    return [
        step
        for step in regime.steps_of(record)
        if all(facts.get(path, "?") in values for path, values in step.when.items() if path in facts)
        and all(path in facts for path in step.when if path in ("state", "status", "kind"))
    ]


def _complete(step: StepDeclaration) -> bool:
    if step.waits_on:
        return True
    return bool(step.owner and step.action and step.page and (step.clock or step.expected or step.expected_on))


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_every_open_state_of_every_record_declares_whose_move_it_is(regime):
    cases = [(record, {field: state}) for record, (field, states) in OPEN.items() for state in states]
    # A submission's step depends on its kind in its first state; the kinds are the regime's.
    cases += [
        ("submission", {"state": state, "kind": kind}) for state in SUBMISSION_OPEN for kind in regime.submission_kinds
    ]
    missing = []
    for record, facts in cases:
        found = _covering(regime, record, facts)
        if len(found) != 1 or not _complete(found[0]):
            missing.append((record, facts, len(found)))
    assert missing == []
    # A contribution waits while it has not arrived and its review is open.
    contribution = regime.steps_of("contribution")
    assert len(contribution) == 1 and _complete(contribution[0])
    assert contribution[0].when["received_on"] == (None,)


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_steps_name_only_declared_clocks_and_the_regimes_words(regime):
    for step in regime.steps:
        if step.waits_on:
            continue
        assert step.owner in ("board_staff", "board_chair", "panel_member", "panel_secretariat")
        if step.clock:
            assert regime.clock(step.clock) is not None
        words = step.action_words(regime.terms)
        assert "{" not in words and words[0].isupper() and not words.endswith(".")


def test_a_step_without_an_owner_action_or_date_is_refused():
    with pytest.raises(ValueError, match="owner, an action and a page"):
        StepDeclaration(record="review", when={"state": ("drafting",)}, action="Sign off", page=("reviews:review",))
    with pytest.raises(ValueError, match="clock or an expected date"):
        StepDeclaration(
            record="review", when={"state": ("drafting",)}, owner="board_chair", action="Sign off", page=("x",)
        )
    with pytest.raises(ValueError, match="expected from no date"):
        StepDeclaration(
            record="review",
            when={"state": ("drafting",)},
            owner="board_chair",
            action="Sign off",
            page=("x",),
            expected=ClockRule("sign_off", "days", 7),
        )
