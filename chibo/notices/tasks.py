from django_tasks import task


@task()
def send_notices() -> dict:
    """Send the SMS and e-mails that are due, in the worker (`chibo db_worker`)."""
    from chibo.notices.services import send_pending

    return send_pending()
