"""Hostile input, shared by the server-side tests (tests/test_comments_hostile.py) and the
browser tests (tests/e2e/test_hostile_pages.py): a corpus of hostile Markdown bodies, and the
checks that a page showing them is harmless, run on the elements of a page as an HTML parser
or a browser's DOM sees them.

The corpus holds XSS filter-evasion payloads (OWASP cheat-sheet classes), Markdown link and
image tricks with every scheme encoding, reference links, autolinks, attr_list, SVG/MathML,
mutation XSS, entities, Unicode tricks and floods up to the comment length limit.
"""

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from mistralnews.characters import has_bidi_controls

JS_ENTITIES_DECIMAL = "".join(f"&#{ord(char)};" for char in "javascript:")
JS_ENTITIES_HEX = "".join(f"&#x{ord(char):X};" for char in "javascript:")
JS_ENTITIES_PADDED_NO_SEMICOLON = "".join(f"&#{ord(char):07d}" for char in "javascript:")
JS_ENTITIES_HEX_NO_SEMICOLON = "".join(f"&#x{ord(char):x}" for char in "javascript:")
JS_PERCENT_ENCODED = "".join(f"%{ord(char):02X}" for char in "javascript")
SVG_BASE64 = "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+"  # <svg onload=alert(1)></svg>
SCRIPT_BASE64 = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>


def up_to_limit(text, limit=5000):
    """`text` repeated to exactly `limit` characters."""
    return (text * (limit // len(text) + 1))[:limit]


HOSTILE_BODIES = [
    # Script tags, in case variants, split, nested and broken.
    ("script-tag", "<script>alert(1)</script>"),
    ("script-mixed-case", "<ScRiPt>alert(document.cookie)</sCrIpT>"),
    ("script-src-uppercase", "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>"),
    ("script-nested-split", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-double-open", '<<SCRIPT>alert("XSS");//\\<</SCRIPT>'),
    ("script-slash-attribute", '<script/xss src="http://xss.example/x.js"></script>'),
    ("script-closing-breakout", "</div></script><script>alert(1)</script>"),
    ("script-unclosed", "<script src=//xss.example/a.js?<b>"),
    # Images, SVG, body and other elements with event handlers.
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-src-javascript", "<IMG SRC=\"javascript:alert('XSS');\">"),
    ("img-fromcharcode", "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>"),
    ("img-eval-src", "<img src=x:alert(alt) onerror=eval(src) alt=0>"),
    ("img-grave-accent", "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>"),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-slash-onload", "<svg/onload=alert(1)//"),
    ("body-onload", "<body onload=alert(1)>"),
    ("div-onmouseover", '<div onmouseover="alert(1)">hover me</div>'),
    ("anchor-onclick", '<a href="#" onclick="alert(1)">click</a>'),
    ("input-autofocus-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("details-ontoggle", "<details open ontoggle=alert(1)>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("handler-slash-separator", "<img/src=x/onerror=alert(1)>"),
    # Elements that load or submit somewhere else, or restyle the page.
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("object-data", f'<object data="data:text/html;base64,{SCRIPT_BASE64}"></object>'),
    ("embed-src", f'<embed src="data:image/svg+xml;base64,{SVG_BASE64}">'),
    (
        "form-formaction",
        '<form action="javascript:alert(1)"><button formaction=javascript:alert(1)>go</button>'
        "</form>",
    ),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="javascript:alert(1)//">'),
    ("style-import", "<style>@import 'http://xss.example/x.css';</style>"),
    ("link-stylesheet", '<link rel="stylesheet" href="javascript:alert(1)">'),
    ("style-attribute", '<div style="background:url(javascript:alert(1))">x</div>'),
    ("raw-anchor-entity-scheme", f'<a href="{JS_ENTITIES_DECIMAL}alert(1)">x</a>'),
    # Markdown links with a hostile scheme.
    ("md-link-javascript", "[click](javascript:alert(1))"),
    ("md-link-mixed-case", "[click](JaVaScRiPt:alert(1))"),
    ("md-link-leading-spaces", "[click](   javascript:alert(1))"),
    ("md-link-leading-tab", "[click](\tjavascript:alert(1))"),
    ("md-link-tab-inside", "[click](java\tscript:alert(1))"),
    ("md-link-newline-inside", "[click](java\nscript:alert(1))"),
    ("md-link-entity-decimal", f"[click]({JS_ENTITIES_DECIMAL}alert(1))"),
    ("md-link-entity-hex", f"[click]({JS_ENTITIES_HEX}alert(1))"),
    ("md-link-entity-padded", f"[click]({JS_ENTITIES_PADDED_NO_SEMICOLON}alert(1))"),
    ("md-link-entity-hex-no-semicolon", f"[click]({JS_ENTITIES_HEX_NO_SEMICOLON}alert(1))"),
    ("md-link-entity-tab", "[click](jav&#x09;ascript:alert(1))"),
    ("md-link-entity-newline", "[click](jav&#x0A;ascript:alert(1))"),
    ("md-link-entity-colon", "[click](javascript&colon;alert(1))"),
    ("md-link-percent-encoded", f"[click]({JS_PERCENT_ENCODED}:alert(1))"),
    ("md-link-percent-colon", "[click](javascript%3Aalert(1))"),
    ("md-link-unicode-escape", "[click](\\u006Aavascript:alert(1))"),
    ("md-link-backslash-escape", "[click](java\\script:alert(1))"),
    ("md-link-zero-width-space", "[click](java\u200bscript:alert(1))"),
    ("md-link-javascript-comment", "[click](javascript://example.com/%0Aalert(1))"),
    ("md-link-vbscript", "[click](vbscript:msgbox(1))"),
    ("md-link-vbscript-upper", "[click](VBScript:MsgBox(1))"),
    ("md-link-data-base64", f"[click](data:text/html;base64,{SCRIPT_BASE64})"),
    ("md-link-data-upper", "[click](DATA:text/html,<script>alert(1)</script>)"),
    ("md-link-angle-destination", "[click](<javascript:alert(1)>)"),
    ("md-link-with-title", '[click](javascript:alert(1) "a title")'),
    ("md-image-javascript", "![x](javascript:alert(1))"),
    ("md-image-data-svg", f"![x](data:image/svg+xml;base64,{SVG_BASE64})"),
    ("md-image-alt-breakout", '![x" onerror="alert(1)](http://img.example/y.png)'),
    # Reference-style links and images, autolinks, attr_list.
    ("md-reference-link", "[click][evil]\n\n[evil]: javascript:alert(1)"),
    ("md-reference-collapsed", "[evil][]\n\n[evil]: vbscript:msgbox(1) 'title'"),
    ("md-reference-image", f"![x][evil]\n\n[evil]: data:text/html;base64,{SCRIPT_BASE64}"),
    ("md-reference-entity", f"[click][evil]\n\n[evil]: {JS_ENTITIES_HEX}alert(1)"),
    ("autolink-javascript", "<javascript:alert(1)>"),
    ("autolink-javascript-upper", "<JAVASCRIPT:alert(1)>"),
    ("autolink-data", "<data:text/html,<script>alert(1)</script>>"),
    ("automail-javascript", "<javascript:alert(1)@example.com>"),
    ("attr-list-link", '[click](http://example.com){: onclick="alert(1)" }'),
    ("attr-list-heading", "# Heading {: onmouseover=alert(1) }"),
    ("attr-list-paragraph", "Some text\n{: .x onclick=alert(1) style=color:red }"),
    # Link titles and URLs that try to break out of their quotes.
    ("title-escaped-quote", '[click](http://example.com "t\\" onmouseover=\\"alert(1)")'),
    ("title-single-quote", "[click](http://example.com 'a\\' onclick=\\'alert(1)')"),
    ("title-extra-attribute", '[click](http://example.com "a" onclick="alert(1)")'),
    ("url-quote-breakout", '[click](http://x.example/"><script>alert(1)</script>)'),
    ("bare-url-quote-breakout", 'http://example.com/"onmouseover="alert(1)'),
    ("bare-url-script", "https://x.example/<script>alert(1)</script>"),
    # Mutation-XSS: content that parses one way sanitised and another way in a browser.
    ("mxss-noscript", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("mxss-style-img", "<style><img src=x onerror=alert(1)></style>"),
    ("mxss-textarea", "<textarea></textarea><script>alert(1)</script>"),
    ("mxss-title", "<title><img src=x onerror=alert(1)></title>"),
    ("mxss-template", "<template><script>alert(1)</script></template>"),
    ("mxss-math-mglyph", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("mxss-svg-style", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'),
    ("mxss-comment-attribute", '<!--<img src="--><img src=x onerror=alert(1)//">'),
    ("mxss-comment-bang", "<!-- --!><script>alert(1)</script> -->"),
    ("mxss-cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    ("mxss-xmp", '<xmp><p title="</xmp><img src=x onerror=alert(1)>">'),
    (
        "mxss-form-math",
        "<form><math><mtext></form><form><mglyph><svg><mtext><style>"
        '<path id="</style><img onerror=alert(1) src>">',
    ),
    ("code-span-script", "`<script>alert(1)</script>`"),
    ("fenced-code-script", "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```"),
    ("indented-code-script", "Look:\n\n    <script>alert(1)</script>"),
    ("blockquote-script", "> <script>alert(1)</script>\n> [x](javascript:alert(1))"),
    # Unicode tricks: the comment form refuses text-direction overrides (COMMENT_BODIES).
    ("bidi-override-link", "[invoice](http://example.com/\u202egpj.exe)\u202e txt.exe"),
    ("zero-width-joiners", "<scr\u200dipt>alert(1)</scr\u200dipt> \ufeff"),
    # Floods, up to the 5,000-character limit.
    ("flood-script-tags", up_to_limit("<script>alert(1)</script>\n")),
    ("flood-javascript-links", up_to_limit("[x](javascript:alert(1)) ")),
    ("flood-img-onerror", up_to_limit("<img src=x onerror=alert(1)>")),
    ("flood-open-brackets", up_to_limit("[")),
    ("flood-nested-brackets", "[" * 2000 + "x](javascript:alert(1))" + "]" * 2000),
    ("flood-nested-lists", "- " * 2499 + "x"),
    ("flood-nested-quotes", "> " * 2499 + "x"),
    ("flood-indented-lists", "".join("  " * depth + "- x\n" for depth in range(60))),
    ("flood-less-than", up_to_limit("<")),
    ("flood-emphasis", up_to_limit("*_")),
    ("three-links-held", "[a](http://a.example) [b](javascript:alert(1)) <http://c.example>"),
]

# The ones the comment form accepts: it refuses text-direction overrides (tested on their own).
COMMENT_BODIES = [(name, body) for name, body in HOSTILE_BODIES if not has_bidi_controls(body)]


# --- Checking a page ------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
)
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data"})


@dataclass(frozen=True)
class Element:
    """One element of a page: its tag, its attributes as (name, value) pairs with entities
    decoded, and whether it is inside text a reader or editor wrote."""

    tag: str
    attrs: tuple
    in_user_text: bool


class Fragment(HTMLParser):
    """The elements of one rendered text (stored HTML, all of it written by a user), for the
    checks below: `Fragment(render_markdown(body, profile))`."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, tuple(attrs), in_user_text=True))


def url_scheme(value):
    """The scheme of a URL, read more loosely than a browser does: with every space,
    control and format character removed and in lower case; "" for a relative URL."""
    squeezed = "".join(
        char for char in value if not (char.isspace() or unicodedata.category(char) in {"Cc", "Cf"})
    ).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", squeezed)
    return match[1] if match else ""


# The site's own scripts, which pages may load (comments/static/comments/discussion.js), by
# their names with or without the hash collectstatic adds.
OWN_SCRIPT = re.compile(r"/static/comments/discussion(\.[0-9a-f]{12})?\.js")


def own_script(src):
    """Whether `src` is the address of one of the site's own script files."""
    return bool(src and OWN_SCRIPT.fullmatch(src))


def script_elements(page):
    """Scripts a browser would run, but the site's own: the page's one JSON-LD block is data,
    not code, and the discussion's script is the site's file (its element holds nothing else).
    `page` is anything with the `elements` of a page."""
    return [
        element
        for element in page.elements
        if element.tag == "script"
        and dict(element.attrs).get("type") != "application/ld+json"
        and not _own_script_element(element)
    ]


def _own_script_element(element):
    attrs = dict(element.attrs)
    return attrs.keys() == {"src", "defer"} and own_script(attrs["src"])


def event_handlers(page):
    return [
        (element.tag, name)
        for element in page.elements
        for name, _value in element.attrs
        if name.startswith("on")
    ]


def dangerous_urls(page):
    return [
        (element.tag, name, value)
        for element in page.elements
        for name, value in element.attrs
        if name in URL_ATTRIBUTES and value and url_scheme(value) in DANGEROUS_SCHEMES
    ]


def foreign_elements(page, allowed_tags):
    """Elements in user text other than the `allowed_tags` (a sanitizer profile's)."""
    return [
        element.tag
        for element in page.elements
        if element.in_user_text and element.tag not in allowed_tags
    ]
