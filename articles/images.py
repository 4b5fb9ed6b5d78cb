"""Uploaded images (lead images, and the library's images for article bodies): checking an
upload, storing a clean copy, and the responsive variants.

An upload is checked in the desk's request before anything is stored (`clean_upload`): its
bytes must be a JPEG, PNG or WebP image whatever its name says, within LEAD_IMAGE_MAX_BYTES,
and within LEAD_IMAGE_MAX_PIXELS by its header, before a pixel is decoded (a 40,000 x 40,000
PNG of a few kilobytes would otherwise take gigabytes); then it is decoded whole, which finds
truncated files. What is stored is a copy turned upright by its EXIF orientation and written
again without any metadata (camera, GPS position), in its own format: the fallback `src`.

The WebP variants (LEAD_IMAGE_WIDTHS) are made by the task worker (`make_variants`), not the
web worker, which stores them through Django's storage API and records them through the image's
owner (`record_image_variants` on its model's queryset), which renews what shows it in that
transaction; until then pages show the fallback alone.
"""

import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # Django 6 has the tasks API built in; the django-tasks backport is the same API.
    from django.tasks import task
except ImportError:
    from django_tasks import task

# Pillow's format name → the stored file's extension. Nothing else is accepted.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
UPLOAD_TO = "lead-images"
LIBRARY_UPLOAD_TO = "body-images"
WEBP_QUALITY = 80


@dataclass(frozen=True)
class CleanImage:
    """An accepted upload, ready to store: `file` holds the clean copy."""

    file: ContentFile
    width: int
    height: int


def _refuse(message, code):
    raise ValidationError(message, code=code)


def clean_upload(upload):
    """Check the uploaded file `upload` and return its clean copy, or raise ValidationError
    with a message for the editor. Reads it whole, once: it is at most LEAD_IMAGE_MAX_BYTES."""
    limit = settings.LEAD_IMAGE_MAX_BYTES
    if upload.size > limit:
        _refuse(
            f"This file is {filesizeformat(upload.size)}; images may be at most "
            f"{filesizeformat(limit)}.",
            "too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; both are refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=list(FORMATS))
            _check_pixels(image.width, image.height)
            image.load()
    except ValidationError:
        raise
    except UnidentifiedImageError:
        _refuse(
            "This file is not a JPEG, PNG or WebP image (whatever its name says).", "not_an_image"
        )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_too_many_pixels_message(), "too_many_pixels")
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow's words for a file cut short or damaged inside.
        _refuse("This image is damaged or incomplete; save it again and upload that.", "damaged")
    format_name = image.format
    upright = ImageOps.exif_transpose(image)
    copy = BytesIO()
    _save_without_metadata(upright, copy, format_name)
    stem = PurePosixPath(upload.name or "image").stem[:60] or "image"
    return CleanImage(
        file=ContentFile(copy.getvalue(), name=f"{stem}.{FORMATS[format_name]}"),
        width=upright.width,
        height=upright.height,
    )


def _too_many_pixels_message():
    limit = settings.LEAD_IMAGE_MAX_PIXELS
    return (
        f"This image has too many pixels to handle safely; images may have at most "
        f"{limit / 1_000_000:g} megapixels (say {_side(limit):,} x {_side(limit):,})."
    )


def _side(pixels):
    return int(pixels**0.5)


def _check_pixels(width, height):
    if width * height > settings.LEAD_IMAGE_MAX_PIXELS:
        _refuse(_too_many_pixels_message(), "too_many_pixels")


def _save_without_metadata(image, out, format_name):
    """Write `image` in `format_name` with none of the original's metadata: Pillow writes EXIF,
    ICC and XMP only when asked to, and is not asked."""
    if format_name == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif format_name == "WEBP":
        image.save(out, "WEBP", quality=WEBP_QUALITY)
    else:
        image.save(out, "PNG", optimize=True)


def variant_name(name, width):
    """The storage name of the `width`-pixel WebP variant of the stored image `name`."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def srcset(name, width, variants):
    """`srcset` for the stored image `name`, `width` pixels wide: its WebP variants, then the
    image itself at full width."""
    candidates = [f"{default_storage.url(v['name'])} {v['width']}w" for v in variants]
    candidates.append(f"{default_storage.url(name)} {width}w")
    return ", ".join(candidates)


@task()
def make_variants(owner_id, name, owner="articles.Article"):
    """Make the WebP variants of the image stored as `name`, narrower than the image itself,
    and record them on row `owner_id` of model `owner` (an article's lead image, a library
    image) if it still has that image."""
    with default_storage.open(name) as stored:
        image = Image.open(stored)
        image.load()
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    variants = []
    for width in sorted(settings.LEAD_IMAGE_WIDTHS):
        if width >= image.width:
            break
        height = max(1, round(image.height * width / image.width))
        out = BytesIO()
        image.resize((width, height), Image.Resampling.LANCZOS).save(
            out, "WEBP", quality=WEBP_QUALITY
        )
        saved = default_storage.save(variant_name(name, width), ContentFile(out.getvalue()))
        variants.append({"name": saved, "width": width, "height": height})
    with transaction.atomic():
        if not apps.get_model(owner).objects.record_image_variants(owner_id, name, variants):
            # Replaced or removed while these were made: they belong to nothing.
            transaction.on_commit(lambda: delete_files([v["name"] for v in variants]))
    return len(variants)


def delete_files(names):
    """Delete stored files that nothing refers to any more (a replaced image, its variants)."""
    for name in names:
        if name:
            default_storage.delete(name)
