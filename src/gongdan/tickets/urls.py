from django.urls import path

from . import views

app_name = 'tickets'
urlpatterns = [
    path('', views.dashboard, name='dashboard'),
    path('tickets/<str:number>/', views.ticket_detail, name='ticket'),
]
