"""Background jobs: the `chungtay worker` process (docs/jobs.md).

The queue is django-tasks with its database backend (a table of the app's own database, SQLite
or PostgreSQL). On top of it this package adds what a province needs and the library leaves
out: knowing whether the worker that claimed a task is still alive (:mod:`.liveness`),
retrying or failing a task whose worker died (:mod:`.recovery`), deleting what jobs leave
behind (:mod:`.housekeeping`), and progress that the web process reads from the database
(:mod:`.progress`).
"""
