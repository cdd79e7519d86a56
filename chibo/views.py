from django.http import HttpResponse
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


def alive(request):
    """A signed-in user's cheapest page: the session, the user and every middleware, no query of ours.
    Monitoring checks it, and bench/meeting_night.py measures it as the floor of the other pages."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
