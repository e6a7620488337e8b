"""Agent UI routes of the emergencies app (CSC-01, CSC-02, CSC-05)."""

from django.urls import path

from . import views

app_name = 'emergencies'

urlpatterns = [
    path('tickets/<str:number>/emergency/', views.ticket_emergency, name='ticket_emergency'),
    path('tickets/<str:number>/emergency/decide/', views.ticket_emergency_decide, name='ticket_emergency_decide'),
    path('emergencies/banner/', views.red_flag_banner, name='banner'),
    path('emergencies/contacts/', views.contact_list, name='contact_list'),
    path('emergencies/contacts/<int:pk>/', views.contact_edit, name='contact_edit'),
]
