from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None, *, param: str = "trang"):
    """The page of `queryset` named by `param` in the query string (another name for a second list)."""
    paginator = Paginator(queryset, per_page or settings.CHIBO_PAGE_SIZE)
    return paginator.get_page(request.GET.get(param))
