from django_tasks import task


@task()
def material_notify_task(material_id: int) -> int:
    """At the material's publication time, tell the members it reaches (in the worker, `chibo db_worker`)."""
    from chibo.materials.services import material_notify

    return material_notify(material_id)
