"""Import and export formats. Readers live in ``truthline.formats.readers`` (imported on use)."""
