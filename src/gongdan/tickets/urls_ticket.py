"""The ticket page and everything done from it, the intake form, attachments and the process diagram page."""

from django.urls import path

from . import views_ticket as views

urlpatterns = [
    path('tickets/new/', views.ticket_create_choose, name='ticket_create_choose'),
    path('tickets/new/<slug:process_key>/', views.ticket_create, name='ticket_create'),
    path('tickets/new/<slug:process_key>/contacts/', views.contact_options, name='contact_options'),
    path('tickets/<str:number>/', views.ticket_detail, name='ticket'),
    path('tickets/<str:number>/actions/<slug:key>/', views.ticket_action, name='ticket_action'),
    path('tickets/<str:number>/comments/', views.ticket_comment, name='ticket_comment'),
    path('tickets/<str:number>/attachments/', views.ticket_attachment_upload, name='ticket_attachment_upload'),
    path('tickets/<str:number>/assign/', views.ticket_assign, name='ticket_assign'),
    path('tickets/<str:number>/watch/', views.ticket_watch, name='ticket_watch'),
    path('tickets/<str:number>/approvals/<int:pk>/', views.ticket_approval, name='ticket_approval'),
    path('attachments/<int:pk>/', views.attachment_download, name='attachment_download'),
    path('processes/<slug:key>/', views.process_diagram, name='process_diagram'),
]
