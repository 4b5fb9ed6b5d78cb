"""The sanitizer profiles' allow-lists, entry by entry.

First, what each entry lets through: for every tag, attribute and URL scheme of each
profile, a Markdown text that renders it, so that taking any entry off an allow-list fails
a test; and the elements each profile turns into ones it allows. Then what each lock of
the sanitizer stage stops on its own: raw HTML handed straight to a profile's cleaner, which
Markdown (raw HTML off) never lets an author reach.
"""

from html import escape
from html.parser import HTMLParser

import pytest

from mistralnews.markup import ARTICLE, COMMENT, render_markdown, sanitizer

PROFILES = {"article": ARTICLE, "comment": COMMENT}
REL = 'rel="nofollow ugc noopener"'


class _Canonical(HTMLParser):
    def __init__(self, *, text):
        super().__init__()
        self.text = text
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attributes = "".join(f' {name}="{escape(value or "")}"' for name, value in sorted(attrs))
        self.parts.append(f"<{tag}{attributes}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_comment(self, data):
        self.parts.append(f"<!--{data}-->")

    def handle_data(self, data):
        if self.text and data.strip():
            self.parts.append(escape(data, quote=False))


def canonical(html, *, text=True):
    """`html` as a parser reads it, written one way: attributes sorted, entities decoded,
    no self-closing slashes, no whitespace between elements; without text (but with HTML
    comments) if `text` is off.
    Serialisation details of one sanitizer or another make no difference to it."""
    parser = _Canonical(text=text)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def test_canonical_form_ignores_serialisation_details():
    assert canonical('<p>\n<IMG title="a&amp;b" SRC=x />&mdash;<br/></p>') == (
        '<p><img src="x" title="a&amp;b">—<br></p>'
    )
    assert canonical("<p>drop <em>text</em><!-- not this --></p>", text=False) == (
        "<p><em></em><!-- not this --></p>"
    )


# --- What each entry lets through -----------------------------------------------------------


def known_images(sources):
    """As the image library answers (BodyImage.objects.sizes_by_url): the size and srcset of
    the images the site stores, by their address."""
    library = "/media/body-images/chart.png"
    srcset = "/media/body-images/chart-480w.webp 480w, /media/body-images/chart.png 960w"
    return {
        source: {"width": 960, "height": 540, "srcset": srcset, "sizes": "100vw"}
        for source in sources
        if source == library
    }


# (entry, Markdown, article HTML, comment HTML), in canonical form; rendered with the image
# library's sizes (known_images).
ENTRIES = [
    ("p", "Text", "<p>Text</p>", "<p>Text</p>"),
    ("br", "one  \ntwo", "<p>one<br>\ntwo</p>", "<p>one<br>\ntwo</p>"),
    ("em", "*x*", "<p><em>x</em></p>", "<p><em>x</em></p>"),
    ("strong", "**x**", "<p><strong>x</strong></p>", "<p><strong>x</strong></p>"),
    ("code", "`x`", "<p><code>x</code></p>", "<p><code>x</code></p>"),
    ("pre-fenced", "```\nx\n```", "<pre><code>x\n</code></pre>", "<pre><code>x\n</code></pre>"),
    ("pre-indented", "    x", "<pre><code>x\n</code></pre>", "<pre><code>x\n</code></pre>"),
    ("blockquote", "> q", "<blockquote><p>q</p></blockquote>", "<blockquote><p>q</p></blockquote>"),
    ("ul-li", "- a\n- b", "<ul><li>a</li><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>"),
    ("ol-li", "1. a\n2. b", "<ol><li>a</li><li>b</li></ol>", "<ol><li>a</li><li>b</li></ol>"),
    (
        "a-href-http",
        "[x](http://example.com/)",
        '<p><a href="http://example.com/">x</a></p>',
        f'<p><a href="http://example.com/" {REL}>x</a></p>',
    ),
    (
        "a-href-https",
        "[x](https://example.com/)",
        '<p><a href="https://example.com/">x</a></p>',
        f'<p><a href="https://example.com/" {REL}>x</a></p>',
    ),
    (
        "a-href-mailto",
        "[x](mailto:a@example.com)",
        '<p><a href="mailto:a@example.com">x</a></p>',
        f'<p><a href="mailto:a@example.com" {REL}>x</a></p>',
    ),
    (
        "a-href-relative-path",
        "[x](/about/)",
        '<p><a href="/about/">x</a></p>',
        f'<p><a href="/about/" {REL}>x</a></p>',
    ),
    (
        "a-href-relative-fragment",
        "[x](#comments)",
        '<p><a href="#comments">x</a></p>',
        f'<p><a href="#comments" {REL}>x</a></p>',
    ),
    (
        "a-title",
        '[x](https://example.com/ "T")',
        '<p><a href="https://example.com/" title="T">x</a></p>',
        f'<p><a href="https://example.com/" {REL} title="T">x</a></p>',
    ),
    (
        "a-autolink",
        "<https://example.com/>",
        '<p><a href="https://example.com/">https://example.com/</a></p>',
        f'<p><a href="https://example.com/" {REL}>https://example.com/</a></p>',
    ),
    (
        "a-automail",
        "<a@example.com>",
        '<p><a href="mailto:a@example.com">a@example.com</a></p>',
        f'<p><a href="mailto:a@example.com" {REL}>a@example.com</a></p>',
    ),
    ("h2", "## x", "<h2>x</h2>", "<p>x</p>"),
    ("h3", "### x", "<h3>x</h3>", "<p>x</p>"),
    ("h4", "#### x", "<h4>x</h4>", "<p>x</p>"),
    ("h1-retagged", "# x", "<h2>x</h2>", "<p>x</p>"),
    ("h5-retagged", "##### x", "<h4>x</h4>", "<p>x</p>"),
    ("h6-retagged", "###### x", "<h4>x</h4>", "<p>x</p>"),
    (
        "img-src-alt-title",
        '![A chart](/static/chart.png "Chart")',
        '<p><img alt="A chart" src="/static/chart.png" title="Chart"></p>',
        "<p>A chart</p>",
    ),
    (
        "img-src-https",
        "![A cat](https://example.com/cat.png)",
        '<p><img alt="A cat" src="https://example.com/cat.png"></p>',
        "<p>A cat</p>",
    ),
    (
        "img-without-alt",
        "![](/static/chart.png)",
        '<p><img alt="" src="/static/chart.png"></p>',
        "<p></p>",
    ),
    (
        "img-width-height-srcset-sizes-from-the-library",
        "![A chart](/media/body-images/chart.png)",
        '<p><img alt="A chart" height="540" sizes="100vw" src="/media/body-images/chart.png" '
        'srcset="/media/body-images/chart-480w.webp 480w, /media/body-images/chart.png 960w" '
        'width="960"></p>',
        "<p>A chart</p>",
    ),
    ("hr", "a\n\n---\n\nb", "<p>a</p><hr><p>b</p>", "<p>a</p><p>b</p>"),
    (
        "table",
        "| a |\n|---|\n| 1 |",
        "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
        # Comments have no tables extension: the text stays, "---" made a dash by smarty.
        "<p>| a |\n|—|\n| 1 |</p>",
    ),
]


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize(
    ("source", "article", "comment"),
    [
        pytest.param(source, article, comment, id=entry)
        for entry, source, article, comment in ENTRIES
    ],
)
def test_each_allowed_entry_renders_in_its_profile(profile_name, source, article, comment):
    expected = {"article": article, "comment": comment}[profile_name]

    rendered = render_markdown(source, PROFILES[profile_name], known_images=known_images)

    assert canonical(rendered) == expected


def test_every_allow_list_entry_has_a_rendering_test():
    """Adding a tag, attribute or scheme to a profile means adding its case above."""
    rendered = {
        name: canonical(
            "".join(
                render_markdown(source, profile, known_images=known_images)
                for _, source, *_ in ENTRIES
            )
        )
        for name, profile in PROFILES.items()
    }

    for name, profile in PROFILES.items():
        for tag in profile.tags:
            assert f"<{tag}>" in rendered[name] or f"<{tag} " in rendered[name], tag
        for tag, attributes in profile.attributes.items():
            for attribute in attributes:
                assert f' {attribute}="' in rendered[name], (tag, attribute)
        for scheme in profile.protocols:
            assert f'href="{scheme}:' in rendered[name], scheme


# --- What each lock of the sanitizer stage stops on its own ---------------------------------

# (lock, raw HTML, what the article cleaner keeps, what the comment cleaner keeps), elements
# and attributes only: whether a stripped element's text stays is the sanitizer's own choice.
LOCKS = [
    ("script", "<script>alert(1)</script>", "", ""),
    ("script-src", '<script src="https://evil.example/x.js"></script>', "", ""),
    ("style-element", "<style>p { display: none }</style>", "", ""),
    ("onclick", '<p onclick="alert(1)">x</p>', "<p></p>", "<p></p>"),
    ("img-onerror", '<img src="/a.png" onerror="alert(1)">', '<img src="/a.png">', ""),
    ("style-attribute", '<p style="color: red">x</p>', "<p></p>", "<p></p>"),
    ("class-and-id", '<p class="admin" id="login">x</p>', "<p></p>", "<p></p>"),
    ("href-javascript", '<a href="javascript:alert(1)">x</a>', "<a></a>", "<a></a>"),
    ("href-javascript-entities", '<a href="&#106;avascript:alert(1)">x</a>', "<a></a>", "<a></a>"),
    ("href-vbscript", '<a href="vbscript:msgbox(1)">x</a>', "<a></a>", "<a></a>"),
    ("href-data", '<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a></a>", "<a></a>"),
    ("href-ftp", '<a href="ftp://example.com/">x</a>', "<a></a>", "<a></a>"),
    ("img-src-data", '<img src="data:image/png;base64,AAAA" alt="x">', '<img alt="x">', ""),
    ("img-src-javascript", '<img src="javascript:alert(1)" alt="x">', '<img alt="x">', ""),
    ("iframe", '<iframe src="https://evil.example/"></iframe>', "", ""),
    ("svg-onload", '<svg onload="alert(1)"><circle r="1"></circle></svg>', "", ""),
    ("math", "<math><mi>x</mi></math>", "", ""),
    ("object", '<object data="https://evil.example/x.swf"></object>', "", ""),
    ("form", '<form action="https://evil.example/"><input name="x"></form>', "", ""),
    ("html-comment", "<!-- <script>alert(1)</script> --><p>x</p>", "<p></p>", "<p></p>"),
    ("unknown-wrapper-kept-content", "<div><em>x</em></div>", "<em></em>", "<em></em>"),
    ("attribute-on-another-tag", '<p title="t" href="/x">x</p>', "<p></p>", "<p></p>"),
    (
        "a-target",
        '<a href="https://example.com/" target="_blank">x</a>',
        '<a href="https://example.com/"></a>',
        '<a href="https://example.com/"></a>',
    ),
    # Retagging is Markdown's stage; this one only keeps what the profile lists.
    ("h1", "<h1>x</h1>", "", ""),
    ("h5", "<h5>x</h5>", "", ""),
    ("img-in-comment", '<img src="/a.png" alt="x">', '<img alt="x" src="/a.png">', ""),
    ("hr-in-comment", "<hr>", "<hr>", ""),
    (
        "table-in-comment",
        "<table><tr><td>x</td></tr></table>",
        "<table><tbody><tr><td></td></tr></tbody></table>",
        "",
    ),
    # The article cleaner drops rel. The comment cleaner keeps rel as written: it is the
    # Markdown stage that sets it on every link (test_comment_links_are_nofollow_ugc_noopener),
    # and authors' raw HTML never gets here.
    (
        "a-rel",
        '<a href="https://example.com/" rel="opener">x</a>',
        '<a href="https://example.com/"></a>',
        '<a href="https://example.com/" rel="opener"></a>',
    ),
]


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize(
    ("raw", "article", "comment"),
    [pytest.param(raw, article, comment, id=lock) for lock, raw, article, comment in LOCKS],
)
def test_sanitizer_stage_alone_keeps_only_what_the_profile_lists(
    profile_name, raw, article, comment
):
    expected = {"article": article, "comment": comment}[profile_name]

    assert canonical(sanitizer(PROFILES[profile_name]).clean(raw), text=False) == expected


@pytest.mark.parametrize("profile_name", PROFILES)
def test_sanitizer_stage_strips_a_foreign_tag_keeping_its_text(profile_name):
    html = sanitizer(PROFILES[profile_name]).clean("<p><b>bold</b> and <u>under</u></p>")

    assert html == "<p>bold and under</p>"
