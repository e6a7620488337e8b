from django.urls import path

from .views import CheckFormAnswerView, CheckFormListView, CircuitListView, TicketCheckFormsView, TicketExtensionsView

urlpatterns = [
    path('tickets/<int:pk>/check-forms/', TicketCheckFormsView.as_view(), name='api-ticket-check-forms'),
    path('crc/check-forms/', CheckFormListView.as_view(), name='api-crc-check-form-list'),
    path('crc/check-forms/<int:pk>/answer/', CheckFormAnswerView.as_view(), name='api-crc-check-form-answer'),
    path('tickets/<int:pk>/extensions/', TicketExtensionsView.as_view(), name='api-ticket-extensions'),
    path('crc/circuits/', CircuitListView.as_view(), name='api-crc-circuit-list'),
]
