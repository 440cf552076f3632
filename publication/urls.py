from django.urls import path

from . import views

app_name = "publication"

urlpatterns = [
    path("", views.publication_list, name="list"),
    path("<uuid:public_id>/", views.publication_detail, name="publication"),
    path("<uuid:public_id>/record/", views.publication_record, name="record"),
    path("<uuid:public_id>/plan/", views.publication_plan, name="plan"),
    path("<uuid:public_id>/correct/<slug:field>/", views.publication_correct_page, name="correct"),
    path("<uuid:public_id>/<slug:name>/", views.publication_transition, name="transition"),
]
