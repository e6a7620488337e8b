from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ArticleCategory


class ArticleForm(forms.Form):
    """The article editor (title, body, category, public flag); knowledge/actions.py validates again."""

    title = forms.CharField(label=_('Title'), max_length=200)
    body = forms.CharField(label=_('Body'), widget=forms.Textarea(attrs={'rows': 16}), max_length=50_000)
    category = forms.ChoiceField(label=_('Category'), choices=ArticleCategory.choices)
    is_public = forms.BooleanField(
        label=_('Visible to customers'),
        required=False,
        help_text=_('Published public articles are shown to customers.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = (
                'form-check-input' if name == 'is_public' else ('form-select' if name == 'category' else 'form-control')
            )
            field.widget.attrs['class'] = css
