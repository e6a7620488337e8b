"""The reports pages (read-only): the supervisor's wall, the KPI registry, the CRC-02 and SD-07 reports."""

from django.urls import path

from . import views

app_name = 'reports'
urlpatterns = [
    path('', views.wall, name='wall'),
    path('wall.json', views.wall_json, name='wall_json'),
    path('kpis/', views.kpi_list, name='kpis'),
    path('subscriptions/', views.subscriptions, name='subscriptions'),
    path('subscriptions/<int:pk>/unsubscribe/', views.unsubscribe, name='unsubscribe'),
    path('<slug:kind>/', views.report, name='report'),
]
