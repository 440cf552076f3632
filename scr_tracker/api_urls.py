from django.urls import path  # noqa: F401 - filled in by the pages and API work

app_name = "api"

urlpatterns: list = []
