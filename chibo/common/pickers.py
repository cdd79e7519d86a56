"""Searchable pickers: the plain <select> or checkbox list, which a small script (static/js/picker.js) turns
into a search box when it runs. Without the script the form posts exactly what it always did; with it the
box asks a search endpoint (scoped to the user on the server) and only offers values the field itself
offers, so the form's own validation stays the rule."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

# A search answers at most this many matches: enough to pick from on a phone, small to send.
PICK_LIMIT = 20

PICKER_MEDIA = forms.Media(css={"all": ["css/picker.css"]}, js=[forms.Script("js/picker.js", defer=True)])  # type: ignore[list-item]  # Script objects are valid since Django 5.2


class _Picker:
    """Wraps a choice widget's HTML in a <div> that tells the script where to search."""

    multiple = False

    def __init__(self, *args, search: str, params: dict[str, str] | None = None, placeholder: str = "", **kwargs):
        # `search` is a URL name, reversed at render time so that common/ imports no app.
        self.search, self.params, self.placeholder = search, params or {}, placeholder
        super().__init__(*args, **kwargs)

    @property
    def media(self):
        return PICKER_MEDIA

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        url = reverse(self.search) + (f"?{urlencode(self.params)}&" if self.params else "?")
        return format_html(
            '<div class="picker" data-picker-url="{}" data-picker-multiple="{}" data-picker-placeholder="{}">'
            "{}</div>",
            url,
            "1" if self.multiple else "0",
            self.placeholder or "Gõ vài chữ để tìm",
            html,
        )


class PickerSelect(_Picker, forms.Select):
    pass


class PickerCheckboxes(_Picker, forms.CheckboxSelectMultiple):
    multiple = True


def matches(text: str, wanted: str) -> bool:
    """Every word of the folded query appears in the folded text: "phuc xa" finds "Phường Phúc Xá"."""
    return all(word in text for word in wanted.split())
