"""Unknown query parameters are refused, not ignored: `GET /meetings?cell_code=BD-01` once answered every
meeting the caller sees, as if the filter had been applied. Each operation accepts the query parameters
it declares (pagination's `limit` and `offset` included) and answers 422 naming any other."""

from functools import wraps

from django.core.exceptions import ValidationError


def declared_query_names(view_func) -> frozenset[str]:
    """The query parameters ninja reads for this operation (its signature's query model)."""
    operation = getattr(view_func, "_ninja_operation", None)
    if operation is None:  # not an operation: nothing to check against
        return frozenset()
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names.update(model.__ninja_flatten_map__)
    return frozenset(names)


def unknown_query_message(name: str, allowed: frozenset[str]) -> str:
    if not allowed:
        return f"Tham số «{name}» không được hỗ trợ: thao tác này không nhận tham số truy vấn nào."
    listed = ", ".join(sorted(allowed))
    return f"Tham số «{name}» không được hỗ trợ; các tham số dùng được: {listed}."


def reject_unknown_query(view_func):
    """An `api.add_decorator` (operation mode: after authentication and the declared parameters' own checks)."""
    allowed = declared_query_names(view_func)

    @wraps(view_func)
    def checked(request, *args, **kwargs):
        unknown = [name for name in request.GET if name not in allowed]
        if unknown:
            raise ValidationError({name: unknown_query_message(name, allowed) for name in unknown})
        return view_func(request, *args, **kwargs)

    return checked
