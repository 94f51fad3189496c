"""One module per CLI command; each is a plain function over a Project."""
