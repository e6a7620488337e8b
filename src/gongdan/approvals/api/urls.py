from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ApprovalViewSet, TicketApprovalListView

router = SimpleRouter()
router.register('approvals', ApprovalViewSet, basename='api-approval')

urlpatterns = [
    path('tickets/<int:pk>/approvals/', TicketApprovalListView.as_view(), name='api-ticket-approvals'),
    *router.urls,
]
