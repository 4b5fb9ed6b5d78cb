"""Every kind of page the site serves, with the addresses of a few distinct pages of each in
the database at hand: what `make bench-scale` measures (bench/scale.py), and what
tests/test_newsroom.py compares query counts on, for the newsroom data set and the
one-article site alike. A kind the database has no page of (a second page of the home page,
on a site with one article) has no addresses.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category
from comments.discussion import GENERAL, THREADS_PER_PAGE
from comments.models import Comment, ModerationEvent

PUBLIC, SEARCH, SITEMAP, HOT, DESK = "public", "search", "sitemap", "hot article", "desk"
LIST_PAGE_SIZE, LOG_PAGE_SIZE = 10, 50
# What readers search for: words in many articles, in a few, several words, and none.
SEARCHES = {
    "search: common word": ["council", "report", "costs", "plan", "figures"],
    "search: rare word": ["heliostat", "cofferdam", "palimpsest", "funicular", "ptarmigan"],
    "search: several words": [
        "wind power costs",
        "public transport funding",
        "council housing plan",
        "water quality report",
        "school funding figures",
    ],
    "search: no match": ["zyxwvutsr", "qqxjzv", "blorptangle", "vexquillion", "plumbaxtor"],
}


@dataclass(frozen=True)
class PageKind:
    name: str
    group: str
    urls: tuple


def page_kinds(per_kind=10):
    """The kinds of page, each with up to `per_kind` distinct addresses, public pages first,
    then search, the sitemap, the hot article's, and the desk's (for a logged-in editor)."""
    kinds = []

    def add(name, group, urls):
        kinds.append(PageKind(name, group, tuple(_spread(list(urls), per_kind))))

    published = Article.objects.published()
    # Addresses need only the slugs.
    slugs = published.only("slug", "comment_count", "published_at")
    count = published.count()
    add("home", PUBLIC, ["/"])
    add("home, deep page", PUBLIC, [f"/?page={n}" for n in _deep_pages(count, LIST_PAGE_SIZE)])
    hot = slugs.order_by("-comment_count", "pk").first()
    discussed = slugs.filter(comment_count__gt=0).exclude(pk=getattr(hot, "pk", None))
    add("article", PUBLIC, [a.get_absolute_url() for a in discussed.order_by("published_at")])

    tags = (
        Tag.objects.filter(article__in=published)
        .annotate(uses=Count("article"))
        .order_by("-uses", "name")
    )
    tag_urls = [reverse("articles:tag", args=[tag.slug]) for tag in tags]
    add("tag", PUBLIC, tag_urls)
    categories = (
        Category.objects.public()
        .annotate(uses=Count("articles", filter=Q(articles__in=published)))
        .order_by("-uses", "name")
    )
    category_urls = [category.get_absolute_url() for category in categories]
    add("category", PUBLIC, category_urls)
    months = published.dates("published_at", "month")
    years = sorted({month.year for month in months})
    this_year = timezone.now().year
    # A past year's page checks that it has articles before listing them (this year's may
    # be empty): one query more, on any site.
    add("year archive", PUBLIC, [f"/archive/{year}/" for year in years if year == this_year])
    add("year archive, past year", PUBLIC, [f"/archive/{y}/" for y in years if y < this_year])
    add("month archive", PUBLIC, [f"/archive/{m.year}/{m.month:02d}/" for m in months])
    add("feed", PUBLIC, ["/feed/", "/feed/rss/"])
    add("tag feed", PUBLIC, [f"{url}feed/" for url in _spread(tag_urls, per_kind)])
    add("category feed", PUBLIC, [f"{url}feed/" for url in _spread(category_urls, per_kind)])
    commented = [hot, *discussed.order_by("-comment_count")[: per_kind - 1]] if hot else []
    add("comments feed", PUBLIC, [f"{a.get_absolute_url()}comments/feed/" for a in commented])
    add(
        "recommendation counts",
        PUBLIC,
        [reverse("comments:recommendations", args=[a.pk]) for a in commented],
    )
    add("community guidelines", PUBLIC, [reverse("comments:guidelines")])
    events = ModerationEvent.objects.for_public_log().count()
    add("moderation log", PUBLIC, ["/moderation/"])
    add(
        "moderation log, deep page",
        PUBLIC,
        [f"/moderation/?page={n}" for n in _deep_pages(events, LOG_PAGE_SIZE)],
    )

    for name, queries in SEARCHES.items():
        add(name, SEARCH, [f"/search/?{urlencode({'q': query})}" for query in queries])

    add("sitemap", SITEMAP, ["/sitemap.xml"])

    if hot is not None:
        add("hot article", HOT, [hot.get_absolute_url()])
        add("hot article, section page", HOT, _section_pages(hot))
        add("hot article, thread page", HOT, _thread_pages(hot, per_kind))
    else:
        for name in ("hot article", "hot article, section page", "hot article, thread page"):
            add(name, HOT, [])

    queue = reverse("admin:comments_comment_changelist")
    events_url = reverse("admin:comments_moderationevent_changelist")
    add("desk: home", DESK, [reverse("admin:index")])
    add("desk: articles", DESK, [reverse("admin:articles_article_changelist")])
    if hot is not None:
        add("desk: article form", DESK, [reverse("admin:articles_article_change", args=[hot.pk])])
    add("desk: library images", DESK, [reverse("admin:articles_bodyimage_changelist")])
    add(
        "desk: articles, search",
        DESK,
        [f"{reverse('admin:articles_article_changelist')}?q={word}" for word in ("rail", "grid")],
    )
    add("desk: comment queue (pending)", DESK, [queue])
    for status in ("approved", "removed", "spam", "reported", "all"):
        add(f"desk: comment queue ({status})", DESK, [f"{queue}?status={status}"])
    if hot is not None:
        add("desk: comment queue, one article", DESK, [f"{queue}?article__id__exact={hot.pk}"])
    one_click = reverse("desk:queue")
    add("desk: one-click queue", DESK, [one_click, f"{one_click}?page=2"])
    if hot is not None:
        add("desk: one-click queue, one article", DESK, [f"{one_click}?article={hot.pk}"])
    add("desk: moderation events", DESK, [events_url])
    add("desk: moderation events, search", DESK, [f"{events_url}?q=off+topic"])
    return kinds


def sitemap_pages(index_xml, per_kind=10):
    """The sitemap pages a sitemap index of this site lists (their paths), or none when
    `index_xml` is a sitemap itself rather than an index."""
    if b"<sitemapindex" not in index_xml:
        return []
    locations = re.findall(rb"<loc>\s*([^<\s]+)\s*</loc>", index_xml)
    paths = [
        "/" + location.decode().split("://", 1)[-1].split("/", 1)[-1] for location in locations
    ]
    return _spread(paths, per_kind)


def _section_pages(article):
    """A later page of each section of `article`'s discussion that has one."""
    roots = (
        Comment.objects.holding_a_place()
        .filter(article=article, parent__isnull=True)
        .values("question")
        .annotate(threads=Count("pk"))
        .order_by("question")
    )
    urls = []
    for section in roots:
        pages = -(-section["threads"] // THREADS_PER_PAGE)
        question = section["question"] or GENERAL
        for page in sorted({2, pages} if pages > 1 else set()):
            urls.append(f"{article.get_absolute_url()}?question={question}&page={page}")
    return urls


def _thread_pages(article, count):
    """The pages of `article`'s longest threads."""
    threads = (
        Comment.objects.filter(article=article, root__isnull=False)
        .values("root")
        .annotate(size=Count("pk"))
        .order_by("-size", "root")[:count]
    )
    return [f"{article.get_absolute_url()}?thread={thread['root']}" for thread in threads]


def _deep_pages(items, per_page):
    """Page numbers past the first of a list of `items`: a quarter in, halfway, the last."""
    pages = -(-items // per_page)
    return sorted({page for page in (pages // 4, pages // 2, pages) if page > 1})


def _spread(items, count):
    """At most `count` of `items`, evenly spread from the first to the last."""
    if len(items) <= count:
        return items
    if count == 1:
        return items[:1]
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]
