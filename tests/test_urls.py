"""Canonical URLs: one spelling per article."""

import pytest

from newswatch.formats.urls import canonical_url


@pytest.mark.parametrize("raw, canonical", [
    ("https://Example.ORG/a?utm_source=rss&utm_medium=feed", "https://example.org/a"),
    ("https://example.org/a?id=7&fbclid=abc&gclid=x", "https://example.org/a?id=7"),
    ("https://example.org/a#comments", "https://example.org/a"),
    ("HTTPS://example.org:443/a", "https://example.org/a"),
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),  # order kept
    ("https://example.org/Path/Case", "https://example.org/Path/Case"),  # paths are case-sensitive
])
def test_canonical_url(raw, canonical):
    assert canonical_url(raw) == canonical
