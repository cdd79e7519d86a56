"""The shape every access policy has (ARCHITECTURE "Access"): one policy per capability, in its app's
access.py, with the same verbs everywhere.

- `visible_qs(user)`: the rows the user may see, as a queryset (lists, exports, API pages).
- `can_view(user, obj)` / `can_edit(user, obj)`: yes or no, for menus, buttons and templates.
- `get_for_user(user, pk, write=False)`: the one fetch of views and API: not visible -> 404 (existence
  is not revealed), visible but not writable -> 403 with the policy's Vietnamese message.
- `check_edit(user, obj)`: what services that write call with their acting user (`by`), whoever
  the caller is. Trusted callers that act for nobody in particular (the demo, imports that checked
  their scope, background jobs) pass `SYSTEM`, so skipping the check is always written down.

Only policies raise PermissionDenied; common imports nothing of Chibo's own.
"""

from typing import Any, ClassVar, Generic, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class _System:
    """The acting user of trusted code (demo, import after its scope check, jobs): may do anything."""

    is_authenticated = True
    is_superuser = True
    is_active = True
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Any = _System()


def is_system(user) -> bool:
    return user is SYSTEM


def deny(message: str) -> NoReturn:
    """Raise the 403 of a policy (for rules that are not about one object: "may create here")."""
    raise PermissionDenied(message)


def not_found(message: str = "Không tìm thấy.") -> NoReturn:
    raise Http404(message)


class Policy(Generic[M]):
    model: ClassVar[type[models.Model]]
    not_found_message: ClassVar[str] = "Không tìm thấy."
    denied_message: ClassVar[str] = "Bạn không có quyền sửa mục này."

    def visible_qs(self, user) -> models.QuerySet:
        raise NotImplementedError

    def can_view(self, user, obj: M) -> bool:
        if is_system(user):
            return True
        return self.visible_qs(user).filter(pk=obj.pk).exists()

    def can_edit(self, user, obj: M) -> bool:
        raise NotImplementedError

    def fetch_qs(self) -> models.QuerySet:
        """The queryset `get_for_user` reads from (add select_related here)."""
        return self.model._default_manager.all()

    def get_for_user(self, user, pk, *, write: bool = False) -> M:
        obj = self.fetch_qs().filter(pk=pk).first()
        if obj is None or not self.can_view(user, obj):
            raise Http404(self.not_found_message)
        if write:
            self.check_edit(user, obj)
        return obj

    def check_view(self, user, obj: M) -> None:
        if not self.can_view(user, obj):
            raise Http404(self.not_found_message)

    def check_edit(self, user, obj: M) -> None:
        if is_system(user):
            return
        if not self.can_edit(user, obj):
            raise PermissionDenied(self.edit_denied_message(user, obj))

    def edit_denied_message(self, user, obj: M) -> str:
        return self.denied_message


class VisibleFetchPolicy(Policy[M]):
    """A policy whose fetch goes through the visible queryset in one query (with `related` joined):
    not visible is 404, as if it did not exist."""

    related: ClassVar[tuple[str, ...]] = ()

    def get_for_user(self, user, pk, *, write: bool = False) -> M:
        obj = self.visible_qs(user).select_related(*self.related).filter(pk=pk).first()
        if obj is None:
            raise Http404(self.not_found_message)
        if write:
            self.check_edit(user, obj)
        return obj
