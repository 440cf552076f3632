"""The chair's pages that withdraw a record entered by mistake (issue 15): an agency contribution request,
a recommendation (with its actions) or a document. An action is withdrawn through its own transition page
(`reviews.views.ACTION_PAGES["withdraw"]`).

Each page shows what will be withdrawn, a warning and the reason (required); "Continue" shows the check
page (the reason, a warning, a red "Confirm and withdraw"), then back to the review with a banner. Only
the chair may withdraw: anyone else who can see the record gets the 403 page, whatever the method. A
record out of the user's scope, or already withdrawn, is not found (404): a withdrawn record is in no
list and has no page (see `reviews.models.withdrawals`).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.services import access_record
from scr_tracker.pages import ANSWERS_GONE, AnswersGone, Confirm, PageRefusal, submit_page_form

from . import selectors, services
from .documents import document_for_user
from .forms import WithdrawalForm


@dataclass(frozen=True)
class Withdrawal:
    what: str  # in words: "agency contribution request"
    review: object
    facts: list[tuple[str, str]]  # what the page says of the record, as (key, value) rows


def _on(day) -> str:
    return f"{day:%-d %B %Y}" if day else "Not yet"


def _chair_only(user) -> None:
    # Called once the record is known to be in scope: its existence is no secret, so 403.
    if not user.is_chair:
        raise PermissionDenied("Only the chair withdraws a record entered by mistake")


WITHDRAWAL_CONFIRM = Confirm(
    "withdraw",
    "A withdrawal cannot be undone: the record leaves the review's lists, exports, reminders and statistics, "
    "and it cannot be put back. The review's history keeps it, with your reason.",
    red=True,
)


def _page(request, withdrawal: Withdrawal, run, done: str, *, shows):
    """The withdrawal page of the record `shows`: one access event each time it is shown."""
    back = reverse("reviews:review", args=[withdrawal.review.public_id])
    try:
        submitted = submit_page_form(
            request,
            lambda data: WithdrawalForm(data, what=withdrawal.what),
            lambda form: run(**form.payload()),
            state_reason=lambda state: f"the {withdrawal.what} has already been withdrawn",
            confirm=WITHDRAWAL_CONFIRM,
            what=f"Withdraw the {withdrawal.what}",
        )
    except PageRefusal as refusal:
        messages.error(request, f"You cannot withdraw the {withdrawal.what}: {'; '.join(refusal.reasons)}.")
        return redirect(back)
    except AnswersGone:
        messages.error(request, f"{ANSWERS_GONE}.")
        return redirect(request.path)
    if submitted.result is not None:
        messages.success(request, done)
        return redirect(back)
    access_record(request=request, record=shows, board_id=withdrawal.review.board_id)
    return render(
        request,
        "reviews/withdraw.html",
        {
            "form": submitted.form,
            "check": submitted.check,
            "back": back,
            "review": withdrawal.review,
            "withdrawal": withdrawal,
        },
    )


@require_http_methods(["GET", "POST"])
def contribution_withdraw(request, public_id):
    contribution = selectors.contribution_for_user(request.user, public_id)
    _chair_only(request.user)
    withdrawal = Withdrawal(
        "agency contribution request",
        contribution.review,
        [
            ("Organisation", contribution.agency_name),
            ("Requested", _on(contribution.requested_on)),
            ("Due", _on(contribution.due_on)),
            ("Received", _on(contribution.received_on)),
        ],
    )
    return _page(
        request,
        withdrawal,
        lambda **payload: services.contribution_withdraw(
            actor=request.user, contribution_id=contribution.pk, **payload
        ),
        f"Contribution request to {contribution.agency_name} withdrawn",
        shows=contribution,
    )


@require_http_methods(["GET", "POST"])
def recommendation_withdraw(request, public_id):
    recommendation = selectors.recommendation_for_user(request.user, public_id)
    _chair_only(request.user)
    actions = recommendation.actions.count()
    withdrawal = Withdrawal(
        "recommendation",
        recommendation.review,
        [
            ("Recommendation", f"{recommendation.number}: {recommendation.text}"),
            ("Its actions", f"{actions} action{'s' if actions != 1 else ''}, withdrawn with it" if actions else "None"),
        ],
    )
    return _page(
        request,
        withdrawal,
        lambda **payload: services.recommendation_withdraw(
            actor=request.user, recommendation_id=recommendation.pk, **payload
        ),
        f"Recommendation {recommendation.number} withdrawn" + (" with its actions" if actions else ""),
        shows=recommendation,
    )


@require_http_methods(["GET", "POST"])
def document_withdraw(request, public_id):
    document = document_for_user(request.user, public_id)
    _chair_only(request.user)
    withdrawal = Withdrawal(
        "document",
        document.review,
        [
            ("Document", document.title),
            ("File", f"{document.original_name}, {document.file_type}"),
            ("Uploaded", _on(timezone.localdate(document.uploaded_at))),
        ],
    )
    return _page(
        request,
        withdrawal,
        lambda **payload: services.document_withdraw(actor=request.user, document_id=document.pk, **payload),
        f"{document.title} withdrawn",
        shows=document,
    )
