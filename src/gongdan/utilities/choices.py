"""ChoiceSet: slug values, translated labels and colours in one declaration (NetBox's pattern)."""

from django.db import models


class ChoiceSet(models.TextChoices):
    """Text choices whose members may carry a Tabler colour name via ``COLORS``."""

    @classmethod
    def color(cls, value: str) -> str:
        colors = getattr(cls, '_colors', None) or {}
        return colors.get(value, 'secondary')
