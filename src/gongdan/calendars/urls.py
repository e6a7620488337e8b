"""Staff pages of the calendars app (read-only; edits in the admin and with ``gongdan calendar``)."""

from django.urls import path

from . import views

app_name = 'calendars'
urlpatterns = [
    path('calendars/', views.calendar_list, name='calendar_list'),
    path('calendars/<slug:key>/', views.calendar_detail, name='calendar_detail'),
]
