"""Writes the server's contracts as JSON for the web app's generated TypeScript types.

    python -m truthline.devtools.export_schemas web/src/api/generated

``openapi.json`` is the REST API document; ``kinds.schema.json`` is the JSON Schema of the
labeling schema language plus one ``<Kind>Result`` definition per registered annotation kind,
all under ``$defs``. ``npm run gen:api`` turns both into ``.d.ts`` files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

OPENAPI_FILE = "openapi.json"
KINDS_FILE = "kinds.schema.json"


def openapi_document() -> dict[str, Any]:
    from truthline.app import create_app
    from truthline.settings import Settings

    # Building the app touches nothing on disk; only its lifespan does, and it is not started.
    return create_app(Settings(), migrate_on_start=False).openapi()


def _result_name(kind_name: str) -> str:
    return "".join(part.capitalize() for part in kind_name.split("_")) + "Result"


def kinds_document() -> dict[str, Any]:
    """One JSON Schema: the schema language at the root, every kind's result model in $defs."""
    from pydantic.json_schema import models_json_schema

    from truthline.kinds import all_kinds
    from truthline.schema import LabelingSchema

    doc = LabelingSchema.json_schema()
    defs: dict[str, Any] = dict(doc.pop("$defs", {}))
    kinds = all_kinds()
    models: list[tuple[type[BaseModel], Any]] = [(k.Result, "validation") for k in kinds.values()]
    keys, results = models_json_schema(models, ref_template="#/$defs/{model}")
    for name, kind in kinds.items():
        ref = keys[(kind.Result, "validation")]["$ref"]
        model_name = ref.rsplit("/", 1)[1]
        alias = _result_name(name)
        if alias != model_name:
            defs[alias] = {"$ref": ref, "title": alias}
    for name, schema in results.get("$defs", {}).items():
        if name in defs and defs[name] != schema:
            raise RuntimeError(f"two models export as {name!r} with different schemas")
        defs[name] = schema
    defs["LabelingSchema"] = doc
    defs["KindName"] = {"title": "KindName", "enum": sorted(kinds), "type": "string"}
    defs["KindResults"] = {
        "title": "KindResults",
        "description": "The result model of each annotation kind, by kind name.",
        "type": "object",
        "properties": {name: {"$ref": f"#/$defs/{_result_name(name)}"} for name in kinds},
        "required": sorted(kinds),
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Truthline kinds",
        "$defs": dict(sorted(defs.items())),
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in ((OPENAPI_FILE, openapi_document()), (KINDS_FILE, kinds_document())):
        path = outdir / name
        path.write_text(render(doc), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m truthline.devtools.export_schemas OUTDIR", file=sys.stderr)
        return 2
    for path in export(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
