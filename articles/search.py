"""Searching the published articles through the search index (articles/search_index.py):
PostgreSQL's full-text search, or SQLite's FTS5, with the same syntax and ranking."""

import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Concat

from articles.models import Article, SearchDocument
from articles.search_index import SEARCH_CONFIG
from mistralnews.characters import drop_control_characters

# A reader's query is cut to this much before it reaches the database.
MAX_QUERY_LENGTH = 200
# Words or phrases of a query that SQLite searches for; PostgreSQL has only the length limit.
MAX_TERMS = 10
# Ranking reads each match's whole index entry: only this many of the newest matches are
# ranked, so a word in every article costs what a rarer one does (see search_articles).
RANKED_MATCHES = 100
# PostgreSQL's ts_rank weighs A, B and C (title and tags, summary, body) 1, 0.4 and 0.2;
# SQLite's bm25() is given the same proportions for its columns (title, tags, summary, body).
FTS5_WEIGHTS = (5.0, 5.0, 2.0, 1.0)
# Unicode categories (their first letter) of the characters words are made of.
WORD_CATEGORIES = {"L", "N"}


def clean_query(raw):
    """The part of a reader's query that is searched: no control characters, single
    spaces, at most MAX_QUERY_LENGTH characters."""
    # Control characters (NUL among them, which PostgreSQL refuses in text) count as spaces.
    text = " ".join(drop_control_characters(raw or "", replacement=" ").split())
    return text[:MAX_QUERY_LENGTH].strip()


def search_articles(query):
    """What the cleaned `query` finds among the published articles, best first, as
    SearchResults (for a Paginator); None when nothing in it can be searched for.

    Web-search syntax on both databases: every word must match, in the title, a tag name,
    the summary or the body, stemmed as English ("regulations" finds "regulation");
    `"a phrase"`, `or` between words, `-word` and `-"a phrase"` to leave out.

    Only the RANKED_MATCHES newest matches are ranked, best first (title and tags count
    most, then the summary, then the body); older matches follow them, newest first.
    Ranking reads a match's whole index entry: ranking every match of a word that most
    articles contain took 45-70 ms on PostgreSQL at 10,000 articles, and grows with them;
    the newest 100 take 1-3 ms (docs/performance.md, "Search at size"). A query that only
    leaves words out is not ranked: newest first.
    """
    articles = Article.objects.published()
    if connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        matches = articles.filter(pk__in=PostgresMatches(search))
        ranks = SearchDocument.objects.filter(article=OuterRef("pk"))
        rank = Subquery(ranks.annotate(rank=SearchRank(F("vector"), search)).values("rank"))
        return SearchResults(matches, rank)
    expression = fts5_expression(query)
    if expression is None:
        return None
    if expression.leave_out is not None:
        return SearchResults(articles.filter(expression.as_q()))
    matches = articles.filter(pk__in=FTS5Matches(expression.match))
    return SearchResults(matches, _fts5_rank(expression.match, _newest(matches)))


class SearchResults:
    """The published articles a search matched, for Django's Paginator: `count()` counts
    them, and a slice is that page of articles, best first. Two queries a page whatever the
    number of matches: the count, and the page, whose ids are put in order first (the
    RANKED_MATCHES newest matches by rank, the others by date) and then its articles read:
    SQLite carries every selected column through a sort, and the whole text of thousands of
    matches costs more than putting them in order."""

    def __init__(self, matches, rank=None):
        self.matches = matches
        self.rank = rank

    def count(self):
        return self.matches.count()

    def __getitem__(self, page):
        start, stop = page.start or 0, page.stop
        articles = Article.objects.published().select_related("category")
        if self.rank is None or start >= RANKED_MATCHES:
            # The ranked matches are the newest: after them, matches come in order by date.
            ids = _by_date(self.matches).values("pk")[start:stop]
            return list(_by_date(articles.filter(pk__in=ids)))
        if stop > RANKED_MATCHES:  # not with pages of ten: two queries
            return self[start:RANKED_MATCHES] + self[RANKED_MATCHES:stop]
        newest = Article.objects.filter(pk__in=_newest(self.matches))
        ids = self._by_rank(newest).values("pk")[start:stop]
        return list(self._by_rank(articles.filter(pk__in=ids)))

    def _by_rank(self, articles):
        return articles.annotate(rank=self.rank).order_by("-rank", "-published_at", "-id")


def _by_date(articles):
    return articles.order_by("-published_at", "-id")


def _newest(matches):
    return _by_date(matches).values("pk")[:RANKED_MATCHES]


class PostgresMatches(Func):
    """The ids of the articles whose search document matches a SearchQuery, read from the
    GIN index by the function `articles_search_matches` (migration 0005).

    Raw SQL: PostgreSQL's planner does not count the cost of reading a stored tsvector
    (TOASTed, a few kilobytes) and prefers reading every one of them to the GIN index for
    a word in most articles (40 ms at 10,000) and often for rarer ones; the function is
    planned with sequential scans off. The ORM cannot say so for one subquery."""

    template = "(SELECT article_id FROM articles_search_matches(%(expressions)s))"
    output_field = IntegerField()


class FTS5Matches(Func):
    """The ids of the articles whose row in the FTS5 table matches an FTS5 expression (made
    by fts5_expression, never a reader's raw words), a parameter. Raw SQL: MATCH, and the
    FTS5 table, which is no model (articles/search_index.py)."""

    template = "(SELECT rowid FROM articles_search WHERE articles_search MATCH %(expressions)s)"
    output_field = IntegerField()

    def __init__(self, expression):
        super().__init__(Value(expression))


def _fts5_rank(expression, newest):
    """The bm25() score of each of the `newest` matches of `expression`, negated (higher is
    better), for the article it is."""
    key = Concat(Value('$."'), Cast("pk", TextField()), Value('"'), output_field=TextField())
    return Func(
        FTS5Scores(expression, newest), key, function="json_extract", output_field=FloatField()
    )


class FTS5Scores(Func):
    """A JSON object {article id: score} of the `newest` matches (a queryset of ids) of the
    FTS5 `expression`, scored by bm25() with FTS5_WEIGHTS and negated (higher is better).

    Raw SQL: the ORM cannot say what makes it fast. One FTS5 scan scores the newest matches
    (a few milliseconds for a word in every one of 10,000 articles), and the object is made
    once per statement, as a subquery that is not correlated, then read by each ranked
    article. Asking bm25() for one article at a time would repeat its statistics over every
    match each time (a lookup by rowid does: `+rowid` keeps SQLite from making one of the
    `IN`), and `LIMIT -1` keeps SQLite from merging the inner SELECT into the aggregate,
    where bm25() cannot be called. The expression is a parameter.
    """

    template = (
        "(SELECT json_group_object(id, score) FROM ("
        "SELECT rowid AS id, -bm25(articles_search, %(weights)s) AS score FROM articles_search "
        "WHERE articles_search MATCH %(expressions)s LIMIT -1))"
    )
    arg_joiner = " AND +rowid IN "
    output_field = TextField()

    def __init__(self, expression, newest):
        weights = ", ".join(str(weight) for weight in FTS5_WEIGHTS)
        super().__init__(Value(expression), Subquery(newest), weights=weights)


@dataclass(frozen=True)
class FTS5Expression:
    """A reader's query as FTS5 query expressions, each term a quoted string: `match`, the
    articles to find (None if the query only leaves words out), and `leave_out`, set when
    some alternative only leaves words out: the articles that do not match it are found too.
    FTS5's NOT needs something to take the words from, so those are a separate query."""

    match: str | None
    leave_out: str | None = None

    def as_q(self):
        """The articles this finds, as a filter of Article."""
        found = ~Q(pk__in=FTS5Matches(self.leave_out))
        if self.match is not None:
            found |= Q(pk__in=FTS5Matches(self.match))
        return found


def fts5_expression(query):
    """The FTS5 expression for a reader's query in web-search syntax, as PostgreSQL's
    websearch_to_tsquery reads it: words and "quoted phrases" must all match, `or` between
    two of them makes alternatives (`a b or c` is (a and b) or c), a leading `-` leaves one
    out. Every word and phrase becomes an FTS5 string (quoted, `"` doubled), so nothing a
    reader types is FTS5 syntax (NEAR, *, ^, column:, AND); words without a letter or digit
    are dropped, as FTS5 would find nothing for them. None when nothing is left to search."""
    alternatives, count = [[]], 0
    for kind, text in _terms(query):
        if kind == "or":
            alternatives.append([])
        elif count < MAX_TERMS:
            alternatives[-1].append((kind == "not", _fts5_string(text)))
            count += 1
    match, leave_out = [], []
    for terms in filter(None, alternatives):
        wanted = [string for negated, string in terms if not negated]
        unwanted = [string for negated, string in terms if negated]
        if wanted:
            alternative = "(" + " AND ".join(wanted) + ")"
            if unwanted:
                alternative += " NOT (" + " OR ".join(unwanted) + ")"
            match.append(f"({alternative})")
        else:
            leave_out.append("(" + " OR ".join(unwanted) + ")")
    if not match and not leave_out:
        return None
    # Not (u1 or u2) or not (u3) is not ((u1 or u2) and u3).
    return FTS5Expression(
        match=" OR ".join(match) or None,
        leave_out=" AND ".join(leave_out) or None,
    )


def _terms(query):
    """The query's terms in order, as ("word" | "not" | "or", text); an `or` only between two
    terms. A quote left open runs to the end, as in websearch_to_tsquery."""
    terms, position = [], 0
    while position < len(query):
        if query[position].isspace():
            position += 1
            continue
        negated = query[position] == "-"
        while position < len(query) and query[position] == "-":
            position += 1
        if position < len(query) and query[position] == '"':
            end = query.find('"', position + 1)
            end = len(query) if end == -1 else end
            text, position = query[position + 1 : end], end + 1
        else:
            end = position
            while end < len(query) and not query[end].isspace() and query[end] != '"':
                end += 1
            text, position = query[position:end], end
        if not _has_word_characters(text):
            continue
        if not negated and text.lower() == "or":
            terms.append(("or", text))
        else:
            terms.append(("not" if negated else "word", text))
    # `or` at either end joins nothing, and two in a row are one: those are left out.
    joined = []
    for term in terms:
        if term[0] != "or" or (joined and joined[-1][0] != "or"):
            joined.append(term)
    if joined and joined[-1][0] == "or":
        joined.pop()
    return joined


def _has_word_characters(text):
    # FTS5's unicode61 tokenizer makes words of letters and digits, and drops the rest.
    return any(unicodedata.category(character)[:1] in WORD_CATEGORIES for character in text)


def _fts5_string(text):
    """`text` as an FTS5 string: a phrase of its words, never an operator or a filter."""
    return '"' + " ".join(text.split()).replace('"', '""') + '"'
