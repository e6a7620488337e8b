from rest_framework.routers import SimpleRouter

from .views import TicketViewSet

router = SimpleRouter()
router.register('tickets', TicketViewSet, basename='api-ticket')

urlpatterns = router.urls
