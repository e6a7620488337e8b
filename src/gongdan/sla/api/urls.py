from django.urls import path

from .views import TicketClockListView

urlpatterns = [
    path('tickets/<int:pk>/clocks/', TicketClockListView.as_view(), name='api-ticket-clocks'),
]
