import pytest

from fellowship.core.web import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "////evil.example",
        "https:evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\tevil",
        "evil.example",
        "",
        None,
        "\\\\evil.example",
        "\r/x",
    ],
)
def test_safe_next_refuses_other_sites(target: str | None) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/cohorts/3", "/cohorts/3?tab=roster", "/a/b#c"])
def test_safe_next_keeps_local_paths(target: str) -> None:
    assert safe_next(target) == target
