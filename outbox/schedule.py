"""Periodic jobs: each app lists its own in a `periodic.py` module with `@periodic(every=…)`,
and `manage.py run_periodic` runs those that are due.

Each job has a Schedule row saying when it runs next. A runner claims a job by moving that
time forward in one conditional UPDATE, before running it: however many runners there are
(a loop beside each worker, a timer on each machine), each slot runs once. A job that fails is
logged and noted on its row; the next slot runs it again.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from outbox.models import Schedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    function: object
    every: timedelta


JOBS = {}


def periodic(*, every, name=None):
    """Register the decorated function (no arguments) to run every `every` (a timedelta),
    under `name` (its module and name unless given)."""

    def register(function):
        job_name = name or f"{function.__module__}.{function.__qualname__}"
        JOBS[job_name] = Job(job_name, function, every)
        return function

    return register


def discover():
    """Import every installed app's `periodic` module, which registers its jobs."""
    autodiscover_modules("periodic")


def claim(job, now):
    """Whether this runner may run `job` now: its slot is due and no other runner took it."""
    Schedule.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    return bool(
        Schedule.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every, last_run_at=now
        )
    )


def run_due(now=None):
    """Run each registered job whose time has come; answers the names of those run."""
    discover()
    now = now or timezone.now()
    ran = []
    for job in sorted(JOBS.values(), key=lambda job: job.name):
        if not claim(job, now):
            continue
        try:
            job.function()
        except Exception as error:
            logger.exception("Periodic job %s failed", job.name)
            error_text = f"{type(error).__name__}: {error}"
        else:
            error_text = ""
        Schedule.objects.filter(name=job.name).update(last_error=error_text)
        ran.append(job.name)
    return ran
