"""Prints, as JSON, every indicator of one organisation for one month, computed from the records and
read from the facts: `DATABASE_URL=… python -m tests.scale.indicators_of CODE YYYY-MM`. The restore drill
runs it against the original database and against the restored one."""

import json
import os
import sys


def main(code: str, month: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from chibo.orgs.models import Organisation
    from chibo.reporting import engine, periods

    year, number = (int(x) for x in month.split("-"))
    org = Organisation.objects.get(code=code)
    period = periods.month(year, number)
    out = {
        "records": {k: [i.numerator, i.denominator] for k, i in engine.compute(org, period).items()},
        "facts": {k: [i.numerator, i.denominator] for k, i in engine.from_facts(org, period).items()},
    }
    sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
