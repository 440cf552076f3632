"""The JSON API, `/api/v1/` (SPEC §8). Records are addressed by opaque public ids."""

from django.urls import path

from incidents.api import TRANSITION_APIS, IncidentDetailApi, IncidentListApi, transition_view
from panel import api as panel_api
from people import api as people_api
from publication import api as publication_api
from reports.statistics_api import NationalStatisticsApi
from reviews.api import actions as action_api
from reviews.api import contributions as contribution_api
from reviews.api import recommendations as recommendation_api
from reviews.api import reviews as review_api
from reviews.api.decisions import DecisionDetailApi, DecisionListApi
from scr_tracker.api import SchemaApi

app_name = "api"

urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("statistics/national/", NationalStatisticsApi.as_view(), name="statistics-national"),
    path("boards/", people_api.BoardListApi.as_view(), name="board-list"),
    path("boards/<uuid:public_id>/", people_api.BoardDetailApi.as_view(), name="board-detail"),
    path("users/", people_api.UserListApi.as_view(), name="user-list"),
    path("users/<uuid:public_id>/", people_api.UserDetailApi.as_view(), name="user-detail"),
    path("users/<uuid:public_id>/invitation/", people_api.UserInvitationApi.as_view(), name="user-invitation"),
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
    path("reviews/", review_api.ReviewListApi.as_view(), name="review-list"),
    path("reviews/<uuid:public_id>/", review_api.ReviewDetailApi.as_view(), name="review-detail"),
    *(
        path(
            f"reviews/<uuid:public_id>/transitions/{name}/",
            review_api.transition_view(name),
            name=f"review-{name}",
        )
        for name in review_api.TRANSITION_APIS
    ),
    path("contributions/", contribution_api.ContributionListApi.as_view(), name="contribution-list"),
    path(
        "contributions/<uuid:public_id>/", contribution_api.ContributionDetailApi.as_view(), name="contribution-detail"
    ),
    path(
        "contributions/<uuid:public_id>/received/",
        contribution_api.ContributionReceivedApi.as_view(),
        name="contribution-received",
    ),
    path("recommendations/", recommendation_api.RecommendationListApi.as_view(), name="recommendation-list"),
    path(
        "recommendations/<uuid:public_id>/",
        recommendation_api.RecommendationDetailApi.as_view(),
        name="recommendation-detail",
    ),
    path("actions/", action_api.ActionListApi.as_view(), name="action-list"),
    path("actions/<uuid:public_id>/", action_api.ActionDetailApi.as_view(), name="action-detail"),
    *(
        path(
            f"actions/<uuid:public_id>/transitions/{name}/",
            action_api.transition_view(name),
            name=f"action-{name}",
        )
        for name in action_api.TRANSITION_APIS
    ),
    path("publications/", publication_api.PublicationListApi.as_view(), name="publication-list"),
    path("publications/<uuid:public_id>/", publication_api.PublicationDetailApi.as_view(), name="publication-detail"),
    *(
        path(
            f"publications/<uuid:public_id>/transitions/{name}/",
            publication_api.transition_view(name),
            name=f"publication-{name}",
        )
        for name in publication_api.TRANSITION_APIS
    ),
]
