"""A browser without a screen for the scale-out proof: keeps cookies, reads CSRF tokens, posts forms
(multipart too), never follows redirects, and may be pointed at any server of the cluster."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Visitor:
    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def get(self, url: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request(url, headers=headers)

    def post(self, url: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> Answer:
        return self.request(url, urllib.parse.urlencode(fields).encode(), headers)

    def post_files(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]
    ) -> Answer:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, mimetype, content) in files.items():
            parts.append(
                (
                    f"--{boundary}\r\n"
                    f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {mimetype}\r\n\r\n"
                ).encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def token(self, url: str) -> str:
        page = self.get(url)
        found = TOKEN.search(page.text)
        assert found, f"no CSRF token on {url} ({page.status})"
        return found.group(1)

    def sign_in(self, base: str, email: str, password: str) -> Answer:
        token = self.token(base + "/sign-in")
        return self.post(base + "/sign-in", {"csrf_token": token, "email": email, "password": password})

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
