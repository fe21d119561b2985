"""Briefwechsel: open letters between colleagues, answered with letters."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.config import INSTANCE_DIR, build_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configure, bind extensions, register features."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.update(build_config(config))
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_error_pages(app)
    register_templates(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.accounts.session import init_login
    from app.database import init_database
    from app.extensions import csrf, db, limiter, mail, migrate
    from app.i18n import init_i18n
    from app.web import init_web

    init_database(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_i18n(app)
    init_web(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts
    from app.admin.views import bp as admin
    from app.discovery.views import bp as discovery
    from app.letters.views import bp as letters
    from app.notifications.views import bp as notifications
    from app.subscriptions.views import bp as subscriptions

    for blueprint in (accounts, admin, discovery, letters, notifications, subscriptions):
        app.register_blueprint(blueprint)


def register_error_pages(app: Flask) -> None:
    from app.errors import init_error_pages

    init_error_pages(app)


def register_templates(app: Flask) -> None:
    from app.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from app.cli import init_commands
    from app.notifications.cli import notify

    init_commands(app)
    app.cli.add_command(notify)
