from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SegmentSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    counted_seconds = serializers.IntegerField(help_text='Seconds that counted towards the target in this run')
    periods = serializers.SerializerMethodField(help_text='The working periods that counted (first 12)')
    more_periods = serializers.IntegerField()

    def get_periods(self, segment) -> list[dict]:
        return [{'start': a.isoformat(), 'end': b.isoformat()} for a, b in segment.periods]


class ClockLogSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    cycle = serializers.IntegerField()
    deadline = serializers.DateTimeField(allow_null=True)
    detail = serializers.JSONField()


class ClockSerializer(serializers.Serializer):
    key = serializers.CharField(source='clock.key')
    title = serializers.CharField(source='clock.title')
    title_en = serializers.CharField(source='clock.title_en')
    status = serializers.CharField(source='clock.status', help_text='running, paused or stopped')
    outcome = serializers.CharField(source='clock.outcome', help_text='"", met or breached')
    tone = serializers.CharField(help_text='running, near, breached, paused or met (the badge colour)')
    basis = serializers.CharField(source='clock.basis', help_text='wall or working time')
    calendar = serializers.SerializerMethodField()
    target = serializers.CharField(source='clock.target_label')
    target_seconds = serializers.IntegerField(source='clock.target_seconds')
    cycle = serializers.IntegerField(source='clock.cycle')
    started_at = serializers.DateTimeField(source='clock.started_at')
    deadline = serializers.DateTimeField(source='clock.deadline', allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True)
    paused_seconds = serializers.IntegerField(source='clock.paused_seconds')
    breached_at = serializers.DateTimeField(source='clock.breached_at', allow_null=True)
    breaches = serializers.IntegerField(source='clock.breaches')
    stopped_at = serializers.DateTimeField(source='clock.stopped_at', allow_null=True)
    escalation_level = serializers.IntegerField(source='clock.escalation_level')
    verdict = serializers.CharField(
        source='explanation.verdict', help_text='One sentence: met, breached by how much, due in, paused'
    )
    history = ClockLogSerializer(many=True, source='explanation.lines')
    segments = SegmentSerializer(many=True, source='explanation.segments')

    def get_calendar(self, view) -> str | None:
        calendar = view.clock.calendar
        return calendar.key if calendar else None
