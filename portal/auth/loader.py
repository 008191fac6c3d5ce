"""How Flask-Login finds the signed-in user for a request."""

from __future__ import annotations

import uuid

from portal.extensions import db, login_manager
from portal.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        key = uuid.UUID(user_id)
    except ValueError:
        return None
    user = db.session.get(User, key)
    return user if user is not None and user.is_enabled else None
