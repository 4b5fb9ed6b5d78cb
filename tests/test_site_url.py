"""One canonical origin: every absolute URL the site prints is on SITE_URL
(`DJANGO_SITE_URL`), whatever Host or scheme a request came in on."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.core.checks import run_checks
from django.test import Client

from mistralnews.site_url import absolute_links, absolute_url, site_url_problems
from tests.feed_standards import ATOM
from tests.test_metadata import read_head
from tests.test_sitemap import NS as SITEMAP_NS

SITE = "https://news.example.org"
# Two names the site answers on (both in the tests' ALLOWED_HOSTS), over both schemes.
REQUESTS = [
    {"HTTP_HOST": "testserver"},
    {"HTTP_HOST": "localhost", "secure": True},
]
FEEDS = ["/feed/", "/tags/mistralai/feed/", "/category/aicloud/feed/"]


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


def absolute_urls_seen_by(client, mistral, request):
    """Every absolute URL a crawler or feed reader takes from the site, asking with `request`'s
    Host and scheme."""

    def get(url):
        response = client.get(url, **request)
        assert response.status_code == 200, url
        return response

    seen = {}
    for url in ["/", "/tags/mistralai/", "/search/?q=mistral", mistral.get_absolute_url()]:
        head = read_head(get(url))
        seen[f"{url} canonical"] = head.canonical
    head = read_head(get(mistral.get_absolute_url()))
    seen["og:url"] = head.values("og:url")
    data = json.loads(head.json_ld[0])
    seen["JSON-LD"] = [data["@id"], data["url"], data["mainEntityOfPage"]]
    seen["JSON-LD parts"] = [item["@id"] for item in data["comment"] + data["hasPart"]]

    for url in [*FEEDS, f"{mistral.get_absolute_url()}comments/feed/"]:
        feed = ET.fromstring(get(url).content)  # noqa: S314 (our own feed)
        seen[url] = [
            feed.findtext(f"{ATOM}id"),
            *(link.get("href") for link in feed.iter(f"{ATOM}link")),
            *(entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")),
        ]
    rss = ET.fromstring(get("/feed/rss/").content)  # noqa: S314 (our own feed)
    seen["/feed/rss/"] = [
        rss.findtext("channel/link"),
        rss.find(f"channel/{ATOM}link").get("href"),
        *(item.findtext(name) for item in rss.iter("item") for name in ("link", "guid")),
    ]

    index = ET.fromstring(get("/sitemap.xml").content)  # noqa: S314 (our own sitemap)
    seen["sitemap index"] = [loc.text for loc in index.iterfind("sm:sitemap/sm:loc", SITEMAP_NS)]
    seen["sitemap"] = []
    for location in seen["sitemap index"]:
        sitemap = ET.fromstring(get(location.removeprefix(SITE)).content)  # noqa: S314
        seen["sitemap"] += [loc.text for loc in sitemap.iterfind("sm:url/sm:loc", SITEMAP_NS)]
    seen["robots.txt"] = [
        line.removeprefix("Sitemap: ")
        for line in get("/robots.txt").content.decode().splitlines()
        if line.startswith("Sitemap:")
    ]
    return seen


def test_every_absolute_url_is_on_site_url_whatever_host_was_asked(
    client, mistral, make_comment, site_url
):
    answer = make_comment(mistral, question=mistral.questions.first())
    make_comment(mistral, parent=answer)

    first, second = (absolute_urls_seen_by(client, mistral, request) for request in REQUESTS)

    assert first == second
    urls = [url for found in first.values() for url in found]
    assert len(urls) > 40
    assert [url for url in urls if not url.startswith(f"{SITE}/")] == []
    assert first["og:url"] == [f"{SITE}{mistral.get_absolute_url()}"]
    assert first["robots.txt"] == [f"{SITE}/sitemap.xml"]
    assert f"{SITE}/" in first["sitemap"]


def test_one_cached_copy_serves_every_host(client, mistral, site_url, django_assert_num_queries):
    for url in ["/", mistral.get_absolute_url()]:
        first = client.get(url, **REQUESTS[0]).content
        with django_assert_num_queries(1):  # the versions only: the page comes from the cache
            second = client.get(url, **REQUESTS[1]).content
        assert b"localhost" not in second
        assert first.split(b"csrfmiddlewaretoken")[0] == second.split(b"csrfmiddlewaretoken")[0]


# Feed entries' links and images


BODY = """See [our policy](/about/policy/), [the notes](notes/#sources), [below](#more),
[elsewhere](https://example.com/x?a=1&b=2) and [write to us](mailto:desk@example.org).

![A chart](/static/img/chart.png "Growth & more") ![Local](charts/growth.png)
"""


def entry_content(client, url):
    feed = ET.fromstring(client.get(url).content)  # noqa: S314 (our own feed)
    if feed.tag == "rss":
        return feed.findtext("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded")
    return feed.findtext(f"{ATOM}entry/{ATOM}content")


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss/", "/category/aicloud/feed/"])
def test_feed_content_links_and_images_are_absolute(client, make_article, site_url, url):
    article = make_article(slug="charts", body=BODY)
    page = f"{SITE}/articles/charts/"

    content = entry_content(client, url)

    assert f'<a href="{SITE}/about/policy/">our policy</a>' in content
    assert f'<a href="{page}notes/#sources">the notes</a>' in content
    assert f'<a href="{page}#more">below</a>' in content
    assert '<a href="https://example.com/x?a=1&amp;b=2">elsewhere</a>' in content
    assert '<a href="mailto:desk@example.org">write to us</a>' in content
    assert f'<img alt="A chart" src="{SITE}/static/img/chart.png" title="Growth &amp; more">' in (
        content
    )
    assert f'src="{page}charts/growth.png"' in content
    assert 'href="/' not in content and 'src="/' not in content
    assert article.body_html.count("<a ") == content.count("<a ")


def test_comment_feed_content_links_are_absolute(client, mistral, make_comment, site_url):
    make_comment(mistral, body="As [the editors said](/moderation/), read [this](#comment-1).")

    content = entry_content(client, f"{mistral.get_absolute_url()}comments/feed/")

    page = f"{SITE}{mistral.get_absolute_url()}"
    assert f'<a href="{SITE}/moderation/" rel="nofollow ugc noopener">' in content
    assert f'<a href="{page}#comment-1" rel="nofollow ugc noopener">' in content


def test_absolute_links_change_nothing_but_relative_addresses():
    fragment = (
        '<p>Caf&eacute; &amp; &lt;b&gt; "quoted" <a href="https://example.com/">abs</a> '
        '<a href=\'/x?a=1&amp;b="2"\' title="T &amp; C">rel</a><br><img src="/i.png" '
        'alt=""/></p>\n<pre><code>if a &lt; b:\n    pass</code></pre>'
    )

    result = absolute_links(fragment, base="https://news.example.org/articles/a/")

    assert result == (
        '<p>Café &amp; &lt;b&gt; "quoted" <a href="https://example.com/">abs</a> '
        '<a href="https://news.example.org/x?a=1&amp;b=&quot;2&quot;" title="T &amp; C">rel</a>'
        '<br><img src="https://news.example.org/i.png" alt="" />'
        "</p>\n<pre><code>if a &lt; b:\n    pass</code></pre>"
    )


def test_absolute_url_takes_only_paths_from_the_root(site_url):
    assert absolute_url("/a/?page=2#x") == f"{SITE}/a/?page=2#x"
    for not_a_path in ["a/", "//evil.example/", "https://evil.example/"]:
        with pytest.raises(ValueError, match="not a path"):
            absolute_url(not_a_path)


# The setting


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ("https://news.example.org", []),
        ("http://127.0.0.1:8001", []),
        ("http://[::1]:8000", []),
        ("https://news.example.org/", ["it must end with the host (or port): no trailing slash"]),
        ("https://news.example.org/news", ["it must not have a path"]),
        ("https://news.example.org?x=1", ["it must not have a query or fragment"]),
        ("https://news.example.org#top", ["it must not have a query or fragment"]),
        ("ftp://news.example.org", ["its scheme must be http or https"]),
        (
            "news.example.org",
            ["its scheme must be http or https", "it has no host", "it must not have a path"],
        ),
        ("https://", ["it has no host"]),
        ("https://user:pw@news.example.org", ["it must not hold a user name or password"]),
        (
            "https://news.example.org:http",
            ["it is not a URL (Port could not be cast to integer value as 'http')"],
        ),
    ],
)
def test_site_url_must_be_an_origin(value, problems):
    assert site_url_problems(value) == problems


def test_a_bad_site_url_is_a_settings_error(settings):
    settings.SITE_URL = "https://news.example.org/"

    (error,) = run_checks(tags=["settings"])

    assert error.id == "mistralnews.E001"
    assert "DJANGO_SITE_URL is 'https://news.example.org/': it must end with the host" in str(error)


def test_pages_are_not_made_with_the_requests_host(mistral, site_url):
    html = Client(HTTP_HOST="localhost").get(mistral.get_absolute_url()).content.decode()

    assert "//localhost" not in html and "//testserver" not in html
