"""Agent work surfaces: the "my work" dashboard and the ticket queue with saved views and bulk assignment."""

from django.urls import path

from . import views_queue

urlpatterns = [
    path('', views_queue.dashboard, name='dashboard'),
    path('tickets/', views_queue.ticket_list, name='ticket_list'),
    path('tickets/views/save/', views_queue.saved_view_save, name='saved_view_save'),
    path('tickets/views/<int:pk>/delete/', views_queue.saved_view_delete, name='saved_view_delete'),
    path('tickets/bulk-assign/', views_queue.bulk_assign, name='ticket_bulk_assign'),
]
