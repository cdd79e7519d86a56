"""Helpers shared by `chibo demo` and `chibo seed-demo`."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chibo.demo.accounts import DEMO_ACCOUNTS
from chibo.demo.pending_accounts import example_lines


def needs_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def print_accounts(write) -> None:
    write("Tài khoản dùng thử (mỗi vai trò một tài khoản):")
    for account in DEMO_ACCOUNTS:
        write(f"  - {account.label}: tài khoản {account.username} / mật khẩu {account.password}")
    for line in example_lines():
        write(line)
