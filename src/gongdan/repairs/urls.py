"""Agent routes of the repair work order (SD-04, SD-05)."""

from django.urls import path

from . import views

app_name = 'repairs'

urlpatterns = [
    path('tickets/<str:number>/work-order/', views.work_order_card, name='work_order_card'),
    path('tickets/<str:number>/work-order/sign/', views.work_order_sign, name='work_order_sign'),
]
