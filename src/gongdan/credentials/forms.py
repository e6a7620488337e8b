from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team

from .choices import AccessType


class StyledForm(forms.Form):
    """Tabler classes on every widget (selects, check boxes, text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = 'form-check-input'
            elif isinstance(widget, forms.Select):
                css = 'form-select'
            else:
                css = 'form-control'
            widget.attrs.setdefault('class', css)


class SystemForm(StyledForm):
    key = forms.SlugField(label=_('key'), max_length=50)
    name = forms.CharField(label=_('name'), max_length=100)
    access_type = forms.ChoiceField(label=_('access type'), choices=AccessType.choices)
    address = forms.CharField(label=_('address'), max_length=200, required=False)
    owner_team = forms.ModelChoiceField(label=_('owner team'), queryset=Team.objects.none(), required=False)
    user_teams = forms.ModelMultipleChoiceField(
        label=_('user units'),
        queryset=Team.objects.none(),
        required=False,
        help_text=_('Units that use the password and are told of each rotation within 24 hours (SVC-05).'),
    )
    is_active = forms.BooleanField(label=_('active'), required=False, initial=True)
    notes = forms.CharField(label=_('notes'), widget=forms.Textarea(attrs={'rows': 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(is_active=True).order_by('name')
        self.fields['owner_team'].queryset = teams
        self.fields['user_teams'].queryset = teams


class SecretForm(StyledForm):
    password = forms.CharField(
        label=_('New password'),
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={'autocomplete': 'new-password'}),
    )


class ReauthForm(StyledForm):
    password = forms.CharField(
        label=_('Your own password'),
        widget=forms.PasswordInput(render_value=False, attrs={'autocomplete': 'current-password'}),
    )


class CloseGrantForm(StyledForm):
    close_reason = forms.CharField(label=_('Why it is closed'), max_length=1000)
