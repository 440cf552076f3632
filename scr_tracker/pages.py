"""The transition pages: one view, configured per kind of record (`TransitionPages`), and what
it shares with the other pages that run a transition: who may open it, and running its service.

A role that may never run the transition gets the 403 page (the record is in scope, so its
existence is known); a state or rule that does not allow it now is a `PageRefusal`, which the
view turns into a redirect with the reasons; the service's field errors go onto the form.

A transition that cannot be undone (sign-off, publication, withdrawal) declares a `Confirm`: its
form's button reads "Continue", and its answers are shown on a "check your answers" page before
anything is saved (`submit_page_form`). The answers wait in the session under a one-time token,
the only thing the check page's "Confirm and …" button posts.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from crispy_forms.layout import BaseInput
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.services import access_record
from scr_tracker.forms import add_service_errors, add_service_errors_for_parsed, dry_run
from scr_tracker.terms import lower_first
from scr_tracker.transitions import (
    Blocked,
    InvalidInput,
    NotAllowedInState,
    RoleNotPermitted,
    allowed_from,
    blocked_by,
    roles_for,
)


@dataclass(frozen=True)
class Confirm:
    """A transition that cannot be undone: its answers are checked on a page of their own before it runs.

    `action` ends the check page's button, "Confirm and <action>" ("sign off"); `warning` is what the
    page warns cannot be undone, in words or as a function of the record.
    """

    action: str
    warning: str | Callable[[object], str]
    red: bool = False  # a warning button, for a withdrawal

    def warning_for(self, record) -> str:
        return self.warning(record) if callable(self.warning) else self.warning


@dataclass(frozen=True)
class TransitionPage:
    """One transition's page: its form, the service it runs, the success message and an introduction.
    `form_kwargs(request, record)` is what else its form is given (the meetings to choose from).
    `intro` is words, or a function of the record for words that follow its case's regime.
    `confirm`, for a transition that cannot be undone, puts a check page between the form and the run."""

    form: type
    run: Callable
    done: Callable[[object], str]
    intro: str | Callable[[object], str] = ""
    form_kwargs: Callable[..., dict] = field(default=lambda request, record: {})
    confirm: Confirm | None = None

    def intro_for(self, record) -> str:
        return self.intro(record) if callable(self.intro) else self.intro


class PageRefusal(Exception):
    """The transition cannot run now; `reasons` say why, in words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def check_transition(user, record, name: str, *, action: str, state_reason: Callable[[str], str]) -> None:
    """Before a transition's page is shown: 403 for the wrong role, PageRefusal for the state or a rule."""
    if user.role not in roles_for(record, name):
        raise PermissionDenied(f"Your role cannot {action.lower()}")
    if record.state not in allowed_from(record, name):
        raise PageRefusal([state_reason(record.state)])
    reasons = blocked_by(record, name)
    if reasons:
        raise PageRefusal(reasons)


def run_for_page(
    run: Callable[[], object],
    form,
    *,
    state_reason: Callable[[str], str],
    keep: tuple[str, ...] = (),
    rolled_back: bool = False,
):
    """Run a service for a page's submitted `form`. Its field errors go onto `form` and None is returned
    (nothing was saved); errors named in `keep` are returned to the caller instead as `(None, {name: messages})`.
    A form with field errors is not saved, and shows with them what the service says of the fields that
    parsed (a date out of order), all in one submission. A refusal in a race becomes a PageRefusal; a role
    refusal the 403 page. `rolled_back` runs the service only to learn whether it would accept the form
    (for a check page): what it returns is the undone result, and nothing is kept."""
    if not form.is_valid():
        add_service_errors_for_parsed(form, run, keep=keep)
        return None, {}
    try:
        return (dry_run(run) if rolled_back else run()), {}
    except InvalidInput as exc:
        errors = dict(exc.errors)
        kept = {name: errors.pop(name) for name in keep if name in errors}
        add_service_errors(form, errors)
        return None, kept
    except RoleNotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    except NotAllowedInState as exc:
        raise PageRefusal([state_reason(exc.state)]) from exc
    except Blocked as exc:
        raise PageRefusal(exc.reasons) from exc


# --- Check your answers ---------------------------------------------------------------------------

ANSWERS_KEY = "check_answers"  # the session's answers waiting for their confirmation, by token
ANSWERS_FIELD = "answers"  # the check page's one hidden field: the token
CHANGE_PARAMETER = "change"  # the form's query parameter that fills it with the answers of a token
ANSWERS_KEPT = 10  # answers waiting at once in one session (a token left behind makes room in time)
ANSWERS_GONE = (
    "Your answers were not found: they have already been confirmed, or the page was out of date. "
    "Enter them again and continue"
)


class AnswersGone(Exception):
    """A check page's token is unknown: confirmed already (a replay), replaced, or from another page."""


@dataclass(frozen=True)
class Answer:
    """One row of a check page: the question, the answer in words and where to change it."""

    key: str
    value: str
    change_url: str


@dataclass(frozen=True)
class CheckAnswers:
    """What a check page shows: the answers, the token its button posts, its warning and button."""

    heading: str
    token: str
    answers: list[Answer]
    warning: str
    button: str
    red: bool
    change_url: str


def continue_button(form) -> None:
    """A form whose answers go to a check page ends with "Continue" in place of its own button."""
    layout = form.helper.layout
    layout.fields = [item for item in layout.fields if not isinstance(item, BaseInput)] + [Submit("submit", "Continue")]


def _flat_choices(choices) -> dict:
    flat = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.update({str(v): words for v, words in label})
        else:
            flat[str(value)] = label
    return flat


def _in_words(form_field, value) -> str:
    if value in (None, "", [], ()):
        return "Not given"
    if isinstance(form_field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(form_field, forms.ModelChoiceField):
        return str(value)
    if isinstance(form_field, forms.ChoiceField):
        return str(_flat_choices(form_field.choices).get(str(value), value))
    return str(value)


def _answers(form, change_url: str) -> list[Answer]:
    """A valid form's answers, in its order: each field's question and what was answered."""
    return [
        Answer(
            key=str(bound.label),
            value=_in_words(bound.field, form.cleaned_data.get(bound.name)),
            change_url=f"{change_url}#{bound.id_for_label}",
        )
        for bound in form
        if not bound.is_hidden
    ]


def _posted(data: QueryDict) -> dict[str, list[str]]:
    return {name: data.getlist(name) for name in data if name not in ("csrfmiddlewaretoken", "submit")}


def _as_query(answers: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in answers.items():
        data.setlist(name, values)
    return data


def _keep_answers(request, answers: dict[str, list[str]]) -> str:
    """Keep a page's answers under a new token, in place of any this page had waiting."""
    waiting = {
        token: kept for token, kept in request.session.get(ANSWERS_KEY, {}).items() if kept["path"] != request.path
    }
    token = secrets.token_urlsafe(24)
    waiting[token] = {"path": request.path, "answers": answers}
    request.session[ANSWERS_KEY] = dict(list(waiting.items())[-ANSWERS_KEPT:])
    return token


def _waiting_answers(request, token: str, *, take: bool) -> dict[str, list[str]]:
    """The answers this page keeps under `token` (taken, when they are to be confirmed); AnswersGone if none."""
    waiting = request.session.get(ANSWERS_KEY, {})
    kept = waiting.get(token) if isinstance(token, str) else None
    if not kept or kept["path"] != request.path:
        raise AnswersGone(token)
    if take:
        del waiting[token]
        request.session[ANSWERS_KEY] = waiting
    return kept["answers"]


@dataclass
class Submitted:
    """What `submit_page_form` made of a request: the form to show, the service's result once it ran
    (not None: saved), or the check page to show."""

    form: object
    result: object = None
    check: CheckAnswers | None = None


def submit_page_form(
    request,
    make_form: Callable[[QueryDict | None], object],
    run: Callable[[object], object],
    *,
    state_reason: Callable[[str], str],
    confirm: Confirm | None = None,
    record=None,
    what: str = "",
) -> Submitted:
    """A page's form and its service, with a check page between them when the page declares `confirm`.

    `make_form(data)` builds the form; `run(form)` runs the service with its answers. Without `confirm`,
    a POST runs the service (`run_for_page`). With it, a POST of the form runs the service rolled back
    (the same dry run that shows every error at once): errors go on the form, else the answers are kept
    under a token and the check page is shown, nothing saved. The check page's POST (the token only)
    takes the answers and runs the service for real; a GET with `?change=<token>` is the form filled with
    them. An unknown token raises AnswersGone; a refusal (the state moved on meanwhile) PageRefusal.
    `what` is the action in words, for the check page's heading ("Sign off the review").
    """
    if confirm is None:
        form = make_form(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            result, _ = run_for_page(lambda: run(form), form, state_reason=state_reason)
            return Submitted(form, result)
        return Submitted(form)
    if request.method != "POST":
        token = request.GET.get(CHANGE_PARAMETER)
        form = make_form(_as_query(_waiting_answers(request, token, take=False)) if token else None)
        continue_button(form)
        return Submitted(form)
    if ANSWERS_FIELD in request.POST:
        form = make_form(_as_query(_waiting_answers(request, request.POST[ANSWERS_FIELD], take=True)))
        continue_button(form)
        result, _ = run_for_page(lambda: run(form), form, state_reason=state_reason)
        return Submitted(form, result)
    form = make_form(request.POST)
    continue_button(form)
    accepted, _ = run_for_page(lambda: run(form), form, state_reason=state_reason, rolled_back=True)
    if accepted is None:
        return Submitted(form)
    token = _keep_answers(request, _posted(request.POST))
    change_url = f"{request.path}?{CHANGE_PARAMETER}={token}"
    check = CheckAnswers(
        heading=f"Check your answers before you {lower_first(what)}" if what else "Check your answers",
        token=token,
        answers=_answers(form, change_url),
        warning=confirm.warning_for(record),
        button=f"Confirm and {confirm.action}",
        red=confirm.red,
        change_url=change_url,
    )
    return Submitted(form, check=check)


def _no_context(record, name: str, page: TransitionPage, form) -> dict:
    return {}


@dataclass(frozen=True)
class TransitionPages:
    """One kind of record's transition pages, served by `transition_view`.

    `record` names it: the template's variable and the service's `<record>_id`. `fetch(user,
    public_id)` is the selector that finds it in the user's scope (404 otherwise); `back(record)`
    is its page, where a refusal and a success return. `done_url(result, name)`, when given, is
    where a success goes instead; `context(record, name, page, form)` is what else the template shows.
    """

    record: str
    pages: dict[str, TransitionPage]
    fetch: Callable
    template: str
    back: Callable[[object], str]
    action_words: Callable[[str], str]
    state_reason: Callable[[str], str]
    done_url: Callable[[object, str], str] | None = None
    context: Callable[..., dict] = _no_context


def transition_view(transitions: TransitionPages):
    """The view of `<record>/<public_id>/<name>/`: the page of the transition `name` of one record."""

    @require_http_methods(["GET", "POST"])
    def view(request, public_id, name: str):
        page = transitions.pages.get(name)
        if page is None:
            raise Http404("No such transition")
        record = transitions.fetch(request.user, public_id)
        action = transitions.action_words(name)
        state_reason = transitions.state_reason
        try:
            check_transition(request.user, record, name, action=action, state_reason=state_reason)
            submitted = submit_page_form(
                request,
                lambda data: page.form(data, record=record, **page.form_kwargs(request, record)),
                lambda form: page.run(actor=request.user, **{f"{transitions.record}_id": record.pk}, **form.payload()),
                state_reason=state_reason,
                confirm=page.confirm,
                record=record,
                what=action,
            )
            result = submitted.result
            if result is not None:
                messages.success(request, page.done(result))
                done_url = transitions.done_url
                return redirect(done_url(result, name) if done_url else transitions.back(record))
        except PageRefusal as refusal:
            messages.error(request, f"You cannot {action.lower()} now: {'; '.join(refusal.reasons)}.")
            return redirect(transitions.back(record))
        except AnswersGone:
            messages.error(request, f"{ANSWERS_GONE}.")
            return redirect(request.path)
        form = submitted.form
        access_record(request=request, record=record)  # the page shows the record: one access event
        intro = page.intro_for(record)
        context = {
            transitions.record: record,
            "form": form,
            "name": name,
            "title": action,
            "intro": intro,
            "check": submitted.check,
        }
        return render(request, transitions.template, {**context, **transitions.context(record, name, page, form)})

    return view
