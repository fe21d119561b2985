"""Extensions, created once and bound to an application in the factory."""

import hashlib
import hmac

from flask import current_app, request
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_static_digest import FlaskStaticDigest
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Stable constraint names, so that migrations name the same thing on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def client_address() -> str:
    """Whom rate limits count against: a keyed hash of the client's IP address.

    ProxyFix supplies the address behind a proxy. The limiter's storage (Redis, say) never
    holds the address itself, and its counts go when their window ends.
    """
    address = get_remote_address() or request.remote_addr or "unknown"
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=client_address, default_limits=[])
# Pages for readers who are not signed in (app/page_cache.py): in-process, or Redis.
cache = Cache()
# Static files under names that carry a hash of their content (`flask digest compile`).
static_digest = FlaskStaticDigest()
