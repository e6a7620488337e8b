from rest_framework.routers import SimpleRouter

from .views import ContractViewSet, InvoiceViewSet, NoticeViewSet, PaymentViewSet

router = SimpleRouter()
router.register('billing/contracts', ContractViewSet, basename='api-billing-contract')
router.register('billing/notices', NoticeViewSet, basename='api-billing-notice')
router.register('billing/payments', PaymentViewSet, basename='api-billing-payment')
router.register('billing/invoices', InvoiceViewSet, basename='api-billing-invoice')

urlpatterns = router.urls
