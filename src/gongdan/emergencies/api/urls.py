from django.urls import path

from .views import (
    EmergencyListView,
    PagingContactDetailView,
    PagingContactListView,
    TicketEmergencyDecideView,
    TicketEmergencyView,
)

urlpatterns = [
    path('tickets/<int:pk>/emergency/', TicketEmergencyView.as_view(), name='api-ticket-emergency'),
    path('tickets/<int:pk>/emergency/decide/', TicketEmergencyDecideView.as_view(), name='api-ticket-emergency-decide'),
    path('emergencies/', EmergencyListView.as_view(), name='api-emergency-list'),
    path('paging-contacts/', PagingContactListView.as_view(), name='api-paging-contact-list'),
    path('paging-contacts/<int:pk>/', PagingContactDetailView.as_view(), name='api-paging-contact-detail'),
]
