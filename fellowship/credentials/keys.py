"""The application's key ring (``core.signing_keys``), read once per change of its file.

Outside production a missing file is created with a new key (the demo and tests sign with it); production
refuses to start without a usable file while credentials are on (``config.load``).
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from fellowship.core import clock, signing_keys

_CACHE = "fellowship.credential_keys"


def ring() -> signing_keys.KeyRing:
    path = Path(current_app.config["FELLOWSHIP_CREDENTIAL_KEYS_FILE"])
    if not path.exists() and current_app.config["FELLOWSHIP_MODE"] != "production":
        signing_keys.add_new_key(path, clock.today())
    stamp = (str(path), path.stat().st_mtime_ns)
    cached = current_app.extensions.get(_CACHE)
    if cached is None or cached[0] != stamp:
        cached = (stamp, signing_keys.read(path))
        current_app.extensions[_CACHE] = cached
    return cached[1]
