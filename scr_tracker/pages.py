"""What every transition page shares: who may open it, and running its service from a form.

A role that may never run the transition gets the 403 page (the record is in scope, so its
existence is known); a state or rule that does not allow it now is a `PageRefusal`, which the
view turns into a redirect with the reasons; the service's field errors go onto the form.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from scr_tracker.forms import add_service_errors
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
    """One transition's page: its form, the service it runs, the success message and an introduction."""

    form: type
    run: Callable
    done: Callable[[object], str]
    intro: str = ""


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
    """Run a service for a page. Its field errors go onto `form` and None is returned (nothing was
    saved); errors named in `keep` are returned to the caller instead as `(None, {name: messages})`.
    A refusal in a race becomes a PageRefusal; a role refusal the 403 page."""
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
