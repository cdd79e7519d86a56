"""Form helpers shared by every app: dd/mm/yyyy dates, 24-hour times read as people type them,
Vietnamese errors that name the field, and service ValidationErrors placed on the form field they are about."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from chibo.common.dates import parse_time

DATE_FORMAT = "%d/%m/%Y"


class DateInput(forms.TextInput):
    """A text box, not type=date: browsers would show and send their own locale's format."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd/mm/yyyy", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime(DATE_FORMAT)
        return super().format_value(value)


class DateField(forms.DateField):
    """Only dd/mm/yyyy: '2024-13-01' or '31/02/2024' get an error instead of a guess."""

    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATE_FORMAT])
        super().__init__(**kwargs)


class TimeInput(forms.TimeInput):
    """A text box showing HH:MM. Not type=time: Chromium on a phone shows its own 12-hour "07:30 PM"
    whatever the page's language, and secretaries read 24-hour times."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "placeholder": "HH:MM",
                "autocomplete": "off",
                "inputmode": "decimal",
                "maxlength": "8",
                **(attrs or {}),
            },
            format="%H:%M",
        )


class TimeField(forms.TimeField):
    """24-hour time, read by `common.dates.parse_time` (the importers' reading too): 19:30, 7:30,
    19h30, 19.30, 19,30, 1930, 19h, 19. The error names the field."""

    widget = TimeInput
    default_error_messages = {
        "invalid": "%(label)s: giờ không hợp lệ; hãy nhập theo dạng HH:MM (24 giờ), ví dụ 19:30.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_time(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"label": self.label or "Giờ"}
            ) from None


class ViFormMixin:
    """Errors name their field ("Ngày sinh: …"), so they stay clear when read away from the box."""

    fields: dict[str, forms.Field]  # set by the form class this is mixed into

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "")
            field.error_messages["required"] = f"{label}: không được để trống."
            if isinstance(field, forms.BooleanField) and field.label_suffix is None:
                field.label_suffix = ""  # a checkbox's label is a sentence beside the box, not "Name:"
            if isinstance(field, forms.DateField):
                field.widget = DateInput(field.widget.attrs)
                field.input_formats = [DATE_FORMAT]
                field.error_messages["invalid"] = (
                    f"{label}: ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy, ví dụ 31/01/2024."
                )
            elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                field.error_messages["invalid_choice"] = f"{label}: lựa chọn không hợp lệ."


class Form(ViFormMixin, forms.Form):
    pass


class ModelForm(ViFormMixin, forms.ModelForm):
    pass


def add_service_errors(form: forms.BaseForm, error: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ValidationError on the form: each key on the matching (or mapped) field,
    anything else at the top of the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = field_map.get(key, key)
        messages = [m for e in errors for m in e.messages]
        if name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, messages)


def submit_form(request, form, action, *, success, then, field_map: dict | None = None):
    """The one shape of a write view: when the form is posted and valid, run `action(cleaned_data)`
    (a service call); on success show `success` (text, or a function of the cleaned data) and
    redirect to `then`, returning the response.
    Return None when the form must be shown again (not posted, invalid, or refused by the service)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, field_map)
        return None
    messages.success(request, success(form.cleaned_data) if callable(success) else success)
    return redirect(then)
