"""Admin for working calendars (with their weekly pattern inline) and dated overrides.

Every write goes through calendars/actions.py (house style): ``save_model``/``save_related``/``delete_*`` call
the actions, which validate, bump the calendar's version and tell the SLA app to recompute open deadlines.
Times are edited as "09:00" text; "24:00" is the end of a day.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongdan.utilities.admin import ReadOnlyAdminMixin

from . import actions
from . import periods as period_text
from .models import Calendar, CalendarOverride, NationalDataYear, WorkingPeriod, format_minute
from .queries import national_coverage


def _minutes(text: str, *, end: bool) -> int:
    try:
        seconds = period_text.parse_time(text, allow_end_of_day=end)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if seconds % 60:
        raise ValidationError(gettext('Whole minutes only (HH:MM).'))
    return seconds // 60


class WorkingPeriodForm(forms.ModelForm):
    start = forms.CharField(label=_('start'), max_length=5, help_text=_('HH:MM'))
    end = forms.CharField(label=_('end'), max_length=5, help_text=_('HH:MM; 24:00 is the end of the day'))

    class Meta:
        model = WorkingPeriod
        fields = ('weekday',)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial['start'] = format_minute(self.instance.start_minute)
            self.initial['end'] = format_minute(self.instance.end_minute)

    def clean(self):
        data = super().clean()
        if 'start' in data and 'end' in data:
            data['start_minute'] = _minutes(data['start'], end=False)
            data['end_minute'] = _minutes(data['end'], end=True)
            if data['end_minute'] <= data['start_minute']:
                raise ValidationError({'end': gettext('The end must be after the start.')})
            # The model form checks the instance too; give it the parsed values.
            self.instance.start_minute, self.instance.end_minute = data['start_minute'], data['end_minute']
        return data


class WorkingPeriodFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        by_day: dict[int, list[tuple[str, str]]] = {}
        for form in self.forms:
            data = getattr(form, 'cleaned_data', None) or {}
            if data.get('DELETE') or 'start_minute' not in data or data.get('weekday') is None:
                continue
            by_day.setdefault(data['weekday'], []).append(
                (format_minute(data['start_minute']), format_minute(data['end_minute']))
            )
        for pairs in by_day.values():
            try:
                period_text.normalise(pairs)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    form = WorkingPeriodForm
    formset = WorkingPeriodFormSet
    extra = 0
    fields = ('weekday', 'start', 'end')


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ('key', 'name', 'time_zone', 'follows_national', 'is_active', 'version', 'updated_at')
    list_filter = ('follows_national', 'is_active')
    search_fields = ('key', 'name', 'name_en')
    readonly_fields = ('version', 'updated_at')
    fields = ('key', 'name', 'name_en', 'time_zone', 'follows_national', 'is_active', 'version', 'updated_at')
    inlines = [WorkingPeriodInline]

    def get_readonly_fields(self, request, obj=None):
        # The key is how processes, clocks and the CLI name a calendar: fixed once created.
        return (*self.readonly_fields, 'key') if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in actions.CALENDAR_FIELDS if f in form.cleaned_data}
        if change:
            saved = actions.do_update_calendar(obj, actor=request.user, **data)
        else:
            saved = actions.do_create_calendar(actor=request.user, key=form.cleaned_data['key'], **data)
        obj.pk, obj.version, obj.updated_at = saved.pk, saved.version, saved.updated_at

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            if formset.model is WorkingPeriod:
                periods = [
                    (f.cleaned_data['weekday'], f.cleaned_data['start_minute'], f.cleaned_data['end_minute'])
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get('DELETE')
                ]
                # The formset already refused overlaps; the action checks again and bumps the version.
                actions.do_set_working_periods(form.instance, periods, actor=request.user)
                # What formset.save() would have set; the admin's change message reads them.
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        actions.do_delete_calendar(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for calendar in queryset:
            actions.do_delete_calendar(calendar, actor=request.user)


class YearFilter(admin.SimpleListFilter):
    title = _('year')
    parameter_name = 'year'

    def lookups(self, request, model_admin):
        years = sorted({d.year for d in CalendarOverride.objects.dates('date', 'year')}, reverse=True)
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        return queryset.filter(date__year=int(self.value())) if self.value() and self.value().isdigit() else queryset


class CalendarOverrideForm(forms.ModelForm):
    periods_text = forms.CharField(
        label=_('working periods'),
        required=False,
        help_text=_('e.g. "09:00-12:00 13:00-18:00"; empty for a holiday, or for the usual weekday hours.'),
    )

    class Meta:
        model = CalendarOverride
        fields = ('calendar', 'date', 'kind', 'name', 'name_en', 'source')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial['periods_text'] = period_text.to_text(self.instance.periods or [])

    def clean_periods_text(self):
        try:
            return period_text.parse_text(self.cleaned_data['periods_text'])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get('kind') == 'holiday' and data.get('periods_text'):
            self.add_error('periods_text', gettext('A holiday has no working periods.'))
        # The model checks the instance after this: give it the parsed periods (none when they were refused,
        # so the error shows once, on periods_text).
        self.instance.periods = data.get('periods_text') or []
        return data


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ('date', 'weekday', 'kind', 'name', 'calendar_label', 'periods_label', 'source')
    list_filter = (YearFilter, 'kind', 'calendar')
    search_fields = ('name', 'name_en', 'source')
    list_select_related = ('calendar',)
    date_hierarchy = 'date'
    fields = ('calendar', 'date', 'kind', 'periods_text', 'name', 'name_en', 'source')

    @admin.display(description=_('weekday'))
    def weekday(self, obj):
        return obj.date.strftime('%a')

    @admin.display(description=_('calendar'), ordering='calendar__key')
    def calendar_label(self, obj):
        return obj.calendar or gettext('national')

    @admin.display(description=_('working periods'))
    def periods_label(self, obj):
        return period_text.to_text(obj.periods or []) or '—'

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {
            'calendar': data.get('calendar'),
            'date': data['date'],
            'kind': data['kind'],
            'periods': data.get('periods_text') or [],
            'name': data.get('name', ''),
            'name_en': data.get('name_en', ''),
            'source': data.get('source') or 'admin',
        }
        if change:
            saved = actions.do_update_override(obj, actor=request.user, **values)
        else:
            values.pop('date')
            saved = actions.do_add_override(actor=request.user, date=data['date'], **values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.do_remove_override(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            actions.do_remove_override(override, actor=request.user)

    def changelist_view(self, request, extra_context=None):
        years = national_coverage()
        if years:
            note = gettext('National holiday data is known for {first}–{last}.').format(first=years[0], last=years[-1])
        else:
            note = gettext('No national holiday data: run "gongdan calendar seed".')
        extra_context = {**(extra_context or {}), 'subtitle': note}
        return super().changelist_view(request, extra_context)


@admin.register(NationalDataYear)
class NationalDataYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: years are recorded by the seed and by national imports."""

    list_display = ('year', 'source', 'recorded_at')
