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
    from django.core.exceptions import ImproperlyConfigured

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A wrong setting (DEBUG=ture): one Vietnamese line naming the variable, not a traceback.
        print(f"Lỗi cấu hình: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
