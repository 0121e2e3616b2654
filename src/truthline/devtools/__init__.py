"""Developer chores that are not part of the running product (schema export for the web app)."""
