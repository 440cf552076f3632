from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "SCR Tracker administration"
admin.site.site_title = "SCR Tracker administration"

urlpatterns = [
    # The admin has no sign-in of its own: everyone signs in with both factors through ours.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("scr_tracker.api_urls")),
    path("cases/", include("incidents.urls")),
    path("panel/", include("panel.urls")),
    path("reviews/", include("reviews.urls")),
    path("documents/", include("reviews.document_urls")),
    path("publications/", include("publication.urls")),
    path("notifications/", include("reminders.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    path("", include("accounts.urls")),
]

handler400 = "scr_tracker.errors.bad_request"
handler403 = "scr_tracker.errors.permission_denied"
handler404 = "scr_tracker.errors.page_not_found"
handler500 = "scr_tracker.errors.server_error"
