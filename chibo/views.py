from django.shortcuts import redirect, render

from chibo.orgs.access import orgs_visible_to


def home(request):
    roots = orgs_visible_to(request.user).order_by("depth", "path")
    top = roots.first()
    if top is not None:
        return redirect("orgs:detail", pk=top.pk)
    own = getattr(request.user, "member", None)
    if own is not None:
        return redirect("members:detail", pk=own.pk)
    return render(request, "home.html")
