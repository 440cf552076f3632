"""A review's documents: the upload page and the permission-checked download (no other way to the files)."""

from django.urls import path

from . import document_views, withdrawal_views

app_name = "documents"

urlpatterns = [
    path("reviews/<uuid:review_id>/upload/", document_views.document_upload, name="upload"),
    path("<uuid:public_id>/", document_views.document_download, name="download"),
    path("<uuid:public_id>/withdraw/", withdrawal_views.document_withdraw, name="withdraw"),
]
