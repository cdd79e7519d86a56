"""Run by tests/scale/test_workers.py against its own database: `enqueue N FILE` queues N jobs in one
transaction (both workers see them at once); `report` prints each job's status and worker as JSON."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from tests.scale.jobs import record  # noqa: E402


def main(argv: list[str]) -> None:
    if argv[0] == "enqueue":
        with transaction.atomic():
            for number in range(int(argv[1])):
                record.enqueue(number, argv[2])
        return
    rows = DBTaskResult.objects.values_list("status", "worker_ids", "args_kwargs")
    sys.stdout.write(json.dumps([[s, w, a["args"][0]] for s, w, a in rows]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
