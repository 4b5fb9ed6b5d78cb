"""Images in an article's body come from the site itself: one from another site would be
blocked by the Content-Security-Policy and show broken, so it is refused when the article is
saved, with a message saying which and why."""

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.test_article_admin import article_form_data, change_url

REFUSAL = "The body shows images from other sites"


@pytest.mark.parametrize(
    "markdown",
    [
        "![A chart](https://cdn.example.com/chart.png)",
        "![A chart](http://example.org/chart.png)",
        "![Protocol-relative](//example.org/chart.png)",
        '![Title too](https://example.org/a.png "A title")',
        "Text first.\n\n![ref][1]\n\n[1]: https://example.org/ref.png",
    ],
)
def test_an_image_from_another_site_is_refused_with_a_clear_message(
    editor_client, make_article, markdown
):
    article = make_article(body="Before.")

    response = editor_client.post(
        change_url(article), article_form_data(article, body=f"Intro.\n\n{markdown}")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSAL in html
    assert "use images stored on this site" in html
    article.refresh_from_db()
    assert article.body == "Before."


@pytest.mark.parametrize(
    "markdown",
    [
        "![Our chart](/media/lead-images/chart.png)",
        "![Our chart](http://testserver/media/chart.png)",
        "![Relative](chart.png)",
        "A link, not an image: [source](https://example.org/chart.png)",
    ],
)
def test_images_on_this_site_and_links_elsewhere_are_fine(editor_client, make_article, markdown):
    article = make_article()

    response = editor_client.post(change_url(article), article_form_data(article, body=markdown))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == markdown


def test_the_import_command_refuses_an_external_image_too(tmp_path, db):
    text = (
        "A headline\n\nA paragraph.\n\n![Chart](https://example.org/chart.png)\n\n"
        "Filed under: AICloud\n"
    )
    source = tmp_path / "article.txt"
    source.write_text(text)

    with pytest.raises(CommandError, match="images from other sites"):
        call_command("import_article", str(source))
    assert not Article.objects.exists()
