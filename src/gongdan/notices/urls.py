"""Pages of service notices (SD-01)."""

from django.urls import path

from . import views

app_name = 'notices'
urlpatterns = [
    path('notices/', views.notice_list, name='list'),
    path('notices/new/', views.notice_edit, name='create'),
    path('notices/banner/', views.banner, name='banner'),
    path('notices/<int:pk>/', views.notice, name='notice'),
    path('notices/<int:pk>/edit/', views.notice_edit, name='edit'),
    path('notices/<int:pk>/withdraw/', views.notice_withdraw, name='withdraw'),
]
