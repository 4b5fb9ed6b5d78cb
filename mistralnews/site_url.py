"""The site's one origin, SITE_URL (`DJANGO_SITE_URL`, e.g. https://news.example.org).

Every absolute URL the site prints is made here from it: canonical links, Open Graph, JSON-LD,
feeds, the sitemap and robots.txt. Never from the Host a request came in on: a site answering
on two names (or behind a proxy that rewrites Host) would otherwise name each page, and each
feed entry's id, twice.
"""

from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.checks import Error, register

# Attributes that hold a URL in the HTML the sanitizer lets through (mistralnews.markup).
URL_ATTRIBUTES = frozenset({"href", "src"})


def absolute_url(path):
    """`path`, a path from the site's root (as reverse() and get_absolute_url() give), as an
    absolute URL on SITE_URL."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"{path!r} is not a path from the site's root")
    return settings.SITE_URL + path


def absolute_media_url(url):
    """A stored file's URL (storage.url(): a path on this site, or already absolute when the
    files are in a bucket) as an absolute URL."""
    if urlsplit(url).scheme in ("http", "https"):
        return url
    return absolute_url(url)


class _AbsoluteLinks(HTMLParser):
    """Copies an HTML fragment, resolving relative URLs in href and src against `base`."""

    def __init__(self, base):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out = []

    def _tag(self, tag, attrs, closing):
        resolved = [
            (name, urljoin(self.base, value.strip()) if name in URL_ATTRIBUTES and value else value)
            for name, value in attrs
        ]
        if resolved == attrs:  # nothing relative: the tag exactly as it came
            return self.get_starttag_text()
        text = "".join(
            f" {name}" if value is None else f' {name}="{escape(value)}"'
            for name, value in resolved
        )
        return f"<{tag}{text}{closing}>"

    def handle_starttag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, " /"))

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")


def absolute_links(fragment, base):
    """HTML `fragment` with every relative link and image address (`/about/`, `chart.png`,
    `#notes`) made absolute against `base`, the absolute URL of the page it belongs to: for
    feeds, whose readers show an entry away from its page. Everything else is kept as it is."""
    parser = _AbsoluteLinks(base)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def site_url_problems(value):
    """What is wrong with `value` as SITE_URL: it must be an origin, http(s)://host[:port]."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as error:
        return [f"it is not a URL ({error})"]
    problems = []
    if parts.scheme not in ("http", "https"):
        problems.append("its scheme must be http or https")
    if not parts.hostname:
        problems.append("it has no host")
    if parts.username is not None or parts.password is not None:
        problems.append("it must not hold a user name or password")
    if parts.path:
        problems.append(
            "it must end with the host (or port): no trailing slash"
            if parts.path == "/"
            else "it must not have a path"
        )
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        problems.append("it must not have a query or fragment")
    return problems


@register("settings")
def site_url_is_an_origin(app_configs, **kwargs):
    problems = site_url_problems(settings.SITE_URL)
    if not problems:
        return []
    return [
        Error(
            f"DJANGO_SITE_URL is {settings.SITE_URL!r}: {'; '.join(problems)}.",
            hint="Give the site's origin, e.g. https://news.example.org",
            id="mistralnews.E001",
        )
    ]
