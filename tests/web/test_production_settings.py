"""Production settings come from the environment (issue 15 §4): CHIBO_HTTPS turns on the HTTPS settings, and
the variables the README's production section exports give a clean `chibo check --deploy`."""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _production_section() -> str:
    return README.split("## Running in production", 1)[1].split("\n## ", 1)[0]


def readme_environment() -> dict[str, str]:
    """The NAME=value pairs of the `export` lines of the README's production example."""
    block = _production_section().split("```sh", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.replace("\\\n", " ").splitlines():
        if line.startswith("export "):
            for word in shlex.split(line[len("export ") :], comments=True):
                name, _, value = word.partition("=")
                env[name] = value
    return env


def _clean_env(tmp_path, **env) -> dict[str, str]:
    # Only what the README sets, on top of a bare environment (no DEBUG, no test settings).
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
    return {**base, "PYTHONPATH": str(REPO), "CHIBO_DATA_DIR": str(tmp_path), **env}


def check_deploy(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-m", "chibo.cli", "check", "--deploy"],
        env=_clean_env(tmp_path, **env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
]


def settings_with(tmp_path, **env) -> dict:
    code = (
        "import json; from django.conf import settings; import django; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {SHOWN!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(tmp_path, DJANGO_SETTINGS_MODULE="chibo.settings", **env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_readme_production_variables_give_a_clean_deploy_check(tmp_path):
    env = readme_environment()
    assert {"DATABASE_URL", "ALLOWED_HOSTS", "CHIBO_HTTPS", "CHIBO_TRUSTED_PROXY"} <= set(env)
    # The README reads the key from a file; any strong key will do here. The data directory is the test's.
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env.pop("CHIBO_DATA_DIR", None)
    result = check_deploy(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr, result.stderr


def test_without_https_the_deploy_check_warns(tmp_path):
    env = {**readme_environment(), "SECRET_KEY": secrets.token_urlsafe(50)}
    env.pop("CHIBO_HTTPS")
    env.pop("CHIBO_DATA_DIR", None)
    warnings = set(re.findall(r"security\.W\d+", check_deploy(tmp_path, **env).stderr))
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= warnings


def test_https_settings_follow_the_environment(tmp_path):
    off = settings_with(tmp_path)
    assert (off["SECURE_SSL_REDIRECT"], off["SECURE_HSTS_SECONDS"], off["SESSION_COOKIE_SECURE"]) == (
        False,
        0,
        False,
    )
    assert off["CSRF_COOKIE_SECURE"] is False and off["SECURE_PROXY_SSL_HEADER"] is None

    on = settings_with(tmp_path, CHIBO_HTTPS="1", CHIBO_TRUSTED_PROXY="1")
    assert on["SECURE_SSL_REDIRECT"] is True and on["SECURE_HSTS_SECONDS"] == 31536000
    assert on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and on["SECURE_HSTS_PRELOAD"] is True
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]

    tuned = settings_with(
        tmp_path,
        CHIBO_HTTPS="1",
        CHIBO_HSTS_SECONDS="3600",
        CHIBO_HSTS_INCLUDE_SUBDOMAINS="0",
        CHIBO_HSTS_PRELOAD="0",
        CHIBO_SSL_REDIRECT="0",
    )
    assert tuned["SECURE_HSTS_SECONDS"] == 3600 and tuned["SECURE_SSL_REDIRECT"] is False
    assert tuned["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and tuned["SECURE_HSTS_PRELOAD"] is False
    assert tuned["SECURE_PROXY_SSL_HEADER"] is None


def test_the_csp_is_enforced_unless_report_only_is_asked_for(tmp_path):
    enforced = settings_with(tmp_path)
    assert enforced["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert enforced["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    trial = settings_with(tmp_path, CHIBO_CSP_REPORT_ONLY="1", CHIBO_CSP_REPORT_URI="/csp-bao-cao/")
    assert trial["CONTENT_SECURITY_POLICY"] is None
    assert trial["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["report-uri"] == ["/csp-bao-cao/"]


@pytest.mark.parametrize(
    "name",
    [
        "CHIBO_HTTPS",
        "CHIBO_SSL_REDIRECT",
        "CHIBO_HSTS_SECONDS",
        "CHIBO_HSTS_INCLUDE_SUBDOMAINS",
        "CHIBO_HSTS_PRELOAD",
        "CHIBO_TRUSTED_PROXY",
        "CHIBO_CSP_REPORT_ONLY",
        "CHIBO_CSP_REPORT_URI",
    ],
)
def test_the_readme_production_section_lists_the_variable(name):
    assert f"`{name}`" in _production_section()
