"""One error format for the whole API, in Vietnamese.

401/403/404 answer `{"detail": "..."}`; bad input answers 422 `{"detail": "...", "errors": [{field,
message}]}`, whether it was caught by the schema (pydantic) or by a service (Django ValidationError),
so a client handles one shape.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from chibo.common.api.schemas import BAD_DATE, NO_NUL, NUL_MESSAGE

INVALID = "Dữ liệu không hợp lệ."
ALL = "__all__"

# Where ninja says a value came from; not part of the field name a client sent.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# Every body parameter in this API is called `payload`; clients never see that name.
_BODY_PARAM = "payload"

_BAD_DATE = BAD_DATE
_PYDANTIC_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "date_parsing": _BAD_DATE,
    "date_from_datetime_parsing": _BAD_DATE,
    "date_from_datetime_inexact": _BAD_DATE,
    "date_type": _BAD_DATE,
    "int_parsing": "Phải là một số nguyên.",
    "int_type": "Phải là một số nguyên.",
    "int_from_float": "Phải là một số nguyên.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "string_type": "Phải là một chuỗi ký tự.",
    "string_too_short": "Phải có ít nhất {min_length} ký tự.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "string_pattern_mismatch": "Không đúng định dạng.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "enum": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "literal_error": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "json_invalid": "JSON không hợp lệ.",
    "json_type": "JSON không hợp lệ.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "dict_type": "Phải là một đối tượng JSON.",
    "extra_forbidden": "Trường này không được chấp nhận.",
    "value_error": "Giá trị không hợp lệ.",
}

_STATUS_MESSAGES = {
    400: "Không đọc được nội dung yêu cầu: cần JSON hợp lệ.",
    401: "Chưa xác thực: gửi khóa API trong tiêu đề `Authorization: Bearer <khóa>` hoặc đăng nhập.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    429: "Quá nhiều yêu cầu; hãy thử lại sau.",
}
_CSRF_FAILED = (
    "Kiểm tra CSRF không đạt: khi dùng phiên đăng nhập, gửi kèm tiêu đề X-CSRFToken; hoặc dùng khóa API."
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and parts and parts[0] == _BODY_PARAM:
            parts = parts[1:]
    return ".".join(parts) or ALL


def _pydantic_message(error: dict) -> str:
    ctx = error.get("ctx") or {}
    if error.get("type") == "value_error" and ctx.get("error"):
        # Our own validators (schemas.Day) raise ValueError with a Vietnamese message.
        return str(ctx["error"])
    if error.get("type") == "string_pattern_mismatch" and ctx.get("pattern") == NO_NUL:
        return NUL_MESSAGE
    if error.get("type") == "string_too_short" and ctx.get("min_length") == 1:
        return "Không được để trống."
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""), INVALID)
    try:
        # pydantic lists choices as "'a', 'b' or 'c'"
        return template.format(**ctx).replace("' or '", "' hoặc '")
    except (KeyError, IndexError, ValueError):
        return template.split(";")[0].rstrip(".") + "."


def schema_errors(exc: SchemaValidationError) -> list[dict]:
    return [{"field": _field_name(e.get("loc", ())), "message": _pydantic_message(e)} for e in exc.errors]


def service_errors(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": ALL if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": ALL, "message": message} for message in exc.messages]


@contextmanager
def renamed_fields(**mapping: str):
    """Services name fields after the model (`cell`, `valid_from`); endpoints may call them otherwise
    (`to_cell`, `joined_on`). Translate the names so the client sees the field it sent."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({mapping.get(k, k): v for k, v in exc.error_dict.items()}) from exc


def install(api) -> None:
    def invalid(request, errors):
        return api.create_response(request, {"detail": INVALID, "errors": errors}, status=422)

    def detail(request, message: str, status: int):
        response = api.create_response(request, {"detail": message}, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="chibo"'
        return response

    def on_schema_error(request, exc):
        return invalid(request, schema_errors(exc))

    def on_service_error(request, exc):
        return invalid(request, service_errors(exc))

    def on_integrity_error(request, exc):
        # A unique or exclusion constraint lost a race with a concurrent write that full_clean could not see.
        message = "Dữ liệu mâu thuẫn với dữ liệu đã lưu (trùng số thẻ, số CCCD hoặc thời gian sinh hoạt)."
        return invalid(request, [{"field": ALL, "message": message}])

    def on_not_found(request, exc):
        return detail(request, str(exc) or _STATUS_MESSAGES[404], 404)

    def on_denied(request, exc):
        return detail(request, str(exc) or _STATUS_MESSAGES[403], 403)

    def on_http_error(request, exc):
        status = exc.status_code
        message = str(exc.message) if exc.message else ""
        if isinstance(exc, AuthenticationError) or status == 401:
            message = _STATUS_MESSAGES[401]
        elif status == 403 and "CSRF" in message:
            message = _CSRF_FAILED
        elif not message or message.isascii():
            # ninja's own messages are English ("Cannot parse request body"); users read Vietnamese.
            message = _STATUS_MESSAGES.get(status, message or INVALID)
        return detail(request, message, status)

    api.add_exception_handler(SchemaValidationError, on_schema_error)
    api.add_exception_handler(ValidationError, on_service_error)
    api.add_exception_handler(IntegrityError, on_integrity_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(HttpError, on_http_error)
