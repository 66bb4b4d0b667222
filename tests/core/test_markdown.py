from fellowship.core.markdown import render


def test_markdown_renders_emphasis_and_lists() -> None:
    assert str(render("**Solidarity** economy\n\n- one\n- two")) == (
        "<p><strong>Solidarity</strong> economy</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


def test_markdown_shows_raw_html_as_text_and_refuses_script_links() -> None:
    html = str(render("<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"))
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) "
        "&lt;img src=x onerror=alert(1)&gt;</p>\n"
    )


def test_markdown_links_get_safe_rel() -> None:
    assert str(render("[co-ops](https://example.org)")) == (
        '<p><a href="https://example.org" rel="noopener noreferrer nofollow">co-ops</a></p>\n'
    )


def test_markdown_empty_is_empty() -> None:
    assert str(render("")) == ""
