"""Each submission's one current outcome, derived from its recorded history (SPEC §4.4).

Pure: takes the kind and the ordered history, returns the outcome. The latest advice counts;
only the board response and panel view recorded after it matter.
"""

from collections.abc import Iterable

from .choices import DECISION_KINDS, Advice, BoardResponse, Outcome, PanelView

ADVICE, RESPONSE, VIEW = "advice", "board_response", "panel_view"

_AGREED = {
    Advice.AGREE: Outcome.AGREED,
    Advice.AGREE_NOT_PUBLISH: Outcome.AGREED_NOT_PUBLISH,
    Advice.AGREE_ANONYMOUS_PUBLICATION: Outcome.AGREED_ANONYMOUS,
    Advice.AGREE_SUMMARY_ONLY: Outcome.AGREED_SUMMARY,
    Advice.NATIONAL_REVIEW: Outcome.NATIONAL_REVIEW,
}


def derive_outcome(kind: str, history: Iterable[tuple[str, str]]) -> str:
    """`history` is (what, value) in the order recorded: what is advice, board_response or panel_view."""
    advice = response = view = None
    for what, value in history:
        if what == ADVICE:
            advice, response, view = value, None, None
        elif what == RESPONSE:
            response, view = value, None
        elif what == VIEW:
            view = value
    if advice is None:
        return Outcome.NOT_YET_ADVISED
    if advice == Advice.FURTHER_INFORMATION_REQUESTED:
        return Outcome.AWAITING_INFORMATION
    if advice in _AGREED:
        return _AGREED[advice]
    # The panel disagreed.
    if response is None:
        return Outcome.PENDING_BOARD_RESPONSE
    if kind in DECISION_KINDS:  # a rapid review's disagreement runs as a non-initiation's
        if response == BoardResponse.ACCEPTED:
            return Outcome.SCR_INITIATED_AFTER_ADVICE
        if response == BoardResponse.NOT_ACCEPTED:
            return Outcome.ADVICE_NOT_ACCEPTED
        if view is None:
            return Outcome.PENDING_PANEL_VIEW
        return Outcome.SATISFIED_AFTER_EXPLANATION if view == PanelView.SATISFIED else Outcome.ADVICE_NOT_ACCEPTED
    return Outcome.DISAGREED_PUBLISHED if response == BoardResponse.ACCEPTED else Outcome.DISAGREED_NOT_PUBLISHED
