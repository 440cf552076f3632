from django.urls import path

from . import statistics_views, views

app_name = "reports"

urlpatterns = [
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("pdf/case/<uuid:public_id>/", views.case_pdf, name="case_pdf"),
    path("pdf/submission/<uuid:public_id>/", views.submission_pdf, name="submission_pdf"),
    path("pdf/board/", views.board_pdf, name="board_pdf"),
    path("pdf/statistics/", views.national_pdf, name="national_pdf"),
    path("board/", views.board_report, name="board_report"),
    path("jobs/<uuid:public_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:public_id>/download/", views.job_download, name="job_download"),
    path("exports/<slug:name>.<slug:fmt>", views.export, name="export"),
]
