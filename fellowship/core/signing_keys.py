"""The installation's signing keys for the credentials it issues (Ed25519, as JSON Web Keys).

A key ring is a JSON file holding a JWK Set (``{"keys": [...]}``) of Ed25519 keys, **newest first**: the first
key signs, and it must carry its private part; the others are earlier keys kept so that what they signed keeps
verifying after a rotation (their private part may be removed). Every key has a ``kid`` of its own.

Production reads the file named by ``FELLOWSHIP_CREDENTIAL_KEYS_FILE`` and refuses to start without a usable
one while credentials are on; development and tests make a key ring in the instance folder on first use
(``flask fellowship credentials rotate-key`` adds a new first key to the file in use).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey


class KeyRingError(ValueError):
    """The key ring file is missing, unreadable or not a usable set of Ed25519 keys; the message says why."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[OKPKey, ...]

    @property
    def signing(self) -> OKPKey:
        return self.keys[0]

    def find(self, kid: str) -> OKPKey | None:
        return next((k for k in self.keys if k.kid == kid), None)

    def public_jwks(self) -> dict[str, Any]:
        """Every key's public part: what verifiers may fetch (never a private member)."""
        return {"keys": [public_jwk(k) for k in self.keys]}


def public_jwk(key: OKPKey) -> dict[str, Any]:
    jwk = key.as_dict(private=False)
    return {name: jwk[name] for name in ("kty", "crv", "x", "kid")}


def parse(text: str, where: str) -> KeyRing:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise KeyRingError(f"{where}: not JSON ({error})") from error
    entries = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise KeyRingError(f'{where}: expected a JWK Set, {{"keys": [...]}}, with at least one key')
    keys: list[OKPKey] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            raise KeyRingError(f"{where}: key {index + 1} is not an Ed25519 key (kty OKP, crv Ed25519)")
        if not isinstance(entry.get("kid"), str) or not entry["kid"]:
            raise KeyRingError(f"{where}: key {index + 1} has no kid")
        try:
            keys.append(OKPKey.import_key(entry))
        except (JoseError, ValueError, TypeError) as error:
            raise KeyRingError(f"{where}: key {index + 1} cannot be read ({error})") from error
    if not keys[0].is_private:
        raise KeyRingError(f"{where}: the first key signs, so it needs its private part (d)")
    kids = [k.kid for k in keys]
    if len(set(kids)) != len(kids):
        raise KeyRingError(f"{where}: two keys share a kid")
    return KeyRing(tuple(keys))


def read(path: Path) -> KeyRing:
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise KeyRingError(f"{path}: cannot be read ({error.strerror})") from error
    return parse(text, str(path))


def new_key(today: dt.date) -> dict[str, Any]:
    """A new private Ed25519 JWK whose kid says when it was made (and a few random letters)."""
    kid = f"{today.isoformat()}-{secrets.token_hex(3)}"
    return OKPKey.generate_key("Ed25519", parameters={"kid": kid}, private=True).as_dict(private=True)


def add_new_key(path: Path, today: dt.date) -> str:
    """Put a new signing key first in the file (creating it if need be), keeping the earlier keys; returns its
    kid. The file is written whole to a neighbour and moved into place, readable by its owner only."""
    earlier = read(path).keys if path.exists() else ()
    key = new_key(today)
    ring = {"keys": [key, *(k.as_dict(private=k.is_private) for k in earlier)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".new")
    with os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        json.dump(ring, handle, indent=1)
    scratch.replace(path)
    return str(key["kid"])
