"""Settings fail loudly: a misspelt boolean or integer in the environment stops the start, naming the variable."""

import os
import subprocess
import sys

import pytest


def run_check(**env):
    return subprocess.run(
        [sys.executable, "-c", "from chibo.cli import main; main(['chibo', 'check'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "chibo.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "ture", "dùng 1/0, true/false"),
        ("CHIBO_REQUIRE_2FA", "có", "dùng 1/0, true/false"),
        ("CHIBO_SESSION_IDLE_MINUTES", "3o", "phải là một số nguyên"),
        ("EMAIL_PORT", "25.5", "phải là một số nguyên"),
    ],
)
def test_a_wrong_value_stops_the_start_and_names_the_variable(name, value, expected, tmp_path):
    result = run_check(**{name: value, "CHIBO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert f"Biến môi trường {name}={value!r} không hợp lệ" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_well_formed_values_start(tmp_path):
    result = run_check(
        DEBUG="0", CHIBO_REQUIRE_2FA="on", CHIBO_SESSION_IDLE_MINUTES=" 45 ", CHIBO_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
