"""Zero-downtime migration rules (CONTRIBUTING.md "Migrations without downtime"), checked over
the whole migration plan of the project's apps.

Migrations run while the previous release still serves (docs/operations.md "Upgrade order"),
on tables that may hold millions of rows. An operation on a table that already exists (made
by an EARLIER migration) must therefore not:

- build an index or a unique constraint inside the migration's transaction (AddIndex,
  AddField/AlterField with db_index/unique, a ForeignKey added to an existing table,
  AlterUniqueTogether/AlterIndexTogether): that blocks writes for the whole build. Use
  `AddIndexConcurrently` / `RemoveIndexConcurrently` in a migration with `atomic = False`;
- rewrite or scan the table under an ACCESS EXCLUSIVE lock: a column type change, a
  shorter max_length/precision, NULL -> NOT NULL, a CHECK constraint validated at once;
- break the previous release's code: RemoveField, RenameField, DeleteModel, RenameModel,
  AlterModelTable ("expand, then contract": remove one release after the code stopped using it);
- run raw SQL that does any of the above (CREATE INDEX without CONCURRENTLY, TRUNCATE,
  LOCK TABLE, ALTER TABLE ... ADD CONSTRAINT without NOT VALID, ALTER COLUMN ... TYPE).

A migration that breaks a rule on purpose (reviewed: a tiny table, a one-off data fix in a
maintenance window) is listed in ALLOWED with the reason. The ones before these rules existed
are grandfathered by name in GRANDFATHERED.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

ROOT = Path(settings.BASE_DIR).resolve()

# Violations that existed when the rules were introduced (issue 13): applied everywhere already.
# The issue measured two of them at 1 M plantings: tanam 0003 blocked reads and writes of
# plantings ~13 s, tanam 0007 writes ~8 s. They ran everywhere before these rules; never copy them.
GRANDFATHERED = {
    ("ikm", "0003_gin_without_pending_list"): "GIN indexes rebuilt in the transaction",
    ("ikm", "0005_verified_shop_ids"): "index built in the transaction",
    ("ikm", "0006_ready_photo_order"): "index built in the transaction",
    ("ikm", "0007_ikmtarget_from_dashboard"): "AlterModelTable (table moved from the dashboard app)",
    ("ehealth", "0004_service_request_personal_data_encrypted"): "columns re-typed for encryption, indexed column",
    ("tanam", "0003_filter_indexes_with_date"): "plantings indexes rebuilt in the transaction (~13 s at 1 M)",
    ("tanam", "0007_keyset_filter_indexes"): "plantings indexes built in the transaction (~8 s at 1 M)",
}
# Reviewed exceptions: ("app_label", "migration name"): "why it is safe".
ALLOWED = {
    ("ehealth", "0006_service_schedule_day_queue"): (
        "service requests is a small table (a few thousand rows per month, personal data erased after 90 days): "
        "the account FK's index builds in well under a second"
    ),
    ("ehealth", "0006_outbox_moved_to_notifications"): (
        "small table (see above) for the contact FK; the e-mail outbox is dropped in the release that moves its "
        "rows to notifications: `make deploy` migrates before the new code starts, and an old web node that "
        "changes a request status during those seconds fails that one write (docs/operations.md, upgrade)"
    ),
}

UNSAFE_SQL = [
    (re.compile(r"\bCREATE\s+(UNIQUE\s+)?INDEX\b(?!\s+CONCURRENTLY)", re.I), "CREATE INDEX without CONCURRENTLY"),
    (re.compile(r"\bTRUNCATE\b", re.I), "TRUNCATE"),
    (re.compile(r"\bLOCK\s+TABLE\b", re.I), "LOCK TABLE"),
    (re.compile(r"\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b", re.I), "column type change in SQL"),
    (re.compile(r"\bADD\s+CONSTRAINT\b(?![^;]*\bNOT\s+VALID\b)", re.I), "ADD CONSTRAINT without NOT VALID"),
]
CONTRACTING = (
    migrations.RemoveField,
    migrations.RenameField,
    migrations.DeleteModel,
    migrations.RenameModel,
    migrations.AlterModelTable,
)


def project_migrations():
    """(migration, state before it) for the project's own apps, in plan order."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    own = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
    }
    plan = _plan(loader)
    state = ProjectState(real_apps=loader.unmigrated_apps)
    for key in plan:
        migration = loader.graph.nodes[key]
        if migration.app_label in own:
            yield migration, state
        state = migration.mutate_state(state, preserve=True)


def _plan(loader):
    seen, plan = set(), []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    return plan


def _volatile_db_default(field):
    """A db_default that is an expression (Now(), a function) rather than a constant. Django
    evaluates `default=` once in Python: a constant, which PostgreSQL >= 11 stores without
    rewriting the table."""
    db_default = getattr(field, "db_default", models.NOT_PROVIDED)
    return db_default is not models.NOT_PROVIDED and not isinstance(db_default, models.Value)


def _indexed(field):
    return bool(getattr(field, "db_index", False) or getattr(field, "unique", False)) and not field.primary_key


def _shape(field):
    _name, path, _args, kwargs = field.deconstruct()
    return path, {k: kwargs.get(k) for k in ("max_length", "max_digits", "decimal_places", "srid", "geography", "dim")}


def _narrowed(old, new):
    old_path, old_shape = _shape(old)
    new_path, new_shape = _shape(new)
    if old_path != new_path:
        return "changes the column type (rewrites the table)"
    for key in ("max_length", "max_digits", "decimal_places"):
        before, after = old_shape[key], new_shape[key]
        if before != after and not (before is not None and after is not None and after > before):
            return f"changes {key} {before} -> {after} (scans or rewrites the table)"
    for key in ("srid", "geography", "dim"):
        if old_shape[key] != new_shape[key]:
            return f"changes {key} (rewrites the table)"
    if old.null and not new.null:
        return "makes the column NOT NULL (scans the table under an exclusive lock)"
    if _indexed(new) and not _indexed(old):
        return "adds an index/unique constraint inside the transaction (use AddIndexConcurrently)"
    return None


def violations(migration, state):
    """[(operation index, text)] for one migration, given the project state before it."""
    found = []
    existing = set(state.models)
    created_here = set()
    for number, operation in enumerate(migration.operations):
        app = migration.app_label
        if isinstance(operation, migrations.CreateModel):
            created_here.add((app, operation.name_lower))
            continue
        model = getattr(operation, "model_name_lower", None) or getattr(operation, "name_lower", None)
        old_table = (app, model) in existing and (app, model) not in created_here

        def flag(text, number=number, operation=operation):
            found.append((number, f"{operation.__class__.__name__} {_label(operation)}: {text}"))

        if isinstance(operation, (AddIndexConcurrently, RemoveIndexConcurrently)):
            if migration.atomic:
                flag("concurrent index operations need `atomic = False` on the migration")
        elif isinstance(operation, (migrations.AddIndex, migrations.RemoveIndex, migrations.RenameIndex)):
            if old_table and not isinstance(operation, migrations.RenameIndex):
                flag("builds/drops an index inside the transaction (use AddIndexConcurrently/RemoveIndexConcurrently)")
        elif isinstance(operation, migrations.AddConstraint):
            if old_table:
                flag("validates the constraint (and builds its index) under an exclusive lock")
        elif isinstance(operation, (migrations.AlterUniqueTogether, migrations.AlterIndexTogether)):
            if old_table and (getattr(operation, "option_value", None) or ()):
                flag("builds an index inside the transaction")
        elif isinstance(operation, migrations.AddField):
            field = operation.field
            if old_table and (_indexed(field) or field.is_relation):
                flag("adds an indexed/foreign-key column to an existing table (index built inside the transaction)")
            elif old_table and _volatile_db_default(field):
                flag("a database default computed per row rewrites the table (add it nullable, backfill in batches)")
        elif isinstance(operation, migrations.AlterField):
            if old_table:
                old = state.models[app, model].fields[operation.name]
                reason = _narrowed(old, operation.field)
                if reason:
                    flag(reason)
        elif isinstance(operation, CONTRACTING):
            if old_table or isinstance(operation, (migrations.RenameModel, migrations.AlterModelTable)):
                flag("breaks the previous release's code (expand, then contract one release later)")
        elif isinstance(operation, migrations.RunSQL):
            sql = operation.sql if isinstance(operation.sql, str) else " ".join(map(str, operation.sql))
            for pattern, text in UNSAFE_SQL:
                if pattern.search(sql):
                    flag(f"raw SQL: {text}")
    return found


def _label(operation):
    index = getattr(operation, "index", None) or getattr(operation, "constraint", None)
    return getattr(index, "name", None) or getattr(operation, "name", "")


def lint():
    report = {}
    for migration, state in project_migrations():
        key = (migration.app_label, migration.name)
        found = violations(migration, state)
        if found:
            report[key] = found
    return report


def test_every_migration_follows_the_zero_downtime_rules():
    report = lint()
    new = {key: found for key, found in report.items() if key not in GRANDFATHERED and key not in ALLOWED}
    assert not new, "Migrations that would block or break a running release (CONTRIBUTING.md):\n" + "\n".join(
        f"  {app}.{name} op#{number}: {text}" for (app, name), found in new.items() for number, text in found
    )


def test_grandfathered_and_allowed_entries_still_exist_and_still_need_it():
    report = lint()
    stale = [key for key in {**GRANDFATHERED, **ALLOWED} if key not in report]
    assert not stale, f"remove these entries, the migrations no longer break a rule (or were renamed): {stale}"


def test_the_linter_catches_each_kind_of_unsafe_operation():
    """The rules themselves, on a made-up migration over an existing table."""
    state = ProjectState()
    migrations.CreateModel(
        "Big", [("id", models.BigAutoField(primary_key=True)), ("code", models.CharField(max_length=20, null=True))]
    ).state_forwards("demo", state)
    unsafe = type(
        "Migration",
        (migrations.Migration,),
        {
            "operations": [
                migrations.AddIndex("big", models.Index(fields=["code"], name="big_code")),
                migrations.AddField("big", "tag", models.CharField(max_length=5, db_index=True, default="")),
                migrations.AlterField("big", "code", models.CharField(max_length=20)),
                migrations.AlterField("big", "code", models.IntegerField(null=True)),
                migrations.RemoveField("big", "code"),
                migrations.RunSQL("CREATE INDEX big_x ON demo_big (code)"),
                migrations.RunSQL("ALTER TABLE demo_big ADD CONSTRAINT c CHECK (id > 0)"),
            ]
        },
    )("0002_unsafe", "demo")
    texts = [text for _number, text in violations(unsafe, state)]
    assert len(texts) == 7, texts
    assert "AddIndexConcurrently" in texts[0] and "NOT NULL" in texts[2] and "column type" in texts[3]
    assert "expand, then contract" in texts[4] and "CONCURRENTLY" in texts[5] and "NOT VALID" in texts[6]

    safe = type(
        "Migration",
        (migrations.Migration,),
        {
            "atomic": False,
            "operations": [
                AddIndexConcurrently("big", models.Index(fields=["code"], name="big_code")),
                migrations.AddField("big", "note", models.TextField(blank=True, default="")),
                migrations.AlterField("big", "code", models.CharField(max_length=40, null=True)),
                migrations.RunSQL("CREATE INDEX CONCURRENTLY big_y ON demo_big (code)"),
                migrations.RunSQL("ALTER TABLE demo_big ADD CONSTRAINT c CHECK (id > 0) NOT VALID"),
                migrations.CreateModel("Fresh", [("id", models.BigAutoField(primary_key=True))]),
                migrations.AddIndex("fresh", models.Index(fields=["id"], name="fresh_id")),
            ],
        },
    )("0003_safe", "demo")
    assert violations(safe, state) == []


def test_label_only_changes_are_accepted_by_the_linter():
    """verbose_name, help_text and choices live only in Python: altering just them (even on an
    indexed, unique column) is free, and so is renaming a model in Meta."""
    state = ProjectState()
    migrations.CreateModel(
        "Big",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("code", models.CharField(max_length=20, unique=True)),
            ("kind", models.CharField(max_length=5, db_index=True)),
        ],
    ).state_forwards("demo", state)
    labels = type(
        "Migration",
        (migrations.Migration,),
        {
            "operations": [
                migrations.AlterField("big", "code", models.CharField("kode", max_length=20, unique=True)),
                migrations.AlterField(
                    "big",
                    "kind",
                    models.CharField("jenis", max_length=5, db_index=True, help_text="Bantuan", choices=[("a", "A")]),
                ),
                migrations.AlterModelOptions("big", {"verbose_name": "besar", "verbose_name_plural": "besar"}),
            ]
        },
    )("0003_bahasa_labels", "demo")
    assert violations(labels, state) == []


def test_the_label_migrations_run_no_sql(db):
    """Every `*_labels` migration (issue 17's Bahasa admin labels) changes no column: no SQL at all."""
    from django.db import connection

    loader = MigrationLoader(connection)
    label_migrations = [m for m, _state in project_migrations() if m.name.endswith("_labels")]
    assert label_migrations, "no label migration found"
    for migration in label_migrations:
        planned = loader.graph.nodes[migration.app_label, migration.name]
        statements = [s for s in loader.collect_sql([(planned, False)]) if not s.lstrip().startswith("--")]
        assert statements == [], f"{migration.app_label}.{migration.name} runs SQL: {statements[:3]}"
