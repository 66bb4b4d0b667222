"""The independent verifier (``verify_credential.mjs``, panva's jose in Node.js) as the tests call it: the
keys and status lists it needs are fetched from the application over HTTP, as a verifier would fetch them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

E2E = Path(__file__).parents[1] / "e2e"
SCRIPT = E2E / "verify_credential.mjs"  # beside node_modules, where its `import "jose"` is found
JOSE = E2E / "node_modules" / "jose"

needs_verifier = pytest.mark.skipif(
    not shutil.which("node") or not JOSE.exists(),
    reason="Node.js or jose is missing: run npm ci in tests/e2e (.ci/run does)",
)


def published(client: Any, base_url: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The installation's public keys by address, and its revocation list by address."""
    keys = client.get("/credentials/keys").get_json()["keys"]
    by_address = {f"{base_url}/credentials/keys/{k['kid']}": k for k in keys}
    for address, key in by_address.items():
        assert client.get(address.removeprefix(base_url)).get_json() == key  # each kid resolves to its key
    status_list = client.get("/credentials/status/1").get_data(as_text=True)
    return by_address, {f"{base_url}/credentials/status/1": status_list}


def verify(token: str, client: Any, base_url: str, now: float) -> dict[str, Any]:
    keys, lists = published(client, base_url)
    checked = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps({"token": token, "keys": keys, "statusLists": lists, "now": now}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(checked.stdout)
