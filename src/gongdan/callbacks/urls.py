"""Agent pages of callbacks (SVC-09, SD-05)."""

from django.urls import path

from . import views

app_name = 'callbacks'
urlpatterns = [
    path('callbacks/', views.task_list, name='task_list'),
    path('callbacks/<int:pk>/', views.callback, name='callback'),
    path('callbacks/<int:pk>/fail/', views.callback_fail, name='callback_fail'),
    path('callbacks/campaigns/', views.campaign_list, name='campaign_list'),
    path('callbacks/setting/', views.setting, name='setting'),
    path('callbacks/campaigns/<int:pk>/', views.campaign, name='campaign'),
    path('tickets/<str:number>/callback-plan/', views.ticket_plan, name='ticket_plan'),
]
