"""The transition pages: one view, configured per kind of record (`TransitionPages`), and what
it shares with the other pages that run a transition: who may open it, and running its service.

A role that may never run the transition gets the 403 page (the record is in scope, so its
existence is known); a state or rule that does not allow it now is a `PageRefusal`, which the
view turns into a redirect with the reasons; the service's field errors go onto the form.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from scr_tracker.forms import add_service_errors, add_service_errors_for_parsed
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
class TransitionPage:
    """One transition's page: its form, the service it runs, the success message and an introduction.
    `form_kwargs(request, record)` is what else its form is given (the meetings to choose from).
    `intro` is words, or a function of the record for words that follow its case's regime."""

    form: type
    run: Callable
    done: Callable[[object], str]
    intro: str | Callable[[object], str] = ""
    form_kwargs: Callable[..., dict] = field(default=lambda request, record: {})

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


def run_for_page(run: Callable[[], object], form, *, state_reason: Callable[[str], str], keep: tuple[str, ...] = ()):
    """Run a service for a page's submitted `form`. Its field errors go onto `form` and None is returned
    (nothing was saved); errors named in `keep` are returned to the caller instead as `(None, {name: messages})`.
    A form with field errors is not saved, and shows with them what the service says of the fields that
    parsed (a date out of order), all in one submission. A refusal in a race becomes a PageRefusal; a role
    refusal the 403 page."""
    if not form.is_valid():
        add_service_errors_for_parsed(form, run, keep=keep)
        return None, {}
    try:
        return run(), {}
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
            form = page.form(
                request.POST if request.method == "POST" else None,
                record=record,
                **page.form_kwargs(request, record),
            )
            if request.method == "POST":
                result, _ = run_for_page(
                    lambda: page.run(actor=request.user, **{f"{transitions.record}_id": record.pk}, **form.payload()),
                    form,
                    state_reason=state_reason,
                )
                if result is not None:
                    messages.success(request, page.done(result))
                    done_url = transitions.done_url
                    return redirect(done_url(result, name) if done_url else transitions.back(record))
        except PageRefusal as refusal:
            messages.error(request, f"You cannot {action.lower()} now: {'; '.join(refusal.reasons)}.")
            return redirect(transitions.back(record))
        intro = page.intro_for(record)
        context = {transitions.record: record, "form": form, "name": name, "title": action, "intro": intro}
        return render(request, transitions.template, {**context, **transitions.context(record, name, page, form)})

    return view
