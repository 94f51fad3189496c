"""The rarer statements of bench/corpus.py: enums, comments on columns and `sql` blocks.

Few per file, but each is a grammar path the parser benchmark should cover; an added enum
value says `irreversible`, since no down migration can remove it again.
"""

from __future__ import annotations

import random

from corpus_schema import ENUM_LABELS, ENUM_WORDS, TABLE_NOUNS, Schema, Writer


def enum(r: random.Random, schema: Schema, w: Writer) -> None:
    """Adds a value to an existing enum now and then, else creates one."""
    if schema.enums and r.random() < 0.4:
        name = r.choice(sorted(schema.enums))
        labels = schema.enums[name]
        label = r.choice([x for x in ENUM_LABELS if x not in labels] or ["other"])
        if label in labels:
            return
        labels.append(label)
        w.block(f"alter enum {name} add value '{label}'",
                "irreversible 'an enum value cannot be removed'")
        return
    name = schema.fresh(f"{r.choice(TABLE_NOUNS)[:-1]}_{r.choice(ENUM_WORDS)}")
    labels = r.sample(ENUM_LABELS, r.randint(2, 5))
    schema.enums[name] = labels
    w.block(f"enum {name} ({', '.join(repr(x) for x in labels)})")
    w.actions.append(f"enum_{name}")


def comment_on_column(r: random.Random, schema: Schema, w: Writer) -> None:
    table = schema.pick_table(r)
    if table is None:
        return
    column = r.choice(list(table.columns))
    w.block(f"comment on column {table.name}.{column} is"
            f" 'The {column.replace('_', ' ')} of a row in {table.name}.'")


def raw_sql(r: random.Random, schema: Schema, w: Writer) -> None:
    table = schema.pick_table(r)
    if table is None:
        return
    function = schema.fresh(f"touch_{table.name}")
    w.block(
        'sql """',
        f"    CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$",
        "    BEGIN NEW.created_at := now(); RETURN NEW; END $$;",
        '""" down """',
        f"    DROP FUNCTION {function}();",
        '"""',
    )
