"""The compiler: schema model, checks, Up/Down SQL and code generation."""
