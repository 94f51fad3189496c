"""Steps for procedures: `procedure` (CREATE, or CREATE OR REPLACE when one of the same
name and input argument types exists) and `drop procedure`.

A procedure shares the functions' namespace (PostgreSQL keeps both in pg_proc, and a
function and a procedure of one name and input types collide), so the model keeps it in
`SchemaModel.functions`, marked `procedure`. Down reads the model before the change, as a
function's does; nothing in the model calls a procedure (a trigger executes functions only,
and bodies are not read), so none is ever in use."""

from __future__ import annotations

from ..dsl import ast
from .context import Context, Step
from .function_signature import create_function_sql, drop_function_sql, procedure_model
from .model_routines import FunctionModel
from .registry import step
from .routines import describe_routine, replaced_routine, routine_key
from .statement import Statement


def _in_place(before: FunctionModel, after: FunctionModel) -> bool:
    """Can CREATE OR REPLACE PROCEDURE turn `before` into `after`? Not when an argument's
    name or mode changes, nor when defaults are removed (PostgreSQL refuses those)."""
    return ([(a.name, a.mode) for a in before.arguments]
            == [(a.name, a.mode) for a in after.arguments]
            and sum(a.default is not None for a in after.arguments)
            >= sum(a.default is not None for a in before.arguments))


@step(ast.CreateProcedure)
def create_procedure(ctx: Context, s: ast.CreateProcedure) -> Step:
    ctx.check_qualified(s.name, "procedure name")
    procedure = procedure_model(ctx, s)
    key = procedure.key
    previous = replaced_routine(ctx, key, True, s.name.span)
    ctx.model.functions[key] = procedure
    drop, create = drop_function_sql(key, procedure=True), create_function_sql
    if previous is None:
        return Step([Statement(create(procedure))], [Statement(drop)], s.span, node=s)
    up = [Statement(create(procedure, replace=True))] if _in_place(previous, procedure) else [
        Statement(drop), Statement(create(procedure))]
    down = [Statement(create(previous, replace=True))] if _in_place(procedure, previous) else [
        Statement(drop), Statement(create(previous))]
    return Step(up, down, s.span, node=s)


@step(ast.DropProcedure)
def drop_procedure(ctx: Context, s: ast.DropProcedure) -> Step:
    key = routine_key(ctx, s.name, s.argument_types)
    procedure = ctx.model.functions.get(key)
    if procedure is None or not procedure.procedure:
        known = [k for k, f in ctx.model.functions.items() if k[:2] == key[:2] and f.procedure]
        hint = ("; it has " + ", ".join(f"'{describe_routine(k)}'" for k in sorted(known)) if known
                else ": it is a function, dropped by `drop function`" if procedure else
                ctx.hint(key[1], [k[1] for k, f in ctx.model.functions.items() if f.procedure]))
        raise ctx.error("unknown-function", f"unknown procedure '{describe_routine(key)}'{hint}",
                        s.name.span)
    del ctx.model.functions[key]
    return Step([Statement(drop_function_sql(key, procedure=True))],
                [Statement(create_function_sql(procedure))], s.span, node=s)
