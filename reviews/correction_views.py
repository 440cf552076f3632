"""The chair's correction pages for a review's records (SPEC §8 "Corrections"): one page per field
that `reviews.corrections.RECORDS` declares correctable, reached from the review page.

A record outside the user's scope, a field not declared or nothing yet recorded is 404; a
record in scope that the user may not correct is the 403 page; the service's refusals are field
messages beside the value or the reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit.services import access_record
from scr_tracker.corrections import CHAIR_ONLY, LINE, TEXT, value_words
from scr_tracker.forms import CorrectionForm
from scr_tracker.pages import run_for_page

from . import selectors
from .corrections import DECIDED_ON, RECORDS, decision_correct, record_correct, review_of
from .words import review_state_words


def correct_url(record: str, public_id, field: str) -> str:
    return reverse("reviews:correct", args=[record, public_id, field])


def _what(record, kind) -> str:
    """Which record, in words: "the agency contribution from Northtown Hospital Trust"."""
    if kind.name == "contribution":
        return f"the {kind.words} from {record.agency_name}"
    if kind.name == "recommendation":
        return f"recommendation {record.number}"
    if kind.name == "action":
        return f"an action of recommendation {record.recommendation.number}"
    return f"the {kind.words}"


@require_http_methods(["GET", "POST"])
def record_correct_page(request, record: str, public_id, field: str):
    """The chair corrects one field of a review, contribution, recommendation or action."""
    kind = RECORDS.get(record)
    item = kind.fields.get(field) if kind else None
    if item is None:
        raise Http404("Not found")
    found = kind.records(request.user).filter(public_id=public_id).first()
    if found is None or getattr(found, field) in (None, ""):
        raise Http404("Not found")
    if not (request.user.is_board_user and request.user.is_chair):
        raise PermissionDenied(CHAIR_ONLY)
    review = review_of(found)
    back = reverse("reviews:review", args=[review.public_id])
    old = getattr(found, field)
    as_typed = item.kind in (TEXT, LINE)  # a text is corrected by editing what was typed
    form = CorrectionForm(
        request.POST if request.method == "POST" else None, item=item, initial={"new_value": old} if as_typed else None
    )
    if request.method == "POST":
        result, _ = run_for_page(
            lambda: record_correct(
                actor=request.user, record=record, record_id=found.pk, field=field, **form.cleaned_data
            ),
            form,
            state_reason=lambda state: f"The {kind.words} is {review_state_words(state).lower()}",
        )
        if result is not None:
            messages.success(request, f"{item.label} corrected. The review's timeline shows the change.")
            return redirect(back)
    what = _what(found, kind)
    recorded = "" if as_typed else f" Recorded as {value_words(item, old)}."
    access_record(request=request, record=found, board_id=review.board_id)
    return render(
        request,
        "reviews/form.html",
        {
            "form": form,
            "back": back,
            "review": review,
            "title": f"Correct {item.words}",
            "intro": f"{what[:1].upper()}{what[1:]}.{recorded} The correction is kept in the review's "
            "timeline with the reason, and every clock it touches is worked out again.",
        },
    )


@require_http_methods(["GET", "POST"])
def decision_correct_page(request, public_id):
    """The chair corrects the date of one of the case's decisions, from the case page."""
    decision = selectors.decision_for_user(request.user, public_id)
    incident = decision.incident
    if not (request.user.is_board_user and request.user.is_chair):
        raise PermissionDenied(CHAIR_ONLY)
    back = reverse("incidents:case", args=[incident.public_id])
    form = CorrectionForm(request.POST if request.method == "POST" else None, item=DECIDED_ON)
    if request.method == "POST":
        result, _ = run_for_page(
            lambda: decision_correct(actor=request.user, decision_id=decision.pk, **form.cleaned_data),
            form,
            state_reason=lambda state: "The decision can no longer be corrected",
        )
        if result is not None:
            messages.success(request, "The date of the decision corrected. The clocks and the case's timeline show it.")
            return redirect(back)
    access_record(request=request, record=decision, board_id=incident.board_id)
    return render(
        request,
        "incidents/transition.html",
        {
            "incident": incident,
            "form": form,
            "title": "Correct the date of the decision",
            "intro": f"Recorded as {value_words(DECIDED_ON, decision.decided_on)}. The correction is kept in the "
            "case's timeline with the reason; the late flag, the delay and every clock of the case are worked out "
            "again, and a review the decision opened is initiated on the new date.",
        },
    )
