"""Counts kept by the database: benefit requests per cooperative and state, paid requests' number
and amount per year (by cooperative and type, by cooperator), cooperators per cooperative.

Triggers on the counted tables adjust the counts (benefits.models: RequestCount, PaidTotal,
PaidByCooperator, CooperatorCount) in the transaction of every write, whatever its path: a workflow
step on one object, a timed batch (run_due's bulk UPDATE), a creation, the purge's deletions,
bulk_create, queryset.update(), the admin, a fixture. Nothing in Python has to remember them, so no
path can forget them. Installed by migration 0007 (`install`), recomputed from the rows by
`manage.py benefits_counts_rebuild` (`rebuild`), which tests/benefits/test_counts.py compares
against fresh COUNTs after random steps, batches and deletions.

"""

# ruff: noqa: S608 - the SQL below is built from the constant identifiers of COUNTED, never from input

# PostgreSQL: statement-level triggers over the transition tables (a bulk UPDATE of 200 rows adjusts
# each count once, keys locked in sorted order); SQLite (development, tests): row-level triggers.

REQUEST_COLUMNS = "cooperative_id, state, year, benefit_type_id, cooperator_id, amount"
PAID = "state = 'paid'"
N = ("n", "SUM(d)", "1")
TOTAL = ("total", "SUM(d * amount)", "{row}.amount")
# (source table, its columns, [(counts table, key columns, values, condition)])
COUNTED = [
    (
        "benefits_benefitrequest",
        REQUEST_COLUMNS,
        [
            ("benefits_requestcount", ["cooperative_id", "state"], [N], None),
            ("benefits_paidtotal", ["year", "cooperative_id", "benefit_type_id"], [N, TOTAL], PAID),
            ("benefits_paidbycooperator", ["year", "cooperative_id", "cooperator_id"], [N, TOTAL], PAID),
        ],
    ),
    ("benefits_cooperator", "cooperative_id", [("benefits_cooperatorcount", ["cooperative_id"], [N], None)]),
]


def _pg_upsert(table, keys, values, condition):
    columns = ", ".join([*keys, *(name for name, _, _ in values)])
    selected = ", ".join([*keys, *(total for _, total, _ in values)])
    changed = " OR ".join(f"{total} <> 0" for _, total, _ in values)
    sets = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name, _, _ in values)
    key = ", ".join(keys)
    where = f"WHERE {condition} " if condition else ""
    return (
        f"WITH delta AS (SELECT * FROM delta_rows) INSERT INTO {table} ({columns}) SELECT {selected} FROM delta "
        f"{where}GROUP BY {key} HAVING {changed} ORDER BY {key} ON CONFLICT ({key}) DO UPDATE SET {sets};"
    )


def _postgresql(source, columns, targets):
    statements = []
    sources = {
        "insert": f"SELECT {columns}, 1 AS d FROM new_rows",
        "update": f"SELECT {columns}, -1 AS d FROM old_rows UNION ALL SELECT {columns}, 1 AS d FROM new_rows",
        "delete": f"SELECT {columns}, -1 AS d FROM old_rows",
    }
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    for op, rows in sources.items():
        name = f"{source}_counts_{op}"
        body = " ".join(_pg_upsert(*target).replace("SELECT * FROM delta_rows", rows) for target in targets)
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$;"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {source};")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {source} REFERENCING {referencing[op]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
    name = f"{source}_counts_truncate"
    deletes = " ".join(f"DELETE FROM {table};" for table, _, _, _ in targets)
    statements.append(
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {deletes} RETURN NULL; END $$;"
    )
    statements.append(f"DROP TRIGGER IF EXISTS {name} ON {source};")
    statements.append(f"CREATE TRIGGER {name} AFTER TRUNCATE ON {source} FOR EACH STATEMENT EXECUTE FUNCTION {name}();")
    return statements


def _sqlite_add(row, table, keys, values, condition):
    columns = ", ".join([*keys, *(name for name, _, _ in values)])
    selected = ", ".join([*(f"{row}.{key}" for key in keys), *(one.format(row=row) for _, _, one in values)])
    where = condition.replace("state", f"{row}.state") if condition else "1"
    sets = ", ".join(f"{name} = {name} + excluded.{name}" for name, _, _ in values)
    return (
        f"INSERT INTO {table} ({columns}) SELECT {selected} WHERE {where} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets};"
    )


def _sqlite_remove(row, table, keys, values, condition):
    # An UPDATE only: a count row exists for every counted row (a flush that empties the counts first
    # leaves nothing negative behind).
    sets = ", ".join(f"{name} = {name} - {one.format(row=row)}" for name, _, one in values)
    where = " AND ".join(f"{key} = {row}.{key}" for key in keys)
    if condition:
        where += " AND " + condition.replace("state", f"{row}.state")
    return f"UPDATE {table} SET {sets} WHERE {where};"


def _sqlite(source, columns, targets):
    names = [column.strip() for column in columns.split(",")]
    changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in names)
    bodies = {
        "insert": ("", [_sqlite_add("NEW", *target) for target in targets]),
        "update": (
            f" WHEN {changed}",
            [_sqlite_remove("OLD", *target) for target in targets]
            + [_sqlite_add("NEW", *target) for target in targets],
        ),
        "delete": ("", [_sqlite_remove("OLD", *target) for target in targets]),
    }
    statements = []
    for op, (when, body) in bodies.items():
        name = f"{source}_counts_{op}"
        statements.append(f"DROP TRIGGER IF EXISTS {name};")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {source} FOR EACH ROW{when} BEGIN {' '.join(body)} END;"
        )
    return statements


def _rebuild(source, columns, targets):
    statements = []
    for table, keys, values, condition in targets:
        statements.append(f"DELETE FROM {table};")
        statements.append(
            _pg_upsert(table, keys, values, condition)
            .replace("SELECT * FROM delta_rows", f"SELECT {columns}, 1 AS d FROM {source}")
            .split(" ON CONFLICT")[0]
            + ";"
        )
    return statements


def install(connection):
    """Creates (or replaces) the triggers and recomputes the counts, writers locked out meanwhile."""
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(connection.vendor)
    if build is None:
        raise NotImplementedError(f"benefits counts: no triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no write slips between the count and the triggers
            cursor.execute("LOCK TABLE benefits_benefitrequest, benefits_cooperator IN SHARE ROW EXCLUSIVE MODE")
        for counted in COUNTED:
            for statement in [*build(*counted), *_rebuild(*counted)]:
                cursor.execute(statement)
        if connection.vendor == "postgresql":  # the planner knows the new tables' sizes at once
            cursor.execute("ANALYZE " + ", ".join(table for _, _, targets in COUNTED for table, *_ in targets))


def rebuild(connection=None):
    """Recomputes every count from the counted rows (in one transaction, writers waiting)."""
    from django.db import connection as default_connection
    from django.db import transaction

    connection = connection or default_connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE benefits_benefitrequest, benefits_cooperator IN SHARE ROW EXCLUSIVE MODE")
        for counted in COUNTED:
            for statement in _rebuild(*counted):
                cursor.execute(statement)


def uninstall(connection):
    with connection.cursor() as cursor:
        for source, _, _ in COUNTED:
            for op in ("insert", "update", "delete", "truncate"):
                name = f"{source}_counts_{op}"
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {source}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
                elif op != "truncate":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def snapshot(connection=None):
    """Every kept count, non-zero rows only, as comparable data (benefits_counts_rebuild --check)."""
    from django.db import connection as default_connection

    connection = connection or default_connection
    result = {}
    with connection.cursor() as cursor:
        for _, _, targets in COUNTED:
            for table, keys, values, _ in targets:
                names = [*keys, *(name for name, _, _ in values)]
                changed = " OR ".join(f"{name} <> 0" for name, _, _ in values)
                cursor.execute(f"SELECT {', '.join(names)} FROM {table} WHERE {changed}")
                result[table] = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    return result
