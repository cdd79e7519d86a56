from django import forms

from chibo.common.forms import DateField, Form, ModelForm
from chibo.orgs.access import writable_parents
from chibo.orgs.models import Organisation, OrgKind, RoleKind, in_subtree_q
from chibo.orgs.rights import find_account


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
            writable_parents(user).exclude(in_subtree_q(org)).exclude(pk=org.parent_id).order_by("path")
        )
        self.fields["new_parent"].error_messages["invalid_choice"] = (
            "Cấp trên mới: bạn không có quyền chuyển tổ chức vào tổ chức này, hoặc đó là chính nó, "
            "tổ chức cấp dưới của nó hay cấp trên hiện tại."
        )


class GrantForm(Form):
    """Grant a right: the account by login or party card number, the right among those the granter may
    give, the dates and the reason (the decision)."""

    account = forms.CharField(
        label="Tài khoản",
        max_length=150,
        help_text="Tên đăng nhập hoặc số thẻ đảng viên; tìm theo tên ở ô phía trên.",
    )
    role = forms.ChoiceField(label="Quyền")
    valid_from = DateField(label="Từ ngày")
    valid_until = DateField(
        label="Đến ngày", required=False, help_text="Để trống nếu chưa định ngày kết thúc."
    )
    reason = forms.CharField(label="Lý do", max_length=255, help_text="Ví dụ: Quyết định số 12-QĐ/ĐU.")

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, RoleKind(r).label) for r in roles]

    def clean_account(self):
        user = find_account(self.cleaned_data["account"])
        if user is None:
            raise forms.ValidationError(
                "Tài khoản: không tìm thấy tài khoản có tên đăng nhập hoặc số thẻ đảng viên này."
            )
        return user


class RevokeForm(Form):
    reason = forms.CharField(label="Lý do thu hồi", max_length=255, required=False)
