"""Email the site sends: queued in the database, delivered by the task worker exactly once.

`outbox.sending.send()` stores an email under an idempotency key in the caller's transaction and
queues its delivery once that commits; `outbox.delivery.deliver` (a task) sends it, retrying
with back-off; `outbox.refusals` keeps the addresses whose server refused mail for good;
`outbox.schedule` runs periodic jobs (`manage.py run_periodic`). It imports no other app of the
site: articles and comments build their emails and hand them over.
"""
