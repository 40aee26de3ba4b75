"""Errors the notifier can raise, all in one place.

::

    NotifierError                 base class; catch this to catch them all
    ├── ChannelConfigError        an Apprise config file that is missing, unreadable
    │                             or holds no usable URL (names the file)
    └── TemplateError             a message template that cannot be loaded or
                                  compiled (names the template, file and line)

What is *not* raised: a delivery that fails. Apprise plugins log and return a
result instead of raising, and :func:`~newswatch.notifier.deliver_pending`
records every failure on its alert row (``last_error``, backoff, ``dead``)
and in its :class:`~newswatch.notifier.DeliveryReport`. URLs Apprise cannot
parse are not raised either: :meth:`Channels.validate` lists them, so
``newswatch check`` can show them all at once. Database errors come from
storage (sqlite3 / :class:`newswatch.storage.StorageError`) unchanged.

Every message shows Apprise URLs only in Apprise's privacy form.
"""

from __future__ import annotations

__all__ = ["ChannelConfigError", "NotifierError", "TemplateError"]


class NotifierError(Exception):
    """Base class of the notifier's errors."""


class ChannelConfigError(NotifierError):
    """An Apprise configuration file that cannot be used."""


class TemplateError(NotifierError):
    """A message template that cannot be loaded or compiled."""
