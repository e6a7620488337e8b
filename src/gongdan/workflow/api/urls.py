from rest_framework.routers import SimpleRouter

from .views import ProcessViewSet

router = SimpleRouter()
router.register('processes', ProcessViewSet, basename='api-process')

urlpatterns = router.urls
