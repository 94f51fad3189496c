"""Adopting an existing database: read its catalog and write it as one migration.

`reading` reads what the database holds into `records`' plain records; `language` and the
writers (`tables`, `constraints`, `sequences`, `indexes`, `security`, `routines`) write them
as statements of the pgshift language, and `sql_blocks` writes what the language does not
model as `sql` blocks with their reverse; `ordering` puts them in an order that applies,
and `writing` compiles the result to be sure pgshift reads back what it wrote.
"""
