"""The project's one Markdown → HTML pipeline.

All text written by editors or readers becomes HTML here and nowhere else. Python-Markdown
renders it with raw HTML turned off (authors' tags come out as text), then bleach keeps only
what the profile allows. Pages print the stored result; nothing here runs on a page view.

bleach is final (6.4.0 was its last security release). Its maintained successor, nh3, is
one change away: build `nh3.Cleaner` in `_converter` with the profile's lists, as
tests/test_markup_nh3.py does in `nh3_cleaner` (which checks on every hostile input that
bleach keeps nothing nh3 would strip), and move nh3 from the dev extras to the dependencies.
"""

import html
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser

import bleach
import markdown
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdown.extensions import Extension
from markdown.inlinepatterns import AutolinkInlineProcessor
from markdown.treeprocessors import Treeprocessor

from mistralnews.characters import drop_control_characters


@dataclass(frozen=True)
class Profile:
    """What one kind of text may contain once rendered."""

    tags: frozenset[str]
    attributes: dict[str, list[str]]
    protocols: frozenset[str]
    # Elements Markdown can produce that the profile turns into ones it allows;
    # an element renamed to "span" is unwrapped by the sanitizer, keeping its text.
    retag: dict[str, str]
    extensions: tuple[str, ...] = ()
    # When set, every link gets this rel.
    link_rel: str = ""


# What both profiles allow: text with emphasis, code, quotes, lists and links.
_PROSE_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}

ARTICLE = Profile(
    tags=frozenset(
        _PROSE_TAGS | {"h2", "h3", "h4", "img", "hr", "table", "thead", "tbody", "tr", "th", "td"}
    ),
    # An image's size and srcset come only from the site's own record of it (`known_images`
    # in render_markdown): Markdown has no syntax for them and raw HTML is off.
    attributes={
        "a": ["href", "title"],
        "img": ["src", "alt", "title", "width", "height", "srcset", "sizes"],
    },
    protocols=frozenset({"http", "https", "mailto"}),
    retag={"h1": "h2", "h5": "h4", "h6": "h4"},
    extensions=("tables", "fenced_code", "sane_lists", "smarty"),
)

COMMENT = Profile(
    tags=frozenset(_PROSE_TAGS),
    attributes={"a": ["href", "title", "rel"]},
    protocols=frozenset({"http", "https", "mailto"}),
    retag={
        **{f"h{level}": "p" for level in range(1, 7)},
        "img": "span",
        "hr": "span",
    },
    extensions=("fenced_code", "sane_lists", "smarty"),
    link_rel="nofollow ugc noopener",
)

_BLANK_LINE = re.compile(r"\n\s*\n")
_BRACKET_PAIRS = {"]": "[", ")": "("}
# Python-Markdown scans to the end of the text for each bracket that never closes, which is
# quadratic: 5,000 "[" take seconds. Deeper nesting than this is never a real link.
MAX_BRACKET_DEPTH = 4
# Texts with more brackets to defuse than this get them escaped; fewer cost nothing and are
# left alone, so a stray "[" in a code span keeps its looks.
MAX_STRAY_BRACKETS = 16


class _BareUrlInlineProcessor(AutolinkInlineProcessor):
    """Makes a link of an http(s) URL written as plain text."""

    ANCESTOR_EXCLUDES = ("a",)
    # Linear to match; trailing punctuation is left to the sentence.
    PATTERN = r"\b(https?://[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]])"


class _ProfileTreeprocessor(Treeprocessor):
    """Maps elements the profile does not allow to ones it does, and sets link rel."""

    def __init__(self, md, profile):
        super().__init__(md)
        self.profile = profile

    def run(self, root):
        for element in root.iter():
            new_tag = self.profile.retag.get(element.tag)
            if new_tag is not None:
                alt = element.get("alt")
                element.tag = new_tag
                element.attrib.clear()
                if alt:
                    element.text = alt
            elif element.tag == "a" and self.profile.link_rel:
                element.set("rel", self.profile.link_rel)
        known_images = getattr(self.md, "known_images", None)
        if known_images is not None and (shown := list(root.iter("img"))):
            found = known_images([element.get("src", "") for element in shown])
            for element in shown:
                for name, value in found.get(element.get("src"), {}).items():
                    element.set(name, str(value))


class _ProfileExtension(Extension):
    """Turns raw HTML off, links bare URLs and applies the profile's element mapping."""

    def __init__(self, profile):
        super().__init__()
        self.profile = profile

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After <url> autolinks (120) and before emphasis, so "_" in URLs stays literal.
        md.inlinePatterns.register(
            _BareUrlInlineProcessor(_BareUrlInlineProcessor.PATTERN, md), "bare_url", 115
        )
        # After the inline processor (priority 20), which creates images and links.
        md.treeprocessors.register(_ProfileTreeprocessor(md, self.profile), "profile", 1)


_converters = threading.local()


def _converter(profile):
    """This thread's Markdown converter and sanitizer for `profile`: making them costs more
    than converting a comment, and neither may be shared between threads."""
    made = _converters.__dict__
    if id(profile) not in made:
        made[id(profile)] = (
            markdown.Markdown(extensions=[*profile.extensions, _ProfileExtension(profile)]),
            bleach.Cleaner(
                tags=profile.tags,
                attributes=profile.attributes,
                protocols=profile.protocols,
                strip=True,
                strip_comments=True,
            ),
        )
    return made[id(profile)]


def sanitizer(profile):
    """`profile`'s HTML sanitizer alone, the stage after Markdown (`.clean(html)`): for tests
    that check its locks apart from Markdown's."""
    return _converter(profile)[1]


def _defuse_brackets(text):
    """Backslash-escape brackets that never close or nest too deep, when there are many."""
    stray, stacks = set(), {"[": [], "(": []}
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in stacks:
            stack = stacks[char]
            if len(stack) >= MAX_BRACKET_DEPTH:
                stray.add(index)
            else:
                stack.append(index)
        elif char in _BRACKET_PAIRS and (stack := stacks[_BRACKET_PAIRS[char]]):
            stack.pop()
    stray.update(*stacks.values())
    if len(stray) <= MAX_STRAY_BRACKETS:
        return text
    return "".join("\\" + char if index in stray else char for index, char in enumerate(text))


def escaped_paragraphs(text):
    """Plain-text fallback: every paragraph escaped, no markup interpreted."""
    paragraphs = (part.strip() for part in _BLANK_LINE.split(text))
    return "\n".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)


def render_markdown(text, profile, *, known_images=None):
    """Render Markdown `text` to HTML that holds only what `profile` allows. `known_images`:
    a function from the `src` of the images shown to {src: {attribute: value}} for those the
    site stores, their size and srcset (in one call, whatever the number of images)."""
    text = _defuse_brackets(drop_control_characters(text or ""))
    md, cleaner = _converter(profile)
    md.known_images = known_images
    try:
        return cleaner.clean(md.reset().convert(text))
    except RecursionError:
        # Python-Markdown recurses once per nesting level (e.g. "- " * 496 + "x"), and a
        # conversion cut short leaves its parser in a state reset() does not clear.
        del _converters.__dict__[id(profile)]
        return escaped_paragraphs(text)


def plain_text(fragment, *, words):
    """The text of stored HTML `fragment`, whitespace collapsed, cut after `words` words:
    for descriptions, feeds and metadata, which carry no markup."""
    text = " ".join(html.unescape(strip_tags(fragment)).split())
    return Truncator(text).words(words)


class _ImageSources(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.extend(value for name, value in attrs if name == "src" and value)


def image_sources(fragment):
    """The `src` of every image in rendered HTML `fragment`, in order: for the rule that
    articles show only the site's own images (Article.clean)."""
    parser = _ImageSources()
    parser.feed(fragment)
    parser.close()
    return parser.sources
