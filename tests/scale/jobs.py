"""A job for tests/scale/test_workers.py: each run appends one line (job number, worker process) to a file."""

import os

from django_tasks import task


@task()
def record(number: int, path: str) -> int:
    with open(path, "a") as out:  # one short append per run: lines of two processes do not interleave
        out.write(f"{number} {os.getpid()}\n")
    return number
