"""The "Khóa API" page: a logged-in user issues and revokes their own tokens."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from chibo.api.access import get_token_for_user
from chibo.api.models import ApiToken
from chibo.api.services import token_create, token_revoke
from chibo.common.forms import DateField, Form, add_service_errors
from chibo.security.access import second_factor_gate


class TokenForm(Form):
    name = forms.CharField(
        label="Tên khóa",
        max_length=80,
        help_text="Để nhận ra khóa sau này, ví dụ: «Bảng tính báo cáo tháng».",
    )
    read_only = forms.BooleanField(
        label="Chỉ đọc",
        required=False,
        help_text="Khóa chỉ xem được dữ liệu, không thêm, sửa hay xóa được (nên chọn cho bảng tính, báo cáo).",
    )
    last_day = DateField(
        label="Dùng đến hết ngày",
        required=False,
        help_text="Để trống: dùng đến khi thu hồi. Sau ngày này khóa tự hết hiệu lực.",
    )


def _page(request, form, new_token: str = ""):
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "new_token": new_token}
    return render(request, "api/tokens.html", context)


def token_list(request):
    # A token outlives the session: it is given only after the second factor of this session.
    gate = second_factor_gate(request)
    if gate is not None:
        return redirect(f"{reverse(gate)}?{urlencode({'next': request.get_full_path()})}")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _, raw = token_create(user=request.user, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # Shown in this answer only (not redirected through the session): it is never stored.
                return _page(request, TokenForm(), new_token=raw)
        return _page(request, form)
    return _page(request, TokenForm())


@require_POST
def token_revoke_view(request, pk: int):
    token = get_token_for_user(request.user, pk)
    token_revoke(token=token, by=request.user)
    messages.success(request, f"Đã thu hồi khóa «{token.name}».")
    return redirect("tokens:list")
