"""Helpers shared by `chibo demo` and `chibo seed-demo`."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chibo.demo.accounts import DEMO_ACCOUNTS
from chibo.demo.pending_accounts import example_lines
from chibo.demo.second_factor import demo_second_factors, ensure_demo_second_factors, print_second_factor


def needs_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def print_accounts(write) -> None:
    ensure_demo_second_factors()
    factors = demo_second_factors()
    write("Tài khoản dùng thử (mỗi vai trò một tài khoản):")
    for account in DEMO_ACCOUNTS:
        write(f"  - {account.label}: tài khoản {account.username} / mật khẩu {account.password}")
        if account.username in factors:
            print_second_factor(write, factors[account.username])
    if factors:
        write(
            "  Cán bộ, phụ trách và quản trị cần thêm mã xác thực: thêm khóa bí mật (hoặc quét mã QR) vào một "
            "ứng dụng xác thực trên điện thoại, rồi nhập mã 6 số khi đăng nhập; hoặc gõ mã khôi phục."
        )
    for line in example_lines():
        write(line)
