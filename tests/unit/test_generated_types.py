"""The web app's generated contract files match the server: regenerate them when this fails.

python -m truthline.devtools.export_schemas web/src/api/generated && (cd web && npm run gen:api)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from truthline.devtools import export_schemas

GENERATED = Path(__file__).resolve().parents[2] / "web" / "src" / "api" / "generated"
FIX = (
    "regenerate: python -m truthline.devtools.export_schemas web/src/api/generated"
    " && (cd web && npm run gen:api)"
)


@pytest.mark.parametrize("name", [export_schemas.OPENAPI_FILE, export_schemas.KINDS_FILE])
def test_committed_json_matches_the_server(tmp_path: Path, name: str) -> None:
    export_schemas.export(tmp_path)
    committed = GENERATED / name
    assert committed.exists(), f"{committed} is missing; {FIX}"
    fresh = (tmp_path / name).read_text(encoding="utf-8")
    assert json.loads(committed.read_text(encoding="utf-8")) == json.loads(fresh), FIX
    assert committed.read_text(encoding="utf-8") == fresh, f"formatting differs; {FIX}"


def test_kinds_document_has_every_kind() -> None:
    from truthline.kinds import all_kinds

    defs = export_schemas.kinds_document()["$defs"]
    assert "LabelingSchema" in defs
    assert set(defs["KindResults"]["properties"]) == set(all_kinds())
    for name in all_kinds():
        assert defs["KindResults"]["properties"][name]["$ref"].removeprefix("#/$defs/") in defs


def test_main_needs_an_outdir(capsys: pytest.CaptureFixture[str]) -> None:
    assert export_schemas.main([]) == 2
    assert "usage" in capsys.readouterr().err
