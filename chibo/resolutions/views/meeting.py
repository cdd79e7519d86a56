"""Meeting-side pages: assigning tasks with the T5 coverage panel, the "review tasks" step, and the
resolution or conclusion (build, edit, approve, view). Thin: forms → services."""

from django.shortcuts import render

from chibo.resolutions.access import get_resolution_for_user


def resolution_detail(request, pk: int):
    resolution = get_resolution_for_user(request.user, pk)
    return render(request, "resolutions/resolution_detail.html", {"resolution": resolution})


urlpatterns_meeting = []
