"""Staff pages of the response center: the resource-check ledger (CRC-04) and the circuit ledger (CRC-05)."""

from django.urls import path

from . import views

app_name = 'crc'
urlpatterns = [
    path('resource-checks/', views.resource_check_ledger, name='resource_check_ledger'),
    path('circuits/', views.circuit_ledger, name='circuit_ledger'),
]
