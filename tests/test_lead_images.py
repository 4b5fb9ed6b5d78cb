"""Lead images: an editor uploads one in the desk; readers see it on the article, on its card,
where it is shared (Open Graph, JSON-LD) and at a size fit for their screen. Hostile files get a
clear form error and leave nothing behind."""

import json
import re
import struct
import tarfile
import zlib
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from articles.models import Article
from snapshots import media
from tests.test_article_admin import article_form_data, change_url

ADD_URL = "/admin/articles/article/add/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def photo(width=1200, height=800, format="JPEG", exif=None, name="photo.jpg"):
    """An image file as an editor's camera or phone would give it."""
    out = BytesIO()
    image = Image.new("RGB", (width, height), (40, 90, 160))
    image.paste((230, 180, 40), (0, 0, width // 2, height // 4))  # a mark in the top left
    image.save(out, format, **({"exif": exif} if exif is not None else {}))
    out.name = name
    out.seek(0)
    return out


def phone_photo_on_its_side():
    """A JPEG stored landscape with EXIF saying "rotate 90° to view", and the camera's make and
    the place it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS: latitude
    return photo(1600, 1200, exif=exif.tobytes(), name="IMG_0001.jpg")


def giant_png():
    """A PNG of a few bytes whose header says 40,000 x 40,000 pixels: 1.6 gigapixels once
    decoded."""
    small = photo(8, 8, "PNG").getvalue()
    ihdr = bytearray(small[16:29])
    ihdr[0:8] = struct.pack(">II", 40_000, 40_000)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)))
    out = BytesIO(small[:16] + bytes(ihdr) + crc + small[33:])
    out.name = "huge.png"
    return out


def named(data, name):
    out = BytesIO(data)
    out.name = name
    return out


def upload(client, article, image, alt="Mistral AI's offices in Paris", **fields):
    data = article_form_data(article, lead_image=image, lead_image_alt=alt, **fields)
    return client.post(change_url(article), data)


@pytest.fixture
def draftable(make_article):
    return make_article(title="Mistral opens a Munich office", slug="munich")


def test_an_uploaded_photo_is_stored_upright_without_its_metadata(
    editor_client, draftable, media_root
):
    response = upload(editor_client, draftable, phone_photo_on_its_side())

    assert response.status_code == 302
    draftable.refresh_from_db()
    assert draftable.lead_image.name == "lead-images/IMG_0001.jpg"
    stored = Image.open(Path(media_root) / draftable.lead_image.name)
    assert stored.format == "JPEG"
    assert stored.size == (1200, 1600)  # turned upright
    assert (draftable.lead_image_width, draftable.lead_image_height) == (1200, 1600)
    assert not stored.getexif()  # no orientation, camera or GPS left
    assert "exif" not in stored.info
    # The top-left mark of the photo as taken is now at the top right.
    assert stored.getpixel((1150, 50))[0] > 200


def test_the_article_its_card_and_its_metadata_show_the_image_with_variants_once_made(
    editor_client, client, draftable, run_tasks, django_capture_on_commit_callbacks, media_root
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            editor_client,
            draftable,
            photo(),
            lead_image_caption="The new office.",
            lead_image_credit="Photo: Jane Doe",
        )
    draftable.refresh_from_db()
    fallback = f"/media/{draftable.lead_image.name}"

    # Before the worker has made the variants: the fallback alone, at its size.
    page = client.get(draftable.get_absolute_url()).content.decode()
    assert (
        f'<img src="{fallback}" srcset="{fallback} 1200w" sizes="(min-width: 48rem) 46rem, 100vw" '
        f'width="1200" height="800" alt="Mistral AI&#x27;s offices in Paris"'
    ) in page

    assert run_tasks() == [2]  # 480 and 960 px: the photo is narrower than 1,600

    assert stored_files(media_root) == [
        "lead-images/photo-480w.webp",
        "lead-images/photo-960w.webp",
        "lead-images/photo.jpg",
    ]
    assert Image.open(Path(media_root) / "lead-images/photo-480w.webp").size == (480, 320)
    page = client.get(draftable.get_absolute_url()).content.decode()
    srcset = (
        "/media/lead-images/photo-480w.webp 480w, /media/lead-images/photo-960w.webp 960w, "
        f"{fallback} 1200w"
    )
    assert f'srcset="{srcset}"' in page
    assert "<figcaption>The new office. " in page
    assert '<span class="lead-image__credit">Photo: Jane Doe</span>' in page
    assert (
        '<meta property="og:image" content="http://testserver/media/lead-images/photo-960w.webp">'
        in page
    )
    assert '<meta property="og:image:width" content="960">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert ld["image"] == {
        "@type": "ImageObject",
        "url": "http://testserver/media/lead-images/photo-960w.webp",
        "width": 960,
        "height": 640,
        "caption": "The new office.",
        "creditText": "Photo: Jane Doe",
    }
    assert ld["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": "http://testserver/static/img/logo.png",
    }

    home = client.get("/").content.decode()
    assert f'srcset="{srcset}" sizes="(min-width: 48rem) 14rem, 100vw"' in home
    assert 'loading="lazy"' in home


def test_an_article_without_an_image_has_no_image_metadata(client, make_article):
    page = client.get(make_article().get_absolute_url()).content.decode()

    assert "og:image" not in page
    assert "twitter:card" not in page
    assert '"image"' not in page
    assert "<figure" not in page


def test_alt_text_is_required_with_an_image(editor_client, draftable, media_root):
    response = upload(editor_client, draftable, photo(), alt="  ")

    assert response.status_code == 200
    assert "Describe the lead image for readers who cannot see it." in response.content.decode()
    assert stored_files(media_root) == []
    draftable.refresh_from_db()
    assert not draftable.lead_image


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (
            lambda: named(b"GIF89a? no: a text file with an image's name\n" * 20, "photo.jpg"),
            "This file is not a JPEG, PNG or WebP image (whatever its name says).",
        ),
        (
            lambda: named(b"Just some notes, not a photo.\n", "photo.jpg"),
            "This file is not a JPEG, PNG or WebP image (whatever its name says).",
        ),
        (
            lambda: named(photo(format="GIF").getvalue(), "animation.gif"),
            "This file is not a JPEG, PNG or WebP image (whatever its name says).",
        ),
        (
            giant_png,
            "This image has too many pixels to handle safely; images may have at most "
            "40 megapixels",
        ),
        (
            lambda: named(photo().getvalue()[:3000], "cut-short.jpg"),
            "This image is damaged or incomplete; save it again and upload that.",
        ),
        (
            lambda: named(photo(format="PNG").getvalue()[:600], "cut-short.png"),
            "This image is damaged or incomplete; save it again and upload that.",
        ),
    ],
    ids=["junk", "text-named-jpg", "gif", "40000x40000-png", "cut-jpeg", "cut-png"],
)
def test_a_hostile_or_broken_file_gets_a_form_error_and_nothing_is_stored(
    editor_client, draftable, media_root, make_file, message
):
    response = upload(editor_client, draftable, make_file())

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'class="errorlist' in html
    assert stored_files(media_root) == []
    draftable.refresh_from_db()
    assert not draftable.lead_image
    assert draftable.title == "Mistral opens a Munich office"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    editor_client, draftable, media_root, settings
):
    settings.LEAD_IMAGE_MAX_BYTES = 10_000

    response = upload(editor_client, draftable, photo(2000, 2000))

    assert "images may be at most 9.8\xa0KB" in response.content.decode()
    assert stored_files(media_root) == []


def test_pillows_own_bomb_guard_is_caught_too(editor_client, draftable, media_root, settings):
    # With our limit above Pillow's, its DecompressionBombError is what stops the file.
    settings.LEAD_IMAGE_MAX_PIXELS = 10**10

    response = upload(editor_client, draftable, giant_png())

    assert response.status_code == 200
    assert "too many pixels to handle safely" in response.content.decode()
    assert stored_files(media_root) == []


def test_png_and_webp_keep_their_format(editor_client, make_article, media_root):
    for format, name in [("PNG", "chart.png"), ("WEBP", "chart.webp")]:
        article = make_article()
        upload(editor_client, article, photo(640, 480, format, name=name))
        article.refresh_from_db()
        assert Image.open(article.lead_image.path).format == format


def test_replacing_or_removing_the_image_deletes_the_old_files(
    editor_client, client, draftable, run_tasks, django_capture_on_commit_callbacks, media_root
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, draftable, photo(name="first.jpg"))
    run_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, draftable, photo(name="second.jpg"))
    run_tasks()
    assert stored_files(media_root) == [
        "lead-images/second-480w.webp",
        "lead-images/second-960w.webp",
        "lead-images/second.jpg",
    ]

    draftable.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            change_url(draftable),
            article_form_data(draftable, **{"lead_image-clear": "on", "lead_image_alt": ""}),
        )

    assert stored_files(media_root) == []
    assert "<figure" not in client.get(draftable.get_absolute_url()).content.decode()


def test_variants_made_for_an_image_replaced_meanwhile_are_thrown_away(
    editor_client, draftable, run_tasks, django_capture_on_commit_callbacks, media_root
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, draftable, photo(name="first.jpg"))
    # Replaced before the worker got to the first image's task.
    Article.objects.filter(pk=draftable.pk).update(lead_image="lead-images/other.jpg")

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()

    assert stored_files(media_root) == ["lead-images/first.jpg"]
    assert Article.objects.get(pk=draftable.pk).lead_image_variants == []


def test_the_article_page_costs_the_same_queries_with_an_image(
    editor_client, make_article, page_cache_off, django_assert_num_queries
):
    article = make_article()
    upload(editor_client, article, photo())
    reader = Client()  # editor_client is the `client` fixture, logged in

    with django_assert_num_queries(6):  # as tests/test_pages.py counts it without an image
        response = reader.get(article.get_absolute_url())
    assert "<figure" in response.content.decode()


def test_backup_and_restore_bring_the_images_back(
    editor_client, draftable, media_root, tmp_path, monkeypatch
):
    upload(editor_client, draftable, photo())
    snapshot = tmp_path / "backup.sqlite3"
    # The database's own snapshot is tests/test_backups.py's subject (in processes of their
    # own: SQLite cannot copy a database inside the test's transaction).
    monkeypatch.setattr("snapshots.database.back_up", lambda path: path.write_bytes(b"db"))
    out = StringIO()

    call_command("backup_database", str(snapshot), stdout=out)
    for path in Path(media_root).rglob("*.jpg"):
        path.unlink()

    assert f"Backed up 1 uploaded files to {snapshot}.media.tar." in out.getvalue()
    assert media.restore(snapshot) == 1
    assert stored_files(media_root) == ["lead-images/photo.jpg"]


def test_restore_extracts_nothing_outside_the_media_folder(media_root, tmp_path):
    snapshot = tmp_path / "backup.sqlite3"
    with tarfile.open(media.archive_path(snapshot), "w") as archive:
        evil = tarfile.TarInfo("../escaped.txt")
        evil.size = 3
        archive.addfile(evil, BytesIO(b"bad"))

    with pytest.raises(tarfile.OutsideDestinationError):
        media.restore(snapshot)
    assert not (tmp_path / "escaped.txt").exists()
