"""A published article's old address keeps working after its slug changes: a 301 to the new."""

from articles.models import Article, FormerSlug
from tests.test_article_admin import article_form_data


def test_changing_a_published_articles_slug_redirects_the_old_address(client, make_article):
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article.save()

    response = client.get("/articles/old-name/?question=2")

    assert response.status_code == 301
    assert response["Location"] == "/articles/new-name/?question=2"
    assert client.get("/articles/new-name/").status_code == 200


def test_a_slug_changed_twice_redirects_both_old_addresses(client, make_article):
    article = make_article(slug="first")
    for slug in ["second", "third"]:
        article.slug = slug
        article.save()

    assert client.get("/articles/first/")["Location"] == "/articles/third/"
    assert client.get("/articles/second/")["Location"] == "/articles/third/"


def test_the_slug_changed_in_the_desk_redirects(editor_client, client, make_article):
    article = make_article(slug="desk-old")
    data = article_form_data(article, slug="desk-new")
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/articles/desk-old/")["Location"] == "/articles/desk-new/"


def test_a_draft_renamed_before_publication_leaves_no_redirect(client, make_article):
    draft = make_article(slug="draft-name", status=Article.Status.DRAFT)
    draft.slug = "final-name"
    draft.save()

    assert not FormerSlug.objects.exists()
    assert client.get("/articles/draft-name/").status_code == 404


def test_an_old_address_taken_back_is_the_article_again(client, make_article):
    article = make_article(slug="back")
    article.slug = "away"
    article.save()
    article.slug = "back"
    article.save()

    assert client.get("/articles/back/").status_code == 200
    assert client.get("/articles/away/")["Location"] == "/articles/back/"


def test_an_unpublished_articles_old_address_is_404(client, make_article):
    article = make_article(slug="was-here")
    article.slug = "now-here"
    article.save()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    assert client.get("/articles/was-here/").status_code == 404
    assert client.get("/articles/never-was/").status_code == 404
