"""Media: storage backends (local folder, fsspec object stores), probing and ingestion."""
