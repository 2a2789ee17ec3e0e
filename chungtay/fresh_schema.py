"""An empty database's schema in one pass, for ``chungtay demo`` (issue 13: fresh clone to demo).

``migrate`` on an empty database takes 11–15 s here: before each of the project's ~100 models is
created, Django renders again every model related to it (``ProjectState.reload_model``), and the
units table is related to nearly all of them. The tables themselves take well under a second.

:func:`create` builds the same database another way, and only when the database has no table at
all: the migrations' final state is rendered once, each of its models is created by the schema
editor (in that state, so the columns come in the order the migrations left them), the
migrations' Python steps run against that state (on an empty database only the reference data,
the national movements, is written), every migration is recorded as applied, and the
``post_migrate`` signal runs as ``migrate`` sends it (content types, permissions, the programme
catalogue). Schema and rows are the same as ``migrate``'s, on SQLite and on PostgreSQL:
``tests/test_fresh_schema.py`` compares them. Any other database, new migrations included, goes
through ``migrate`` itself.
"""
from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """No table at all (not even Django's record of applied migrations)."""
    conn = connections[alias]
    with conn.cursor() as cur:
        return not conn.introspection.table_names(cur)


def create(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Build the schema of an empty database in one pass; False (nothing done) when it has tables."""
    from django.apps import apps as global_apps
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db.migrations import RunPython
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder
    from django.utils.module_loading import module_has_submodule
    from importlib import import_module

    if not is_empty(alias):
        return False
    conn = connections[alias]
    for app_config in global_apps.get_app_configs():         # as migrate does: the apps' signal receivers
        if module_has_submodule(app_config.module, "management"):
            import_module(".management", app_config.name)
    conn.prepare_database()
    executor = MigrationExecutor(conn)
    if executor.loader.detect_conflicts() or executor.loader.unmigrated_apps - _no_models(global_apps):
        return False                     # anything migrate itself would refuse or treat apart: leave it to migrate
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    emit_pre_migrate_signal(0, False, alias, apps=executor._create_project_state(with_applied_migrations=True).apps,
                            plan=plan)
    state = executor.loader.project_state()
    recorder = MigrationRecorder(conn)
    recorder.ensure_schema()
    with conn.schema_editor(atomic=True) as editor:        # all or nothing (SQLite: foreign keys off meanwhile)
        for model in state.apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)
        for migration, _backwards in plan:       # the project's own data steps; the other apps' only convert
            if not migration.__module__.startswith("chungtay."):     # rows (none here) between their versions
                continue
            for op in migration.operations:
                if isinstance(op, RunPython):
                    op.database_forwards(migration.app_label, editor, state, state)
        for migration, _backwards in plan:
            recorder.record_applied(migration.app_label, migration.name)
    emit_post_migrate_signal(0, False, alias, apps=_post_migrate_apps(state), plan=plan)
    return True


def _no_models(global_apps) -> set[str]:
    return {c.label for c in global_apps.get_app_configs() if not list(c.get_models())}


def _post_migrate_apps(state):
    """The final state with the real models' relations, as ``migrate`` hands it to post_migrate."""
    from django.apps import apps as global_apps
    from django.db.migrations.state import ModelState
    state.clear_delayed_apps_cache()
    post = state.apps
    with post.bulk_update():
        keys = []
        for model_state in post.real_models:
            keys.append((model_state.app_label, model_state.name_lower))
            post.unregister_model(*keys[-1])
    post.render_multiple([ModelState.from_model(global_apps.get_model(*k)) for k in keys])
    return post
