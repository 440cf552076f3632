"""The outcome of a submission, derived from its history: every row of SPEC §4.4's table."""

import pytest

from panel.outcomes import ADVICE, RESPONSE, VIEW, derive_outcome

NI, NP = "non_initiation", "non_publication"
FIR = (ADVICE, "further_information_requested")


@pytest.mark.parametrize(
    ("kind", "history", "outcome"),
    [
        (NI, [], "not_yet_advised"),
        (NP, [], "not_yet_advised"),
        (NI, [FIR], "awaiting_information"),
        (NP, [FIR], "awaiting_information"),
        (NI, [(ADVICE, "agree")], "agreed"),
        (NI, [FIR, (ADVICE, "agree")], "agreed"),  # the latest advice counts
        (NI, [(ADVICE, "disagree")], "pending_board_response"),
        (NI, [(ADVICE, "disagree"), (RESPONSE, "accepted")], "scr_initiated_after_advice"),
        (NI, [(ADVICE, "disagree"), (RESPONSE, "not_accepted")], "advice_not_accepted"),
        (NI, [(ADVICE, "disagree"), (RESPONSE, "further_explanation")], "pending_panel_view"),
        (
            NI,
            [(ADVICE, "disagree"), (RESPONSE, "further_explanation"), (VIEW, "satisfied")],
            "satisfied_after_explanation",
        ),
        (
            NI,
            [(ADVICE, "disagree"), (RESPONSE, "further_explanation"), (VIEW, "not_satisfied")],
            "advice_not_accepted",
        ),
        (NP, [(ADVICE, "agree_not_publish")], "agreed_not_publish"),
        (NP, [(ADVICE, "agree_anonymous_publication")], "agreed_anonymous"),
        (NP, [(ADVICE, "agree_summary_only")], "agreed_summary"),
        (NP, [(ADVICE, "disagree")], "pending_board_response"),
        (NP, [(ADVICE, "disagree"), (RESPONSE, "accepted")], "disagreed_published"),
        (NP, [(ADVICE, "disagree"), (RESPONSE, "not_accepted")], "disagreed_not_published"),
        (NP, [(ADVICE, "disagree"), (RESPONSE, "further_explanation")], "disagreed_not_published"),
        (
            NP,
            [(ADVICE, "disagree"), (RESPONSE, "further_explanation"), (VIEW, "satisfied")],
            "disagreed_not_published",
        ),
        (
            NP,
            [(ADVICE, "disagree"), (RESPONSE, "further_explanation"), (VIEW, "not_satisfied")],
            "disagreed_not_published",
        ),
        # A response to an earlier advice does not carry over to a newer one.
        (NI, [(ADVICE, "disagree"), (RESPONSE, "not_accepted"), (ADVICE, "disagree")], "pending_board_response"),
        (NI, [(ADVICE, "disagree"), (RESPONSE, "further_explanation"), FIR], "awaiting_information"),
    ],
)
def test_outcome(kind, history, outcome):
    assert derive_outcome(kind, history) == outcome
