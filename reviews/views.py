"""Review pages: the reviews list, the review page, its transitions, contributions, recommendations,
actions and the board's action plan (SPEC §4.3).

Thin (STYLE): parse the request, fetch through a permission-checked selector, call one service,
and turn the service's refusals into field errors, a message on the review page, or a 403 page.
Board users run their own board's reviews; panel users read the reviews boards told them they
initiated, and get the 403 page on anything that writes; actions are the board's own work, so
they are not found for anyone else. Everyone else has no review pages (404).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.services import access_record, access_record_many
from reviews.documents import review_documents
from scr_tracker import clocks
from scr_tracker.note_views import note_page
from scr_tracker.pages import Confirm, PageRefusal, TransitionPage, TransitionPages, run_for_page, transition_view
from scr_tracker.regimes import record_clock
from scr_tracker.terms import term
from scr_tracker.transitions import available_transitions, transitions_now

from . import selectors, services
from .choices import OPEN_REVIEW_STATES
from .explain import why_due_dates_differ
from .forms import (
    ActionFilterForm,
    ActionForm,
    BeginActionForm,
    BeginDraftingForm,
    CompleteActionForm,
    ContributionForm,
    EvidenceImpactForm,
    ReceiveContributionForm,
    RecommendationForm,
    ResumeClockForm,
    SignOffForm,
    StartReviewForm,
    StopClockForm,
    TermsForm,
    WithdrawActionForm,
)
from .models.actions import ACTION_TRANSITIONS
from .models.reviews import REVIEW_TRANSITIONS
from .timeline import review_timeline_rows
from .words import (
    action_action_words,
    action_status_words,
    review_action_words,
    review_state_words,
)

REVIEWS_PER_PAGE = 25
ACTIONS_PER_PAGE = 25


def _today():
    return timezone.localdate()


def _on(d) -> str:
    return f"{d:%-d %B %Y}"


def _reader_or_404(user) -> None:
    # Reviews are the boards' and, through the initiation notice, the panel's; nobody else's.
    if not (user.is_board_user or user.is_panel_user):
        raise Http404("Not found")


def _board_user_or_404(user) -> None:
    # The action plan is the board's own work.
    if not user.is_board_user:
        raise Http404("Not found")


def _board_writes_only(user) -> None:
    # Called once the record is known to be in scope: its existence is no secret, so 403.
    if not user.is_board_user:
        raise PermissionDenied("Only the board changes its review")


def _review_url(review) -> str:
    return reverse("reviews:review", args=[review.public_id])


def _transition_url(review, name: str) -> str:
    return reverse("reviews:transition", args=[review.public_id, name])


def _action_url(action, name: str) -> str:
    return reverse("reviews:action_transition", args=[action.public_id, name])


def _paginate(request, rows, per_page: int):
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return {"page": page, "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)}


def _next_steps(action, user) -> list[dict]:
    """The action's transitions this user can run now, with their pages (no query: no conditions)."""
    return [
        {"name": step["name"], "href": _action_url(action, step["name"])}
        for step in available_transitions(action, user, ACTION_TRANSITIONS)
        if not step["blocked_by"]
    ]


# --- The reviews list ----------------------------------------------------------------------------


def review_list_rows(request):
    """The review list's reviews: one function for the page and its CSV/XLSX export."""
    _reader_or_404(request.user)
    return selectors.review_rows(request.user, today=_today())


@require_http_methods(["GET"])
def review_list(request):
    today = _today()
    context = _paginate(request, review_list_rows(request), REVIEWS_PER_PAGE)
    context["rows"] = [
        {"review": review, "clock": review.completion_clock(today)} for review in context["page"].object_list
    ]
    access_record_many(request=request, records=context["page"].object_list)
    return render(request, "reviews/review_list.html", context)


# --- One review ----------------------------------------------------------------------------------


def _stop_rows(stops, today) -> list[dict]:
    return [
        {
            "period": stop,
            "open": stop.resumed_on is None,
            "days": ((stop.resumed_on or today) - stop.stopped_on).days,
        }
        for stop in stops
    ]


@require_http_methods(["GET"])
def review_detail(request, public_id):
    user = request.user
    review = selectors.review_page(user, public_id)
    access_record(request=request, record=review)
    today = _today()
    stops = list(review.stop_periods.all())
    # Only what the user can do now; a blocked one is not offered (the open stop is explained above it).
    steps = transitions_now(review, user, REVIEW_TRANSITIONS)
    can_write = user.is_board_user
    can_withdraw = user.is_chair  # records entered by mistake (reviews.withdrawal_views)
    parts_hidden = selectors.parts_hidden_from(user, review)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "documents": [] if parts_hidden else list(review_documents(review)),
            "parts_hidden": parts_hidden,
            "incidents": list(review.incidents.all()),
            "clock": review.completion_clock(today),
            "stops": _stop_rows(stops, today),
            "open_stop": next((stop for stop in stops if stop.resumed_on is None), None),
            "why_dates_differ": why_due_dates_differ(review, stops, today),
            "actions": [{"name": name, "href": _transition_url(review, name)} for name in steps],
            "contributions": [
                {
                    "contribution": contribution,
                    "clock": contribution.clock(today),
                    "receive_href": reverse("reviews:contribution_receive", args=[contribution.public_id])
                    if can_write and contribution.received_on is None
                    else None,
                    "withdraw_href": reverse("reviews:contribution_withdraw", args=[contribution.public_id])
                    if can_withdraw
                    else None,
                }
                for contribution in review.contributions.all()
            ],
            "recommendations": [
                {
                    "recommendation": recommendation,
                    "actions": [
                        {"action": action, "clock": action.clock(today), "next_steps": _next_steps(action, user)}
                        for action in recommendation.actions.all()
                    ],
                    "withdraw_href": reverse("reviews:recommendation_withdraw", args=[recommendation.public_id])
                    if can_withdraw
                    else None,
                }
                for recommendation in review.recommendations.all()
            ],
            "can_write": can_write,
            "can_request_contribution": can_write and review.takes_contributions(),
            "can_correct": can_write and user.is_chair,
            "can_withdraw": can_withdraw,
            "timeline_rows": review_timeline_rows(review, reader=request.user),
        },
    )


# --- The review's transition pages ---------------------------------------------------------------


def _sign_off_intro(review) -> str:
    """What signing off does, in the case's words; the completion clock ends as its declaration says."""
    said = (
        f"The {term(review, 'board_short')} signs off the overview report and the {term(review, 'review')} is complete."
    )
    completion = record_clock("scr_completion", review)
    if completion.ends.name == "sign_off":
        return f"{said} The completion clock is met when this is on or before its due date."
    return f"{said} The completion clock runs until the report is published."


def _signed_off(review) -> str:
    completion = review.completion_clock(_today())
    if completion.status == clocks.RUNNING:
        # Under a regime whose completion clock ends at publication, signing off does not end it.
        runs = "The completion clock runs until the report is published"
        return f"Review signed off. {runs}: due by {_on(completion.due)}"
    return f"Review signed off. The completion clock was {'met' if completion.status == clocks.MET else 'missed'}"


TRANSITION_PAGES = {
    "start": TransitionPage(
        StartReviewForm,
        services.review_start,
        lambda review: f"Review commissioned. Lead reviewer: {review.lead_reviewer}",
        lambda review: (
            "Record how the review will be carried out and who leads it. The "
            f"{record_clock('scr_completion', review).length(spelt=True, compound=True)} completion clock runs "
            "from the decision to initiate, not from this date."
        ),
    ),
    "stop_clock": TransitionPage(
        StopClockForm,
        services.review_stop_clock,
        lambda review: "Review clock stopped. The review has no due date until the clock resumes",
        "Stop the completion clock while the review cannot go on, for example during parallel criminal "
        "proceedings or an inquest. The review stays where it is; when the clock resumes, the due date moves "
        "on by every day it was stopped.",
    ),
    "resume_clock": TransitionPage(
        ResumeClockForm,
        services.review_resume_clock,
        lambda review: f"Review clock resumed. The review is now due by {_on(review.completion_due())}",
        "The completion clock runs again from this date. The days it was stopped are added to the due date.",
    ),
    "begin_drafting": TransitionPage(
        BeginDraftingForm,
        services.review_begin_drafting,
        lambda review: "The lead reviewer is drafting the overview report",
        "The agencies' contributions are in and the lead reviewer is writing the overview report.",
    ),
    "sign_off": TransitionPage(
        SignOffForm,
        services.review_sign_off,
        _signed_off,
        _sign_off_intro,
        confirm=Confirm(
            "sign off",
            lambda review: (
                f"A sign-off cannot be undone: the {term(review, 'review')} is complete and cannot go back to drafting."
            ),
        ),
    ),
}


def _state_reason(state: str) -> str:
    return f"the review is {review_state_words(state).lower()}"


def _review_transition_context(review, name: str, page, form) -> dict:
    stops = list(review.stop_periods.all())
    return {
        "open_stop": next((stop for stop in stops if stop.resumed_on is None), None),
        "clock": review.completion_clock(_today()),
    }


review_transition = transition_view(
    TransitionPages(
        record="review",
        pages=TRANSITION_PAGES,
        fetch=selectors.review_for_user,
        template="reviews/transition.html",
        back=_review_url,
        action_words=review_action_words,
        state_reason=_state_reason,
        context=_review_transition_context,
    )
)


# --- Contributions, recommendations and actions --------------------------------------------------


def _form_page(
    request, *, template: str, form, run: Callable, done: Callable[[object], str], back: str, shows, **context
):
    """A page with one form that calls one service: field errors on the form, else back with a message.
    The page shows the record `shows` (of the review in `context`): one access event each time it is shown."""
    if request.method == "POST":
        result, _ = run_for_page(lambda: run(**form.payload()), form, state_reason=_state_reason)
        if result is not None:
            messages.success(request, done(result))
            return redirect(back)
    access_record(request=request, record=shows, board_id=context["review"].board_id)
    return render(request, template, {"form": form, "back": back, **context})


def _data(request):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def contribution_request(request, public_id):
    """Ask an agency for its contribution to the review."""
    review = selectors.review_for_user(request.user, public_id)
    _board_writes_only(request.user)
    back = _review_url(review)
    if not review.takes_contributions():
        messages.error(request, f"{review.takes_contributions.blocked_reason}.")
        return redirect(back)
    form = ContributionForm(_data(request))
    if request.method == "POST":
        try:
            contribution, kept = run_for_page(
                lambda: services.contribution_request(actor=request.user, review_id=review.pk, **form.payload()),
                form,
                state_reason=_state_reason,
                keep=("confirm",),
            )
        except PageRefusal as refusal:
            messages.error(request, f"You cannot request an agency contribution now: {'; '.join(refusal.reasons)}.")
            return redirect(back)
        if contribution is not None:
            messages.success(request, f"Contribution requested from {contribution.agency_name}")
            return redirect(back)
        if kept:  # a due date after the review's own: shown as a warning, saved once confirmed
            form.ask_to_confirm("; ".join(kept["confirm"]))
    access_record(request=request, record=review)
    return render(
        request,
        "reviews/form.html",
        {
            "form": form,
            "back": back,
            "review": review,
            "title": "Request an agency contribution",
            "intro": "An individual management review or agency report. Its due date is a clock of its own.",
        },
    )


@require_http_methods(["GET", "POST"])
def review_terms(request, public_id):
    """Change the review's terms of reference, scope period, lead reviewer or independence statement."""
    review = selectors.review_for_user(request.user, public_id)
    _board_writes_only(request.user)
    if review.state not in OPEN_REVIEW_STATES:
        messages.error(request, "The review has been signed off: its terms can no longer change.")
        return redirect(_review_url(review))
    initial = {field: getattr(review, field) for field in services.TERMS_FIELD_WORDS}
    return _form_page(
        request,
        template="reviews/form.html",
        form=TermsForm(_data(request), initial=initial),
        run=lambda **payload: services.review_update_terms(actor=request.user, review_id=review.pk, **payload),
        done=lambda review: "Terms of the review saved",
        back=_review_url(review),
        shows=review,
        review=review,
        title="Terms of reference and scope",
        intro="Each change is kept in the review's history, with who made it and when.",
    )


@require_http_methods(["GET", "POST"])
def contribution_receive(request, public_id):
    """Record that an agency's contribution has arrived."""
    contribution = selectors.contribution_for_user(request.user, public_id)
    review = contribution.review
    _board_writes_only(request.user)
    if contribution.received_on is not None:
        messages.error(
            request,
            f"The contribution from {contribution.agency_name} was received on {_on(contribution.received_on)}.",
        )
        return redirect(_review_url(review))
    return _form_page(
        request,
        template="reviews/form.html",
        form=ReceiveContributionForm(_data(request)),
        run=lambda **payload: services.contribution_receive(
            actor=request.user, contribution_id=contribution.pk, **payload
        ),
        done=lambda contribution: f"Contribution from {contribution.agency_name} recorded as received",
        back=_review_url(review),
        shows=contribution,
        review=review,
        title="Record a contribution as received",
        intro=(
            f"{contribution.agency_name}: requested on {_on(contribution.requested_on)}, "
            f"due by {_on(contribution.due_on)}."
        ),
    )


@require_http_methods(["GET", "POST"])
def recommendation_add(request, public_id):
    """Add one of the review's recommendations; it takes the next number."""
    review = selectors.review_for_user(request.user, public_id)
    _board_writes_only(request.user)
    return _form_page(
        request,
        template="reviews/form.html",
        form=RecommendationForm(_data(request)),
        run=lambda **payload: services.recommendation_add(actor=request.user, review_id=review.pk, **payload),
        done=lambda recommendation: f"Recommendation {recommendation.number} added",
        back=_review_url(review),
        shows=review,
        review=review,
        title="Add a recommendation",
        intro="Recommendations are numbered in the order they are added, as in the overview report.",
    )


@require_http_methods(["GET", "POST"])
def action_add(request, public_id):
    """Add an action that carries out a recommendation: an owner and a due date (a clock)."""
    recommendation = selectors.recommendation_for_user(request.user, public_id)
    review = recommendation.review
    _board_writes_only(request.user)
    return _form_page(
        request,
        template="reviews/form.html",
        form=ActionForm(_data(request)),
        run=lambda **payload: services.action_add(actor=request.user, recommendation_id=recommendation.pk, **payload),
        done=lambda action: f"Action added to recommendation {recommendation.number}",
        back=_review_url(review),
        shows=recommendation,
        review=review,
        recommendation=recommendation,
        title=f"Add an action to recommendation {recommendation.number}",
    )


ACTION_PAGES = {
    "begin": TransitionPage(BeginActionForm, services.action_begin, lambda action: "Action started"),
    "complete": TransitionPage(
        CompleteActionForm,
        services.action_complete,
        lambda action: f"Action completed: {'on time' if action.completed_on <= action.due_on else 'late'}",
        "The action's clock is met when it is completed on or before its due date.",
    ),
    "evidence_impact": TransitionPage(
        EvidenceImpactForm,
        services.action_evidence_impact,
        lambda action: "Evidence of impact recorded",
        "Record how the action changed practice. This closes the loop from the review's recommendation.",
    ),
    "withdraw": TransitionPage(
        WithdrawActionForm,
        services.action_withdraw,
        lambda action: "Action withdrawn. It has left the action plan and its clock has gone",
        "Withdraw an action only if it was agreed by mistake.",
        confirm=Confirm(
            "withdraw",
            "A withdrawal cannot be undone: the action leaves the review, the action plan, exports, reminders and "
            "statistics, and it cannot be put back. The review's history keeps it, with your reason.",
            red=True,
        ),
    ),
}


def _action_state_reason(state: str) -> str:
    return f"the action is {action_status_words(state).lower()}"


def _action_transition_context(action, name: str, page, form) -> dict:
    return {"review": action.recommendation.review, "clock": action.clock(_today())}


action_transition = transition_view(
    TransitionPages(
        record="action",
        pages=ACTION_PAGES,
        fetch=selectors.action_for_user,
        template="reviews/action_transition.html",
        back=lambda action: _review_url(action.recommendation.review),
        action_words=action_action_words,
        state_reason=_action_state_reason,
        context=_action_transition_context,
    )
)


# --- The board's action plan ---------------------------------------------------------------------


def action_plan_list(request):
    """The action plan's filter form and its actions: one function for the page and its CSV/XLSX export."""
    _board_user_or_404(request.user)
    form = ActionFilterForm(request.GET or None)
    form.is_valid()
    filters = selectors.ActionFilters(**form.filters())
    return form, selectors.action_plan_rows(request.user, today=_today(), filters=filters)


@require_http_methods(["GET"])
def action_plan(request):
    """Every action of every review of the board, soonest due first, filtered by status, owner, overdue."""
    user = request.user
    form, actions = action_plan_list(request)
    today = _today()
    context = _paginate(request, actions, ACTIONS_PER_PAGE)
    context["rows"] = [
        {"action": action, "clock": action.clock(today), "next_steps": _next_steps(action, user)}
        for action in context["page"].object_list
    ]
    access_record_many(request=request, records=context["page"].object_list)
    return render(
        request,
        "reviews/action_plan.html",
        {**context, "form": form, "filtered": bool(form.filters())},
    )


@require_http_methods(["GET", "POST"])
def review_note(request, public_id):
    """The board logs a contact, meeting or call on the review."""
    review = selectors.review_for_user(request.user, public_id)
    return note_page(
        request,
        record=review,
        queryset=selectors.reviews_for_user(request.user),
        back=reverse("reviews:review", args=[review.public_id]),
        caption=review.decision.incident.reference,
        about=f"the {term(review, 'review')}",
    )
