"""Forms of the callback pages; they only parse — the actions validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CallbackChannel, LowScoreAction, Rating, Stratum

TEXT = {'class': 'form-control'}
SELECT = {'class': 'form-select'}


class RecordForm(forms.Form):
    """SD-05: the answers of one callback."""

    channel = forms.ChoiceField(label=_('Channel'), choices=CallbackChannel.choices, widget=forms.Select(SELECT))
    quality = forms.ChoiceField(label=_('Quality of work'), choices=Rating.choices, widget=forms.Select(SELECT))
    attitude = forms.ChoiceField(label=_('Attitude'), choices=Rating.choices, widget=forms.Select(SELECT))
    recovery = forms.ChoiceField(label=_('Recovery time'), choices=Rating.choices, widget=forms.Select(SELECT))
    satisfaction = forms.TypedChoiceField(
        label=_('Satisfaction (1-5)'),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.Select(SELECT),
    )
    comment = forms.CharField(
        label=_("Customer's comments"), required=False, max_length=5000, widget=forms.Textarea({**TEXT, 'rows': 3})
    )


class FailureForm(forms.Form):
    """SD-05: why no callback was possible."""

    reason = forms.CharField(label=_('Why no callback was possible'), max_length=300, widget=forms.TextInput(TEXT))
    channel = forms.ChoiceField(label=_('Channel'), choices=CallbackChannel.choices, widget=forms.Select(SELECT))


class PlanForm(forms.Form):
    """SVC-09: the department manager's callback plan."""

    title = forms.CharField(label=_('Title'), max_length=200, required=False, widget=forms.TextInput(TEXT))
    period_start = forms.DateField(label=_('Closed from'), widget=forms.DateInput({**TEXT, 'type': 'date'}))
    period_end = forms.DateField(label=_('Closed until'), widget=forms.DateInput({**TEXT, 'type': 'date'}))
    processes = forms.MultipleChoiceField(label=_('Processes covered'), widget=forms.SelectMultiple(SELECT))
    teams = forms.ModelMultipleChoiceField(
        label=_('Groups covered'),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(SELECT),
        help_text=_('None chosen: every group.'),
    )
    ratio_percent = forms.IntegerField(
        label=_('Sampling ratio (%)'), min_value=1, max_value=100, widget=forms.NumberInput(TEXT)
    )
    stratify_by = forms.ChoiceField(label=_('Stratified by'), choices=Stratum.choices, widget=forms.Select(SELECT))
    officers = forms.ModelMultipleChoiceField(
        label=_('Callback officers'), queryset=None, widget=forms.SelectMultiple(SELECT)
    )
    channel = forms.ChoiceField(label=_('Channel'), choices=CallbackChannel.choices, widget=forms.Select(SELECT))
    low_score_threshold = forms.IntegerField(
        label=_('Low score at or below'), min_value=1, max_value=5, initial=2, widget=forms.NumberInput(TEXT)
    )
    low_score_action = forms.ChoiceField(
        label=_('On a low score'), choices=LowScoreAction.choices, widget=forms.Select(SELECT)
    )
    seed = forms.IntegerField(
        label=_('Random seed'),
        required=False,
        min_value=0,
        widget=forms.NumberInput(TEXT),
        help_text=_('Leave empty for a fresh random seed; it is recorded so the sample can be drawn again.'),
    )

    def __init__(self, *args, **kwargs):
        from gongdan.accounts.models import Team, User
        from gongdan.workflow.models import Process

        from .constants import CAMPAIGN_PROCESS

        super().__init__(*args, **kwargs)
        processes = Process.objects.filter(current_version__isnull=False).exclude(key=CAMPAIGN_PROCESS)
        self.fields['processes'].choices = [(p.key, p.title) for p in processes.order_by('key')]
        self.fields['teams'].queryset = Team.objects.order_by('name')
        officers = User.objects.filter(roles__key='callback_officer', is_active=True, customer__isnull=True)
        self.fields['officers'].queryset = officers.distinct().order_by('username')


class CallbackSettingForm(forms.Form):
    """SVC-09/SD-05: which process states open a callback (one field per active process) and the low-score rule."""

    low_score_threshold = forms.TypedChoiceField(
        label=_('Low score at or below'),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.Select(SELECT),
    )
    low_score_action = forms.ChoiceField(
        label=_('On a low score'), choices=LowScoreAction.choices, widget=forms.Select(SELECT)
    )

    def __init__(self, *args, processes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trigger_fields = []
        for process in processes:
            spec = process.current_version.spec
            name = f'trigger_{process.key}'
            self.fields[name] = forms.MultipleChoiceField(
                label=process.title,
                required=False,
                choices=[(key, state.title) for key, state in spec.states.items()],
                widget=forms.CheckboxSelectMultiple,
            )
            self.trigger_fields.append((process.key, name))

    def triggers(self) -> dict[str, list[str]]:
        return {key: self.cleaned_data.get(name) or [] for key, name in self.trigger_fields}
