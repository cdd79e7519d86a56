"""What every endpoint shares: input types, the error bodies, the declared error answers, pagination.

Input types are as strict as the OpenAPI schema says, so what the schema allows the API accepts and
what it refuses the API refuses (checked with schemathesis): no NUL in text, dates only as YYYY-MM-DD,
ids within bigint, booleans only as true/false and numbers only as JSON numbers.
"""

import datetime as dt
import re
from typing import Annotated

from ninja import Field, P, PathEx, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, ConfigDict, Strict, model_validator

# Ids are bigints; a larger number is bad input (422), not a database overflow (SQLite raises on it).
MAX_ID = 2**63 - 1

# PostgreSQL text cannot hold NUL: refuse it in the schema rather than fail at the database.
NO_NUL = r"^[^\x00]*$"
NUL_MESSAGE = "Không được chứa ký tự NUL."
BAD_DATE = "Ngày không hợp lệ; dùng dạng YYYY-MM-DD."
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value):
    # pydantic would also take 0 or 1700000000 as a date (Unix time); the schema says YYYY-MM-DD.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError(BAD_DATE)


# Every free-text input.
Text = Annotated[str, Field(pattern=NO_NUL)]
# Every date input.
Day = Annotated[dt.date, BeforeValidator(_iso_date_only)]
# Body booleans and numbers are strict: pydantic's lax mode would read `"done": 0`, `"yes"` or `"on"` as a
# boolean and `"4"` or `true` as a number, which the schema (boolean, integer) does not allow. Only these
# two need it: text is never coerced, dates and times have their own ISO-only validators, and a model-wide
# strict=True would refuse ISO date strings and enum values given as text (Python-mode validation).
Flag = Annotated[bool, Strict()]
# Every number in a body that is not an id.
Count = Annotated[int, Strict()]
# Every id in a body.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# Every id in a path.
PathId = PathEx[int, P(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """A request body: a JSON object and nothing else. (ninja's Schema reads attributes off any value,
    so `[null, null]` would otherwise pass as an empty PATCH.) Text is stripped, as Django forms do."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _json_object(cls, data):
        # ninja's own wrap validator has already wrapped the value by the time this runs.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(raw, dict | Schema):
            raise ValueError("Nội dung yêu cầu phải là một đối tượng JSON.")
        return data


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str = Field(description="Tên trường có lỗi, ví dụ `card_number`; `__all__` nếu lỗi chung.")
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


# Declared on every operation so the OpenAPI schema lists every answer the API can give.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}

PAGE_SIZE = 50
PAGE_MAX = 500


class Pagination(LimitOffsetPagination):
    """`limit` (1–500, default 50) and `offset`; the answer is `{items, count}`."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=PAGE_MAX, description="Số dòng mỗi trang (tối đa 500).")
        offset: int = Field(0, ge=0, le=MAX_ID - PAGE_MAX, description="Bỏ qua bấy nhiêu dòng đầu.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=PAGE_MAX, **kwargs)
