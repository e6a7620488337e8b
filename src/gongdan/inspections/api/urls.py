from django.urls import path

from .views import DailyReportView, PlanListView, TicketInspectionView

urlpatterns = [
    path('tickets/<int:pk>/inspection/', TicketInspectionView.as_view(), name='api-ticket-inspection'),
    path('inspections/plans/', PlanListView.as_view(), name='api-inspection-plan-list'),
    path('inspections/daily-report/', DailyReportView.as_view(), name='api-inspection-daily-report'),
]
