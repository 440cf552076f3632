"""Case pages: the case list, logging a SIN, the case page and its transitions.

Thin (STYLE): parse the request, fetch through a permission-checked selector, call one service,
and turn the service's refusals into field errors, a message on the case page, or a 403 page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import MultiWidget
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from accounts.selectors import board_members
from audit.models import ANONYMISE
from audit.services import access_record, access_record_many
from audit.timeline import timeline_rows
from panel.words import submission_state_words, submission_transition_words
from publication.corrections import CORRECTABLE as PUBLICATION_DATES
from publication.selectors import publication_of_review, publication_timeline
from publication.views import publication_context
from publication.words import publication_state_words, publication_transition_words
from reviews.corrections import DECIDED_ON
from reviews.explain import why_due_dates_differ
from reviews.forms import DecisionForm
from reviews.selectors import review_of_incident
from reviews.services import decision_record
from reviews.words import decision_words
from scr_tracker import clocks
from scr_tracker.corrections import CHAIR_ONLY, field_words
from scr_tracker.forms import CorrectionForm, add_service_errors
from scr_tracker.note_views import note_page
from scr_tracker.pages import Confirm, TransitionPage, TransitionPages, run_for_page, transition_view
from scr_tracker.regimes import regime_for
from scr_tracker.terms import lower_first, term
from scr_tracker.transitions import (
    InvalidInput,
    RoleNotPermitted,
    transitions_now,
)

from . import selectors, services
from .corrections import CORRECTABLE, incident_correct
from .dashboard import with_next_steps
from .forms import (
    CONFIRM,
    NO_LEAD,
    SIN_STEPS,
    CaseFilterForm,
    CloseForm,
    LeadOfficerForm,
    NotifyForm,
    ReconsiderForm,
    ReferForm,
    WithdrawForm,
)
from .models import INCIDENT_TRANSITIONS
from .stages import case_stages
from .words import action_words, rules_statement, sin_rows, state_words, transition_words

CASES_PER_PAGE = 25
ANSWERS = "sin_answers"  # session key: the question pages' answers, by page, until saved
PENDING_ERRORS = "sin_errors"  # session key: the service's errors to show on the page that asked
STEPS = {step.slug: step for step in SIN_STEPS}


def _board_user_or_404(user) -> None:
    # Only board staff and chairs have cases of their own; for anyone else these pages do not exist.
    if not user.is_board_user:
        raise Http404("Not found")


def _today():
    return timezone.localdate()


# --- The case list -------------------------------------------------------------------------------


def case_list_rows(request):
    """The case list's filter form and its cases: one function for the page and its CSV/XLSX export."""
    _board_user_or_404(request.user)
    form = CaseFilterForm(request.GET or None)
    form.is_valid()
    return form, selectors.incident_list(request.user, today=_today(), filters=selectors.CaseFilters(**form.filters()))


# How the case list says its order, by the column it is sorted by.
SORT_WORDS = {
    "": "newest first",
    "newest": "newest first",
    "reference": "by reference",
    "child": "by the child's pseudonym",
    "state": "by state",
    "deadline": "nearest statutory deadline first",
    "incident": "most recent incident first",
}


@require_http_methods(["GET"])
def case_list(request):
    form, cases = case_list_rows(request)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_next_steps(request.user, page.object_list, _today())
    access_record_many(request=request, records=page.object_list)
    return render(
        request,
        "incidents/case_list.html",
        {
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "filtered": bool({name for name in form.filters() if name != "sort"}),
            "sort": form.filters().get("sort", ""),
            "order_words": SORT_WORDS.get(form.filters().get("sort", ""), SORT_WORDS[""]),
        },
    )


# --- Logging a SIN: question pages, check your answers, save -------------------------------------


def _stored(request) -> dict:
    return request.session.get(ANSWERS, {})


def _answer_keys(form) -> list[str]:
    keys = []
    for name, field in form.fields.items():
        if isinstance(field.widget, MultiWidget):
            keys.extend(f"{name}{suffix}" for suffix in field.widget.widgets_names)
        else:
            keys.append(name)
    return keys


def _replay(answers: dict, stop_before: str | None = None) -> tuple[dict, str | None]:
    """Re-check the stored pages in order: (the answers so far, the first page missing or wrong)."""
    data: dict = {}
    for step in SIN_STEPS:
        if step.slug == stop_before:
            break
        if step.slug not in answers:
            return data, step.slug
        form = step(MultiValueDict(answers[step.slug]), earlier=data)
        if not form.is_valid():
            return data, step.slug
        data.update({name: value for name, value in form.cleaned_data.items() if name != CONFIRM})
    return data, None


def _step_url(slug: str) -> str:
    return reverse("incidents:sin_step", args=[slug])


@require_http_methods(["GET"])
def sin_start(request):
    """Start logging a SIN afresh: earlier unsaved answers are forgotten."""
    _board_user_or_404(request.user)
    request.session.pop(ANSWERS, None)
    request.session.pop(PENDING_ERRORS, None)
    return redirect(_step_url(SIN_STEPS[0].slug))


@require_http_methods(["GET", "POST"])
def sin_step(request, step: str):
    _board_user_or_404(request.user)
    step_form = STEPS.get(step)
    if step_form is None:
        raise Http404("No such question page")
    answers = _stored(request)
    earlier, _ = _replay(answers, stop_before=step)
    if request.method == "POST":
        form = step_form(request.POST, earlier=earlier)
        if form.is_valid():
            answers[step] = {key: request.POST.getlist(key) for key in _answer_keys(form) if key in request.POST}
            request.session[ANSWERS] = answers
            _, next_step = _replay(answers)
            return redirect(_step_url(next_step) if next_step else reverse("incidents:sin_check"))
    elif step in answers:
        form = step_form(MultiValueDict(answers[step]), earlier=earlier)
        form.is_valid()
        pending = request.session.get(PENDING_ERRORS, {})
        mine = {field: pending.pop(field) for field in list(pending) if field in form.fields}
        request.session[PENDING_ERRORS] = pending
        add_service_errors(form, mine)
    else:
        form = step_form(earlier=earlier)
    index = list(STEPS).index(step)
    back = _step_url(SIN_STEPS[index - 1].slug) if index else reverse("accounts:dashboard")
    return render(
        request,
        "incidents/sin_step.html",
        {"form": form, "number": index + 1, "of": len(SIN_STEPS), "back": back, "rules": _rules_of_answers(earlier)},
    )


def _rules_of_answers(answers: dict) -> str:
    """Which rules the dates entered so far put the case under, once the local authority's date is known."""
    aware = answers.get("la_aware_on")
    return rules_statement(regime_for(aware), notified=False) if aware else ""


@require_http_methods(["GET", "POST"])
def sin_check(request):
    """Check your answers, then save the SIN as a draft of the user's board."""
    _board_user_or_404(request.user)
    answers = _stored(request)
    data, wrong = _replay(answers)
    if wrong:
        return redirect(_step_url(wrong))
    errors: list[str] = []
    if request.method == "POST":
        try:
            incident = services.incident_create(actor=request.user, data=data)
        except RoleNotPermitted as exc:
            raise Http404("Not found") from exc
        except InvalidInput as exc:
            for step in SIN_STEPS:
                if set(exc.errors) & set(step.base_fields):
                    request.session[PENDING_ERRORS] = exc.errors
                    return redirect(_step_url(step.slug))
            errors = [message for messages_ in exc.errors.values() for message in messages_]
        else:
            request.session.pop(ANSWERS, None)
            request.session.pop(PENDING_ERRORS, None)
            messages.success(request, f"Serious incident notification logged as {incident.reference}")
            return redirect(_case_url(incident))
    sections = [
        {"title": step.title, "href": _step_url(step.slug), "rows": sin_rows(data, step.base_fields)}
        for step in SIN_STEPS
    ]
    context = {"sections": sections, "errors": errors, "rules": _rules_of_answers(data)}
    if data.get("la_aware_on"):
        context["regime"] = regime_for(data["la_aware_on"])
    return render(request, "incidents/sin_check.html", context)


# --- The case page -------------------------------------------------------------------------------


def _case_url(incident) -> str:
    return reverse("incidents:case", args=[incident.public_id])


def _transition_url(incident, name: str) -> str:
    return reverse("incidents:transition", args=[incident.public_id, name])


@require_http_methods(["GET"])
def case_detail(request, public_id):
    incident = selectors.incident_for_user(request.user, public_id)
    access_record(request=request, record=incident)
    decisions = selectors.incident_decisions(incident)
    timeline = list(selectors.incident_timeline(incident).readable_by(request.user))
    # A case anonymised at the end of its retention period (SPEC §9) says so, and when.
    anonymised = next((entry for entry in timeline if entry.transition == ANONYMISE), None)
    # Only what the user can do now: a transition a rule blocks is not offered.
    links = {
        name: _transition_url(incident, name) for name in transitions_now(incident, request.user, INCIDENT_TRANSITIONS)
    }
    # The latest submission to the panel this user may open (decisions come with theirs: no query here).
    submissions = [d.submission for d in reversed(decisions) if getattr(d, "submission", None)]
    if not request.user.is_board_user:
        submissions = [s for s in submissions if s.first_submitted_on]
    submission = submissions[0] if submissions else None
    review = review_of_incident(request.user, incident)
    publication = publication_of_review(request.user, review)
    today = _today()
    case_clocks = selectors.incident_clocks(incident, decisions, today)
    values = {field: getattr(incident, field) for field in services.SIN_FIELDS}
    values.update(received_on=incident.received_on, ofsted_notified_on=incident.ofsted_notified_on)
    sections = []
    for step in SIN_STEPS:
        fields = list(step.base_fields)
        if step.slug == "incident":
            fields += ["received_on", "ofsted_notified_on"]
        rows = sin_rows(values, fields, incident.regime_rules)
        if request.user.is_chair and not anonymised:
            for row in rows:
                if row["field"] in CORRECTABLE and values.get(row["field"]) is not None:
                    row["correct_href"] = reverse("incidents:correct", args=[incident.public_id, row["field"]])
        sections.append({"title": step.title, "rows": rows})
    return render(
        request,
        "incidents/case_detail.html",
        {
            "incident": incident,
            "current": decisions[-1] if decisions else None,
            "decisions": list(reversed(decisions)),
            "clocks": case_clocks,
            "rules": _case_rules(incident, case_clocks),
            "review_due": _review_due(review, today),
            "timeline_rows": _case_timeline(timeline, publication, incident.regime_rules),
            "logged_on": f"{incident.created_at:%-d %B %Y}",
            "anonymised_on": f"{anonymised.event_date:%-d %B %Y}" if anonymised else "",
            "actions": [{"name": name, "href": href} for name, href in links.items()],
            "stages": case_stages(
                incident,
                decisions,
                (entry.transition for entry in timeline),
                links,
                submission=submission,
                submission_href=reverse("panel:submission", args=[submission.public_id]) if submission else None,
                review=review,
                review_href=reverse("reviews:review", args=[review.public_id]) if review else None,
                publication=publication,
                publication_href=reverse("publication:publication", args=[publication.public_id])
                if publication
                else None,
            ),
            "submission": submission,
            "review": review,
            **(publication_context(publication, request.user, today=_today()) if publication else {}),
            "sections": sections,
            "can_correct": request.user.is_board_user and request.user.is_chair and not anonymised,
        },
    )


def _case_rules(incident, case_clocks) -> str:
    """Which rules the case follows, with its decision's due date from the clock's row."""
    regime = incident.regime_rules
    rows = {clock.name: clock for clock in case_clocks}
    deciding, notifying = rows.get(regime.decision_due_clock), rows.get("sin_notification")
    return rules_statement(
        regime,
        notified=incident.received_on is not None,
        decision_due=deciding.due if deciding else None,
        met=deciding is not None and deciding.status in (clocks.MET, clocks.MISSED),
        notification_due=notifying.due if notifying else None,
    )


def _review_due(review, today) -> dict | None:
    """The review's original and extended completion dates, and why they differ, for the case page."""
    if review is None:
        return None
    return {
        "original": review.completion_due_original(),
        "extended": review.completion_due(),
        "why": why_due_dates_differ(review, list(review.stop_periods.all()), today),
    }


def _case_timeline(timeline, publication, regime) -> list:
    """The case's whole history: its own transitions, then, in the order recorded, its review's
    publication and the proposal to the panel about it (SPEC §4.5)."""
    rows = [(entry.recorded_at, row) for entry, row in zip(timeline, _rows(timeline, regime), strict=True)]
    if publication is not None:
        entries = list(publication_timeline(publication))
        words = {
            "transition_words": publication_transition_words,
            "state_words": publication_state_words,
            "field_words": field_words(PUBLICATION_DATES),
        }
        rows += [(entry.recorded_at, row) for entry, row in zip(entries, timeline_rows(entries, **words), strict=True)]
        if publication.submission_id and publication.submission.first_submitted_on:
            entries = list(publication_timeline(publication.submission))
            words = {"transition_words": submission_transition_words, "state_words": submission_state_words}
            rows += [
                (entry.recorded_at, row) for entry, row in zip(entries, timeline_rows(entries, **words), strict=True)
            ]
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _field_words(field: str, regime=None) -> str:
    """A corrected field as the case's timeline names it, in the words of the case's regime."""
    if field == DECIDED_ON.field:  # a decision's date is an event of its case
        return DECIDED_ON.words
    if field in CORRECTABLE:
        return lower_first(sin_rows({}, [field], regime)[0]["label"])
    return field.replace("_", " ")


def _rows(timeline, regime=None) -> list:
    return timeline_rows(
        timeline,
        transition_words=transition_words,
        state_words=state_words,
        field_words=lambda field: _field_words(field, regime),
    )


# --- Transition pages ----------------------------------------------------------------------------


def notify_clock_words(incident, *, done: bool = False) -> str:
    """What the notification starts: the clock by which the case's regime measures the decision."""
    regime = incident.regime_rules
    clock = regime.clock(regime.decision_due_clock)
    if done:
        due = incident.decision_due()
        return f"{clock.title} due by {due:%-d %B %Y}" if due else ""
    review = regime.term("review")
    return (
        f"This starts the {clock.length(spelt=True, compound=True)} {clock.title.lower()} clock "
        f"({clock.phrase}) for the decision whether to initiate a {review}."
    )


TRANSITION_PAGES = {
    "notify": TransitionPage(
        NotifyForm,
        services.incident_notify,
        lambda incident: f"Notification recorded. {notify_clock_words(incident, done=True)}",
        lambda incident: (
            f"Record when the {term(incident, 'board_short')} received the serious incident notification and when "
            f"{incident.regime_rules.term('notified')} was notified. {notify_clock_words(incident)}"
        ),
    ),
    "refer_to_subgroup": TransitionPage(
        ReferForm,
        services.incident_refer_to_subgroup,
        lambda incident: "Case referred to the sub-group",
        lambda incident: (
            "The case review sub-group considers the case and recommends whether to initiate a "
            f"{term(incident, 'review')}."
        ),
    ),
    "record_decision": TransitionPage(
        DecisionForm,
        decision_record,
        lambda decision: f"Decision recorded: {lower_first(decision_words(decision.decision, decision.incident))}",
    ),
    "reconsider": TransitionPage(
        ReconsiderForm,
        services.incident_reconsider,
        lambda incident: "Decision reopened: the case is under consideration again",
        "The current decision stays on record; a new decision will follow.",
    ),
    "withdraw": TransitionPage(
        WithdrawForm,
        services.incident_withdraw,
        lambda incident: "Case withdrawn",
        "A withdrawn case leaves the workflow. Its history is kept.",
        confirm=Confirm(
            "withdraw",
            "A withdrawal cannot be undone: the case leaves the workflow for good. Its history is kept.",
            red=True,
        ),
    ),
    "close": TransitionPage(
        CloseForm,
        services.incident_close,
        lambda incident: "Case closed",
        "Close the case when nothing further is expected for this incident.",
    ),
}


def _state_reason(state: str) -> str:
    return f"the case is {state_words(state).lower()}"


case_transition = transition_view(
    TransitionPages(
        record="incident",
        pages=TRANSITION_PAGES,
        fetch=selectors.incident_for_user,
        template="incidents/transition.html",
        back=_case_url,
        action_words=action_words,
        state_reason=_state_reason,
    )
)


@require_http_methods(["GET", "POST"])
def case_correct(request, public_id, field: str):
    """The chair corrects one of the SIN's dates typed by mistake (SPEC §8 "Corrections")."""
    incident = selectors.incident_for_user(request.user, public_id)
    if field not in CORRECTABLE or getattr(incident, field) is None:
        raise Http404("Not found")
    if not request.user.is_chair:
        raise PermissionDenied(CHAIR_ONLY)
    label = sin_rows({}, [field], incident.regime_rules)[0]["label"]
    form = CorrectionForm(request.POST if request.method == "POST" else None, item=CORRECTABLE[field], label=label)
    if request.method == "POST":
        result, _ = run_for_page(
            lambda: incident_correct(actor=request.user, incident_id=incident.pk, field=field, **form.cleaned_data),
            form,
            state_reason=_state_reason,
        )
        if result is not None:
            messages.success(request, f"{label} corrected. The clocks and the case's timeline show the change.")
            return redirect(_case_url(incident))
    recorded = getattr(incident, field)
    access_record(request=request, record=incident)
    return render(
        request,
        "incidents/transition.html",
        {
            "incident": incident,
            "form": form,
            "title": f"Correct a date: {lower_first(label)}",
            "intro": f"Recorded as {recorded:%-d %B %Y}. The correction is kept in the case's timeline with "
            "the reason, and every clock of the case is worked out again.",
        },
    )


@require_http_methods(["GET", "POST"])
def case_note(request, public_id):
    """The board logs a contact, meeting or call on the case."""
    incident = selectors.incident_for_user(request.user, public_id)
    return note_page(
        request,
        record=incident,
        queryset=selectors.incidents_for_user(request.user),
        back=_case_url(incident),
        caption=f"{incident.reference}: {incident.child_pseudonym}",
        about="the case",
    )


@require_http_methods(["GET", "POST"])
def case_lead_officer(request, public_id):
    """Staff or the chair choose who leads the case."""
    incident = selectors.incident_for_user(request.user, public_id)
    if not request.user.is_board_user:
        raise PermissionDenied("Only the board's staff and chair choose a case's lead officer")
    people = list(board_members(request.user, incident.board, by_name=True))
    initial = {"lead_officer": str(incident.lead_officer_id) if incident.lead_officer_id else NO_LEAD}
    form = LeadOfficerForm(request.POST if request.method == "POST" else None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_set_lead_officer(
                actor=request.user, incident_id=incident.pk, officer_id=form.officer_id()
            )
        except InvalidInput as exc:
            add_service_errors(form, exc.errors)
        except RoleNotPermitted as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, "Lead officer saved.")
            return redirect(_case_url(incident))
    status = 400 if form.is_bound else 200
    access_record(request=request, record=incident)
    context = {
        "incident": incident,
        "form": form,
        "title": "Choose the case's lead officer",
        "intro": "The lead officer is the board's person who moves the case on: the steps that wait on staff "
        "show on their dashboard by name, and everyone sees who holds them.",
    }
    return render(request, "incidents/transition.html", context, status=status)
