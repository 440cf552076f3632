"""Error pages in the service's own style, without any case content; the API's in JSON."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template

# What a lost database raises (SECURITY row 19): the server is down or restarting, the connection was
# cut, or it could not be opened. psycopg's own errors reach views wrapped as these.
DATABASE_LOST = (OperationalError, InterfaceError)
# When a client may try again: a restart or a failover takes about this long.
RETRY_AFTER_SECONDS = 30
# Every path under it is the JSON API's (scr_tracker/urls.py), matched or not.
API_PREFIX = "/api/"
UNAVAILABLE = "The service is unavailable. Try again later."


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if request.path_info.startswith(API_PREFIX):
        # A path no API route matches (a malformed id, an unknown record kind): the API's own 404,
        # as a record out of reach gets it (`scr_tracker.api.RecordDetailApi.fetch`).
        return JsonResponse({"detail": "Not found"}, status=404, json_dumps_params={"separators": (",", ":")})
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """Django's handler500. It is called inside Django's `except` of the request's unhandled exception
    (django.core.handlers.exception.response_for_exception), wherever it was raised: a view, a middleware
    loading the session or the user, a template. A lost database answers 503, not 500."""
    if isinstance(sys.exc_info()[1], DATABASE_LOST):
        return database_unavailable(request)
    # No request context: the database may be the thing that failed.
    return HttpResponseServerError(get_template("errors/500.html").render({"service_name": "SCR Tracker"}))


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: the service's page, or `{"detail": ...}` for the API. Neither says why in
    more words than that (no traceback, no SQL). Django's request logger records the exception once, at
    error level, as it does every unhandled one. Nothing was half-written: every write is in a transaction,
    which PostgreSQL rolls back when its connection is lost."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        # No request context, as for the 500 page: its processors read the user from the database.
        response = HttpResponse(get_template("errors/503.html").render({"service_name": "SCR Tracker"}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.database_lost = True
    return response


class DatabaseLostMiddleware:
    """Right inside SessionMiddleware: after a lost database's 503 the session is not touched again.

    With SESSION_SAVE_EVERY_REQUEST, SessionMiddleware reads the session once more on the way out (its
    expiry) before it skips saving a 5xx: a session whose load failed would be loaded again, fail again,
    and the request would be logged twice. Without `request.session` SessionMiddleware leaves the response
    as it is: the cookie stays, nothing is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "database_lost", False) and hasattr(request, "session"):
            del request.session
        return response
