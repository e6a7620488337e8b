from django.urls import path

from . import views

app_name = 'notifications'
urlpatterns = [
    path('', views.notification_list, name='list'),
    path('bell/', views.bell, name='bell'),
    path('read-all/', views.notification_read_all, name='read_all'),
    path('<int:pk>/read/', views.notification_read, name='read'),
    path('preferences/', views.preferences, name='preferences'),
    path('deliveries/', views.delivery_list, name='deliveries'),
    path('deliveries/<int:pk>/retry/', views.delivery_retry, name='delivery_retry'),
]
