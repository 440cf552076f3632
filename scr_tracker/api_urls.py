"""The JSON API, `/api/v1/` (SPEC §8). Records are addressed by opaque public ids."""

from django.urls import path

from incidents.api import TRANSITION_APIS, IncidentDetailApi, IncidentListApi, transition_view
from panel import api as panel_api
from reviews.api import DecisionDetailApi, DecisionListApi
from scr_tracker.api import SchemaApi

app_name = "api"

urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("incidents/", IncidentListApi.as_view(), name="incident-list"),
    path("incidents/<uuid:public_id>/", IncidentDetailApi.as_view(), name="incident-detail"),
    *(
        # One route per transition, so the schema documents each payload; other names are 404.
        path(f"incidents/<uuid:public_id>/transitions/{name}/", transition_view(name), name=f"incident-{name}")
        for name in TRANSITION_APIS
    ),
    path("decisions/", DecisionListApi.as_view(), name="decision-list"),
    path("decisions/<uuid:public_id>/", DecisionDetailApi.as_view(), name="decision-detail"),
    path("submissions/", panel_api.SubmissionListApi.as_view(), name="submission-list"),
    path("submissions/<uuid:public_id>/", panel_api.SubmissionDetailApi.as_view(), name="submission-detail"),
    *(
        path(
            f"submissions/<uuid:public_id>/transitions/{name}/",
            panel_api.transition_view(name),
            name=f"submission-{name}",
        )
        for name in panel_api.TRANSITION_APIS
    ),
    path("meetings/", panel_api.MeetingListApi.as_view(), name="meeting-list"),
    path("meetings/<uuid:public_id>/", panel_api.MeetingDetailApi.as_view(), name="meeting-detail"),
]
