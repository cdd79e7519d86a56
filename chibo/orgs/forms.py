from django import forms

from chibo.common.forms import DateField, Form, ModelForm
from chibo.orgs.access import writable_parents
from chibo.orgs.models import Organisation, OrgKind


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indented by depth so the tree reads in a plain <select>.
        return f"{'· ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class OrgForm(ModelForm):
    class Meta:
        model = Organisation
        fields = ["parent", "kind", "cell_kind", "code", "name", "founded_on", "dissolved_on", "address"]
        labels = {"cell_kind": "Loại hình chi bộ (chỉ với chi bộ)"}
        field_classes = {"parent": OrgChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The parent changes only through the move page, which keeps the history.
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = writable_parents(user).order_by("path")
            self.fields["parent"].required = not user.is_superuser
            self.fields["parent"].error_messages["invalid_choice"] = (
                "Cấp trên: bạn không có quyền thêm tổ chức vào tổ chức này."
            )
            self.fields["parent"].error_messages["required"] = "Cấp trên: không được để trống."

    def clean(self):
        data = super().clean()
        kind, cell_kind = data.get("kind"), data.get("cell_kind")
        if kind == OrgKind.CELL and not cell_kind:
            self.add_error("cell_kind", "Loại hình chi bộ: hãy chọn loại hình cho chi bộ.")
        if kind and kind != OrgKind.CELL:
            data["cell_kind"] = ""
        if self.instance.pk and kind and (kind == OrgKind.CELL) != self.instance.is_cell:
            self.add_error("kind", "Loại tổ chức: không thể đổi giữa chi bộ và đảng bộ; hãy lập tổ chức mới.")
        founded, dissolved = data.get("founded_on"), data.get("dissolved_on")
        if founded and dissolved and dissolved < founded:
            self.add_error("dissolved_on", "Ngày giải thể: phải sau ngày thành lập.")
        return data


class OrgMoveForm(Form):
    new_parent = OrgChoiceField(label="Cấp trên mới", queryset=Organisation.objects.none())
    on = DateField(label="Ngày chuyển")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, user, org: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            writable_parents(user)
            .exclude(path__gte=org.path, path__lt=org.path_upper)
            .exclude(pk=org.parent_id)
            .order_by("path")
        )
        self.fields["new_parent"].error_messages["invalid_choice"] = (
            "Cấp trên mới: bạn không có quyền chuyển tổ chức vào tổ chức này, hoặc đó là chính nó, "
            "tổ chức cấp dưới của nó hay cấp trên hiện tại."
        )
