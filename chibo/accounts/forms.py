from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Q

from chibo.accounts import services
from chibo.common.forms import Form


class ActivationForm(Form):
    login = forms.CharField(label="Số thẻ đảng viên", max_length=150)
    code = forms.CharField(
        label="Mã kích hoạt", max_length=20, help_text="8 ký tự in trên phiếu, ví dụ ACDE-FG34."
    )
    password1 = forms.CharField(label="Mật khẩu mới", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Nhập lại mật khẩu mới", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "inputmode": "numeric"})
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "characters"}
        )
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
        self.activation = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.activation = services.activation_check(login=data["login"], code=data["code"])
        except services.ActivationError as error:
            self.add_error(error.field, error.message)
            return data
        if data["password1"] != data["password2"]:
            self.add_error("password2", "Nhập lại mật khẩu mới: hai mật khẩu không giống nhau.")
            return data
        try:
            password_validation.validate_password(data["password1"], self.activation.user)
        except forms.ValidationError as error:
            self.add_error("password1", [f"Mật khẩu mới: {m}" for m in error.messages])
        return data


class SlipsConfirmForm(Form):
    confirm = forms.BooleanField(
        label="Tôi hiểu: in phiếu sẽ cấp mã mới, các mã cũ chưa dùng sẽ hết hiệu lực.", required=True
    )


class MemberPasswordResetForm(PasswordResetForm):
    """The e-mail of the account or of the member record: a member's address may have been added to the
    registry after the account was made."""

    def get_users(self, email):
        User = get_user_model()
        users = User._default_manager.filter(
            Q(email__iexact=email) | Q(member__email__iexact=email), is_active=True
        ).distinct()
        for user in users:
            if user.has_usable_password():
                # Not user.email = …: the reset token is made from the stored address.
                user._reset_to = email
                yield user

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, *args, **kw
    ):
        to_email = getattr(context.get("user"), "_reset_to", None) or to_email
        super().send_mail(
            subject_template_name, email_template_name, context, from_email, to_email, *args, **kw
        )
