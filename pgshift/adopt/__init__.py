"""Adopting an existing database: read its catalog and write it as one migration.

`catalog` reads what the database holds into `model`'s plain records; `language` writes
them as statements of the pgshift language, and `sql_blocks` writes what the language does
not model as `sql` blocks with their reverse; `migration` puts them in an order that
applies, and compiles the result to be sure pgshift reads back what it wrote.
"""
