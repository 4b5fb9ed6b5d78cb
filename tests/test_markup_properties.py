"""Property-based tests of the Markdown → HTML sanitizer and the comment form (hypothesis)."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.forms import CommentForm
from mistralnews.markup import ARTICLE, COMMENT, render_markdown

# Characters that mean something to Markdown or HTML, plus text, spaces and odd Unicode.
MARKDOWN_ALPHABET = st.sampled_from(
    [
        *"[]()<>!*_`#>-+=|:;/\\\"'&%.{}~\n\t ",
        *["javascript:", "data:", "http://", "https://", "&#", "x", "é", "\u202e", "\u200b"],
        *["\x00", "<script>", "</", "onerror=", "{: ", "- ", "1. ", "> ", "    ", "```", "]("],
    ]
)
MARKDOWN = st.lists(MARKDOWN_ALPHABET, max_size=600).map("".join)
ANY_TEXT = st.text(max_size=2000)
# Long runs of one structural character, the shape of most pathological inputs.
RUNS = st.builds(
    lambda char, count, tail: char * count + tail,
    st.sampled_from(["[", "(", "![", "*", "_", "`", ">", "- ", "  - ", "1. ", "<", "&", "\\"]),
    st.integers(min_value=100, max_value=2500),
    st.sampled_from(["", "x", "]", ")", "](x)"]),
)

SAFE_SCHEMES = {"http", "https", "mailto"}
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def assert_within_profile(html, profile):
    inspector = Inspector()
    inspector.feed(html)
    for tag, attrs in inspector.elements:
        assert tag in profile.tags, (tag, html)
        allowed = set(profile.attributes.get(tag, ()))
        for name, value in attrs:
            assert name in allowed, (tag, name, html)
            if name in {"href", "src"}:
                # Stricter than a browser: drop every space and unprintable character.
                compact = "".join(ch for ch in value or "" if ch.isprintable() and not ch.isspace())
                scheme = URL_SCHEME.match(compact)
                assert scheme is None or scheme[1].lower() in SAFE_SCHEMES, (value, html)


PROFILES = pytest.mark.parametrize("profile", [ARTICLE, COMMENT], ids=["article", "comment"])
# Generous: the worst inputs measured render in ~0.2 s; seconds would mean a quadratic path.
BOUNDED = settings(
    deadline=timedelta(seconds=2),
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROFILES
@BOUNDED
@given(text=MARKDOWN)
def test_markdown_soup_renders_within_the_allow_list(profile, text):
    assert_within_profile(render_markdown(text, profile), profile)


@PROFILES
@BOUNDED
@given(text=ANY_TEXT)
def test_any_unicode_text_renders_within_the_allow_list(profile, text):
    assert_within_profile(render_markdown(text, profile), profile)


@PROFILES
@BOUNDED
@given(text=RUNS)
def test_pathological_runs_render_quickly_and_safely(profile, text):
    assert_within_profile(render_markdown(text, profile), profile)


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=100),
    email=st.text(max_size=60) | st.emails(),
    body=MARKDOWN | ANY_TEXT,
    question=st.text(max_size=25) | st.integers().map(str),
    parent=st.text(max_size=25) | st.integers().map(str),
)
def test_comment_form_either_accepts_or_explains(mistral, name, email, body, question, parent):
    form = CommentForm(
        {
            "author_name": name,
            "author_email": email,
            "body": body,
            "question": question,
            "parent": parent,
            "homepage": "",
        },
        article=mistral,
    )

    if form.is_valid():
        comment = form.build_comment()
        assert comment.article == mistral
        assert 1 <= len(comment.author_name) <= 80
        assert_within_profile(comment.body_html, COMMENT)
    else:
        assert all(messages for messages in form.errors.values())
