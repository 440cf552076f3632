from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.<slug:fmt>", views.template_download, name="template"),
    path("columns/", views.column_guide, name="columns"),
    path("<uuid:public_id>/", views.run_detail, name="run"),
    path("<uuid:public_id>/confirm/", views.run_confirm, name="confirm"),
]
