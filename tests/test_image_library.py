"""The image library: editors upload images for article bodies in the desk, with the lead
images' checks and variants, find each one's Markdown there, and insert it; the article shows
it at its size (and its variants once made), while images from other sites are still refused.
An image an article shows cannot be deleted."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from PIL import Image

from articles.models import BodyImage
from tests.test_article_admin import article_form_data, change_url
from tests.test_body_images import REFUSAL
from tests.test_lead_images import named, phone_photo_on_its_side, photo, stored_files

LIBRARY = "/admin/articles/bodyimage/"
ADD = f"{LIBRARY}add/"
OFFERED = "/admin/articles/article/library-images/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def add_image(client, image, alt="A chart of Mistral's revenue", **fields):
    return client.post(ADD, {"file": image, "alt": alt, **fields})


@pytest.fixture
def chart(editor_client, committed):
    """A library image with its variants made, as the worker makes them."""
    with committed():
        add_image(
            editor_client,
            photo(1200, 800, name="chart.jpg"),
            caption="Revenue, 2023-2025.",
            credit="Source: Mistral AI",
        )
    return BodyImage.objects.get()


def test_an_upload_is_checked_stored_upright_and_listed_with_its_markdown(
    editor_client, editor, media_root
):
    response = add_image(editor_client, phone_photo_on_its_side(), caption="The office.")

    assert response.status_code == 302
    image = BodyImage.objects.get()
    assert image.file.name == "body-images/IMG_0001.jpg"
    stored = Image.open(Path(media_root) / image.file.name)
    assert stored.size == (image.width, image.height) == (1200, 1600)
    assert not stored.getexif()
    assert image.uploaded_by == editor
    listing = editor_client.get(LIBRARY).content.decode()
    assert (
        '<code class="library-snippet">![A chart of Mistral&#x27;s revenue]'
        "(/media/body-images/IMG_0001.jpg)\n*The office.*</code>"
    ) in listing


def test_the_variants_are_made_by_the_worker(chart, media_root):
    assert stored_files(media_root) == [
        "body-images/chart-480w.webp",
        "body-images/chart-960w.webp",
        "body-images/chart.jpg",
    ]
    assert [variant["width"] for variant in chart.variants] == [480, 960]


def test_alt_text_is_required(editor_client, media_root):
    response = add_image(editor_client, photo(), alt="   ")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not BodyImage.objects.exists()
    assert stored_files(media_root) == []


def test_a_text_file_named_jpg_is_refused_with_the_lead_images_message(editor_client, media_root):
    response = add_image(editor_client, named(b"Just notes, not a photo.\n", "photo.jpg"))

    assert response.status_code == 200
    assert "This file is not a JPEG, PNG or WebP image (whatever its name says)." in (
        response.content.decode()
    )
    assert not BodyImage.objects.exists()
    assert stored_files(media_root) == []


def test_an_uploaded_file_cannot_be_swapped_later(editor_client, chart):
    editor_client.post(
        f"{LIBRARY}{chart.pk}/change/",
        {"file": photo(name="other.jpg"), "alt": "New words", "caption": "", "credit": ""},
    )

    chart.refresh_from_db()
    assert chart.file.name == "body-images/chart.jpg"
    assert chart.alt == "New words"


def test_caption_and_alt_cannot_break_the_snippet(editor_client, make_article):
    add_image(editor_client, photo(), alt="A [draft] *chart*", caption="Made by _us_")

    article = make_article(body=BodyImage.objects.get().markdown)

    assert 'alt="A [draft] *chart*"' in article.body_html
    assert "<em>Made by _us_</em>" in article.body_html


def test_a_library_image_renders_with_its_size_and_variants_and_an_external_one_is_refused(
    editor_client, client, make_article, chart, committed
):
    article = make_article(body="Before.")

    response = editor_client.post(
        change_url(article), article_form_data(article, body=f"Intro.\n\n{chart.markdown}")
    )

    assert response.status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<img alt="A chart of Mistral\'s revenue" height="800" sizes="(min-width: 48rem) 46rem, '
        '100vw" src="/media/body-images/chart.jpg" srcset="/media/body-images/chart-480w.webp '
        '480w, /media/body-images/chart-960w.webp 960w, /media/body-images/chart.jpg 1200w" '
        'width="1200">'
    ) in page
    assert "<em>Revenue, 2023-2025. (Source: Mistral AI)</em>" in page

    external = "![A chart](https://cdn.example.com/chart.png)"
    response = editor_client.post(
        change_url(article), article_form_data(article, body=f"{chart.markdown}\n\n{external}")
    )
    assert REFUSAL in response.content.decode()


def test_an_article_saved_before_the_variants_gets_them_once_made(
    editor_client, client, make_article, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_image(editor_client, photo(1200, 800, name="chart.jpg"))
    image = BodyImage.objects.get()
    article = make_article(body=image.markdown)
    assert 'width="1200"' in article.body_html
    assert "srcset" not in article.body_html

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()

    page = client.get(article.get_absolute_url()).content.decode()
    assert 'srcset="/media/body-images/chart-480w.webp 480w' in page


def test_the_live_preview_shows_a_library_image_at_its_size(editor_client, chart):
    response = editor_client.post(
        "/admin/articles/article/markdown-preview/", {"body": chart.markdown}
    )

    html = response.content.decode()
    assert 'width="1200"' in html and 'height="800"' in html


def test_the_article_form_offers_the_newest_library_images(editor_client, chart):
    offered = editor_client.get(OFFERED).json()

    assert offered == {
        "images": [
            {
                "alt": "A chart of Mistral's revenue",
                "url": "/media/body-images/chart.jpg",
                "markdown": chart.markdown,
            }
        ],
        "library": LIBRARY,
    }
    form = editor_client.get("/admin/articles/article/add/").content.decode()
    assert f'data-images-url="{OFFERED}"' in form
    assert f'<a href="{LIBRARY}">image library</a>' in form


def test_an_image_an_article_shows_cannot_be_deleted(
    editor_client, make_article, chart, media_root
):
    article = make_article(title="Mistral's revenue", body=chart.markdown)
    delete = f"{LIBRARY}{chart.pk}/delete/"

    page = editor_client.get(delete).content.decode()
    response = editor_client.post(delete, {"post": "yes"})

    assert "This image cannot be deleted: 1 article shows it" in page
    assert f'<a href="{change_url(article)}">Mistral&#x27;s revenue</a>' in page
    assert response.status_code == 200
    assert BodyImage.objects.filter(pk=chart.pk).exists()
    assert "body-images/chart.jpg" in stored_files(media_root)


def test_an_unused_image_is_deleted_with_its_files(
    editor_client, chart, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"{LIBRARY}{chart.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not BodyImage.objects.exists()
    assert stored_files(media_root) == []


def test_staff_without_the_library_permissions_get_403(chart):
    intern = Client()
    intern.force_login(User.objects.create_user("intern", is_staff=True))

    assert intern.get(LIBRARY).status_code == 403
    assert intern.post(ADD, {"file": photo(), "alt": "x"}).status_code == 403
    assert intern.get(OFFERED).status_code == 403
    assert BodyImage.objects.count() == 1


def test_the_library_costs_the_same_queries_however_many_images(
    editor_client, committed, django_assert_num_queries
):
    for n in range(2):
        add_image(editor_client, photo(64, 48, name=f"small{n}.png", format="PNG"))
    # session, user, permissions (2), the images counted, the page's, the comments waiting
    with django_assert_num_queries(7):
        editor_client.get(LIBRARY)
    for n in range(10):
        add_image(editor_client, photo(64, 48, name=f"more{n}.png", format="PNG"))
    with django_assert_num_queries(7):
        response = editor_client.get(LIBRARY)
    assert response.content.decode().count('class="library-snippet"') == 12
