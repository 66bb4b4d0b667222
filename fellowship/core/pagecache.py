"""Rendered pages kept in each worker process, for public pages that many anonymous visitors share.

A page is cached under a key that holds everything its HTML depends on (host and path, the language,
the revision of the data it shows, anything time-dependent such as "voting is open"); whoever builds the
key owns that completeness. Entries also expire after ``FELLOWSHIP_PAGE_CACHE_SECONDS`` (60 by default,
the same ``max-age`` these pages already promise to shared caches), which bounds how long a change outside
the key (an organisation renamed) can take to show. Only pages that are the same for every visitor and set
no cookie may use it; never a signed-in page.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cachetools import TTLCache
from flask import Flask, current_app


@dataclass(frozen=True)
class Page:
    html: str
    etag: str
    size: int  # bytes of UTF-8 (Arabic and Hebrew take two per letter)


class PageCache:
    def __init__(self, budget_bytes: int, seconds: int) -> None:
        self._pages: TTLCache[Hashable, Page] | None = (
            TTLCache(budget_bytes, seconds, getsizeof=lambda page: page.size) if budget_bytes > 0 else None
        )
        self._lock = threading.Lock()  # cachetools caches are not thread-safe
        self.hits = self.misses = 0

    def page(self, key: Hashable | None, render: Callable[[], str]) -> Page:
        """The page under ``key``, rendered (outside the lock) on a miss; ``None`` never caches."""
        if key is None or self._pages is None:
            return page_of(render())
        with self._lock:
            found = self._pages.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        page = page_of(render())
        if page.size <= self._pages.maxsize:  # a page larger than the whole cache is not kept
            with self._lock:
                self._pages[key] = page
        return page

    def clear(self) -> None:
        with self._lock:
            if self._pages is not None:
                self._pages.clear()


def page_of(html: str) -> Page:
    data = html.encode()
    return Page(html, hashlib.sha1(data, usedforsecurity=False).hexdigest(), len(data))


def init_app(app: Flask) -> None:
    app.extensions["fellowship_pagecache"] = PageCache(
        app.config["FELLOWSHIP_PAGE_CACHE_BYTES"], app.config["FELLOWSHIP_PAGE_CACHE_SECONDS"]
    )


def cache() -> PageCache:
    return current_app.extensions["fellowship_pagecache"]  # type: ignore[no-any-return]
