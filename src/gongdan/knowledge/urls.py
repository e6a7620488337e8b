"""Agent and customer pages of the knowledge base (SD-06, SVC-12)."""

from django.urls import path

from . import views

app_name = 'knowledge'

urlpatterns = [
    path('knowledge/', views.article_list, name='article_list'),
    path('knowledge/new/', views.article_create, name='article_create'),
    path('knowledge/<int:pk>/', views.article_detail, name='article'),
    path('knowledge/<int:pk>/edit/', views.article_edit, name='article_edit'),
    path('knowledge/<int:pk>/publish/', views.article_publish, name='article_publish'),
    path('tickets/<str:number>/knowledge/', views.draft_from_ticket, name='draft_from_ticket'),
]
