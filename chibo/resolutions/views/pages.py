"""Web pages for resolutions and tasks (assignment, review, progress, histories). Thin: forms → services."""

from django.shortcuts import render

from chibo.resolutions.access import get_resolution_for_user, get_task_for_user


def resolution_detail(request, pk: int):
    resolution = get_resolution_for_user(request.user, pk)
    return render(request, "resolutions/resolution_detail.html", {"resolution": resolution})


def task_detail(request, pk: int):
    task = get_task_for_user(request.user, pk)
    return render(request, "resolutions/task_detail.html", {"task": task})


urlpatterns_pages = []
