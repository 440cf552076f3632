"""Error pages in the service's own style, without any case content."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: the database may be the thing that failed.
    return HttpResponseServerError(get_template("errors/500.html").render({"service_name": "SCR Tracker"}))
