"""Use cases: each public function owns its transaction and takes the Database first."""
