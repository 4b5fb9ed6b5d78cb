from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.importing import parse_article
from articles.models import Article, Category, DiscussionQuestion
from mistralnews.markup import ARTICLE, render_markdown

SEED = Path(settings.BASE_DIR) / "fixtures" / "mistral-article.txt"
SEED_TAGS = [
    "MistralAI",
    "EuropeanTech",
    "SovereignAI",
    "EnterpriseAI",
    "AIDevelopment",
    "TechInnovation",
    "AIStrategy",
]


def import_article(*args):
    out = StringIO()
    call_command("import_article", *map(str, args), stdout=out)
    return out.getvalue()


def test_seed_file_parses_into_the_article_shape():
    parsed = parse_article(SEED.read_text())

    assert parsed.title.startswith("Europe's $23 Billion AI Powerhouse Mistral")
    assert len(parsed.paragraphs) == 7
    assert parsed.paragraphs[0].startswith("Mistral AI, a rapidly growing French company")
    assert parsed.paragraphs[-1].endswith("a comprehensive AI ecosystem.")
    assert len(parsed.questions) == 2
    assert parsed.questions[0].startswith('Do you think a "sovereign AI" approach')
    assert parsed.questions[1].startswith("If a company like Mistral provides tailored AI")
    assert parsed.tags == SEED_TAGS
    assert parsed.category == "AICloud"
    assert "Post a Comment" not in parsed.body
    assert not any(p in {"Comments", "Post a Comment"} for p in parsed.paragraphs)


@pytest.mark.django_db
def test_import_command_creates_the_article(tmp_path):
    output = import_article(SEED, "--publish")

    article = Article.objects.get()
    assert "Created published article" in output
    assert article.is_published
    assert article.slug == "europes-23-billion-ai-powerhouse-mistral-is-growing-fast"
    assert article.body.count("\n\n") == 6
    assert article.body_html.count("<p>") == 7
    assert article.category.name == "AICloud"
    assert article.category.slug == "aicloud"
    assert sorted(article.tags.names()) == sorted(SEED_TAGS)
    assert [q.position for q in article.questions.all()] == [1, 2]
    assert article.summary.startswith("Mistral AI, a rapidly growing French company")
    assert article.summary.endswith("many people assume.")


@pytest.mark.django_db
def test_import_without_publish_creates_a_draft():
    import_article(SEED)

    assert Article.objects.get().status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


@pytest.mark.django_db
def test_import_is_idempotent():
    import_article(SEED, "--publish", "--published-at", "2026-06-02T08:00:00Z")
    output = import_article(SEED, "--publish")

    assert "Updated published article" in output
    assert Article.objects.count() == 1
    assert DiscussionQuestion.objects.count() == 2
    assert Tag.objects.count() == 7
    assert Category.objects.count() == 1
    assert Article.objects.get().published_at.isoformat() == "2026-06-02T08:00:00+00:00"


@pytest.mark.django_db
def test_reimport_updates_text_questions_and_tags(tmp_path):
    import_article(SEED, "--publish")
    question = DiscussionQuestion.objects.get(position=2)
    edited = SEED.read_text().replace(
        "Mistral AI, a rapidly growing French company", "Mistral AI, a fast-growing French company"
    )
    edited = edited.replace("#AIStrategy\n", "#OpenWeights\n")
    edited = edited.replace(
        'Do you think a "sovereign AI" approach, like Mistral\'s, truly benefits global AI '
        "development, or could it lead to more fragmentation in the tech world?\n",
        "",
    )
    path = tmp_path / "edited.txt"
    path.write_text(edited)

    import_article(path)

    article = Article.objects.get()
    assert "a fast-growing French company" in article.body_html
    assert "OpenWeights" in article.tags.names()
    assert "AIStrategy" not in article.tags.names()
    assert list(article.questions.all()) == [question]
    assert article.questions.get().position == 1
    assert article.is_published, "an update without --publish keeps the article's status"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("A title only\n#Tag\nFiled under: News\n", "no body paragraphs"),
        ("Title\nA paragraph.\n#Tag\n", "Filed under"),
    ],
)
def test_import_rejects_text_that_is_not_an_article(tmp_path, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text)

    with pytest.raises(CommandError, match=message):
        import_article(path)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_article(tmp_path / "nope.txt")


def test_shipped_fixture_matches_a_fresh_import(mistral, tmp_path):
    parsed = parse_article(SEED.read_text())

    assert mistral.title == parsed.title
    assert mistral.body == parsed.body
    assert mistral.is_published
    assert [q.text for q in mistral.questions.all()] == parsed.questions
    assert sorted(mistral.tags.names()) == sorted(SEED_TAGS)
    assert mistral.category.slug == "aicloud"
    assert mistral.body_html == render_markdown(mistral.body, ARTICLE), "run `make fixture`"


def test_fixture_loads_twice_without_duplicates(mistral):
    call_command("loaddata", "mistral", verbosity=0)

    assert Article.objects.count() == 1
    assert DiscussionQuestion.objects.count() == 2
    assert mistral.tags.count() == 7


def test_seed_loads_once_and_keeps_editors_changes(db):
    call_command("seed", stdout=StringIO())
    article = Article.objects.get()
    article.title = "An editor's better title"
    article.save()

    out = StringIO()
    call_command("seed", stdout=out)

    assert "nothing to load" in out.getvalue()
    assert Article.objects.get().title == "An editor's better title"
    assert DiscussionQuestion.objects.count() == 2
