"""Staff pages of complaints (SVC-10): daily summaries and the periodic report."""

from django.urls import path

from . import views

app_name = 'complaints'
urlpatterns = [
    path('summaries/', views.summary_list, name='summary_list'),
    path('summaries/<int:pk>/', views.summary_detail, name='summary_detail'),
    path('report/', views.report, name='report'),
]
