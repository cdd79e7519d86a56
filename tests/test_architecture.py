"""The architecture as tests (docs/architecture.md): access decided in access.py only, tree and validity
arithmetic written once, and the import layers of .importlinter kept."""

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHIBO = ROOT / "chibo"


def _sources():
    for path in sorted(CHIBO.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _hits(pattern: re.Pattern, allowed) -> list[str]:
    return [
        f"{name}:{number}: {line.strip()}"
        for name, text in _sources()
        if not allowed(name)
        for number, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]


def test_permissions_are_decided_in_access_modules_only():
    # A 403 is raised by a policy (check_edit, require_..., deny) in an app's access.py; the API's
    # error mapping turns it into JSON. Nothing else names the exception.
    allowed = {"chibo/common/api/errors.py"}
    hits = _hits(
        re.compile(r"\bPermissionDenied\b"),
        lambda name: name.endswith("/access.py") or name in allowed,
    )
    assert hits == [], "PermissionDenied outside access.py:\n" + "\n".join(hits)


def test_subtree_and_validity_arithmetic_is_written_once():
    # Subtrees: Organisation.objects.subtree_of / in_subtree_q (orgs/models.py). Validity: Dated's
    # valid_on / valid_on_q / overlapping_q (common/dated.py).
    allowed = {"chibo/orgs/models.py", "chibo/common/dated.py"}
    pattern = re.compile(
        r"path__gte|path__lt|path__startswith|\bpath_upper\b|valid_from__lte|valid_until__gt|valid_until__isnull"
    )
    hits = _hits(pattern, lambda name: name in allowed)
    assert hits == [], "hand-written subtree or validity filters:\n" + "\n".join(hits)


def _lint_imports() -> str | None:
    beside_python = Path(sys.executable).parent / "lint-imports"
    return str(beside_python) if beside_python.exists() else shutil.which("lint-imports")


def test_import_layers_are_kept():
    command = _lint_imports()
    if command is None:
        pytest.skip("lint-imports is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_common_forbids_every_other_module_of_chibo():
    # The forbidden contract lists modules by name: a new app must be added to it, or common could import it.
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    forbidden = set(config["importlinter:contract:common"]["forbidden_modules"].split())
    ours = {
        f"chibo.{path.stem if path.is_file() else path.name}"
        for path in CHIBO.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert ours - {"chibo.common"} == forbidden


def _service_modules() -> list[str]:
    paths = sorted(CHIBO.glob("*/services.py")) + sorted(CHIBO.glob("*/services/*.py"))
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts) for path in paths if path.stem != "__init__"
    ]


# Public service functions whose `by` may be left out, each with its reason. Everything else that
# takes `by` checks it, and trusted callers write `by=SYSTEM`, so a skipped check is written down.
BY_DEFAULT_ALLOWED: dict[str, str] = {
    "chibo.security.services.audit_account": (
        "only writes a journal entry about an account; `by` is who to name in it, and a failed login "
        "or a lockout has nobody to name (checks belong to the services that call it)"
    ),
}


def test_services_take_the_acting_user_without_a_default():
    # A service that writes takes `by` keyword-only and checks it through its app's policy; a default
    # (`by=None`) would let a caller skip the check silently.
    import importlib
    import inspect

    modules = _service_modules()
    assert "chibo.members.services" in modules and "chibo.meetings.services.preparation" in modules
    wrong, checked = [], 0
    for name in modules:
        module = importlib.import_module(name)
        for attr, function in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(function) or function.__module__ != name:
                continue
            by = inspect.signature(function).parameters.get("by")
            if by is None:
                continue
            checked += 1
            key = f"{name}.{attr}"
            if key in BY_DEFAULT_ALLOWED:
                continue
            if by.default is not inspect.Parameter.empty or by.kind is not inspect.Parameter.KEYWORD_ONLY:
                wrong.append(f"{key}: {by}")
    assert checked > 50, checked
    assert wrong == [], "services whose `by` has a default or is not keyword-only:\n" + "\n".join(wrong)
