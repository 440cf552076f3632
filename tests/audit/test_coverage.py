"""SECURITY row 10's figure, "audit coverage X/Y endpoints": every URL the resolver knows is declared here,
as a route that shows or hands out case records and writes an access event for them (ACCESS_EVENT), a
route whose every success is a change that writes its own audit entry (CHANGE_ENTRY), or a route that
touches no case record, with the reason (NOT_CASE). A new URL without a declaration fails, and so does a
route declared in ACCESS_EVENT whose view calls none of the writers. What each writes is tested per
endpoint in tests/audit/test_endpoints.py (and, for the pages that wrote events before, beside them).

`test_audit_coverage_figure` prints the figure (run with `-s`)."""

import inspect

from django.urls import URLPattern, URLResolver, get_resolver

from scr_tracker.api import RecordDetailApi, RecordListApi
from tests.scr_tracker.test_access import ROUTES

ID = "<uuid:public_id>"

# Routes that show (or hand out as a file) case records and write one access event per record shown.
ACCESS_EVENT = {
    "": "view: the dashboard's cases, submissions, agenda and queue (accounts.signals.records_shown)",
    "cases/": "view: the case list, each case of the page",
    f"cases/{ID}/": "view: the case page",
    f"cases/{ID}/notes/new/": "view: the note page of a case",
    f"cases/{ID}/<slug:name>/": "view: a case's transition page",
    "panel/submissions/": "view: the submissions list, each of the page",
    f"panel/submissions/{ID}/": "view: the submission page",
    f"panel/submissions/{ID}/covering-note/": "view: the covering note page",
    f"panel/submissions/{ID}/submit/": "view: check your answers before sending",
    f"panel/submissions/{ID}/<slug:name>/": "view: a submission's transition page",
    f"panel/meetings/{ID}/": "view: each submission on the meeting's agenda",
    "reviews/": "view: the review list, each of the page",
    "reviews/actions/": "view: the action plan, each action of the page",
    f"reviews/actions/{ID}/<slug:name>/": "view: an action's transition page",
    f"reviews/{ID}/": "view: the review page",
    f"reviews/{ID}/terms/": "view: the review's terms page",
    f"reviews/{ID}/notes/new/": "view: the note page of a review",
    f"reviews/{ID}/<slug:name>/": "view: a review's transition page",
    f"documents/{ID}/": "download: a review's document",
    "publications/": "view: the publications list, each of the page",
    f"publications/{ID}/": "view: the publication page",
    f"publications/{ID}/<slug:name>/": "view: a publication's transition page",
    "notifications/waiting/": "view: each record waiting on someone",
    "notifications/calendar/<str:token>.ics": "view: each case and publication the feed names, as its owner",
    "reports/board/": "view: each review and decision the board's annual report names",
    f"reports/jobs/{ID}/download/": "download: a PDF of a case, submission or report",
    "reports/exports/<slug:name>.<slug:fmt>": "export: each row of the exported list",
    f"imports/{ID}/": "view: an import run's page",
    "api/v1/incidents/": "view: each incident of the page",
    f"api/v1/incidents/{ID}/": "view",
    "api/v1/decisions/": "view: each decision of the page",
    f"api/v1/decisions/{ID}/": "view",
    "api/v1/submissions/": "view: each submission of the page",
    f"api/v1/submissions/{ID}/": "view",
    "api/v1/meetings/": "view: each submission on the page's agendas",
    f"api/v1/meetings/{ID}/": "view: each submission on the meeting's agenda",
    "api/v1/reviews/": "view: each review of the page",
    f"api/v1/reviews/{ID}/": "view",
    "api/v1/contributions/": "view: each contribution of the page",
    f"api/v1/contributions/{ID}/": "view",
    "api/v1/recommendations/": "view: each recommendation of the page",
    f"api/v1/recommendations/{ID}/": "view",
    "api/v1/actions/": "view: each action of the page",
    f"api/v1/actions/{ID}/": "view",
    f"cases/{ID}/lead-officer/": "view: the lead officer form",
    f"cases/{ID}/correct/<slug:field>/": "view: a date correction form",
    f"reviews/contributions/{ID}/received/": "view: the contribution received form",
    f"reviews/recommendations/{ID}/actions/new/": "view: the new action form",
    f"reviews/{ID}/contributions/new/": "view: the contribution request form",
    f"reviews/{ID}/recommendations/new/": "view: the new recommendation form",
    f"reviews/correct/<slug:record>/{ID}/<slug:field>/": "view: a review record correction form",
    f"reviews/decisions/{ID}/correct/": "view: a decision correction form",
    f"reviews/contributions/{ID}/withdraw/": "view: a contribution withdrawal form",
    f"reviews/recommendations/{ID}/withdraw/": "view: a recommendation withdrawal form",
    f"documents/{ID}/withdraw/": "view: a document withdrawal form",
    f"panel/submissions/{ID}/correct/": "view: a submission correction form",
    f"publications/{ID}/record/": "view: the publication record form",
    f"publications/{ID}/plan/": "view: the publication plan form",
    f"publications/{ID}/correct/<slug:field>/": "view: a publication correction form",
    "documents/reviews/<uuid:review_id>/upload/": "view: the document upload form (the review)",
    "notifications/": "view: the record of each notification's clock",
    "api/v1/publications/": "view: each publication of the page",
    f"api/v1/publications/{ID}/": "view",
}

# Routes whose every answer follows a change that writes its own audit entry (the transition, the
# receipt, the import), in the change's transaction: POST only.
CHANGE_ENTRY = {
    "api/v1/contributions/<uuid:public_id>/received/": "an AuditEntry of the receipt",
    f"imports/{ID}/confirm/": "an AuditEntry for each event the import replays",
}
TRANSITION_API = ("api/v1/incidents/", "api/v1/submissions/", "api/v1/reviews/", "api/v1/actions/")
TRANSITION_API += ("api/v1/publications/",)

# Routes that touch no case record, and why.
NOT_CASE = {
    "admin/": "the admin shows boards and accounts only (accounts/admin.py), read by superusers",
    "api/v1/schema/": "the OpenAPI schema",
    "api/v1/statistics/national/": "aggregate figures, no case record",
    "api/v1/boards/": "boards",
    "api/v1/boards/<uuid:public_id>/": "a board",
    "api/v1/users/": "accounts",
    "api/v1/users/<uuid:public_id>/": "an account",
    "api/v1/users/<uuid:public_id>/invitation/": "an account's invitation",
    "cases/new/": "a SIN being typed: no record yet, the person's own answers in their session",
    "cases/new/check/": "the same, before it is saved (saving writes the notification's entry)",
    "cases/new/<slug:step>/": "the same",
    "panel/meetings/": "meeting dates and the number of submissions on each agenda",
    f"panel/meetings/{ID}/withdraw/": "withdrawing a meeting with nothing on its agenda",
    "notifications/read/": "marks the person's notifications read",
    "notifications/settings/": "the person's reminder choices",
    "notifications/settings/calendar/new/": "making the person's calendar address",
    "notifications/settings/calendar/turn-off/": "revoking it",
    "reports/statistics/": "aggregate figures, no case record",
    f"reports/pdf/case/{ID}/": "queues a PDF (POST): its download is the access event",
    f"reports/pdf/submission/{ID}/": "the same",
    "reports/pdf/board/": "the same",
    "reports/pdf/statistics/": "aggregate figures",
    f"reports/jobs/{ID}/": "a PDF job's progress: its state and file name",
    "imports/": "the upload form (a run's page is the access event)",
    "imports/template.<slug:fmt>": "a blank spreadsheet",
    "imports/columns/": "the column guide",
    "sign-in/": "signing in (failures: audit.SignInFailure)",
    "sign-in/code/": "the same",
    "sign-in/passkey/begin/": "the passkey step of signing in (a passkey's use is its last-used date)",
    "sign-in/passkey/complete/": "the same",
    "account/passkeys/begin/": "adding a passkey to the person's own account (audited as an account change)",
    "account/passkeys/complete/": "the same",
    "account/passkeys/<int:pk>/name/": "naming one of the person's own passkeys (audited)",
    "account/passkeys/<int:pk>/remove/": "removing one (audited)",
    "account/passkeys/codes/": "the person's choice to keep codes as a way in (audited)",
    "sign-in/set-up-authenticator/": "the same",
    "sign-out/": "signing out",
    "signed-out/": "signed out",
    "password-reset/": "password reset",
    "password-reset/sent/": "the same",
    "password-reset/<uidb64>/<token>/": "the same",
    "password-reset/complete/": "the same",
    "invitation/authenticator/": "accepting an invitation",
    "invitation/<str:token>/": "the same",
    "account/": "the person's own account",
    "account/tokens/": "their API tokens",
    "account/tokens/<int:pk>/revoke/": "the same",
    "boards/": "boards",
    "boards/new/": "the same",
    "boards/<str:code>/": "the same",
    "boards/<str:code>/edit/": "the same",
    "boards/<str:code>/people/": "a board's people",
    "boards/<str:code>/people/invite/": "the same",
    "people/": "accounts",
    "people/invite/": "the same",
    "people/<int:pk>/role/": "the same",
    "people/<int:pk>/deactivate/": "the same",
    "people/<int:pk>/reactivate/": "the same",
    "people/<int:pk>/reinvite/": "the same",
}


def declared(route: str) -> list[str]:
    """The tables that declare the route."""
    found = [name for name, table in TABLES.items() if route in table]
    if route.startswith("admin/") and route not in NOT_CASE:  # the admin's own pages, under one entry
        found.append("NOT_CASE")
    if route.startswith(TRANSITION_API) and "/transitions/" in route:
        found.append("CHANGE_ENTRY")
    return found


TABLES = {"ACCESS_EVENT": ACCESS_EVENT, "CHANGE_ENTRY": CHANGE_ENTRY, "NOT_CASE": NOT_CASE}
NOT_CASE_EXACT = {"admin/login/": "only redirects to our sign-in"}
NOT_CASE.update(NOT_CASE_EXACT)


def test_every_route_is_declared_exactly_once():
    undeclared = [route for route in ROUTES if not declared(route)]
    twice = [route for route in ROUTES if len(declared(route)) > 1]
    assert not undeclared, f"Declare each new route in tests/audit/test_coverage.py: {undeclared}"
    assert not twice, f"Declared twice: {twice}"


def test_every_declaration_is_a_real_route():
    routes = set(ROUTES)
    for table in (ACCESS_EVENT, CHANGE_ENTRY):
        assert set(table) <= routes, set(table) - routes
    assert set(NOT_CASE) - {"admin/"} <= routes


def callbacks() -> dict[str, object]:
    found: dict[str, object] = {}

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.setdefault(prefix + str(entry.pattern), entry.callback)

    walk(get_resolver())
    return found


# What a view calls that writes access events: the services (`access_record`, `access_record_many`), the
# dashboard's signal, the shared note, transition, review form and withdrawal pages (`_page` of
# reviews.withdrawal_views, and the upload page; each calls `access_record`), and the exports' own bulk write.
WRITERS = (
    "access_record",
    "access_record_many",
    "records_shown",
    "note_page",
    "_form_page",
    "return _page(",
    "_document_upload(",  # reviews.document_views: the upload page, behind its size limit
    "record_exports",
)


def writes_access_events(callback) -> bool:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        if issubclass(view_class, (RecordListApi, RecordDetailApi)) and view_class.access_event:
            return True
        return any(writer in inspect.getsource(view_class) for writer in WRITERS)
    return any(writer in inspect.getsource(inspect.unwrap(callback)) for writer in WRITERS)


def test_each_route_declared_as_writing_access_events_calls_a_writer():
    views = callbacks()
    silent = [route for route in ACCESS_EVENT if not writes_access_events(views[route])]
    assert not silent, f"Declared as writing access events, but their views call no writer: {silent}"


def test_audit_coverage_figure(capsys):
    """The figure: the case-touching routes (those that show a case record, ACCESS_EVENT) whose views call
    a writer, over all of them. A route that shows case records but writes nothing cannot be declared
    here without failing `test_each_route_declared_as_writing_access_events_calls_a_writer`, and cannot
    stay undeclared; declaring it NOT_CASE takes a reason a reviewer can read."""
    views = callbacks()
    covered = sum(1 for route in ACCESS_EVENT if writes_access_events(views[route]))
    with capsys.disabled():
        print(f"\naudit coverage {covered}/{len(ACCESS_EVENT)} endpoints")
    assert covered == len(ACCESS_EVENT) == 63
