"""Building the newsroom data set: years of articles with tags, questions and discussions, one
of them hot, and a moderation history, written in bulk but holding exactly the rows the
models would hold.

What each model derives, it derives here too, with its own code:

- an article's `body_html` is `render_markdown(body, ARTICLE)`; Markdown is rendered once per
  distinct sentence, list and heading, and the results joined as the paragraphs they make up
  (the same HTML: `check_rendering` compares whole bodies for a sample, and the tests too);
- a comment's `body_html` likewise (COMMENT profile), its `card_html` is `render_card(comment)`
  on the comment in memory, its place in a thread is set by `Comment.attach_to`;
- stored counts are made by the expressions `comments.lifecycle` keeps them with, and the
  articles' and lists' versions renewed in the same statements;
- every removal, spam mark and approval of a held comment has its ModerationEvent.

Rows are given their ids here (after the largest already there, and in the order of their
dates), so a seed always makes the same rows, and a card can name its comment.
"""

import functools
import importlib.util
import math
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, Category, DiscussionQuestion, TaggedArticle, question_count
from clients.identity import client_hash
from comments.cards import render_card
from comments.lifecycle import article_counts, question_counts
from comments.models import Comment, ModerationEvent
from desk.editors import EDITORS
from freshness.versions import ARTICLE_LISTS, renew
from mistralnews.markup import ARTICLE, COMMENT, render_markdown
from newsroom import text

BATCH = 2000
# Shares of the articles: drafts, scheduled ones, and public ones revised after they appeared.
DRAFTS, SCHEDULED, REVISED = 0.02, 0.01, 0.05
# Comments: what readers reply to rather than start a thread, and the moderation outcomes.
REPLIES = 0.5
SPAM, REMOVED, HELD_THEN_APPROVED = 0.015, 0.025, 0.08
# Comments this recent may still await moderation, this often.
PENDING_WITHIN, PENDING = timedelta(days=2), 0.12
# Public articles with no comment at all.
UNDISCUSSED = 0.35
EDITOR_COUNT = 4
# Every this many articles (and comments), the whole body is rendered and compared.
CHECK_EVERY = 250
# The Markdown profiles by name, for the cache of rendered pieces.
PROFILES = {"article": ARTICLE, "comment": COMMENT}


@dataclass(frozen=True)
class Size:
    articles: int = 10_000
    comments: int = 200_000
    hot_comments: int = 5_000
    tags: int = 2_000
    years: int = 6


class AlreadyGenerated(Exception):
    pass


class RenderingMismatch(Exception):
    pass


@dataclass
class Rendered:
    """A piece of Markdown and its HTML, rendered once: a sentence's is its inline HTML."""

    markdown: str
    html: str
    words: int


@dataclass
class Pools:
    """Pieces of text per section, each rendered once, that bodies are made of."""

    sentences: dict = field(default_factory=dict)
    headings: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)
    comment_sentences: dict = field(default_factory=dict)
    spam: list = field(default_factory=list)


def next_id(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def already_generated():
    """Whether the database holds a newsroom data set: its sections are there."""
    return Category.objects.filter(slug__in=[slugify(name) for name in text.CATEGORIES]).exists()


def generate(size=Size(), seed=1, now=None, log=print):
    """Fill the database with the newsroom data set of `size`, written from `seed` as of
    `now` (by default today at midnight UTC), in one transaction; answer the figures. Raises
    AlreadyGenerated if it holds one."""
    if already_generated():
        raise AlreadyGenerated("The database already holds a newsroom data set.")
    if now is None:
        now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    build = Build(size, seed, now, log)
    with transaction.atomic():
        build.run()
        build.index_for_search()
    if connection.vendor == "postgresql":
        # Statistics for the planner, as autovacuum would gather them a minute later: pages
        # measured straight after a bulk load would otherwise be planned for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return build.figures


class Build:
    """One run of the generator: its random source, and what each step leaves the next."""

    def __init__(self, size, seed, now, log):
        self.size, self.now, self.log = size, now, log
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.writer = text.Writer(self.rng)
        self.figures = {}
        self.started = time.monotonic()

    def step(self, message):
        self.log(f"{time.monotonic() - self.started:6.1f} s  {message}")

    def run(self):
        self.step("sections, tags and editors")
        self.make_categories()
        self.make_tags()
        self.make_editors()
        self.step("rendering the pieces of text")
        self.pools = self.make_pools()
        self.step("articles")
        self.make_articles()
        self.make_questions_and_tags()
        self.step("readers and discussions")
        self.make_readers()
        plans = self.plan_comments()
        self.step(f"{len(plans):,} comments: cards and rows")
        self.make_comments(plans)
        self.step("moderation events")
        self.make_events()
        self.step("stored counts and versions")
        self.store_counts()
        self.reset_sequences()
        self.step("done")

    # Sections, tags and editors

    def make_categories(self):
        first = next_id(Category)
        names = list(text.CATEGORIES)
        self.categories = [
            Category(
                pk=first + number,
                name=name,
                slug=slugify(name),
                description=f"News and analysis on {', '.join(text.CATEGORIES[name][:3])}.",
            )
            for number, name in enumerate(names)
        ]
        Category.objects.bulk_create(self.categories)
        # Some sections carry many more articles than others.
        self.rng.shuffle(self.categories)
        self.category_weights = text.zipf_weights(len(self.categories), 0.6)

    def make_tags(self):
        taken = {name.lower() for name in Tag.objects.values_list("name", flat=True)}
        slugs = set(Tag.objects.values_list("slug", flat=True))
        names = text.tag_names()
        self.rng.shuffle(names)
        first = next_id(Tag)
        self.tags = []
        for name in names:
            slug = Tag().slugify(name)
            if name.lower() in taken or slug in slugs:
                continue
            taken.add(name.lower())
            slugs.add(slug)
            self.tags.append(Tag(pk=first + len(self.tags), name=name, slug=slug))
            if len(self.tags) == self.size.tags:
                break
        Tag.objects.bulk_create(self.tags, batch_size=BATCH)
        # Tags in the order of how much they are used: a few everywhere, a long tail.
        self.tag_weights = text.zipf_weights(len(self.tags), 0.8)

    def make_editors(self):
        User = get_user_model()
        first = next_id(User)
        self.editors = []
        for number in range(EDITOR_COUNT):
            name = self.writer.person()
            username = f"{text.ascii_words(name)}.desk{number + 1}"
            user = User(
                pk=first + number,
                username=username,
                email=f"{username}@example.org",
                first_name=name.split()[0],
                last_name=name.split(" ", 1)[1],
                is_staff=True,
                date_joined=self.now - timedelta(days=365 * self.size.years),
            )
            user.set_unusable_password()  # a data set's editors never log in
            self.editors.append(user)
        User.objects.bulk_create(self.editors)
        editors = Group.objects.filter(name=EDITORS).first()
        if editors is not None:
            editors.user_set.add(*self.editors)

    # Text

    def make_pools(self):
        """Every sentence, heading and list the bodies use, rendered once. The pools grow with
        the data set, so small sets are quick and large ones varied."""
        pools = Pools()
        writer, size = self.writer, self.size
        sentences = min(15_000, size.articles * 3 // 2)
        comment_sentences = min(8_000, size.comments // 20)
        total = self.category_weights[-1]
        previous = 0
        for category, cumulative in zip(self.categories, self.category_weights, strict=True):
            share, previous = (cumulative - previous) / total, cumulative
            topics = text.CATEGORIES[category.name]
            pools.sentences[category.pk] = [
                _inline(writer.article_sentence(topics), "article")
                for _ in range(max(8, round(sentences * share)))
            ]
            pools.headings[category.pk] = [
                _block(writer.heading(topics), "article") for _ in range(6)
            ]
            pools.lists[category.pk] = [
                _block(writer.list_block(topics), "article") for _ in range(4)
            ]
            pools.comment_sentences[category.pk] = [
                _inline(writer.comment_sentence(topics), "comment")
                for _ in range(max(6, round(comment_sentences * share)))
            ]
        pools.spam = [_block(writer.spam(text.CATEGORIES["Retail"]), "comment") for _ in range(40)]
        return pools

    def article_body(self, category):
        """An article's Markdown and HTML: 800 to 1,500 words of paragraphs, with some h2 and
        h3 headings and a list or two, never two lists in a row (Markdown would join them)."""
        rng, pools = self.rng, self.pools
        target = rng.randint(800, 1500)
        words, blocks, last = 0, [], None
        while words < target:
            roll = rng.random()
            if last == "paragraph" and len(blocks) > 2 and roll < 0.12:
                piece, last = _choice(rng, pools.headings[category.pk]), "heading"
            elif last == "paragraph" and roll < 0.18:
                piece, last = _choice(rng, pools.lists[category.pk]), "list"
            else:
                piece, last = self.paragraph(pools.sentences[category.pk], 4, 7), "paragraph"
            blocks.append(piece)
            words += piece.words
        return "\n\n".join(b.markdown for b in blocks), "\n".join(b.html for b in blocks)

    def paragraph(self, sentences, fewest, most):
        count = min(len(sentences), self.rng.randint(fewest, most))
        chosen = [sentences[i] for i in self.rng.sample(range(len(sentences)), count)]
        return Rendered(
            " ".join(s.markdown for s in chosen),
            "<p>" + " ".join(s.html for s in chosen) + "</p>",
            sum(s.words for s in chosen),
        )

    def comment_body(self, category, spam):
        if spam:
            return _choice(self.rng, self.pools.spam)
        sentences = self.pools.comment_sentences[category.pk]
        paragraphs = [self.paragraph(sentences, 1, 4) for _ in range(self.rng.choice([1, 1, 2, 3]))]
        return Rendered(
            "\n\n".join(p.markdown for p in paragraphs),
            "\n".join(p.html for p in paragraphs),
            0,
        )

    # Articles

    def make_articles(self):
        rng, writer, now, size = self.rng, self.writer, self.now, self.size
        span = timedelta(days=365 * size.years)
        specs = []
        for _ in range(size.articles):
            roll = rng.random()
            if roll < DRAFTS:
                status, published_at = Article.Status.DRAFT, None
            elif roll < DRAFTS + SCHEDULED:
                status = Article.Status.PUBLISHED
                published_at = now + timedelta(hours=rng.uniform(1, 24 * 30))
            else:
                status, published_at = Article.Status.PUBLISHED, now - span * rng.random()
            specs.append((status, published_at))
        # Ids in the order articles were written: the oldest first, drafts last.
        specs.sort(key=lambda spec: (spec[1] is None, spec[1] or now))
        first = next_id(Article)
        slugs = set(Article.objects.values_list("slug", flat=True))
        self.articles = []
        for number, (status, published_at) in enumerate(specs):
            category = self.categories[text.zipf_pick(rng, self.category_weights)]
            topics = text.CATEGORIES[category.name]
            title = writer.headline(topics)
            slug = _unique_slug(title, slugs)
            body, body_html = self.article_body(category)
            written = (published_at or now) - timedelta(hours=rng.uniform(1, 72))
            revised_at = None
            public = published_at is not None and published_at <= now
            if public and now - published_at > timedelta(days=1) and rng.random() < REVISED:
                revised_at = published_at + (now - published_at) * rng.uniform(0.001, 0.05)
            article = Article(
                pk=first + number,
                title=title,
                slug=slug,
                summary=writer.summary(topics),
                byline=writer.person() if rng.random() < 0.8 else "mistralnews staff",
                body=body,
                body_html=body_html,
                status=status,
                published_at=published_at,
                revised_at=revised_at,
                category=category,
                comments_open=not (public and now - published_at > span / 3 and rng.random() < 0.1),
            )
            article.written_at = written
            self.articles.append(article)
        self.check_rendering(self.articles[::CHECK_EVERY], ARTICLE)
        Article.objects.bulk_create(self.articles, batch_size=500)
        # created_at and updated_at are set to now on insert (auto_now): give them their dates.
        for article in self.articles:
            article.created_at = article.written_at
            article.updated_at = article.revised_at or article.published_at or article.written_at
        Article.objects.bulk_update(self.articles, ["created_at", "updated_at"], batch_size=500)
        self.figures["articles"] = len(self.articles)
        self.figures["drafts"] = sum(a.status == Article.Status.DRAFT for a in self.articles)
        self.figures["scheduled"] = sum(
            a.published_at is not None and a.published_at > now for a in self.articles
        )
        self.figures["revised"] = sum(a.revised_at is not None for a in self.articles)
        # Keep what the rest needs; the bodies can go.
        for article in self.articles:
            article.body = article.body_html = ""

    def make_questions_and_tags(self):
        rng, writer = self.rng, self.writer
        questions, taggings = [], []
        first_question, first_tagging = next_id(DiscussionQuestion), next_id(TaggedArticle)
        self.questions = {}
        for article in self.articles:
            topics = text.CATEGORIES[article.category.name]
            roll = rng.random()
            count = 2 if roll < 0.8 else 1 if roll < 0.9 else 0
            texts = []
            while len(texts) < count:
                question = writer.question(topics)
                if question not in texts:
                    texts.append(question)
            self.questions[article.pk] = []
            for position, question in enumerate(texts, start=1):
                row = DiscussionQuestion(
                    pk=first_question + len(questions),
                    article_id=article.pk,
                    text=question,
                    position=position,
                )
                questions.append(row)
                self.questions[article.pk].append(row.pk)
            chosen = set()
            wanted = min(len(self.tags), rng.randint(1, 6))
            while len(chosen) < wanted:
                chosen.add(text.zipf_pick(rng, self.tag_weights))
            for rank in sorted(chosen):
                taggings.append(
                    TaggedArticle(
                        pk=first_tagging + len(taggings),
                        content_object_id=article.pk,
                        tag_id=self.tags[rank].pk,
                    )
                )
        DiscussionQuestion.objects.bulk_create(questions, batch_size=BATCH)
        TaggedArticle.objects.bulk_create(taggings, batch_size=BATCH)
        self.first_question = first_question
        self.figures["questions"] = len(questions)
        self.figures["taggings"] = len(taggings)

    # Discussions

    def make_readers(self):
        """The readers who comment, some far more than others, each with a name, an email and
        an address (hashed as the site stores it) in the ranges kept for documentation."""
        rng = self.rng
        count = max(20, self.size.comments // 8)
        self.readers = []
        for number in range(count):
            name = self.writer.person()
            if rng.random() < 0.1:
                name = f"{name.split()[0]} {name.split()[-1][0]}."
            email = f"{text.ascii_words(name)}{number}@{self.writer.choice(text.EMAIL_DOMAINS)}"
            if rng.random() < 0.8:
                address = f"2001:db8:{rng.randrange(1 << 16):x}:{rng.randrange(1 << 16):x}::1"
            else:
                network = self.writer.choice(["192.0.2", "198.51.100", "203.0.113"])
                address = f"{network}.{rng.randrange(1, 255)}"
            ip_hash = client_hash(SimpleNamespace(META={"REMOTE_ADDR": address}))
            self.readers.append((name, email, ip_hash))
        self.reader_weights = text.zipf_weights(count, 1.0)

    def plan_comments(self):
        """Who comments where and when: the hot article's discussion, then the rest spread
        over a long tail of public articles. Each plan is (time, article, number in its
        discussion, parent's number or None, question, status)."""
        rng, now, size = self.rng, self.now, self.size
        public = [a for a in self.articles if a.published_at and a.published_at < now]
        if not public:
            return []
        recent = [a for a in public if now - a.published_at < timedelta(days=7)]
        hot = (recent or public)[len(recent or public) // 2]
        self.hot = hot
        others = [a for a in public if a is not hot and now - a.published_at > timedelta(hours=1)]
        rng.shuffle(others)
        discussed = others[: math.ceil(len(others) * (1 - UNDISCUSSED))]
        rest = max(0, size.comments - min(size.hot_comments, size.comments))
        counts = _spread(rest, text.zipf_weights(len(discussed), 0.6)) if discussed else []
        plans = self.discussion(hot, min(size.hot_comments, size.comments), hot=True)
        for article, count in zip(discussed, counts, strict=True):
            plans += self.discussion(article, count)
        plans.sort(key=lambda plan: (plan[0], plan[1].pk, plan[2]))
        return plans

    def discussion(self, article, count, hot=False):
        rng, now = self.rng, self.now
        if count == 0:
            return []
        age = now - article.published_at
        window = age if hot else min(age, timedelta(days=10))
        # Most comments come soon after the article appears; a hot one's keep coming.
        shape = 1.2 if hot else 2.5
        times = sorted(article.published_at + window * rng.random() ** shape for _ in range(count))
        questions = self.questions[article.pk]
        plans, can_reply = [], []
        for number, moment in enumerate(times):
            status = self.status(moment)
            parent = None
            if can_reply and rng.random() < REPLIES:
                if rng.random() < 0.6:
                    parent = can_reply[-1 - min(len(can_reply) - 1, int(rng.expovariate(0.2)))]
                else:
                    parent = can_reply[rng.randrange(len(can_reply))]
            question = None
            if parent is None and questions and rng.random() < 0.75:
                question = questions[rng.randrange(len(questions))]
            plans.append((moment, article, number, parent, question, status))
            if status in (Comment.Status.APPROVED, Comment.Status.REMOVED):
                can_reply.append(number)
        return plans

    def status(self, moment):
        """A comment's status now, and whether it was held first: pending while recent and
        not yet moderated; else spam, removed, approved after being held, or approved."""
        roll = self.rng.random()
        if self.now - moment < PENDING_WITHIN and roll < PENDING:
            return Comment.Status.PENDING
        roll = self.rng.random()
        if roll < SPAM:
            return Comment.Status.SPAM
        if roll < SPAM + REMOVED:
            return Comment.Status.REMOVED
        if roll < SPAM + REMOVED + HELD_THEN_APPROVED:
            return "held"
        return Comment.Status.APPROVED

    def make_comments(self, plans):
        rng = self.rng
        first = next_id(Comment)
        by_article = {}
        batch, checked, self.decisions = [], [], []
        statuses = {}
        for index, (moment, article, number, parent, question, status) in enumerate(plans):
            held = status == "held"
            status = Comment.Status.APPROVED if held else status
            spam = status == Comment.Status.SPAM
            name, email, ip_hash = self.readers[text.zipf_pick(rng, self.reader_weights)]
            body = self.comment_body(article.category, spam)
            reason = self.writer.choice(text.MODERATION_REASONS) if status == "removed" else ""
            comment = Comment(
                pk=first + index,
                article_id=article.pk,
                author_name=name,
                author_email=email,
                body=body.markdown,
                body_html=body.html,
                status=status,
                moderation_reason=reason,
                created_at=moment,
                ip_hash=ip_hash,
            )
            thread = by_article.setdefault(article.pk, {})
            if parent is not None:
                comment.attach_to(thread[parent])
            else:
                comment.question_id = question
            thread[number] = comment
            comment.card_html = render_card(comment)
            if held or status in (Comment.Status.REMOVED, Comment.Status.SPAM):
                self.decisions.append((comment.pk, moment, status, reason, held))
            statuses[status] = statuses.get(status, 0) + 1
            if index % CHECK_EVERY == 0 and not spam:
                checked.append(comment)
            batch.append(comment)
            if len(batch) == BATCH:
                self.write_comments(batch, checked)
                batch, checked = [], []
        self.write_comments(batch, checked)
        self.figures["comments"] = len(plans)
        self.figures |= {f"comments {status}": count for status, count in sorted(statuses.items())}
        if plans:
            self.figures["hot article"] = self.hot.slug
            self.figures["hot article comments"] = len(by_article[self.hot.pk])
        self.figures["deepest"] = max(
            (c.depth for thread in by_article.values() for c in thread.values()), default=0
        )

    def write_comments(self, batch, checked):
        self.check_rendering(checked, COMMENT)
        Comment.objects.bulk_create(batch)
        for comment in batch:  # kept for the replies to come: their text is no longer needed
            comment.body = comment.body_html = comment.card_html = ""

    def make_events(self):
        """The moderation log: an editor's decision for each comment that was held and
        approved, removed, or marked as spam, a little after it was posted."""
        rng, now = self.rng, self.now
        events = []
        actions = {
            Comment.Status.REMOVED: ModerationEvent.Action.REMOVE,
            Comment.Status.SPAM: ModerationEvent.Action.SPAM,
        }
        for pk, moment, status, reason, held in self.decisions:
            delay = timedelta(minutes=rng.uniform(5, 24 * 60))
            action = ModerationEvent.Action.APPROVE if held else actions[status]
            events.append((min(moment + delay, now), pk, action, reason))
        events.sort(key=lambda event: (event[0], event[1]))
        first = next_id(ModerationEvent)
        rows = [
            ModerationEvent(
                pk=first + number,
                comment_id=pk,
                action=action,
                reason=reason,
                moderator=self.editors[rng.randrange(len(self.editors))],
                created_at=moment,
            )
            for number, (moment, pk, action, reason) in enumerate(events)
        ]
        ModerationEvent.objects.bulk_create(rows, batch_size=BATCH)
        self.figures["moderation events"] = len(rows)

    # Derived data

    def store_counts(self):
        """The stored counts, as comments.lifecycle keeps them, and every version renewed."""
        first_article = self.articles[0].pk if self.articles else next_id(Article)
        renew(
            Article.objects.filter(pk__gte=first_article),
            lists=[ARTICLE_LISTS],
            question_count=question_count(),
            **article_counts(),
        )
        DiscussionQuestion.objects.filter(pk__gte=self.first_question).update(**question_counts())

    def reset_sequences(self):
        """Rows were given their ids: databases with sequences (PostgreSQL) must go on after
        them. SQLite's AUTOINCREMENT does by itself."""
        models = [
            Category, Tag, Article, DiscussionQuestion, TaggedArticle, Comment, ModerationEvent,
            get_user_model(), get_user_model().groups.through,
        ]  # fmt: skip
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    def check_rendering(self, rows, profile):
        """Render the whole bodies of `rows` as the models do and compare: the pieces must
        have been joined into exactly that HTML."""
        for row in rows:
            if render_markdown(row.body, profile) != row.body_html:
                raise RenderingMismatch(f"{row!r}: the joined HTML differs from render_markdown")

    def index_for_search(self):
        """The hook for the stored search index (articles/search_index.py, being written for
        issue 14): Article.save keeps it in step, but these articles were written in bulk, so
        they are indexed here, once. Until the index exists, search reads the articles
        themselves and there is nothing to do."""
        if importlib.util.find_spec("articles.search_index") is None:
            self.figures["search index"] = "none on this branch"
            return
        from articles import search_index

        self.step("search index")
        search_index.update([article.pk for article in self.articles])
        self.step("done")
        self.figures["search index"] = "updated"


def _inline(markdown, profile):
    """A sentence rendered on its own (`profile`: "article" or "comment"), without the
    paragraph Markdown puts it in."""
    html = _rendered(markdown, profile)
    if not (html.startswith("<p>") and html.endswith("</p>")):
        raise RenderingMismatch(f"{markdown!r} is not one paragraph")
    return Rendered(markdown, html[3:-4], len(markdown.split()))


def _block(markdown, profile):
    return Rendered(markdown, _rendered(markdown, profile), len(markdown.split()))


@functools.cache
def _rendered(markdown, profile):
    """Rendering is the slow part and the same text always renders the same: once per process
    (runs with the same seed, as in the tests, share the work)."""
    return render_markdown(markdown, PROFILES[profile])


def _choice(rng, items):
    return items[rng.randrange(len(items))]


def _unique_slug(title, taken):
    base = slugify(title)[:180].strip("-")
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _spread(total, cumulative):
    """`total` split in proportion to the weights (cumulative), rounded so they add up."""
    weights = [b - a for a, b in zip([0, *cumulative], cumulative, strict=False)]
    scale = total / cumulative[-1]
    counts = [int(weight * scale) for weight in weights]
    remainders = sorted(
        range(len(weights)), key=lambda i: weights[i] * scale - counts[i], reverse=True
    )
    for i in remainders[: total - sum(counts)]:
        counts[i] += 1
    return counts
