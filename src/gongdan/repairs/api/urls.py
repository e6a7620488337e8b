from django.urls import path

from .views import TicketSignatureView, TicketWorkOrderView

urlpatterns = [
    path('tickets/<int:pk>/work-order/', TicketWorkOrderView.as_view(), name='api-ticket-work-order'),
    path(
        'tickets/<int:pk>/work-order/signature/', TicketSignatureView.as_view(), name='api-ticket-work-order-signature'
    ),
]
