from tests.web.conftest import as_user  # noqa: F401
