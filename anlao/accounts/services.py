"""Writes on a staff user's own account. Each is atomic and audited.

Token writes live in ``accounts/tokens.py``; this module holds the rest of the account page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anlao.accounts.models import User
from anlao.core.audit import audit
from anlao.core.errors import PermissionDenied, ValidationFailed


def _check_new_password(actor: User, old_password: str, new1: str, new2: str) -> None:
    """Collect every problem at once so the form can show them beside their fields."""
    errors: dict[str, list[str]] = {}
    if not actor.check_password(old_password or ""):
        errors["old_password"] = [_("Your old password was entered incorrectly.")]
    if not new1:
        errors["new_password1"] = [_("Enter a new password.")]
    elif new1 != new2:
        errors["new_password2"] = [_("The two new passwords do not match.")]
    elif new1 == old_password:
        errors["new_password1"] = [_("The new password must differ from the old one.")]
    else:
        try:
            password_validation.validate_password(new1, user=actor)
        except ValidationError as exc:
            errors["new_password1"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def user_password_change(*, actor: Any, old_password: str, new_password1: str,
                         new_password2: str) -> User:
    """Change the actor's own password after checking the old one and the validators.

    The audit row records that the password changed, never a hash. The caller (a view) keeps
    the session alive with ``update_session_auth_hash``; other sessions of the user end.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("You are not allowed to do this."))
    user = User.objects.select_for_update().get(pk=actor.pk)
    _check_new_password(user, old_password, new_password1, new_password2)
    user.set_password(new_password1)
    user.save(update_fields=["password"])
    audit(actor=user, action="user.password_change", obj=user,
          note="password changed by its owner")
    # The caller's object must carry the new hash, or its session would be invalidated.
    actor.password = user.password
    return user
