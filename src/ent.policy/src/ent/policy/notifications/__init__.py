"""E-mail notifications: a published item's audience is told, by each person's preference.

The publishing request only records a tiny job (`queue`); a background worker per process
(`worker`) expands the audience (`recipients`), writes one mail per `immediate` person to an
on-disk outbox (`outbox`) and keeps the item for the daily digest (`digest`); a sender thread
(`sender`) delivers the outbox to SMTP and keeps the mail while the server is down.
See docs/notifications.md.
"""
