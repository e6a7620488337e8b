"""Processes and their versions, loaded from processes/*.yaml.

A ticket keeps the ``ProcessVersion`` it was created with, so a changed file never strands or silently
changes open tickets: they finish on the version they started on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .schema import ProcessDef


class Process(models.Model):
    """A ticket type (工单类型), e.g. ``sd_event`` or ``idc_visit``; its shape lives in its current version."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    title = models.CharField(_('title'), max_length=100)
    prefix = models.CharField(_('number prefix'), max_length=8, unique=True)
    current_version = models.ForeignKey(
        'ProcessVersion', verbose_name=_('current version'), null=True, on_delete=models.PROTECT, related_name='+'
    )
    is_active = models.BooleanField(
        _('active'), default=True, help_text=_('Inactive processes keep their tickets but accept no new ones.')
    )
    # SVC-07: a restricted process's tickets are seen only by the roles and relations its file names
    # (``visibility:``), whatever the viewer's ticket scope. Copied from the current version by do_sync_processes so
    # that tickets.queries.visible_tickets() stays one SQL query; keys are stored as ``',a,b,'`` and matched with
    # ``__contains=',a,'`` (works the same on SQLite and PostgreSQL).
    restricted = models.BooleanField(_('restricted visibility'), default=False)
    visibility_roles = models.CharField(_('roles that see every ticket'), max_length=500, blank=True, default='')
    visibility_relations = models.CharField(
        _('relations that see their tickets'), max_length=200, blank=True, default=''
    )

    class Meta:
        ordering = ['key']
        verbose_name = _('process')
        verbose_name_plural = _('processes')

    def __str__(self):
        return self.title


class ProcessVersion(models.Model):
    """One loaded version of a process file: its source text, digest and validated definition."""

    process = models.ForeignKey(Process, verbose_name=_('process'), on_delete=models.CASCADE, related_name='versions')
    number = models.PositiveIntegerField(_('version'))
    digest = models.CharField(_('SHA-256 of the file'), max_length=64)
    source = models.TextField(_('source'))
    definition = models.JSONField(_('definition'))
    loaded_at = models.DateTimeField(_('loaded'), auto_now_add=True)

    class Meta:
        ordering = ['process', '-number']
        verbose_name = _('process version')
        verbose_name_plural = _('process versions')
        constraints = [
            models.UniqueConstraint(fields=['process', 'number'], name='workflow_version_number_unique'),
            models.UniqueConstraint(fields=['process', 'digest'], name='workflow_version_digest_unique'),
        ]

    def __str__(self):
        return f'{self.process.key} v{self.number}'

    @property
    def spec(self) -> ProcessDef:
        """The validated definition (parsed once per version per process; versions never change)."""
        cached = _SPECS.get((self.pk, self.digest))
        if cached is not None:
            # Lists may defer ``definition``: a cached version then needs neither the query nor the JSON decode.
            return cached
        return _spec(self.pk, self.digest, self.definition)


_SPECS: dict[tuple[int, str], ProcessDef] = {}


def _spec(pk: int, digest: str, definition: dict) -> ProcessDef:
    # Versions are immutable, so (pk, digest) identifies the parsed definition for the life of the process.
    key = (pk, digest)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = ProcessDef.model_validate(definition)
    return spec
