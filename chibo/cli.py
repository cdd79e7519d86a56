"""`chibo`: Django's management commands and Chibo's own (demo, seed-demo, import, export, ...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        # Chibo's own commands use dashes (`seed-demo`); Django module names cannot.
        argv[1] = argv[1].replace("-", "_") if not argv[1].startswith("-") else argv[1]
    argv[0] = "chibo"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
