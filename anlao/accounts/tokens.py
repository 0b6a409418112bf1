"""Per-user API tokens: create (value shown once), revoke, list, authenticate.

Only the sha256 of a token is stored, so a database leak does not leak working tokens. The
lookup is by hash (an indexed unique column), which makes the comparison constant-time with
respect to the secret: the database never compares the raw value.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import ApiToken, User, hash_token
from anlao.core.audit import audit
from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed

TOKEN_PREFIX = "anl_"
# Writing last_used_at on every request would turn every API read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def _require_active_user(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("You are not allowed to do this."))


def tokens_for(actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first, revoked ones included (for the history)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=actor.pk)


@transaction.atomic
def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; returns the row and the raw value (never stored)."""
    _require_active_user(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Give the token a name.")]})
    if len(name) > 64:
        raise ValidationFailed({"name": [_("The name is too long (64 characters at most).")]})
    active = tokens_for(actor).filter(revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            {"name": [_("You have too many active tokens; revoke one first.")]}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=raw[:8], key_hash=hash_token(raw)
    )
    audit(actor=actor, action="api_token.create", obj=token,
          after={"name": name, "prefix": token.prefix, "user_id": actor.pk})
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token_id: int) -> None:
    """Revoke one of the actor's own tokens; another user's token is 'not found'."""
    _require_active_user(actor)
    try:
        pk = int(token_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("Token not found.")) from exc
    token = tokens_for(actor).select_for_update().filter(pk=pk).first()
    if token is None:
        raise NotFound(_("Token not found."))
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit(actor=actor, action="api_token.revoke", obj=token,
          before={"revoked_at": None}, after={"revoked_at": token.revoked_at.isoformat()})


def token_authenticate(raw: str) -> User | None:
    """The active user owning this unrevoked token, or ``None``."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 256:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A conditional update: concurrent requests write at most once per minute.
        ApiToken.objects.filter(pk=token.pk).filter(
            last_used_at=token.last_used_at
        ).update(last_used_at=now)
    return token.user
