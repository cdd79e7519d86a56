from django import forms
from django.contrib.auth.forms import AuthenticationForm

from chibo.common.forms import Form


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đang bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Số thẻ đảng viên, số điện thoại hoặc tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


class CodeForm(Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=20,
        help_text="6 chữ số đang hiện trong ứng dụng xác thực, hoặc một mã khôi phục (dạng xxxxx-xxxxx).",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class SetupForm(Form):
    code = forms.CharField(
        label="Mã 6 số trong ứng dụng",
        max_length=10,
        help_text="Sau khi thêm tài khoản vào ứng dụng, nhập mã 6 chữ số ứng dụng đang hiện.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
