"""Reading the home page's blocks in tests."""

from __future__ import annotations

import re
from typing import Any


def block(body: str, name: str) -> str:
    """The HTML inside the home block ``name``, or "" when the page does not show it."""
    match = re.search(rf'data-block="{name}">(.*?)</section>', body, re.S)
    return match.group(1) if match else ""


def home_block(client: Any, name: str) -> str:
    return block(client.get("/").get_data(as_text=True), name)
