"""``anlao worker``: the background worker (Django's task API, database backend).

It is django-tasks-db's ``db_worker`` under the project's name, so deployments and docs have
one command to run; tasks are claimed with a conditional update, so several workers may run.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run the background worker (monthly runs, imports, nightly checks)."
