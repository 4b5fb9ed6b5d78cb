"""Notices by email: replies to a reader's comment, the moderation outcome of it, and digests
of a discussion they follow; each opt-in, sent only to verified addresses, each with a
one-click unsubscribe, and a signed page where an address manages (or erases) all of it.

It depends on comments and outbox; comments never imports it. It hears what happens to
comments through `comments.lifecycle`'s after-commit listeners (`notices.listeners`), does
the work in tasks on the outbox's worker (`notices.tasks`), and sends digests from periodic
jobs (`notices.periodic`).
"""
