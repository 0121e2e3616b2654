"""HTTP layer: parse, authorize through policies, call one service, return a schema."""
