"""Publication pages: the publications list, the publication page with its clocks, history and the
panel's part, its transition pages and the board's record (SPEC §4.5).

Thin (STYLE): parse the request, fetch through a permission-checked selector, call one service,
and turn the service's refusals into field errors, a message on the publication page, or a 403
page. Board users run their own board's publications; panel users read those whose final report
was sent to them and get the 403 page on anything that writes. Everyone else: 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.services import access_record, access_record_many
from audit.timeline import timeline_rows
from panel.selectors import submission_history
from scr_tracker.corrections import CHAIR_ONLY, field_words
from scr_tracker.forms import CorrectionForm
from scr_tracker.pages import Confirm, PageRefusal, TransitionPage, TransitionPages, run_for_page, transition_view
from scr_tracker.regimes import record_clock, regime_of
from scr_tracker.terms import term
from scr_tracker.transitions import transitions_now, waiting_on

from . import selectors, services
from .choices import PublicationState
from .corrections import CORRECTABLE, publication_correct
from .forms import (
    PlanForm,
    ProposeForm,
    PublicationFilterForm,
    PublishForm,
    RecordForm,
    ScheduleForm,
    SendReportForm,
    TakeDownForm,
    WithholdForm,
)
from .models import PUBLICATION_TRANSITIONS
from .words import delay_words, publication_action_words, publication_state_words, publication_transition_words

PUBLICATIONS_PER_PAGE = 25


def _today():
    return timezone.localdate()


def _on(d) -> str:
    return f"{d:%-d %B %Y}"


def _reader_or_404(user) -> None:
    if not (user.is_board_user or user.is_panel_user):
        raise Http404("Not found")


def _url(publication) -> str:
    return reverse("publication:publication", args=[publication.public_id])


def _transition_url(publication, name: str) -> str:
    return reverse("publication:transition", args=[publication.public_id, name])


# --- The list ------------------------------------------------------------------------------------


def publication_list_rows(request):
    """The list's filter form and its publications: one function for the page and its CSV/XLSX export."""
    user = request.user
    _reader_or_404(user)
    form = PublicationFilterForm(request.GET or None)
    return form, selectors.publication_list(user, filters=selectors.PublicationFilters(**form.filters()))


@require_http_methods(["GET"])
def publication_list(request):
    form, rows = publication_list_rows(request)
    page = Paginator(rows, PUBLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    today = _today()
    access_record_many(request=request, records=page.object_list, board_of=lambda row: row.review.board_id)
    return render(
        request,
        "publication/publication_list.html",
        {
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "filtered": bool(form.filters()),
            "rows": [
                {
                    "publication": publication,
                    "delay": delay_words(publication.days_to_publication(today), publication.published_on is not None),
                }
                for publication in page.object_list
            ],
        },
    )


# --- One publication -----------------------------------------------------------------------------


def publication_context(publication, user, *, today) -> dict:
    """What the publication page shows, and the case page's publication section too."""
    # Only what the user can do now: a transition a rule blocks is not offered.
    steps = transitions_now(publication, user, PUBLICATION_TRANSITIONS)
    submission = publication.submission
    visible_submission = submission if submission and (user.is_board_user or submission.first_submitted_on) else None
    return {
        "publication": publication,
        "publication_clocks": selectors.publication_clocks(publication, today=today),
        "publication_delay": delay_words(publication.days_to_publication(today), publication.published_on is not None),
        "publication_actions": [{"name": name, "href": _transition_url(publication, name)} for name in steps],
        # What blocks the rest, said apart from the actions (it is not something to do).
        "publication_waiting": waiting_on(publication, user, PUBLICATION_TRANSITIONS),
        "publication_submission": visible_submission,
        "publication_submission_history": list(submission_history(visible_submission)) if visible_submission else [],
        "earliest_publication_on": services.earliest_publication_on(publication),
        "earliest_take_down_on": services.earliest_take_down_on(publication),
        # The chair's "Correct" links, by field, for the event dates recorded.
        "publication_corrections": {
            field: reverse("publication:correct", args=[publication.public_id, field])
            for field in CORRECTABLE
            if getattr(publication, field) is not None
        }
        if user.is_board_user and user.is_chair
        else {},
    }


@require_http_methods(["GET"])
def publication_detail(request, public_id):
    user = request.user
    _reader_or_404(user)
    publication = selectors.publication_for_user(user, public_id)
    access_record(request=request, record=publication)
    review = publication.review
    return render(
        request,
        "publication/publication_detail.html",
        {
            **publication_context(publication, user, today=_today()),
            "review": review,
            "incidents": list(review.incidents.all()),
            "can_write": user.is_board_user,
            "timeline_rows": timeline_rows(
                selectors.publication_timeline(publication),
                transition_words=publication_transition_words,
                state_words=publication_state_words,
                field_words=field_words(CORRECTABLE),
            ),
        },
    )


# --- Transition pages ----------------------------------------------------------------------------


def _published(publication) -> str:
    return f"Report published on {_on(publication.published_on)} ({publication.get_mode_display().lower()})"


def _proposed(publication) -> str:
    if regime_of(publication).panel_advises_on_publication:
        return f"Proposal recorded. Check and send the submission to the {term(publication, 'panel')}"
    return "Proposal recorded. The report can now be published in this mode, or withheld"


def _propose_intro(publication) -> str:
    board = term(publication, "board_short")
    if regime_of(publication).panel_advises_on_publication:
        return (
            f"Publishing other than in full must be exceptional. The {term(publication, 'panel')} advises on the "
            f"proposal; give the {board}'s reasons and the independent advice that publication would put specific "
            "individuals at serious risk."
        )
    return (
        f"Publishing other than in full must be exceptional. The {term(publication, 'board')} decides the mode "
        f"itself: the proposal does not go to the {term(publication, 'panel')}. Give the reasons and the independent "
        "advice that publication would put specific individuals at serious risk; the report can then be published "
        "in this mode, or withheld."
    )


def _withhold_intro(publication) -> str:
    if regime_of(publication).panel_advises_on_publication:
        return (
            f"The report is not published: the panel agreed, or the {term(publication, 'board_short')} did not "
            "accept the panel's advice to publish."
        )
    return f"The report is not published, as the {term(publication, 'board_short')} decided."


TRANSITION_PAGES = {
    "send_report": TransitionPage(
        SendReportForm,
        services.publication_send_report,
        lambda p: f"Final report sent to the {term(p, 'panel')} on {_on(p.report_sent_on)}",
        lambda p: (
            f"The final report goes to the {term(p, 'panel')} at least "
            f"{record_clock('report_to_panel', p).duration} it is published."
        ),
    ),
    "propose": TransitionPage(
        ProposeForm,
        services.publication_propose,
        _proposed,
        _propose_intro,
    ),
    "schedule": TransitionPage(
        ScheduleForm,
        services.publication_schedule,
        lambda p: f"Publication scheduled for {_on(p.planned_publication_on)}",
        lambda p: (
            "Set the date the report will be published: at least "
            f"{record_clock('report_to_panel', p).length()} after the panel received it."
        ),
    ),
    "publish": TransitionPage(
        PublishForm,
        services.publication_publish,
        _published,
        lambda p: (
            "Record where and when the report was published. It must stay online for at least "
            f"{record_clock('online_period', p).length()}."
        ),
        confirm=Confirm(
            "publish",
            "A publication cannot be undone: the report is recorded as published at this address, from this date.",
        ),
    ),
    "withhold": TransitionPage(
        WithholdForm,
        services.publication_withhold,
        lambda p: "Report withheld: it will not be published",
        _withhold_intro,
        confirm=Confirm(
            "withhold",
            "A decision not to publish cannot be undone: the report will not be published.",
        ),
    ),
    "take_down": TransitionPage(
        TakeDownForm,
        services.publication_take_down,
        lambda p: f"Report recorded as taken down on {_on(p.taken_down_on)}",
        lambda p: f"A published report stays online for at least {record_clock('online_period', p).length()}.",
        confirm=Confirm(
            "take down",
            "Taking the report down cannot be undone: it is recorded as no longer online from this date.",
        ),
    ),
}


def _state_reason(state: str) -> str:
    return f"the publication is {publication_state_words(state).lower()}"


def _done_url(publication, name: str) -> str:
    if name == "propose" and publication.submission_id:
        return reverse("panel:submission", args=[publication.submission.public_id])
    return _url(publication)


def _publication_for_reader(user, public_id):
    _reader_or_404(user)
    return selectors.publication_for_user(user, public_id)


def _publication_transition_context(publication, name: str, page, form) -> dict:
    return {
        "earliest_publication_on": services.earliest_publication_on(publication),
        "earliest_take_down_on": services.earliest_take_down_on(publication),
    }


publication_transition = transition_view(
    TransitionPages(
        record="publication",
        pages=TRANSITION_PAGES,
        fetch=_publication_for_reader,
        template="publication/transition.html",
        back=_url,
        action_words=publication_action_words,
        state_reason=_state_reason,
        done_url=_done_url,
        context=_publication_transition_context,
    )
)


@require_http_methods(["GET", "POST"])
def publication_plan(request, public_id):
    """The planned publication date while the final report is awaited (starts the report_to_panel clock)."""
    _reader_or_404(request.user)
    publication = selectors.publication_for_user(request.user, public_id)
    if not request.user.is_board_user:
        raise PermissionDenied("Only the board plans its publication")
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        record=publication,
        initial={"planned_publication_on": publication.planned_publication_on},
    )
    try:
        if publication.state != PublicationState.AWAITING_REPORT:
            raise PageRefusal([_state_reason(publication.state)])
        if request.method == "POST":
            result, _ = run_for_page(
                lambda: services.publication_plan(actor=request.user, publication_id=publication.pk, **form.payload()),
                form,
                state_reason=_state_reason,
            )
            if result is not None:
                messages.success(
                    request,
                    f"Publication planned for {_on(result.planned_publication_on)}: "
                    f"send the final report to the panel by {_on(result.report_to_panel_due())}",
                )
                return redirect(_url(publication))
    except PageRefusal as refusal:
        messages.error(
            request,
            f"You cannot plan the date here now: {'; '.join(refusal.reasons)}. "
            "Schedule publication to change the date.",
        )
        return redirect(_url(publication))
    access_record(request=request, record=publication, board_id=publication.review.board_id)
    return render(request, "publication/plan.html", {"publication": publication, "form": form})


@require_http_methods(["GET", "POST"])
def publication_record(request, public_id):
    """The board's written response and the NSPCC repository deposit."""
    _reader_or_404(request.user)
    publication = selectors.publication_for_user(request.user, public_id)
    if not request.user.is_board_user:
        raise PermissionDenied("Only the board records its response")
    initial = {"board_response": publication.board_response, "nspcc_deposited_on": publication.nspcc_deposited_on}
    form = RecordForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        result, _ = run_for_page(
            lambda: services.publication_record(actor=request.user, publication_id=publication.pk, **form.payload()),
            form,
            state_reason=_state_reason,
        )
        if result is not None:
            messages.success(request, "The board's response and the NSPCC deposit saved")
            return redirect(_url(publication))
    access_record(request=request, record=publication, board_id=publication.review.board_id)
    return render(request, "publication/record.html", {"publication": publication, "form": form})


@require_http_methods(["GET", "POST"])
def publication_correct_page(request, public_id, field: str):
    """The chair corrects one of the publication's event dates typed by mistake (SPEC §8 "Corrections")."""
    _reader_or_404(request.user)
    publication = selectors.publication_for_user(request.user, public_id)
    item = CORRECTABLE.get(field)
    if item is None or getattr(publication, field) is None:
        raise Http404("Not found")
    if not (request.user.is_board_user and request.user.is_chair):
        raise PermissionDenied(CHAIR_ONLY)
    form = CorrectionForm(request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST":
        result, _ = run_for_page(
            lambda: publication_correct(
                actor=request.user, publication_id=publication.pk, field=field, **form.cleaned_data
            ),
            form,
            state_reason=_state_reason,
        )
        if result is not None:
            messages.success(request, f"{item.label} corrected. The clocks and the publication's timeline show it.")
            return redirect(_url(publication))
    title = f"Correct {item.words}"
    intro = (
        f"Recorded as {_on(getattr(publication, field))}. The correction is kept in the publication's timeline "
        "with the reason, and its clocks are worked out again."
    )
    access_record(request=request, record=publication, board_id=publication.review.board_id)
    return render(
        request, "publication/correct.html", {"publication": publication, "form": form, "title": title, "intro": intro}
    )
