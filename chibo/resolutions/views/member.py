"""Member-side pages: a task with its progress notes (report progress, attach a file, mark done), my
tasks, a member's task history and a cell's completion per month."""

from django.shortcuts import render

from chibo.resolutions.access import get_task_for_user


def task_detail(request, pk: int):
    task = get_task_for_user(request.user, pk)
    return render(request, "resolutions/task_detail.html", {"task": task})


urlpatterns_member = []
