"""Fellowship: cohort-based training programs for worker-cooperative developers and grassroots groups.

``create_app()`` builds a standalone application. ``Fellowship(app, url_prefix="/academy")`` mounts the
whole thing into an existing Flask application instead; its hooks, headers and locale selection then apply
to Fellowship's own blueprints only.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from fellowship import config as settings
from fellowship.extensions import babel, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
ERROR_CODES = (400, 401, 403, 404, 405, 413, 429, 500)


def content_dir(name: str, package_dir: Path = PACKAGE_DIR) -> Path:
    """Where the top-level ``curriculum/`` or ``migrations/`` folder is.

    In a source checkout (also an editable install) it is the folder next to the package. A built wheel
    carries copies in ``fellowship/_bundled/`` (see setup.py), used when there is no checkout around the
    package: a stray ``migrations/`` folder in site-packages is never taken for ours.
    """
    project = package_dir.parent
    if (project / "pyproject.toml").is_file() and (project / name).is_dir():
        return project / name
    return package_dir / "_bundled" / name


EXTENSION_KEY = "fellowship"


class FellowshipSetupError(RuntimeError):
    """The host application cannot take Fellowship as configured."""


class Fellowship:
    def __init__(self, app: Flask | None = None, url_prefix: str = "", *, standalone: bool = False) -> None:
        self.url_prefix = url_prefix.rstrip("/")
        self.standalone = standalone
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        self._refuse_conflicts(app)
        # Values the host (or create_app's test_config) already set win over the environment's.
        for key, value in settings.load(app.instance_path).items():
            if app.config.get(key) is None:
                app.config[key] = value
        self._init_site_address(app)
        if not self.standalone:
            # Without this, Flask-WTF's CSRFProtect would check every POST of the host; we check ours below.
            app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
            os.makedirs(app.instance_path, exist_ok=True)

        db.init_app(app)
        from fellowship.core import sqlite

        with app.app_context():
            for engine in db.engines.values():
                sqlite.configure(engine, app.config["FELLOWSHIP_SQLITE_BUSY_TIMEOUT_MS"])
        migrations_dir = os.environ.get("FELLOWSHIP_MIGRATIONS_DIR") or str(content_dir("migrations"))
        migrate.init_app(app, db, directory=migrations_dir, render_as_batch=True, compare_type=True)
        if "csrf" not in app.extensions:
            csrf.init_app(app)
        limiter.init_app(app)
        from fellowship.core import pagecache

        pagecache.init_app(app)
        self._init_babel(app)
        self._init_login(app)

        app.register_blueprint(self._root_blueprint(), url_prefix=self.url_prefix or None)
        if self.standalone:
            from fellowship.core.security import add_headers

            app.after_request(add_headers)  # also on pages no blueprint matched (404, 405)
            from fellowship.core import logs

            app.before_request(logs.start_request)
            app.after_request(logs.log_request)
            app.context_processor(_template_context)
            for code in ERROR_CODES:
                app.register_error_handler(code, _error_page)
        from fellowship.cli import group
        from fellowship.credentials.cli import credentials
        from fellowship.curriculum.cli import curriculum

        group.add_command(curriculum)
        group.add_command(credentials)
        app.cli.add_command(group)
        app.extensions[EXTENSION_KEY] = self

    def _init_site_address(self, app: Flask) -> None:
        """Links in emails start with FELLOWSHIP_BASE_URL, never with the host a request names: anyone can
        send any ``Host`` header, and a password-reset link built from it would lead its recipient to the
        sender's site. Production requires the setting (config.load); development and testing fall back to
        an address taken from the configuration (config.default_base_url).

        The standalone application also answers only its own host names (Flask's TRUSTED_HOSTS; any other
        ``Host`` gets a plain 400). Mounted in a host application, Fellowship leaves TRUSTED_HOSTS alone:
        the host names a site answers are the host application's decision, as all of its pages share them.
        """
        config = app.config
        base = (config.get("FELLOWSHIP_BASE_URL") or "").rstrip("/")
        problem = settings.base_url_problem(base, config.get("FELLOWSHIP_MODE") or "development")
        if problem is not None:
            raise settings.ConfigError([problem])
        config["FELLOWSHIP_BASE_URL"] = base or settings.default_base_url(config)
        if self.standalone and config.get("TRUSTED_HOSTS") is None:
            config["TRUSTED_HOSTS"] = settings.trusted_hosts(config)

    @staticmethod
    def _refuse_conflicts(app: Flask) -> None:
        taken = [
            name
            for name, present in (
                ("Flask-SQLAlchemy", "sqlalchemy" in app.extensions),
                ("Flask-Login", hasattr(app, "login_manager")),
                ("Flask-Babel", "babel" in app.extensions),
                ("Flask-Migrate", "migrate" in app.extensions),
                ("Flask-Limiter", "limiter" in app.extensions),
                ("Fellowship", EXTENSION_KEY in app.extensions),
            )
            if present
        ]
        if taken:
            raise FellowshipSetupError(
                f"Fellowship brings its own {', '.join(taken)} and cannot share the one this application "
                "already set up. Mount Fellowship in an application without it, or run Fellowship standalone "
                "(fellowship.create_app) behind the same web server."
            )

    def _init_babel(self, app: Flask) -> None:
        from fellowship.core.i18n import select_locale, select_timezone

        def locale_selector() -> str | None:
            if self.standalone or _is_ours():
                return select_locale()
            return app.config.get("BABEL_DEFAULT_LOCALE", "en")

        babel.init_app(
            app,
            locale_selector=locale_selector,
            timezone_selector=select_timezone,
            default_translation_directories=str(PACKAGE_DIR / "translations"),
        )

    @staticmethod
    def _init_login(app: Flask) -> None:
        login_manager.init_app(app)
        login_manager.login_view = "fellowship.accounts.sign_in"
        login_manager.session_protection = "basic"

        @login_manager.user_loader
        def load_user(token: str) -> Any:
            from fellowship.accounts.services import session_user

            user_id, _sep, version = token.partition(":")
            sid = session.get("sid")
            if not user_id.isdigit() or not version.isdigit() or not isinstance(sid, str):
                return None
            max_age = dt.timedelta(hours=current_app.config["FELLOWSHIP_SESSION_MAX_HOURS"])
            return session_user(int(user_id), int(version), sid, max_age)

        @login_manager.unauthorized_handler
        def unauthorized() -> Response:
            if session.pop("expired", False):
                flash(_("Your session has ended. Please sign in again."), "info")
            else:
                flash(_("Please sign in to see this page."), "info")
            return redirect(url_for("fellowship.accounts.sign_in", next=request.full_path.rstrip("?")))

    def _root_blueprint(self) -> Blueprint:
        from fellowship import (
            accounts,
            attendance,
            awards,
            credentials,
            curriculum,
            discussions,
            evaluations,
            events,
            groups,
            impact,
            network,
            programs,
        )
        from fellowship.core import metrics
        from fellowship.core.i18n import carry_language
        from fellowship.core.security import add_headers

        root = Blueprint(
            "fellowship",
            __name__,
            static_folder="static",
            static_url_path="/static",
            template_folder="templates",
        )
        root.register_blueprint(accounts.bp)
        root.register_blueprint(programs.bp)
        root.register_blueprint(events.bp)
        root.register_blueprint(attendance.bp)
        root.register_blueprint(curriculum.bp)
        root.register_blueprint(evaluations.bp)
        root.register_blueprint(awards.bp)
        root.register_blueprint(impact.bp)
        root.register_blueprint(network.bp)
        root.register_blueprint(discussions.bp)
        root.register_blueprint(credentials.bp)
        root.register_blueprint(groups.bp)

        root.before_request(_keep_objects_after_commit)
        root.before_request(_expire_idle_session)

        @root.route("/healthz")
        def healthz() -> tuple[dict[str, str], int, dict[str, str]]:
            """For load balancers: 200 when the database answers, 503 otherwise. Reads nothing else."""
            from fellowship.core.readiness import database_answers

            if not database_answers():
                return {"status": "database unavailable"}, 503, {"Cache-Control": "no-store"}
            return {"status": "ok"}, 200, {"Cache-Control": "no-store"}

        @root.route("/readyz")
        def readyz() -> tuple[dict[str, str], int, dict[str, str]]:
            """For a load balancer deciding whether to send traffic here: the database and, when rate
            limits are shared through Redis, Redis too; 503 naming what does not answer."""
            from fellowship.core.readiness import check

            problems, checks = check(current_app)
            return checks, 503 if problems else 200, {"Cache-Control": "no-store"}

        metrics.init_app(root)

        @root.before_request
        def protect_forms() -> None:
            config = current_app.config
            if config.get("WTF_CSRF_ENABLED", True) and request.method in config.get(
                "WTF_CSRF_METHODS", {"POST", "PUT", "PATCH", "DELETE"}
            ):
                csrf.protect()

        root.after_request(add_headers)
        root.url_defaults(carry_language)
        root.context_processor(_template_context)
        for code in ERROR_CODES:
            root.register_error_handler(code, _error_page)
        return root


def _keep_objects_after_commit() -> None:
    """A view commits once, then renders or redirects (DESIGN.md). Expiring every object at that commit
    made the page after it read the signed-in user (for the flash message's language), the event and the
    cohort again, one statement each. A request's session lives for that request only and reads nothing
    another transaction changed after its own commit, so its objects keep the values it read or wrote.

    Only request sessions: commands that loop and commit (``deliver-mail``, ``dispatch``) keep SQLAlchemy's
    default and read rows afresh after each commit, as other processes may change them meanwhile.
    """
    db.session().expire_on_commit = False


def _expire_idle_session() -> None:
    """End a signed-in session that has been idle too long; otherwise note this request's time.

    The time is kept in the signed session cookie, so idle expiry costs no database write.
    """
    if "sid" not in session:
        return
    now = int(clock_now().timestamp())
    idle = current_app.config["FELLOWSHIP_SESSION_IDLE_MINUTES"] * 60
    seen = session.get("seen")
    if not isinstance(seen, int) or now - seen > idle:
        locale = session.get("locale")
        session.clear()
        session["expired"] = True
        if locale:
            session["locale"] = locale
        return
    if now - seen >= 60:
        session["seen"] = now


def clock_now() -> dt.datetime:
    from fellowship.core import clock

    return clock.now()


def _is_ours() -> bool:
    blueprint = request.blueprint or ""
    return blueprint == "fellowship" or blueprint.startswith("fellowship.")


def _template_context() -> dict[str, Any]:
    from flask import has_request_context
    from flask_babel import format_decimal, format_percent, get_locale

    from fellowship.core import dev_mailbox, i18n
    from fellowship.core.i18n import LANGUAGE_NAMES
    from fellowship.core.permissions import is_admin
    from fellowship.network.access import may_use as may_use_network

    locale = str(get_locale() or "en")
    context: dict[str, Any] = {
        "lang": locale,
        "text_dir": i18n.text_direction(locale),
        "format_date": i18n.format_date,
        "format_datetime_in": i18n.format_datetime_in,
        "format_until": i18n.format_until,
        "format_when": i18n.format_when,
        "format_date_range": i18n.format_date_range,
        "format_number": format_decimal,
        "format_percent": format_percent,
        "marked": i18n.marked,
        "lang_attrs": i18n.lang_attrs,
    }
    if has_request_context():
        here = request.full_path.rstrip("?")
        if not g.get("public_page"):  # its CSRF token would start a session, hence a cookie
            # The switcher is plain HTML in base.html (a WTForms form on every page cost a millisecond);
            # the POST it sends is validated by LanguageForm in accounts.views.
            context["language_switcher"] = {"next": here, "names": LANGUAGE_NAMES}
        context["user_is_admin"] = is_admin(current_user)
        context["network_member"] = not g.get("public_page") and may_use_network(current_user)
        # Pages that many visitors share (the page cache keeps them) must not depend on who asks.
        context["dev_mailbox_open"] = not g.get("public_page") and dev_mailbox.open_here()
    return context


def _error_page(error: Exception) -> tuple[str, int] | Response:
    if isinstance(error, SecurityError):
        # A Host that is not the site's (TRUSTED_HOSTS): no URLs can be built for it, so no page either.
        return current_app.response_class("Unknown host.\n", 400, mimetype="text/plain")
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if code == 500:
        db.session.rollback()
    return render_template("error.html", code=code), code


class _Flask(Flask):
    def log_exception(self, exc_info: Any) -> None:
        """Flask names the failing request by its address, which may hold a token: name the route."""
        from fellowship.core.logs import route

        self.logger.error("Exception on %s [%s]", route(), request.method, exc_info=exc_info)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The standalone application used by ``make run``, ``wsgi.py`` and the tests.

    Settings that cannot run the application (config.load) stop the process with one message that lists
    them all, and no traceback: they are an operator's to fix, not a bug.
    """
    try:
        return _standalone_app(test_config)
    except settings.ConfigError as error:
        sys.stderr.write(f"{error}\n")
        # Exit status 4 is gunicorn's "App failed to load": its master stops instead of restarting workers.
        raise SystemExit(4) from None


def _standalone_app(test_config: dict[str, Any] | None) -> Flask:
    app = _Flask(
        "fellowship",
        instance_path=os.environ.get("FELLOWSHIP_INSTANCE_PATH") or None,
        instance_relative_config=True,
        static_folder=None,
        root_path=str(PACKAGE_DIR),
    )
    app.config.update(settings.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
    proxies = app.config["FELLOWSHIP_TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    if app.config["FELLOWSHIP_LOG_JSON"]:
        from fellowship.core.logs import JsonFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logging.getLogger("fellowship").addHandler(handler)
    logging.getLogger("fellowship").setLevel(logging.INFO)
    Fellowship(app, standalone=True)
    return app


__all__ = ["Fellowship", "FellowshipSetupError", "create_app"]
