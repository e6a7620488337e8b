from rest_framework import serializers

from gongdan.tickets.api.serializers_edit import AttachmentSerializer


class WorkOrderSerializer(serializers.Serializer):
    """The work order of a ticket: the current PDF, the newest drawn signature, whether it is signed and by whom."""

    work_order = AttachmentSerializer(allow_null=True)
    signature = AttachmentSerializer(allow_null=True)
    signed = serializers.BooleanField()
    customer_signer = serializers.CharField(allow_blank=True)


class SignatureSerializer(serializers.Serializer):
    """``POST /tickets/{id}/work-order/signature/``: who signs and the pad's PNG, as a ``data:image/png;base64,``
    URL or plain base64 in ``image`` (JSON), or a PNG file in ``file`` (multipart)."""

    signer = serializers.CharField(max_length=50)
    image = serializers.CharField(required=False, allow_blank=True, default='')
    file = serializers.FileField(required=False, allow_null=True, default=None)
