from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CallbackViewSet, CampaignViewSet, SatisfactionView, TicketCallbackPlanView

router = SimpleRouter()
router.register('callbacks', CallbackViewSet, basename='api-callback')
router.register('callback-campaigns', CampaignViewSet, basename='api-callback-campaign')

urlpatterns = [
    path('tickets/<int:pk>/callback-plan/', TicketCallbackPlanView.as_view(), name='api-ticket-callback-plan'),
    path('callback-satisfaction/', SatisfactionView.as_view(), name='api-callback-satisfaction'),
    *router.urls,
]
