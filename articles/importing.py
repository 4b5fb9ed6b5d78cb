"""The plain-text format articles arrive in, as in fixtures/mistral-article.txt.

The first line is the title; every other non-blank line is a paragraph. The closing
paragraphs that end with "?" are the discussion questions, "#Hashtag" lines are tags,
"Filed under: X" names the category, and trailing "Comments" / "Post a Comment" lines are
page furniture copied along with the text, not content.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Category

PAGE_FURNITURE = {"comments", "post a comment"}
HASHTAG = re.compile(r"#(\w+)")
FILED_UNDER = re.compile(r"filed under:\s*(?P<category>.+)", re.IGNORECASE)
FIRST_SENTENCE = re.compile(r".+?[.!?](?=\s|$)")
FIRST_CLAUSE = re.compile(r"[^,:;]+")
SLUG_MAX_LENGTH = 60


class ArticleFormatError(ValueError):
    """The text does not follow the article format."""


@dataclass
class ParsedArticle:
    title: str
    paragraphs: list[str]
    questions: list[str]
    tags: list[str]
    category: str

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self):
        match = FIRST_SENTENCE.match(self.paragraphs[0])
        return match.group() if match else self.paragraphs[0]

    @property
    def slug(self):
        """The title's first clause, when long enough to name the article, as a short slug."""
        clause = FIRST_CLAUSE.match(self.title)
        headline = clause.group() if clause and len(clause.group().split()) >= 4 else self.title
        slug = slugify(headline)
        if len(slug) > SLUG_MAX_LENGTH:
            slug = slug[: SLUG_MAX_LENGTH + 1].rsplit("-", 1)[0]
        return slug


def parse_article(text):
    """Split article text into its parts; raise ArticleFormatError if one is missing."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ArticleFormatError("The file is empty.")
    title, *rest = lines
    while rest and rest[-1].lower() in PAGE_FURNITURE:
        rest.pop()

    paragraphs, tags, category = [], [], None
    for line in rest:
        if hashtag := HASHTAG.fullmatch(line):
            tags.append(hashtag.group(1))
        elif filed_under := FILED_UNDER.fullmatch(line):
            category = filed_under.group("category").strip()
        else:
            paragraphs.append(line)

    questions = []
    while paragraphs and paragraphs[-1].endswith("?"):
        questions.insert(0, paragraphs.pop())

    if not paragraphs:
        raise ArticleFormatError("The article has no body paragraphs after its title.")
    if category is None:
        raise ArticleFormatError('The article has no "Filed under: CATEGORY" line.')
    return ParsedArticle(title, paragraphs, questions, tags, category)


@transaction.atomic
def save_parsed_article(parsed, *, slug=None, byline="", publish=False, published_at=None):
    """Create or update the article with this slug from `parsed`; return (article, created)."""
    category, _ = Category.objects.get_or_create(
        slug=slugify(parsed.category), defaults={"name": parsed.category}
    )
    article, created = Article.objects.get_or_create(
        slug=slug or parsed.slug,
        defaults={"title": parsed.title, "body": parsed.body, "category": category},
    )
    article.title = parsed.title
    article.body = parsed.body
    article.summary = parsed.summary
    article.category = category
    if byline:
        article.byline = byline
    if outside := article.images_from_other_sites():
        raise ArticleFormatError(
            f"The body shows images from other sites ({', '.join(outside)}), which readers' "
            "browsers block here: use images stored on this site, or remove them."
        )
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = published_at or article.published_at or timezone.now()
    article.save()

    article.tags.set(parsed.tags, clear=True)

    existing = {question.text: question for question in article.questions.all()}
    for position, text in enumerate(parsed.questions, start=1):
        question = existing.pop(text, None)
        if question is None:
            article.questions.create(text=text, position=position)
        elif question.position != position:
            question.position = position
            question.save(update_fields=["position"])
    for question in existing.values():
        question.delete()
    return article, created
