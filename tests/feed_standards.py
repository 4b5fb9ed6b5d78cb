"""What the feed standards require, checked on a feed's XML: RFC 4287 (Atom 1.0) and RSS 2.0.

feedparser, which the feed tests also read feeds with, forgives what these standards forbid
(an entry without <updated> parses fine), so these checks read the XML itself. Each returns
the list of what is wrong, empty for a valid feed.
"""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM = f"{{{ATOM_NS}}}"

# RFC 3339 section 5.6 date-time: a full date, "T", a time with optional fraction, an offset.
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")
# RFC 822 section 5 (with RSS 2.0's four-digit years): [day, ] date month year hh:mm[:ss] zone.
RFC_822 = re.compile(
    r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2}(\d{2})? "
    r"\d{2}:\d{2}(:\d{2})? (UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z]|[+-]\d{4})\Z"
)
# Atom text constructs (title, summary, rights) take these types only.
TEXT_TYPES = {"text", "html", "xhtml"}
# Atom content may also be a MIME type; these are the ones that are XML or text.
XML_OR_TEXT_MIME = re.compile(r"(text/.+|.+/(.+\+)?xml)\Z")


def _parse(xml):
    return ET.fromstring(xml)  # noqa: S314 (the site's own feed, under test)


def _is_absolute_iri(value):
    parts = urlsplit(value or "")
    if not parts.scheme:
        return False
    return bool(parts.netloc) if parts.scheme in ("http", "https") else bool(parts.path)


def _rfc_3339_problem(element, where):
    if element is None:
        return None
    value = (element.text or "").strip()
    if not RFC_3339.match(value):
        return f"{where}: {value!r} is not an RFC 3339 date-time"
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return f"{where}: {value!r} is not a real date and time"
    return None


def _rfc_822_problem(element, where):
    if element is None:
        return None
    value = (element.text or "").strip()
    if not RFC_822.match(value):
        return f"{where}: {value!r} is not an RFC 822 date-time"
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return f"{where}: {value!r} is not a real date and time"
    if "," in value and value[:3] != parsed.strftime("%a"):
        return f"{where}: {value!r} names the wrong day of the week"
    return None


def _one(parent, tag, where, problems):
    """The single child `tag` of `parent`, reporting none or several."""
    found = parent.findall(tag)
    name = tag.removeprefix(ATOM)
    if not found:
        problems.append(f"{where}: no <{name}>")
        return None
    if len(found) > 1:
        problems.append(f"{where}: {len(found)} <{name}> elements, at most one allowed")
    return found[0]


def _at_most_one(parent, tag, where, problems):
    found = parent.findall(tag)
    if len(found) > 1:
        problems.append(f"{where}: {len(found)} <{tag.removeprefix(ATOM)}> elements")
    return found[0] if found else None


def _text_construct_problems(element, where):
    if element is None:
        return []
    kind = element.get("type", "text")
    if kind not in TEXT_TYPES:
        return [f"{where}: type={kind!r} is not text, html or xhtml"]
    return _typed_body_problems(element, kind, where)


def _typed_body_problems(element, kind, where):
    children = list(element)
    if kind in ("text", "html") and children:
        return [f"{where}: type={kind!r} holds child elements; its markup must be escaped"]
    if kind == "xhtml" and [child.tag for child in children] != [
        "{http://www.w3.org/1999/xhtml}div"
    ]:
        return [f"{where}: type='xhtml' must hold exactly one xhtml:div"]
    return []


def _links(parent, rel):
    return [link for link in parent.findall(f"{ATOM}link") if link.get("rel", "alternate") == rel]


def _link_problems(parent, where):
    problems = []
    for link in parent.findall(f"{ATOM}link"):
        if not link.get("href"):
            problems.append(f"{where}: a <link> without href")
    alternates = _links(parent, "alternate")
    if not alternates:
        problems.append(f'{where}: no <link rel="alternate">')
    pairs = [(link.get("type"), link.get("hreflang")) for link in alternates]
    if len(pairs) != len(set(pairs)):
        problems.append(f'{where}: two <link rel="alternate"> with the same type and hreflang')
    return problems


def _author_problems(parent, where):
    return [
        f"{where}: an <author> without <name>"
        for author in parent.findall(f"{ATOM}author")
        if not (author.findtext(f"{ATOM}name") or "").strip()
    ]


def atom_problems(xml):
    """What keeps `xml` from being a valid Atom 1.0 feed (RFC 4287), or []."""
    root = _parse(xml)
    if root.tag != f"{ATOM}feed":
        return [f"the root is {root.tag}, not atom:feed"]
    problems = []
    feed_id = _one(root, f"{ATOM}id", "feed", problems)
    if feed_id is not None and not _is_absolute_iri(feed_id.text):
        problems.append(f"feed: <id> {feed_id.text!r} is not an absolute IRI")
    problems += _text_construct_problems(_one(root, f"{ATOM}title", "feed", problems), "feed title")
    problems.append(_rfc_3339_problem(_one(root, f"{ATOM}updated", "feed", problems), "feed"))
    problems += _text_construct_problems(
        _at_most_one(root, f"{ATOM}subtitle", "feed", problems), "feed subtitle"
    )
    problems += _link_problems(root, "feed")
    if not _links(root, "self"):
        problems.append('feed: no <link rel="self"> (RFC 4287 says SHOULD)')
    problems += _author_problems(root, "feed")

    entries = root.findall(f"{ATOM}entry")
    if not root.findall(f"{ATOM}author"):
        authorless = [e for e in entries if not e.findall(f"{ATOM}author")]
        if authorless:
            problems.append(f"feed: no <author>, and {len(authorless)} entries have none either")
        elif not entries:
            # RFC 4287 only excuses a feed whose entries all name an author; an empty feed
            # names its own, so no reading of that rule finds it wanting.
            problems.append("feed: no <author> and no entry")

    ids = []
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        entry_id = _one(entry, f"{ATOM}id", where, problems)
        if entry_id is not None:
            ids.append(entry_id.text)
            if not _is_absolute_iri(entry_id.text):
                problems.append(f"{where}: <id> {entry_id.text!r} is not an absolute IRI")
        problems += _text_construct_problems(
            _one(entry, f"{ATOM}title", where, problems), f"{where} title"
        )
        problems.append(_rfc_3339_problem(_one(entry, f"{ATOM}updated", where, problems), where))
        problems.append(
            _rfc_3339_problem(_at_most_one(entry, f"{ATOM}published", where, problems), where)
        )
        problems += _link_problems(entry, where)
        problems += _author_problems(entry, where)
        summary = _at_most_one(entry, f"{ATOM}summary", where, problems)
        problems += _text_construct_problems(summary, f"{where} summary")
        content = _at_most_one(entry, f"{ATOM}content", where, problems)
        if content is not None:
            kind = content.get("type", "text")
            if content.get("src") is not None:
                if (content.text or "").strip() or list(content):
                    problems.append(f"{where}: <content src> must be empty")
                if summary is None:
                    problems.append(f"{where}: <content src> needs a <summary>")
            elif kind in TEXT_TYPES:
                problems += _typed_body_problems(content, kind, f"{where} content")
            elif "/" not in kind:
                problems.append(f"{where}: content type={kind!r} is not a type Atom knows")
            elif not XML_OR_TEXT_MIME.match(kind) and summary is None:
                problems.append(f"{where}: Base64 content ({kind}) needs a <summary>")
    if len(ids) != len(set(ids)):
        problems.append("two entries share an <id>")
    return [problem for problem in problems if problem]


def rss_problems(xml):
    """What keeps `xml` from being a valid RSS 2.0 feed, or []. Beyond the elements RSS 2.0
    requires, every item needs a <guid> and a <pubDate> (feed readers tell items apart and
    order them by these) and the channel an <atom:link rel="self">, as the RSS Advisory
    Board recommends."""
    root = _parse(xml)
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"the root is <{root.tag} version={root.get('version')!r}>, not RSS 2.0"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"{len(channels)} <channel> elements, exactly one required"]
    (channel,) = channels
    problems = []
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            problems.append(f"channel: no <{name}>")
    link = channel.findtext("link")
    if link is not None and not _is_absolute_iri(link.strip()):
        problems.append(f"channel: <link> {link!r} is not an absolute URL")
    selves = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if not selves:
        problems.append('channel: no <atom:link rel="self">')
    elif not _is_absolute_iri(selves[0].get("href")):
        problems.append('channel: <atom:link rel="self"> has no absolute href')
    for name in ("pubDate", "lastBuildDate"):
        problems.append(_rfc_822_problem(channel.find(name), f"channel {name}"))

    guids = []
    for number, item in enumerate(channel.findall("item"), start=1):
        where = f"item {number}"
        if item.find("title") is None and item.find("description") is None:
            problems.append(f"{where}: neither <title> nor <description>")
        item_link = item.findtext("link")
        if item_link is not None and not _is_absolute_iri(item_link.strip()):
            problems.append(f"{where}: <link> {item_link!r} is not an absolute URL")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"{where}: no <guid>")
        else:
            value = (guid.text or "").strip()
            guids.append(value)
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                problems.append(f"{where}: isPermaLink={permalink!r}, not true or false")
            elif permalink == "true" and urlsplit(value).scheme not in ("http", "https"):
                problems.append(
                    f"{where}: <guid> {value!r} is taken for a permalink (isPermaLink is true "
                    "unless it says false) but is not an http(s) URL"
                )
        if item.find("pubDate") is None:
            problems.append(f"{where}: no <pubDate>")
        problems.append(_rfc_822_problem(item.find("pubDate"), f"{where} pubDate"))
    if len(guids) != len(set(guids)):
        problems.append("two items share a <guid>")
    return [problem for problem in problems if problem]
