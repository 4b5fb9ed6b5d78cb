"""Lead images in an S3-compatible bucket (MEDIA_S3_BUCKET), with moto's server on loopback in
its place: the settings an operator's environment makes, in a process of their own; then the
desk's upload, the task worker's variants, the pages, the Content-Security-Policy, replacing and
removing an image, backups and restores, all against the bucket. Without the bucket settings,
nothing loads boto3."""

import json
import os
import runpy
import tarfile
import urllib.request
from io import BytesIO, StringIO
from unittest import mock

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.management import call_command
from django.test import Client
from PIL import Image
from storages.backends.s3 import S3Storage

from snapshots import media
from tests import servers
from tests.test_article_admin import article_form_data, change_url
from tests.test_lead_images import photo, upload
from tests.test_security_headers import POLICY, directives
from tests.test_settings import PRODUCTION, run_check

BUCKET = "news-media"
REGION = "eu-west-3"
KEYS = {"MEDIA_S3_ACCESS_KEY_ID": "tests", "MEDIA_S3_SECRET_ACCESS_KEY": "tests-only-secret"}
# An endpoint nothing is asked of: the settings alone.
ELSEWHERE = "https://s3.storage.example"

# The settings a site process makes of its environment, once it has loaded its apps and URLs
# and made a file's URL, and which of boto3, botocore and django-storages it loaded by then.
SETTINGS_AS_JSON = """
import json, sys, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import resolve
resolve("/")
url = default_storage.url("lead-images/photo.jpg")
loaded = {name.split(".")[0] for name in sys.modules} & {"boto3", "botocore", "storages"}
print(json.dumps({
    "STORAGES": settings.STORAGES,
    "MEDIA_URL": settings.MEDIA_URL,
    "CONTENT_SECURITY_POLICY": settings.CONTENT_SECURITY_POLICY,
    "url": url,
    "loaded": sorted(loaded),
}))
"""


def production_variables(site_url="https://news.example", **env):
    return servers.production_env(**{**PRODUCTION, "DJANGO_SITE_URL": site_url, **env})


def site_settings(**env):
    """What production settings make of `env` (and PRODUCTION) in a process of their own."""
    return json.loads(servers.run_python(SETTINGS_AS_JSON, env=production_variables(**env)))


def settings_module(**env):
    """mistralnews/settings.py run afresh in this process with production `env` (and
    PRODUCTION): its settings, by name. Quicker than a process, for settings alone."""
    with mock.patch.dict(os.environ, production_variables(**env), clear=True):
        return runpy.run_path(str(settings.BASE_DIR / "mistralnews" / "settings.py"))


def bucket_env(endpoint, **more):
    return {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_REGION": REGION,
        **KEYS,
        **more,
    }


def test_without_a_bucket_files_stay_on_this_machine_and_boto3_is_never_loaded():
    made = site_settings()

    assert made["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert made["url"] == "/media/lead-images/photo.jpg"
    assert made["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'"]
    assert made["loaded"] == []


@pytest.mark.parametrize(
    ("env", "public"),
    [
        # An S3-compatible service: the bucket's path-style address at its endpoint.
        (bucket_env(ELSEWHERE), f"{ELSEWHERE}/{BUCKET}/"),
        # AWS: the region names the host.
        (
            {"MEDIA_S3_BUCKET": BUCKET, "MEDIA_S3_REGION": REGION},
            f"https://{BUCKET}.s3.{REGION}.amazonaws.com/",
        ),
        # The operator's own domain (or CDN) in front of the bucket.
        (
            bucket_env(ELSEWHERE, MEDIA_S3_PUBLIC_URL="https://media.news.example/"),
            "https://media.news.example/",
        ),
    ],
    ids=["endpoint", "aws-region", "own-domain"],
)
def test_with_a_bucket_files_are_addressed_there_and_only_its_address_joins_img_src(env, public):
    made = settings_module(**env)

    storage = made["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert made["MEDIA_URL"] == public
    # Public and unsigned: no query string that changes with every page, made without asking
    # the bucket anything.
    assert S3Storage(**storage["OPTIONS"]).url("lead-images/a photo.jpg") == (
        f"{public}lead-images/a%20photo.jpg"
    )
    # The bucket's address joins img-src, and nothing else changes.
    assert made["CONTENT_SECURITY_POLICY"]["DIRECTIVES"] == {
        **settings_module()["CONTENT_SECURITY_POLICY"]["DIRECTIVES"],
        "img-src": ["'self'", public],
    }


def test_the_deploy_check_passes_with_a_bucket():
    result = run_check("--deploy", "--fail-level", "WARNING", **PRODUCTION, **bucket_env(ELSEWHERE))

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_S3_BUCKET": BUCKET}, "MEDIA_S3_BUCKET needs MEDIA_S3_ENDPOINT_URL"),
        (
            bucket_env("http://s3.storage.example"),
            "'http://s3.storage.example/news-media' must use https, as the site does",
        ),
        (
            bucket_env(ELSEWHERE, MEDIA_S3_PUBLIC_URL="https://media.news.example/?v=1"),
            "must be http(s)://host[/path], without a user, query or fragment",
        ),
        (
            bucket_env(ELSEWHERE, MEDIA_S3_SECRET_ACCESS_KEY=""),
            "Set both MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY, or neither",
        ),
    ],
    ids=["no-address", "plain-http", "query", "key-without-secret"],
)
def test_a_bucket_setting_the_site_cannot_use_stops_it_with_the_reason(env, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_module(**env)

    assert message in str(refused.value)


def public_read_policy(bucket):
    """The bucket policy docs/operations.md gives: anyone may read the lead images."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadOfLeadImages",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/lead-images/*",
            }
        ],
    }


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """moto's S3 server for this file's tests: its endpoint URL and its request log."""
    folder = tmp_path_factory.mktemp("s3")
    with servers.s3_server(folder) as endpoint:
        yield endpoint, folder / "s3.log"


@pytest.fixture(scope="module")
def bucket_settings(s3_server):
    """The settings production makes of the environment naming moto's bucket."""
    endpoint, _ = s3_server
    return settings_module(site_url="http://testserver", **bucket_env(endpoint))


@pytest.fixture
def bucket(settings, s3_server, bucket_settings, tmp_path):
    """This process's site with the bucket's settings and a new, empty bucket; a boto3 client
    for it. MEDIA_ROOT is an empty folder, which must stay so."""
    endpoint, _ = s3_server
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["MEDIA_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read_policy(BUCKET)))
    settings.STORAGES = {**settings.STORAGES, "default": bucket_settings["STORAGES"]["default"]}
    settings.MEDIA_URL = bucket_settings["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = bucket_settings["CONTENT_SECURITY_POLICY"]
    settings.MEDIA_ROOT = tmp_path / "media"
    return client


def stored_objects(client):
    listing = client.list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def fetch(url):
    """What a reader's browser gets at `url`: status, headers and body."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def bucket_requests(log):
    return log.read_text().count('HTTP/1.1"')


def test_an_uploaded_image_and_its_variants_are_stored_and_shown_from_the_bucket(
    bucket,
    s3_server,
    settings,
    editor_client,
    make_article,
    run_tasks,
    django_capture_on_commit_callbacks,
    page_cache_off,
    django_assert_num_queries,
):
    endpoint, log = s3_server
    article = make_article(title="Mistral opens a Munich office", slug="munich")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, article, photo(), lead_image_caption="The new office.")
    assert response.status_code == 302

    assert run_tasks() == [2]  # 480 and 960 px: the photo is 1,200 px wide

    assert stored_objects(bucket) == [
        "lead-images/photo-480w.webp",
        "lead-images/photo-960w.webp",
        "lead-images/photo.jpg",
    ]
    assert not settings.MEDIA_ROOT.exists()  # nothing went to this machine's disk
    reader = Client()
    requests_before = bucket_requests(log)
    with django_assert_num_queries(6):  # as without a bucket (tests/test_lead_images.py)
        response = reader.get(article.get_absolute_url())
    # Pages name the files without asking the bucket anything.
    assert bucket_requests(log) == requests_before
    page = response.content.decode()
    files = f"{endpoint}/{BUCKET}/lead-images"
    srcset = f"{files}/photo-480w.webp 480w, {files}/photo-960w.webp 960w, {files}/photo.jpg 1200w"
    assert f'<img src="{files}/photo.jpg" srcset="{srcset}"' in page
    assert f'<meta property="og:image" content="{files}/photo-960w.webp">' in page
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["image"]["url"] == f"{files}/photo-960w.webp"
    assert f'srcset="{srcset}"' in reader.get("/").content.decode()
    # The policy lets browsers load images from the bucket, and nothing else new.
    assert directives(response["Content-Security-Policy"]) == {
        **POLICY,
        "img-src": f"'self' {endpoint}/{BUCKET}/",
    }
    # Each address answers with the image, to anyone, as a reader's browser would ask.
    for name, content_type, width in [
        ("photo-480w.webp", "image/webp", 480),
        ("photo-960w.webp", "image/webp", 960),
        ("photo.jpg", "image/jpeg", 1200),
    ]:
        status, headers, body = fetch(f"{files}/{name}")
        assert (status, headers["Content-Type"]) == (200, content_type)
        assert headers["Cache-Control"] == "public, max-age=2592000"
        assert Image.open(BytesIO(body)).width == width


def test_replacing_or_removing_the_image_deletes_its_objects_from_the_bucket(
    bucket, editor_client, client, make_article, run_tasks, django_capture_on_commit_callbacks
):
    article = make_article(slug="munich")
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, article, photo(name="first.jpg"))
    run_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, article, photo(name="second.jpg"))
    run_tasks()

    assert stored_objects(bucket) == [
        "lead-images/second-480w.webp",
        "lead-images/second-960w.webp",
        "lead-images/second.jpg",
    ]

    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            change_url(article),
            article_form_data(article, **{"lead_image-clear": "on", "lead_image_alt": ""}),
        )

    assert stored_objects(bucket) == []
    assert "<figure" not in client.get(article.get_absolute_url()).content.decode()


def test_a_second_upload_of_the_same_name_gets_a_name_of_its_own(
    bucket, editor_client, make_article
):
    first, second = make_article(), make_article()
    upload(editor_client, first, photo())
    upload(editor_client, second, photo())

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.lead_image.name == "lead-images/photo.jpg"
    assert second.lead_image.name != first.lead_image.name
    assert len(stored_objects(bucket)) == 2


def test_backup_says_the_files_are_in_the_bucket_and_leaves_them_there(
    bucket, editor_client, make_article, tmp_path, monkeypatch, settings
):
    upload(editor_client, make_article(), photo())
    snapshot = tmp_path / "backup.sqlite3"
    # The database's own snapshot is tests/test_backups.py's subject.
    monkeypatch.setattr("snapshots.database.back_up", lambda path: path.write_bytes(b"db"))
    out = StringIO()

    call_command("backup_database", str(snapshot), stdout=out)

    assert (
        f"Uploaded files are kept in the bucket at {settings.MEDIA_URL}, not on this machine: "
        "back them up there"
    ) in out.getvalue()
    assert not media.archive_path(snapshot).exists()
    assert stored_objects(bucket) == ["lead-images/photo.jpg"]


def test_restoring_a_backup_from_disk_uploads_its_files_into_the_bucket(
    bucket, tmp_path, monkeypatch, settings
):
    snapshot = tmp_path / "backup.sqlite3"
    snapshot.write_bytes(b"db")
    monkeypatch.setattr("snapshots.database.restore", lambda path: None)
    bucket.put_object(Bucket=BUCKET, Key="lead-images/newer.jpg", Body=b"kept as it is")
    with tarfile.open(media.archive_path(snapshot), "w") as archive:
        for name, data in [
            ("lead-images/photo.jpg", photo().getvalue()),
            ("lead-images/newer.jpg", b"older"),
        ]:
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, BytesIO(data))

    out = StringIO()

    call_command("restore_database", str(snapshot), "--no-input", stdout=out)

    assert (
        f"Uploaded 1 files of {media.archive_path(snapshot)} into the bucket at "
        f"{settings.MEDIA_URL} (those it did not have)."
    ) in out.getvalue()
    assert stored_objects(bucket) == ["lead-images/newer.jpg", "lead-images/photo.jpg"]
    newer = bucket.get_object(Bucket=BUCKET, Key="lead-images/newer.jpg")["Body"].read()
    assert newer == b"kept as it is"


def test_a_restore_puts_nothing_outside_the_bucket_s_folders(bucket, tmp_path):
    snapshot = tmp_path / "backup.sqlite3"
    with tarfile.open(media.archive_path(snapshot), "w") as archive:
        evil = tarfile.TarInfo("../escaped.jpg")
        evil.size = 3
        archive.addfile(evil, BytesIO(b"bad"))

    with pytest.raises(SuspiciousOperation):
        media.restore(snapshot)
    assert stored_objects(bucket) == []


def test_the_body_may_show_images_from_the_bucket_but_not_from_others_on_its_host(
    bucket, s3_server, make_article
):
    endpoint, _ = s3_server
    article = make_article(body=f"![A chart]({endpoint}/{BUCKET}/lead-images/chart.png)")
    assert article.images_from_other_sites() == []

    elsewhere = f"{endpoint}/someone-elses-bucket/chart.png"
    article.body = f"![A chart]({elsewhere})"
    assert article.images_from_other_sites() == [elsewhere]
