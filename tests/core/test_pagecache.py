"""The page cache keeps rendered pages under their key, within a byte budget, and renders on a miss."""

from __future__ import annotations

from fellowship.core.pagecache import PageCache


def test_pages_are_kept_under_their_key_and_rendered_once() -> None:
    cache = PageCache(1000, 60)
    renders: list[str] = []

    def render(text: str) -> str:
        renders.append(text)
        return text

    first = cache.page(("a",), lambda: render("<p>A</p>"))
    again = cache.page(("a",), lambda: render("<p>changed</p>"))
    assert again == first and again.html == "<p>A</p>" and renders == ["<p>A</p>"]
    assert (cache.hits, cache.misses) == (1, 1)
    assert first.etag != cache.page(("b",), lambda: render("<p>B</p>")).etag
    assert cache.page(None, lambda: render("<p>A</p>")).html == "<p>A</p>" and len(renders) == 3  # never kept


def test_the_byte_budget_evicts_and_refuses_oversized_pages() -> None:
    cache = PageCache(100, 60)
    cache.page(("first",), lambda: "x" * 60)
    cache.page(("second",), lambda: "y" * 60)  # 120 bytes do not fit: the first goes
    assert cache.page(("first",), lambda: "rendered again").html == "rendered again"
    cache.page(("huge",), lambda: "z" * 500)
    assert cache.page(("huge",), lambda: "not kept").html == "not kept"


def test_a_zero_budget_turns_the_cache_off() -> None:
    cache = PageCache(0, 60)
    cache.page(("a",), lambda: "one")
    assert cache.page(("a",), lambda: "two").html == "two"


def test_the_budget_counts_bytes_not_letters() -> None:
    cache = PageCache(100, 60)
    cache.page(("ar",), lambda: "ع" * 40)  # 80 bytes of UTF-8
    cache.page(("he",), lambda: "ש" * 40)  # 80 more: the Arabic page goes
    assert cache.page(("ar",), lambda: "rendered again").html == "rendered again"
