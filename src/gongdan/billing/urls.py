"""Finance pages of the billing app (staff only; customers get 404)."""

from django.urls import path

from . import views

app_name = 'billing'
urlpatterns = [
    path('billing/', views.account_list, name='account_list'),
    path('billing/customers/<int:pk>/', views.account, name='account'),
    path('billing/customers/<int:pk>/payments/new/', views.payment_create, name='payment_create'),
    path('billing/customers/<int:pk>/invoices/new/', views.invoice_create, name='invoice_create'),
    path('billing/invoices/<int:pk>/courier/', views.invoice_courier, name='invoice_courier'),
    path('billing/notices/<int:pk>/pdf/', views.notice_pdf, name='notice_pdf'),
    path('billing/run/', views.billing_run, name='run'),
    path('billing/receivables.xlsx', views.receivables_export, name='receivables_export'),
    path('billing/revenue/', views.revenue, name='revenue'),
    path('billing/revenue.xlsx', views.revenue_export, name='revenue_export'),
]
