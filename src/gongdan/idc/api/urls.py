from rest_framework.routers import SimpleRouter

from .views import AllocationViewSet, DeviceViewSet, PortViewSet, PrefixViewSet, RackViewSet

router = SimpleRouter()
router.register('idc/racks', RackViewSet, basename='api-idc-rack')
router.register('idc/prefixes', PrefixViewSet, basename='api-idc-prefix')
router.register('idc/devices', DeviceViewSet, basename='api-idc-device')
router.register('idc/ports', PortViewSet, basename='api-idc-port')
router.register('idc/allocations', AllocationViewSet, basename='api-idc-allocation')

urlpatterns = router.urls
