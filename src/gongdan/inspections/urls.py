"""Staff pages of inspections (SVC-11)."""

from django.urls import path

from . import views

app_name = 'inspections'
urlpatterns = [
    path('', views.plan_list, name='plan_list'),
    path('daily/', views.daily_report, name='daily_report'),
    path('tickets/<str:number>/', views.ticket_inspection, name='ticket_inspection'),
]
