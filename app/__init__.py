"""Briefwechsel: open letters between colleagues, answered with letters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue

from app.compiled_templates import TranslatedEnvironment
from app.config import INSTANCE_DIR, build_config
from app.database import finish_request_transaction, forget_request_work


class Briefwechsel(Flask):
    """Flask with one transaction per request, committed when the view has answered, and
    templates compiled once per language."""

    jinja_environment = TranslatedEnvironment

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Every view, hook and error handler here is a plain function (a test checks that
        none is a coroutine), so Flask's test of each one, about thirty a request, is left
        out."""
        return func

    def dispatch_request(self) -> ResponseReturnValue:
        """Run the view; commit its work if it succeeded, else leave nothing behind.

        Here rather than in after_request, so that a failing commit (the database is
        locked) reaches the error pages like any other error of the view.
        """
        try:
            response = self.make_response(super().dispatch_request())
            finish_request_transaction(response.status_code)
        except BaseException:
            forget_request_work()
            raise
        return response


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configure, bind extensions, register features."""
    app = Briefwechsel(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.update(build_config(config))
    app.static_folder = app.config["STATIC_FOLDER"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_request_metrics(app)
    register_error_pages(app)
    register_templates(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.accounts.session import init_login
    from app.compiled_templates import init_template_compiling
    from app.database import init_database
    from app.extensions import csrf, db, limiter, mail, migrate, static_digest
    from app.i18n import init_i18n
    from app.kept_door import init_kept_door
    from app.legal import init_legal
    from app.log_privacy import keep_addresses_out_of_logs
    from app.page_cache import init_page_cache
    from app.web import init_web

    init_database(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_i18n(app)
    init_template_compiling(app)
    init_web(app)
    static_digest.init_app(app)
    init_page_cache(app)
    init_kept_door(app)  # after the page cache, before the request metrics wrap it
    init_legal(app)
    keep_addresses_out_of_logs()


def register_blueprints(app: Flask) -> None:
    from app import (
        accounts,
        admin,
        discovery,
        inbound,
        letters,
        links,
        notifications,
        ops,
        portability,
        signatures,
        subscriptions,
        webmentions,
    )
    from app.api.spec import init_api

    features = (accounts, letters, links, signatures, webmentions, discovery, subscriptions)
    for feature in (*features, notifications, inbound, admin, portability, ops):
        app.register_blueprint(feature.bp)
    init_api(app)  # flask-smorest registers the API's blueprint and describes it


def register_request_metrics(app: Flask) -> None:
    from app.ops.metrics import init_request_metrics

    init_request_metrics(app)


def register_error_pages(app: Flask) -> None:
    from app.errors import init_error_pages

    init_error_pages(app)


def register_templates(app: Flask) -> None:
    from app.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from flask_static_digest.cli import digest

    from app.cli import init_commands
    from app.inbound.cli import mail as mail_commands
    from app.notifications.cli import notify
    from app.ops.cli import backup_command, doctor_command
    from app.portability.cli import export_command

    init_commands(app)
    # Also an entry point of the package, but only `flask` finds those, not app.cli.
    app.cli.add_command(digest)
    app.cli.add_command(notify)
    app.cli.add_command(mail_commands)
    app.cli.add_command(doctor_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(export_command)
