"""The parsed AST summarised as nested tuples, the shape the generators write their
expectations in, so a failing property test shows the difference.
"""

from __future__ import annotations

from collections.abc import Sequence

from pgshift.dsl import ast
from tests.dsl.properties_support import QName, Summary

# ------------------------------------------------------------------ the AST, summarised


def qn(q: ast.QualifiedName) -> QName:
    return (q.schema, q.name)


def expression(e: ast.Expression) -> Summary:
    if isinstance(e, ast.Literal):
        return ("lit", e.kind, e.value)
    if isinstance(e, ast.FunctionCall):
        return ("call", qn(e.name), tuple(expression(a) for a in e.arguments))
    if isinstance(e, ast.SpecialValue):
        return ("special", e.name)
    return ("raw", e.sql)


def type_summary(t: ast.TypeName) -> Summary:
    return (t.name, t.modifiers, t.array_bounds, t.schema, t.builtin)


def references_summary(r: ast.References) -> Summary:
    return ("references", qn(r.table), tuple(c.value for c in r.columns), r.on_delete,
            r.on_update)


def column_constraint_summary(c: ast.ColumnConstraint) -> Summary:
    simple: dict[type, str] = {ast.NotNull: "not null", ast.Nullable: "null",
                               ast.PrimaryKey: "primary key", ast.Unique: "unique"}
    if type(c) in simple:
        return (simple[type(c)],)
    if isinstance(c, ast.Default):
        return ("default", expression(c.value))
    if isinstance(c, ast.Check):
        return ("check", c.expression.sql)
    if isinstance(c, ast.References):
        return references_summary(c)
    if isinstance(c, ast.Identity):
        return ("identity", c.always)
    if isinstance(c, ast.Generated):
        return ("generated", c.expression.sql)
    assert isinstance(c, ast.Collate)
    return ("collate", c.collation.value)


def column_summary(c: ast.Column) -> Summary:
    return (c.name.value, type_summary(c.type),
            tuple(column_constraint_summary(k) for k in c.constraints))


def names(items: Sequence[ast.Name]) -> tuple[str, ...]:
    return tuple(i.value for i in items)


def table_constraint_summary(c: ast.TableConstraint) -> Summary:
    label = c.name.value if c.name else None
    if isinstance(c, ast.PrimaryKeyConstraint):
        return ("pk", label, names(c.columns))
    if isinstance(c, ast.UniqueConstraint):
        return ("unique", label, names(c.columns), c.nulls_distinct)
    if isinstance(c, ast.CheckConstraint):
        return ("check", label, c.expression.sql)
    return ("fk", label, names(c.columns), references_summary(c.references))


def action_summary(a: ast.AlterAction) -> Summary:
    if isinstance(a, ast.AddColumn):
        return ("add column", column_summary(a.column))
    if isinstance(a, ast.DropColumn):
        return ("drop column", a.column.value, a.cascade)
    if isinstance(a, ast.RenameColumn):
        return ("rename column", a.old.value, a.new.value)
    if isinstance(a, ast.AlterColumnType):
        return ("type", a.column.value, type_summary(a.type), a.using.sql if a.using else None)
    if isinstance(a, ast.SetDefault):
        return ("set default", a.column.value, expression(a.value))
    if isinstance(a, ast.AddConstraint):
        return ("add constraint", table_constraint_summary(a.constraint),
                *(("not valid",) if a.not_valid else ()))
    if isinstance(a, ast.AddConstraintUsingIndex):
        return ("using index", a.name.value if a.name else None, a.kind, a.index.value)
    if isinstance(a, ast.ValidateConstraint):
        return ("validate constraint", a.name.value)
    if isinstance(a, ast.DropConstraint):
        return ("drop constraint", a.name.value, a.cascade)
    if isinstance(a, ast.RowSecurity):
        return ("row security", a.change)
    if isinstance(a, ast.AttachPartition):
        return ("attach partition", qn(a.name), a.bound.kind,
                tuple(tuple(v.sql for v in group) for group in a.bound.values))
    if isinstance(a, ast.DetachPartition):
        return ("detach partition", qn(a.name), a.concurrently)
    kinds: dict[type, str] = {ast.DropDefault: "drop default", ast.SetNotNull: "set not null",
                              ast.DropNotNull: "drop not null"}
    return (kinds[type(a)], a.column.value)


def element_summary(e: ast.IndexElement) -> Summary:
    return (e.column.value if e.column else None, e.expression.sql if e.expression else None,
            qn(e.opclass) if e.opclass else None, e.descending, e.nulls_first)


def statement_summary(s: ast.Statement) -> Summary:
    if isinstance(s, ast.CreateSchema):
        return ("schema", s.name.value)
    if isinstance(s, ast.DropSchema):
        return ("drop schema", s.name.value)
    if isinstance(s, ast.CreateExtension):
        return ("extension", s.name.value, s.schema.value if s.schema else None)
    if isinstance(s, ast.DropExtension):
        return ("drop extension", s.name.value)
    if isinstance(s, ast.CreateEnum):
        return ("enum", qn(s.name), tuple(label.value for label in s.labels))
    if isinstance(s, ast.AddEnumValue):
        return ("add value", qn(s.enum), s.label.value, s.position,
                s.neighbor.value if s.neighbor else None)
    if isinstance(s, ast.RenameEnumValue):
        return ("rename value", qn(s.enum), s.old.value, s.new.value)
    if isinstance(s, ast.DropEnum):
        return ("drop enum", qn(s.name))
    if isinstance(s, ast.CreateTable):
        return ("table", qn(s.name), tuple(column_summary(c) for c in s.columns),
                tuple(table_constraint_summary(c) for c in s.constraints))
    if isinstance(s, ast.AlterTable):
        return ("alter table", qn(s.table), tuple(action_summary(a) for a in s.actions))
    if isinstance(s, ast.RenameTable):
        return ("rename table", qn(s.table), s.new_name.value)
    if isinstance(s, ast.DropTable):
        return ("drop table", qn(s.table), s.cascade)
    if isinstance(s, ast.CreateIndex):
        return ("index", s.name.value, qn(s.table), s.unique, s.concurrently,
                s.method.value if s.method else None,
                tuple(element_summary(e) for e in s.elements), names(s.include),
                tuple((p.name.value, expression(p.value)) for p in s.parameters),
                s.where.sql if s.where else None)
    if isinstance(s, ast.RenameIndex):
        return ("rename index", qn(s.index), s.new_name.value)
    if isinstance(s, ast.DropIndex):
        return ("drop index", qn(s.index), s.concurrently)
    if isinstance(s, ast.Comment):
        return ("comment", s.target, qn(s.object), s.column.value if s.column else None, s.text)
    if isinstance(s, ast.RawSql):
        return ("sql", s.up, s.down)
    if isinstance(s, ast.External):
        inner = s.object
        if isinstance(inner, ast.ExternalType):
            return ("external", ("type", qn(inner.name)))
        if isinstance(inner, ast.ExternalRole):
            return ("external", ("role", inner.name.value))
        if isinstance(inner, ast.ExternalFunction):
            return ("external", ("function", qn(inner.name),
                                 tuple(_routine_type(t) for t in inner.argument_types),
                                 _routine_type(inner.returns), inner.setof))
        return ("external", statement_summary(inner))
    if isinstance(s, ast.CreatePolicy):
        return ("policy", s.name.value, qn(s.table), s.restrictive, s.command, names(s.roles),
                s.using.sql if s.using else None, s.check.sql if s.check else None)
    if isinstance(s, ast.DropPolicy):
        return ("drop policy", s.name.value, qn(s.table))
    if isinstance(s, ast.AlterPolicy):
        return ("alter policy", s.name.value, qn(s.table), s.rename and s.rename.value,
                None if s.roles is None else names(s.roles),
                s.using.sql if s.using else None, s.check.sql if s.check else None)
    if isinstance(s, ast.Grant):
        return ("revoke" if s.revoke else "grant", names(s.privileges), s.target, qn(s.object),
                names(s.roles), tuple(_routine_type(t) for t in s.arguments))
    if isinstance(s, ast.CreatePartitionedTable):
        return ("partitioned", statement_summary(s.table), s.strategy, names(s.key))
    if isinstance(s, ast.CreatePartition):
        return ("partition", qn(s.name), qn(s.parent), s.bound.kind,
                tuple(tuple(v.sql for v in group) for group in s.bound.values))
    if isinstance(s, ast.CreateSequence):
        owner = s.owned_by
        return ("sequence", qn(s.name), tuple((o.kind, o.value) for o in s.options),
                (qn(owner.table), owner.column.value) if owner is not None else None)
    if isinstance(s, ast.CreateView):
        return ("view", qn(s.name), s.query, s.materialized, s.with_data, s.options)
    if isinstance(s, ast.AlterView):
        return ("alter view", qn(s.name), s.set, s.reset)
    if isinstance(s, ast.DropView):
        return ("drop view", qn(s.name), s.materialized)
    if isinstance(s, ast.RefreshView):
        return ("refresh", qn(s.name), s.concurrently)
    if isinstance(s, ast.DropSequence):
        return ("drop sequence", qn(s.name))
    routine = routine_summary(s)
    if routine is not None:
        return routine
    assert isinstance(s, ast.Irreversible)
    return ("irreversible", s.reason)


def header_summary(h: ast.MigrationHeader | None) -> tuple[int | None, int | None] | None:
    if h is None:
        return None
    lock, statement = h.lock_timeout, h.statement_timeout
    return (lock.milliseconds if lock else None, statement.milliseconds if statement else None)


def _routine_type(t: ast.TypeName) -> tuple[str, int]:
    return (t.name, len(t.array_bounds))


def _settings(settings: tuple[ast.FunctionSetting, ...]) -> Summary:
    return tuple((setting.name, tuple(
        ("name", v.value) if isinstance(v, ast.Name) else (v.kind, v.value)
        for v in setting.values)) for setting in settings)


def routine_summary(s: ast.Statement) -> Summary | None:
    """Functions and triggers, as properties_programs_support.routine writes them."""
    if isinstance(s, ast.CreateFunction):
        assert s.returns is not None
        return ("function", qn(s.name),
                tuple((a.mode, a.name.value, *_routine_type(a.type)) for a in s.arguments),
                _routine_type(s.returns), s.setof, s.language.value if s.language else None,
                s.volatility, s.strict, s.security_definer, s.body, s.parallel,
                _settings(s.settings))
    if isinstance(s, ast.DropFunction):
        return ("drop function", qn(s.name), tuple(_routine_type(t) for t in s.argument_types))
    if isinstance(s, ast.CreateProcedure):
        return ("procedure", qn(s.name),
                tuple((a.mode, a.name.value, *_routine_type(a.type)) for a in s.arguments),
                s.language.value if s.language else None, s.security_definer,
                _settings(s.settings), s.body)
    if isinstance(s, ast.DropProcedure):
        return ("drop procedure", qn(s.name),
                tuple(_routine_type(t) for t in s.argument_types))
    if isinstance(s, ast.CommentOnFunction):
        return ("comment function", qn(s.name),
                tuple(_routine_type(t) for t in s.argument_types), s.text)
    if isinstance(s, ast.CreateTrigger):
        return ("trigger", s.name.value, s.timing,
                tuple((e.kind, names(e.columns)) for e in s.events), qn(s.table), s.for_each,
                s.when.sql if s.when else None, qn(s.function), s.arguments)
    if isinstance(s, ast.DropTrigger):
        return ("drop trigger", s.name.value, qn(s.table))
    return None
