from django.urls import path

from . import views

app_name = "panel"

urlpatterns = [
    path("submissions/", views.submission_list, name="submissions"),
    path("submissions/<uuid:public_id>/", views.submission_detail, name="submission"),
    path("submissions/<uuid:public_id>/covering-note/", views.submission_note, name="note"),
    path("submissions/<uuid:public_id>/submit/", views.submission_check, name="check"),
    path("submissions/<uuid:public_id>/correct/", views.submission_correct_page, name="correct"),
    path("submissions/<uuid:public_id>/<slug:name>/", views.submission_transition, name="transition"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<uuid:public_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:public_id>/withdraw/", views.meeting_withdraw, name="meeting_withdraw"),
]
