"""Fixtures of the caching tests: the Plone test layer's site served over HTTP (tests/conftest.py's
pytest-plone fixtures), with support.audience_site's schools and accounts."""
