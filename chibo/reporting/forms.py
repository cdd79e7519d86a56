from decimal import Decimal

from django import forms

from chibo.common.forms import DateField, Form
from chibo.reporting.indicators import CITY_TARGETS, KEYS
from chibo.reporting.models import Plan, until_after

# The services' stored end is the form's last day.
PLAN_FIELD_MAP = {"valid_until": "last_day"}


def target_field_name(key: str) -> str:
    return f"target_{key}"


def percent_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")


class PercentField(forms.DecimalField):
    """0–100 with a decimal comma ('92,5') or point; empty = keep the city's target."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(100))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "percent"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("%", "").replace(",", ".").strip()
        return super().to_python(value)


class PlanForm(Form):
    number = forms.CharField(label="Số kế hoạch", max_length=60, help_text="Ví dụ: 25-KH/ĐU")
    issued_on = DateField(label="Ngày ban hành")
    title = forms.CharField(label="Trích yếu", max_length=255, required=False)
    valid_from = DateField(label="Áp dụng từ")
    # The last day it applies, as plans are written ("đến hết"); stored as the day after (Dated).
    last_day = DateField(label="Đến hết", required=False, help_text="Để trống nếu chưa có ngày kết thúc.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (_num, _den, label, target_no) in KEYS.items():
            city = CITY_TARGETS[key]
            name = f"{target_no} · {label}" if target_no else label
            full = f"{name} (%)"
            help_text = (
                f"Để trống = theo chỉ tiêu của Thành phố ({percent_text(city)}%)."
                if city is not None
                else "Thành phố không đặt chỉ tiêu chung; để trống nếu không đặt."
            )
            field = PercentField(label=full, help_text=help_text)
            # No "%" in these: Django %-formats messages that carry parameters (limit_value).
            field.error_messages.update(
                invalid=f"{name}: phải là một số từ 0 đến 100.",
                min_value=f"{name}: không được nhỏ hơn 0.",
                max_value=f"{name}: không được lớn hơn 100.",
                max_digits=f"{name}: phải là một số từ 0 đến 100.",
                max_decimal_places=f"{name}: tối đa 2 chữ số thập phân.",
                max_whole_digits=f"{name}: phải là một số từ 0 đến 100.",
            )
            self.fields[target_field_name(key)] = field
        self.fields["number"].error_messages["max_length"] = "Số kế hoạch: tối đa 60 ký tự."
        self.fields["title"].error_messages["max_length"] = "Trích yếu: tối đa 255 ký tự."

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("last_day")
        if start and end and end < start:
            self.add_error("last_day", "Đến hết: không được trước ngày áp dụng.")
        return data

    def targets(self) -> dict:
        return {key: self.cleaned_data.get(target_field_name(key)) for key in KEYS}

    def plan_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "number": data["number"],
            "issued_on": data["issued_on"],
            "title": data["title"],
            "valid_from": data["valid_from"],
            "valid_until": until_after(data["last_day"]),
            "targets": self.targets(),
        }

    def target_fields(self):
        return [self[target_field_name(key)] for key in KEYS]

    def plan_fields(self):
        return [self[name] for name in ("number", "issued_on", "title", "valid_from", "last_day")]


def plan_initial(plan: Plan) -> dict:
    initial = {
        "number": plan.number,
        "issued_on": plan.issued_on,
        "title": plan.title,
        "valid_from": plan.valid_from,
        "last_day": plan.last_day,
    }
    for target in plan.targets.all():
        initial[target_field_name(target.key)] = percent_text(target.target)
    return initial
