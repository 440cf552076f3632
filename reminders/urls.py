from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("waiting/", views.waiting, name="waiting"),
    path("settings/", views.reminder_settings, name="settings"),
    path("settings/calendar/new/", views.calendar_create, name="calendar_create"),
    path("settings/calendar/turn-off/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
