"""Test overrides on top of the one settings module: fast hashing, mail to memory, tasks run at once."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("CHIBO_DATA_DIR", tempfile.mkdtemp(prefix="chibo-tests-"))

from chibo.settings import *  # noqa: E402,F403
from chibo.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The manifest storage needs collectstatic and 404s hashed names under live_server.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["*"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns about a missing root)
# The existing tests log staff in without a second factor; tests/security turns it on.
CHIBO_REQUIRE_2FA = False
