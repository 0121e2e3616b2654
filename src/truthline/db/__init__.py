"""Database access: models, engines and the read/write session helpers."""
