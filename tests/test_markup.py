"""The one Markdown → HTML sanitizer, for both articles and comments."""

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from mistralnews.markup import ARTICLE, COMMENT, _defuse_brackets, plain_text, render_markdown
from tests.hostile_corpus import (
    HOSTILE_BODIES,
    Fragment,
    dangerous_urls,
    event_handlers,
    foreign_elements,
    script_elements,
)

PROFILES = [ARTICLE, COMMENT]


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


def assert_harmless(html, profile):
    for tag, attrs in elements(html):
        assert tag in profile.tags, f"<{tag}> is outside the allow-list in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert name not in {"style", "class", "id"}, f"{name} attribute in {html!r}"
            if name in {"href", "src"}:
                scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
                assert scheme in {"", "http", "https", "mailto"}, f"{value!r} in {html!r}"


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=x></form>',
    '<object data="evil.swf"></object>',
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    '![x](https://example.com/a.png" onerror="alert(1))',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    'Text {: onclick="alert(1)" }',
    "# Heading {: #id .class onmouseover=alert(1) }",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<!-- <script>alert(1)</script> -->",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
    "\x00<script>alert(1)</script>",
    "[a](https://example.com 'title\" onmouseover=\"alert(1)')",
]


@pytest.mark.parametrize("profile", PROFILES, ids=["article", "comment"])
@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_harmless(source, profile):
    html = render_markdown(source, profile)

    assert_harmless(html, profile)
    assert "<script" not in html.lower()


def hostile_findings(html, profile):
    """What the hostile-page checks find in `html` rendered for `profile`: scripts, event
    handlers, javascript:/data:/vbscript: URLs, and elements or attributes outside the
    profile's allow-lists. [] when it is harmless."""
    page = Fragment(html)
    foreign_attributes = [
        (element.tag, name)
        for element in page.elements
        for name, _value in element.attrs
        if name not in profile.attributes.get(element.tag, ())
    ]
    return [
        *script_elements(page),
        *event_handlers(page),
        *dangerous_urls(page),
        *foreign_elements(page, profile.tags),
        *foreign_attributes,
    ]


@pytest.mark.parametrize("profile", PROFILES, ids=["article", "comment"])
@pytest.mark.parametrize("body", [pytest.param(body, id=name) for name, body in HOSTILE_BODIES])
def test_hostile_corpus_renders_harmless_in_each_profile(body, profile):
    assert hostile_findings(render_markdown(body, profile), profile) == []


# Kept for the life of the test run: converters are cached by the profile's id.
ARTICLE_WITH_ATTR_LIST = replace(ARTICLE, extensions=(*ARTICLE.extensions, "attr_list"))
# The mistake the corpus must catch: attr_list on and an event handler allowed.
ARTICLE_WITH_ATTR_LIST_AND_ONCLICK = replace(
    ARTICLE_WITH_ATTR_LIST,
    attributes={**ARTICLE.attributes, "a": [*ARTICLE.attributes["a"], "onclick"], "p": ["onclick"]},
)
ATTR_LIST_BODIES = [(name, body) for name, body in HOSTILE_BODIES if name.startswith("attr-list")]


def test_hostile_corpus_checks_catch_an_article_profile_with_attr_list_and_onclick():
    """The checks above are only worth something if they can fail."""
    profile = ARTICLE_WITH_ATTR_LIST_AND_ONCLICK

    findings = {
        name: hostile_findings(render_markdown(body, profile), profile)
        for name, body in ATTR_LIST_BODIES
    }

    assert findings == {
        "attr-list-link": [("a", "onclick")],
        # An h1 is retagged h2 with every attribute dropped.
        "attr-list-heading": [],
        "attr-list-paragraph": [("p", "onclick")],
    }


def test_attr_list_alone_sets_nothing_past_the_article_allow_list():
    profile = ARTICLE_WITH_ATTR_LIST

    findings = [
        hostile_findings(render_markdown(body, profile), profile) for _, body in ATTR_LIST_BODIES
    ]

    assert findings == [[], [], []]


@pytest.mark.parametrize("profile", PROFILES, ids=["article", "comment"])
def test_raw_html_is_shown_as_text_not_interpreted(profile):
    html = render_markdown("I like <b>bold</b> & <script>alert(1)</script>", profile)

    assert (
        html == "<p>I like &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


@pytest.mark.parametrize("profile", PROFILES, ids=["article", "comment"])
def test_attr_list_syntax_sets_no_attribute(profile):
    html = render_markdown('A paragraph {: onclick="alert(1)" style="color:red" }', profile)

    assert elements(html) == [("p", {})]


@pytest.mark.parametrize("profile", PROFILES, ids=["article", "comment"])
def test_deeply_nested_list_falls_back_to_escaped_text(profile):
    source = "- " * 496 + "x"

    html = render_markdown(source, profile)

    assert html.startswith("<p>- - - ")
    assert html.endswith("x</p>")


def test_fallback_keeps_each_paragraph_escaped():
    html = render_markdown("- " * 496 + "x\n\n  \n\nA <b>second</b> paragraph", COMMENT)

    assert html.endswith(" x</p>\n<p>A &lt;b&gt;second&lt;/b&gt; paragraph</p>")
    assert html.count("<p>") == 2


def test_plain_text_drops_tags_and_decodes_entities():
    fragment = "<p>Hello <em>wide</em>\n world &amp; all</p>\n<p>two &lt;b&gt;</p>"

    assert plain_text(fragment, words=10) == "Hello wide world & all two <b>"


def test_plain_text_is_cut_after_so_many_words():
    fragment = "<p>Hello <em>wide</em>\n world &amp; all</p>\n<p>two &lt;b&gt;</p>"

    assert plain_text(fragment, words=5) == "Hello wide world & all…"


def test_article_profile_keeps_what_articles_need():
    source = (
        "## Section\n\nSome *emphasis*, **strong**, `code` and a [link](https://example.com).\n\n"
        '> A quote\n\n1. one\n2. two\n\n![A chart](/static/chart.png "Chart")\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n```\nprint('hi')\n```\n"
    )

    tags = [tag for tag, _ in elements(render_markdown(source, ARTICLE))]

    for expected in [
        "h2",
        "em",
        "strong",
        "code",
        "a",
        "blockquote",
        "ol",
        "li",
        "img",
        "table",
        "th",
        "td",
        "hr",
        "pre",
    ]:
        assert expected in tags


def test_article_headings_are_kept_between_h2_and_h4():
    html = render_markdown("# One\n\n##### Five\n\n###### Six", ARTICLE)

    assert html == "<h2>One</h2>\n<h4>Five</h4>\n<h4>Six</h4>"


def test_comment_profile_has_no_images_or_headings():
    html = render_markdown("# Big\n\n![a cat](https://example.com/cat.png)", COMMENT)

    assert html == "<p>Big</p>\n<p>a cat</p>"


def test_comment_links_are_nofollow_ugc_noopener():
    html = render_markdown("See [this](https://example.com) and https://example.org", COMMENT)

    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert links == [
        {"href": "https://example.com", "rel": "nofollow ugc noopener"},
        {"href": "https://example.org", "rel": "nofollow ugc noopener"},
    ]


def test_article_links_are_kept_as_written():
    html = render_markdown('[docs](https://docs.example.com/page?a=1&b=2 "Docs")', ARTICLE)

    assert elements(html) == [
        ("p", {}),
        ("a", {"href": "https://docs.example.com/page?a=1&b=2", "title": "Docs"}),
    ]


def test_control_characters_are_dropped():
    assert render_markdown("a\x00b\x02c\x1bd", COMMENT) == "<p>abcd</p>"


def test_empty_text_renders_empty():
    assert render_markdown("", ARTICLE) == ""


@pytest.mark.parametrize("profile", PROFILES, ids=["article", "comment"])
def test_bare_urls_become_links_without_trailing_punctuation(profile):
    html = render_markdown("Read https://example.com/a_b_c. Or (https://example.org)!", profile)

    hrefs = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert hrefs == ["https://example.com/a_b_c", "https://example.org"]
    assert "</a>. Or (" in html


@pytest.mark.parametrize(
    "source", ["[" * 5000, "![" * 2500, "[a](" + "(" * 4990, "[" * 2500 + "]" * 2500]
)
def test_bracket_floods_are_shown_as_text(source):
    html = render_markdown(source, COMMENT)

    assert "<a" not in html
    assert html.startswith("<p>")
    assert "[[[" in html or "(((" in html or "![![" in html


def test_a_few_stray_brackets_are_left_as_written():
    html = render_markdown("Use `a[` and [b and [link](https://example.com)", COMMENT)

    assert "<code>a[</code>" in html
    assert "and [b and <a" in html


def test_a_fallback_leaves_later_renderings_unaffected():
    """Converters are reused; one cut short by deep nesting must not leak its state."""
    render_markdown("- " * 496 + "x", COMMENT)

    assert render_markdown("# Big\n\n![a cat](x.png)", COMMENT) == "<p>Big</p>\n<p>a cat</p>"


# The bracket-flood defence, pinned by what it returns: with it off, "[" * 5000 still renders
# the same text, only 40 times slower.


@pytest.mark.parametrize(
    ("source", "defused"),
    [
        pytest.param("[" * 5000, "\\[" * 5000, id="open-brackets"),
        pytest.param("(" * 5000, "\\(" * 5000, id="open-parentheses"),
        pytest.param("![" * 2500, "!\\[" * 2500, id="image-openers"),
        # The author's backslash escapes the first bracket; the defence escapes the rest.
        pytest.param("\\" + "[" * 5000, "\\[" * 5000, id="leading-backslash"),
        # An escaped backslash escapes nothing, so every bracket is the defence's to escape.
        pytest.param("\\\\" + "[" * 5000, "\\\\" + "\\[" * 5000, id="escaped-backslash"),
    ],
)
def test_bracket_flood_is_escaped_bracket_by_bracket(source, defused):
    assert _defuse_brackets(source) == defused


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ("(", ")")])
def test_nesting_four_deep_is_left_as_written(opener, closer):
    text = (opener * 4 + "x" + closer * 4) * 17

    assert _defuse_brackets(text) == text


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ("(", ")")])
def test_nesting_five_deep_has_its_fifth_bracket_escaped(opener, closer):
    text = (opener * 5 + "x" + closer * 5) * 17

    assert _defuse_brackets(text) == (opener * 4 + "\\" + opener + "x" + closer * 5) * 17


def test_sixteen_stray_brackets_are_left_as_written():
    text = "])" * 20 + "[x " * 9 + "(x " * 7

    assert _defuse_brackets(text) == text


def test_seventeen_stray_brackets_are_all_escaped():
    text = "])" * 20 + "[x " * 9 + "(x " * 8

    assert _defuse_brackets(text) == "])" * 20 + "\\[x " * 9 + "\\(x " * 8


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\\[" * 100, id="escaped-by-the-author"),
        pytest.param("[a](b) " * 100, id="closed-links"),
        pytest.param("[" + "x]" * 100, id="unmatched-closers"),
    ],
)
def test_brackets_that_close_or_are_escaped_are_not_strays(text):
    assert _defuse_brackets(text) == text


def test_rendering_defuses_brackets_as_a_code_span_shows():
    """A code span keeps backslashes, so it shows whether the defence ran on the text."""
    assert render_markdown("`" + "[" * 16 + "`", COMMENT) == "<p><code>" + "[" * 16 + "</code></p>"
    assert render_markdown("`" + "[" * 17 + "`", COMMENT) == (
        "<p><code>" + "\\[" * 17 + "</code></p>"
    )
