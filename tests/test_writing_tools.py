"""Writing in the desk: the live preview beside the body, tag suggestions while typing, and
merging tags that drifted apart, with the old tag's page redirecting to the kept one."""

import pytest
from django.contrib.auth.models import User
from taggit.models import Tag

from articles.models import Article
from tests.test_article_admin import change_url

PREVIEW_URL = "/admin/articles/article/markdown-preview/"
SUGGEST_URL = "/admin/articles/article/tag-suggestions/"
TAGS_URL = "/admin/taggit/tag/"


@pytest.fixture
def reader_client(client, db):
    client.force_login(User.objects.create_user("reader", "reader@example.com"))
    return client


def test_the_preview_renders_the_body_through_the_sites_sanitizer(editor_client):
    body = "## Heading\n\nSome *emphasis*.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"

    response = editor_client.post(PREVIEW_URL, {"body": body})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert "<h2>Heading</h2>" in html
    assert "<em>emphasis</em>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html  # raw HTML comes out as text, as on the article page
    assert "javascript:" not in html


def test_the_preview_takes_only_posts(editor_client):
    assert editor_client.get(PREVIEW_URL, {"body": "x"}).status_code == 405


def test_the_preview_needs_a_csrf_token(editor, db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.post(PREVIEW_URL, {"body": "x"}).status_code == 403


@pytest.mark.parametrize("url", [PREVIEW_URL, SUGGEST_URL])
def test_readers_and_anonymous_visitors_cannot_reach_the_writing_endpoints(
    client, reader_client, url
):
    for visitor in (client, reader_client):
        response = visitor.post(url, {"body": "x"}) if url == PREVIEW_URL else visitor.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_staff_without_article_permissions_are_refused(client, db):
    client.force_login(User.objects.create_user("intern", is_staff=True))

    assert client.post(PREVIEW_URL, {"body": "x"}).status_code == 403
    assert client.get(SUGGEST_URL, {"q": "mis"}).status_code == 403


def test_the_article_form_loads_the_script_and_names_the_endpoints(editor_client, make_article):
    html = editor_client.get(change_url(make_article())).content.decode()

    assert '<script src="/static/articles/article-form.js"></script>' in html
    assert f'data-preview-url="{PREVIEW_URL}"' in html
    assert f'data-suggest-url="{SUGGEST_URL}"' in html
    assert "<script>" not in html.replace('<script src="', "")  # nothing inline for the CSP


def test_tag_suggestions_start_with_what_was_typed_then_contain_it(editor_client, make_article):
    make_article(tags=["MistralAI", "Mistral", "EuropeanTech", "OpenMistral", "AIStrategy"])

    response = editor_client.get(SUGGEST_URL, {"q": "mistral"})

    assert response.json() == {"tags": ["Mistral", "MistralAI", "OpenMistral"]}
    assert editor_client.get(SUGGEST_URL, {"q": " "}).json() == {"tags": []}


def test_tag_suggestions_are_at_most_ten(editor_client, make_article):
    make_article(tags=[f"tag{n:02d}" for n in range(15)])

    assert len(editor_client.get(SUGGEST_URL, {"q": "tag"}).json()["tags"]) == 10


def merge(client, tags, into, confirmed=True):
    data = {"action": "merge_tags", "_selected_action": [str(tag.pk) for tag in tags]}
    if confirmed:
        data |= {"into": str(into.pk), "confirmed": "yes"}
    return client.post(TAGS_URL, data, follow=confirmed)


def test_merging_asks_which_tag_to_keep(editor_client, make_article):
    make_article(tags=["Mistral", "MistralAI"])
    tags = list(Tag.objects.order_by("name"))

    response = merge(editor_client, tags, None, confirmed=False)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Keep which tag?" in html
    for tag in tags:
        assert f'name="into" value="{tag.pk}"' in html
    assert Tag.objects.count() == 2


def test_merging_moves_the_articles_and_redirects_the_old_tag_page(
    editor_client, client, make_article
):
    both = make_article(tags=["Mistral", "MistralAI"])
    old_only = make_article(tags=["Mistral"])
    other = make_article(tags=["EuropeanTech"])
    mistral, mistral_ai = Tag.objects.get(name="Mistral"), Tag.objects.get(name="MistralAI")
    assert client.get("/tags/mistral/").status_code == 200  # cached before the merge

    response = merge(editor_client, [mistral, mistral_ai], mistral_ai)

    assert "Merged into “MistralAI”: 2 articles moved" in response.content.decode()
    assert not Tag.objects.filter(name="Mistral").exists()
    for article in (both, old_only):
        assert list(Article.objects.get(pk=article.pk).tags.names()) == ["MistralAI"]
    assert list(other.tags.names()) == ["EuropeanTech"]
    old_page = client.get("/tags/mistral/")
    assert old_page.status_code == 301
    assert old_page["Location"] == "/tags/mistralai/"
    page = client.get("/tags/mistralai/").content.decode()
    assert old_only.title in page and both.title in page
    # The articles' own pages show the new tag (their versions were renewed).
    assert "/tags/mistral/" not in client.get(old_only.get_absolute_url()).content.decode()


def test_a_tag_merged_twice_redirects_to_the_last_one(editor_client, client, make_article):
    make_article(tags=["Mistral", "MistralAI", "Mistral AI"])
    first, second, third = (Tag.objects.get(name=n) for n in ["Mistral", "MistralAI", "Mistral AI"])

    merge(editor_client, [first, second], second)
    merge(editor_client, [second, third], third)

    for old in ("mistral", "mistralai"):
        assert client.get(f"/tags/{old}/")["Location"] == f"/tags/{third.slug}/"


def test_an_unknown_tag_is_still_not_found(client, db):
    assert client.get("/tags/never-was/").status_code == 404


def test_merging_needs_two_tags(editor_client, make_article):
    make_article(tags=["Mistral"])

    response = merge(editor_client, list(Tag.objects.all()), None, confirmed=False)

    assert response.status_code == 302
    assert Tag.objects.count() == 1
