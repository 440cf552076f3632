from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.sin_start, name="sin_start"),
    path("new/check/", views.sin_check, name="sin_check"),
    path("new/<slug:step>/", views.sin_step, name="sin_step"),
    path("<uuid:public_id>/", views.case_detail, name="case"),
    path("<uuid:public_id>/notes/new/", views.case_note, name="note"),
    path("<uuid:public_id>/lead-officer/", views.case_lead_officer, name="lead_officer"),
    path("<uuid:public_id>/<slug:name>/", views.case_transition, name="transition"),
    path("<uuid:public_id>/correct/<slug:field>/", views.case_correct, name="correct"),
]
