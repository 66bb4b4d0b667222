"""A real OpenID Connect provider for the sign-in tests: oidc-provider (npm, installed in tests/e2e by
``npm ci``) run by ``provider.mjs`` on a free loopback port, issuer ``http://127.0.0.1:<port>``.

It knows one confidential client, ``fellowship`` / ``fellowship-test-secret`` (client_secret_basic, code
flow, RS256 ID tokens; PKCE with S256 is accepted, not required), and the scopes ``openid``, ``email``
(email, email_verified) and ``profile`` (name), whose claims are in the ID token as well as at userinfo.
People come from the table in ``provider.mjs``, keyed by the login typed into the provider's own
development login page (the password is ignored): alice, alice-renamed (alice's subject with a new
email), uma (email not verified), olly (outside acme.example), ada, nina, bea; any other login is
``<login>@acme.example``, verified. Consent is given on the provider's development consent page.

A browser journey finds on the login page (``<form>`` posting ``prompt=login``)::

    input[name=login]            the login name
    input[name=password]         any password
    button.login-submit          "Sign-in"

and then on the consent page (title "Authorize", ``<form>`` posting ``prompt=consent``)::

    button.login-submit          "Continue"

Both pages also have ``a[href$="/abort"]`` ("[ Cancel ]"), which returns ``error=access_denied`` to the
redirect URI.

The provider remembers a signed-in person in its own session cookie: in the same browser context the next
authorization request skips the login page unless it carries ``prompt=login`` (or the context is fresh).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import urljoin, urlsplit

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
NODE_MODULES = HERE.parent / "e2e" / "node_modules"
CLIENT_ID = "fellowship"
CLIENT_SECRET = "fellowship-test-secret"
READY_TIMEOUT = 15.0


def unavailable() -> str | None:
    """Why the provider cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH: the OpenID Connect provider needs Node.js"
    if not (NODE_MODULES / "oidc-provider" / "package.json").is_file():
        return f"oidc-provider is not installed in {NODE_MODULES}: run `npm ci` in tests/e2e"
    return None


class Provider:
    """A running provider process; `stop` (or leaving the ``with`` block) ends it."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET

    def __init__(self, process: subprocess.Popen[str], issuer: str, stderr: IO[str]) -> None:
        self.process = process
        self.issuer = issuer
        self._stderr = stderr

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Provider:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(redirect_uris: list[str], id_token_ttl: int | None = None) -> Provider:
    """Start a provider that accepts exactly these redirect URIs and wait until it listens."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    env = {**os.environ, "PORT": str(_free_port()), "REDIRECT_URIS": ",".join(redirect_uris)}
    if id_token_ttl is not None:
        env["ID_TOKEN_TTL"] = str(id_token_ttl)
    stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (the provider outlives this call)
    process = subprocess.Popen(
        ["node", str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=HERE
    )
    issuer: list[str] = []
    ready = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ready ") and not ready.is_set():
                issuer.append(line.split(" ", 1)[1].strip())
                ready.set()
        ready.set()

    threading.Thread(target=read_stdout, daemon=True).start()
    ready.wait(READY_TIMEOUT)
    if not issuer:
        try:
            process.wait(timeout=1)
            outcome = f"exited with status {process.returncode}"
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            outcome = f"was not ready within {READY_TIMEOUT:.0f} s"
        stderr.seek(0)
        log = stderr.read()
        Provider(process, "", stderr).stop()
        raise RuntimeError(f"the OpenID Connect provider {outcome}:\n{log}")
    return Provider(process, issuer[0], stderr)


class _Form(HTMLParser):
    """The first form on a page: its action and its named inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and not self._done:
            self.action = values.get("action") or ""
            self._inside = True
        elif tag == "input" and self._inside and values.get("name"):
            self.fields[values["name"] or ""] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside = False
            self._done = True


def login_over_http(authorize_url: str, login: str, redirect_prefix: str, max_steps: int = 20) -> str:
    """Sign in as `login` through the provider's development login and consent pages with ``requests``;
    return the first redirect to a URL starting with `redirect_prefix` (code, state, iss) unrequested."""
    import requests

    provider_origin = urlsplit(authorize_url)[:2]
    with requests.Session() as session:
        response = session.get(authorize_url, allow_redirects=False, timeout=10)
        for _ in range(max_steps):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if location.startswith(redirect_prefix):
                    return location
                if urlsplit(location)[:2] != provider_origin:
                    raise AssertionError(f"the provider redirected outside itself: {location}")
                response = session.get(location, allow_redirects=False, timeout=10)
                continue
            form = _Form()
            form.feed(response.text)
            if response.status_code != 200 or form.action is None:
                raise AssertionError(
                    f"the provider answered {response.status_code} at {response.url}:\n{response.text[:2000]}"
                )
            data = dict(form.fields)
            if data.get("prompt") == "login":
                data.update(login=login, password="any password")
            elif data.get("prompt") != "consent":
                raise AssertionError(f"unexpected form at {response.url}: {data}")
            response = session.post(
                urljoin(response.url, form.action), data=data, allow_redirects=False, timeout=10
            )
    raise AssertionError(f"no redirect to {redirect_prefix} within {max_steps} steps")
