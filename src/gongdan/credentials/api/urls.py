from rest_framework.routers import SimpleRouter

from .views import GrantViewSet, SystemViewSet

router = SimpleRouter()
router.register('credentials/systems', SystemViewSet, basename='api-credential-system')
router.register('credentials/grants', GrantViewSet, basename='api-credential-grant')

urlpatterns = router.urls
