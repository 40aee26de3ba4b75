"""newswatch: watch the news for follow-up coverage of a story."""

__version__ = "0.1.0"
