"""Staff pages of the IDC inventory (idc/views.py)."""

from django.urls import path

from . import views, views_docs, views_provision

app_name = 'idc'
urlpatterns = [
    path('idc/', views.room_list, name='room_list'),
    path('idc/rooms/<int:pk>/', views.room_detail, name='room'),
    path('idc/racks/<int:pk>/', views.rack_detail, name='rack'),
    path('idc/prefixes/<int:pk>/', views.prefix_detail, name='prefix'),
    path('idc/devices/', views.device_list, name='device_list'),
    path('idc/import/', views.import_upload, name='import'),
    path('idc/tickets/<str:number>/capacity/', views_provision.ticket_capacity, name='ticket_capacity'),
    # IDC-11: a customer's IDC tickets and their documents (work orders, confirmations, authorizations)
    path('idc/customers/<int:pk>/documents/', views_docs.customer_documents, name='customer_documents'),
]
