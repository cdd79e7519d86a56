"""Demo data of the later modules (materials, training, supervision, portal), added after the core
seed and the demo accounts. Each module's function takes the SeedResult and the accounts' users
(a dict role → User, empty with --no-accounts) and writes its rows."""

from django.contrib.auth import get_user_model

from chibo.demo.accounts import DEMO_ACCOUNTS

# Dotted paths of `seed(result, users)` functions, run in this order.
EXTRAS: list[str] = [
    "chibo.demo.materials.seed",
    "chibo.demo.training.seed",
    "chibo.demo.supervision.seed",
    "chibo.demo.portal.seed",
    "chibo.demo.pending_accounts.seed",
]


def demo_users() -> dict:
    User = get_user_model()
    found = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    return {a.role: found[a.username] for a in DEMO_ACCOUNTS if a.username in found}


def seed_extras(result) -> None:
    from importlib import import_module

    users = demo_users()
    for dotted in EXTRAS:
        module, _, name = dotted.rpartition(".")
        getattr(import_module(module), name)(result, users)
