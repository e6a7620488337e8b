"""Choice sets of the knowledge base (SD-06)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    """SD-06: service knowledge is accumulated (drafts), updated and published."""

    DRAFT = 'draft', _('Draft')
    PUBLISHED = 'published', _('Published')


class ArticleCategory(models.TextChoices):
    """What the article is about: the four kinds of the service desk (SD-03) and the rest."""

    SOFTWARE = 'software', _('Software')
    MACHINE_ROOM = 'machine_room', _('Machine room')
    NETWORK = 'network', _('Communications network')
    AUTOMATION = 'automation', _('Automation')
    OTHER = 'other', _('Other')
