"""Error pages in the service's own style, without any case content; the API's in JSON."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


# Every path under it is the JSON API's (scr_tracker/urls.py), matched or not.
API_PREFIX = "/api/"


def page_not_found(request, exception=None):
    if request.path_info.startswith(API_PREFIX):
        # A path no API route matches (a malformed id, an unknown record kind): the API's own 404,
        # as a record out of reach gets it (`scr_tracker.api.RecordDetailApi.fetch`).
        return JsonResponse({"detail": "Not found"}, status=404, json_dumps_params={"separators": (",", ":")})
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: the database may be the thing that failed.
    return HttpResponseServerError(get_template("errors/500.html").render({"service_name": "SCR Tracker"}))
