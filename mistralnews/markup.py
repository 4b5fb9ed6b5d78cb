"""The project's one Markdown → HTML pipeline.

All text written by editors or readers becomes HTML here and nowhere else. Python-Markdown
renders it with raw HTML turned off (authors' tags come out as text), then bleach keeps only
what the profile allows. Pages print the stored result; nothing here runs on a page view.
"""

import html
import re
from dataclasses import dataclass
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


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
    # When set, bare URLs become links and every link gets this rel.
    link_rel: str = ""


# What both profiles allow: text with emphasis, code, quotes, lists and links.
_PROSE_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}

ARTICLE = Profile(
    tags=frozenset(
        _PROSE_TAGS | {"h2", "h3", "h4", "img", "hr", "table", "thead", "tbody", "tr", "th", "td"}
    ),
    attributes={"a": ["href", "title"], "img": ["src", "alt", "title"]},
    protocols=frozenset({"http", "https", "mailto"}),
    retag={"h1": "h2", "h5": "h4", "h6": "h4"},
    extensions=("tables", "fenced_code", "sane_lists", "smarty"),
)

COMMENT = Profile(
    tags=frozenset(_PROSE_TAGS),
    attributes={"a": ["href", "title"]},
    protocols=frozenset({"http", "https", "mailto"}),
    retag={
        **{f"h{level}": "p" for level in range(1, 7)},
        "img": "span",
        "hr": "span",
    },
    extensions=("fenced_code", "sane_lists", "smarty"),
    link_rel="nofollow ugc noopener",
)

# C0 controls (but tab and newlines) and DEL; STX/ETX would also collide with
# Python-Markdown's internal placeholders.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINE = re.compile(r"\n\s*\n")


class _RetagTreeprocessor(Treeprocessor):
    def __init__(self, md, retag):
        super().__init__(md)
        self.retag = retag

    def run(self, root):
        for element in root.iter():
            new_tag = self.retag.get(element.tag)
            if new_tag is None:
                continue
            alt = element.get("alt")
            element.tag = new_tag
            element.attrib.clear()
            if alt:
                element.text = alt


class _ProfileExtension(Extension):
    """Turns raw HTML off and maps elements the profile does not allow."""

    def __init__(self, profile):
        super().__init__()
        self.profile = profile

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After the inline processor (priority 20), which creates images and links.
        md.treeprocessors.register(_RetagTreeprocessor(md, self.profile.retag), "retag", 1)


def _set_link_rel(rel, attrs, new=False):
    attrs[(None, "rel")] = rel
    return attrs


def _sanitize(html_text, profile):
    filters = []
    if profile.link_rel:
        filters.append(
            partial(
                LinkifyFilter,
                callbacks=[partial(_set_link_rel, profile.link_rel)],
                skip_tags=["pre", "code"],
                parse_email=False,
            )
        )
    cleaner = bleach.Cleaner(
        tags=profile.tags,
        attributes=profile.attributes,
        protocols=profile.protocols,
        strip=True,
        strip_comments=True,
        filters=filters,
    )
    return cleaner.clean(html_text)


def escaped_paragraphs(text):
    """Plain-text fallback: every paragraph escaped, no markup interpreted."""
    paragraphs = (part.strip() for part in _BLANK_LINE.split(text))
    return "\n".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)


def render_markdown(text, profile):
    """Render Markdown `text` to HTML that holds only what `profile` allows."""
    text = _CONTROL_CHARACTERS.sub("", text or "")
    md = markdown.Markdown(extensions=[*profile.extensions, _ProfileExtension(profile)])
    try:
        return _sanitize(md.convert(text), profile)
    except RecursionError:
        # Python-Markdown recurses once per nesting level (e.g. "- " * 496 + "x").
        return escaped_paragraphs(text)
