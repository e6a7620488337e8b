from django.urls import path

from . import views

urlpatterns = [
    path('tickets/<str:number>/', views.ticket_detail, name='ticket'),
]
