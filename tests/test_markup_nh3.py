"""bleach against nh3, its maintained successor, on the same Markdown output.

bleach is final: 6.4.0 was its last security release. These tests hand the HTML that
render_markdown gives bleach to an nh3 cleaner built from the same profile (tags, attributes,
URL schemes, link rel), for every hostile input the project has and for generated ones, and
fail if bleach keeps an element, an attribute or a URL that nh3 strips. Both outputs are read
by an HTML parser first, so attribute order, entity encoding and self-closing slashes make no
difference.

To switch to nh3, build `nh3_cleaner(profile)` in `mistralnews.markup._converter` instead of
`bleach.Cleaner`, move nh3 to the dependencies, and drop this module.
"""

from collections import Counter

import nh3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mistralnews.markup import ARTICLE, COMMENT, render_markdown, sanitizer
from tests.hostile_corpus import HOSTILE_BODIES, URL_ATTRIBUTES, Fragment, url_scheme
from tests.test_markup import HOSTILE
from tests.test_markup_allow_lists import ENTRIES
from tests.test_markup_properties import ANY_TEXT, BOUNDED, MARKDOWN, RUNS

PROFILES = {"article": ARTICLE, "comment": COMMENT}


def nh3_cleaner(profile):
    """An nh3 cleaner that allows what `profile` allows."""
    attributes = {tag: set(names) for tag, names in profile.attributes.items()}
    if profile.link_rel:
        # nh3 sets rel on every link itself, and will not also take it as an allowed attribute.
        attributes["a"] -= {"rel"}
    return nh3.Cleaner(
        tags=set(profile.tags),
        attributes=attributes,
        url_schemes=set(profile.protocols),
        link_rel=profile.link_rel or None,
        strip_comments=True,
    )


NH3 = {name: nh3_cleaner(profile) for name, profile in PROFILES.items()}


def both_sanitizers(text, profile_name):
    """`text` rendered as the site renders it, with bleach, and the Markdown output that
    bleach was given, through nh3 instead."""
    cleaner = sanitizer(PROFILES[profile_name])
    given_to_bleach = []

    def clean(html):
        given_to_bleach.append(html)
        return type(cleaner).clean(cleaner, html)

    cleaner.clean = clean
    try:
        bleached = render_markdown(text, PROFILES[profile_name])
    finally:
        del cleaner.clean
    if not given_to_bleach:  # too deeply nested: escaped text, no sanitizer involved
        return bleached, bleached
    return bleached, NH3[profile_name].clean(given_to_bleach[0])


def kept_only_by_bleach(bleached, cleaned):
    """Elements and attributes (name and value) in `bleached` that `cleaned` does not have,
    as a parser reads both."""
    ours, theirs = Fragment(bleached).elements, Fragment(cleaned).elements
    tags = Counter(element.tag for element in ours) - Counter(element.tag for element in theirs)
    attributes = Counter(
        (element.tag, name, value or "") for element in ours for name, value in element.attrs
    ) - Counter(
        (element.tag, name, value or "") for element in theirs for name, value in element.attrs
    )
    return sorted(tags.elements()) + sorted(attributes.elements())


def differences_that_matter(bleached, cleaned, profile_name):
    """What only bleach kept, less the URLs a browser opens as links the profile allows:
    relative, or with one of its schemes. nh3 drops URLs it cannot parse ("http://%") and
    decodes entities that bleach leaves as text: bleach decodes only the named entities that
    may go without ";" (`&amp;`, not `&colon;`) and escapes the "&" of the others, so the
    browser reads "javascript&colon;alert(1)" as a relative path, where nh3 reads a
    javascript: URL and drops it."""
    allowed = {"", *PROFILES[profile_name].protocols}
    return [
        kept
        for kept in kept_only_by_bleach(bleached, cleaned)
        if not (
            isinstance(kept, tuple) and kept[1] in URL_ATTRIBUTES and url_scheme(kept[2]) in allowed
        )
    ]


def test_comparison_finds_what_only_bleach_kept():
    """The tests below are only worth something if it can find a difference."""
    assert kept_only_by_bleach(
        '<p onclick="x"><iframe></iframe><a href="vbscript:x">a</a></p>', "<p><a>a</a></p>"
    ) == ["iframe", ("a", "href", "vbscript:x"), ("p", "onclick", "x")]


def test_comparison_ignores_serialisation_details():
    assert (
        kept_only_by_bleach(
            '<p><img alt="a&amp;b" src="&#x2F;x.png" title=t /><br/></p>',
            '<P><IMG title="t" src="/x.png" alt="a&#38;b"><br></P>',
        )
        == []
    )


INPUTS = [
    *[pytest.param(body, id=name) for name, body in HOSTILE_BODIES],
    *[pytest.param(source, id=f"test_markup-{number}") for number, source in enumerate(HOSTILE)],
    *[pytest.param(source, id=f"allowed-{entry}") for entry, source, *_ in ENTRIES],
]


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("text", INPUTS)
def test_bleach_keeps_nothing_nh3_strips(text, profile_name):
    assert differences_that_matter(*both_sanitizers(text, profile_name), profile_name) == []


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize(
    ("text", "href"),
    [
        pytest.param(
            "[click](javascript&colon;alert(1))", "javascript&colon;alert(1)", id="entity"
        ),
        pytest.param("http://%", "http://%", id="unparsable"),
        pytest.param("[x](http:///)", "http:///", id="no-host"),
    ],
)
def test_the_links_only_bleach_keeps_are_ones_the_profile_allows(text, href, profile_name):
    """The differences found so far, and why they do not matter."""
    bleached, cleaned = both_sanitizers(text, profile_name)

    assert kept_only_by_bleach(bleached, cleaned) == [("a", "href", href)]
    assert url_scheme(href) in {"", "http"}
    assert differences_that_matter(bleached, cleaned, profile_name) == []


def test_a_link_only_bleach_keeps_matters_when_its_scheme_is_not_allowed():
    assert differences_that_matter(
        '<a href="ftp://x/">a</a><a href="/ok">b</a>', "<a>a</a><a>b</a>", "comment"
    ) == [("a", "href", "ftp://x/")]


@pytest.mark.parametrize("profile_name", PROFILES)
@BOUNDED
@given(text=st.one_of(MARKDOWN, ANY_TEXT, RUNS))
def test_bleach_keeps_nothing_nh3_strips_in_generated_text(profile_name, text):
    assert differences_that_matter(*both_sanitizers(text, profile_name), profile_name) == []
