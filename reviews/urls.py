from django.urls import path

from . import correction_views, views, withdrawal_views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("actions/", views.action_plan, name="actions"),
    path("actions/<uuid:public_id>/<slug:name>/", views.action_transition, name="action_transition"),
    path("contributions/<uuid:public_id>/received/", views.contribution_receive, name="contribution_receive"),
    path("recommendations/<uuid:public_id>/actions/new/", views.action_add, name="action_add"),
    path("correct/<slug:record>/<uuid:public_id>/<slug:field>/", correction_views.record_correct_page, name="correct"),
    path("decisions/<uuid:public_id>/correct/", correction_views.decision_correct_page, name="correct_decision"),
    path(
        "contributions/<uuid:public_id>/withdraw/",
        withdrawal_views.contribution_withdraw,
        name="contribution_withdraw",
    ),
    path(
        "recommendations/<uuid:public_id>/withdraw/",
        withdrawal_views.recommendation_withdraw,
        name="recommendation_withdraw",
    ),
    path("<uuid:public_id>/", views.review_detail, name="review"),
    path("<uuid:public_id>/terms/", views.review_terms, name="terms"),
    path("<uuid:public_id>/contributions/new/", views.contribution_request, name="contribution_request"),
    path("<uuid:public_id>/recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path("<uuid:public_id>/notes/new/", views.review_note, name="note"),
    path("<uuid:public_id>/<slug:name>/", views.review_transition, name="transition"),
]
