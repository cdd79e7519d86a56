from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None):
    paginator = Paginator(queryset, per_page or settings.CHIBO_PAGE_SIZE)
    return paginator.get_page(request.GET.get("trang"))
