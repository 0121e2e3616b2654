"""Docs that tests keep true: settings, CLI commands, API routes and error codes."""

from __future__ import annotations

import re
from pathlib import Path

from truthline.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _api_text() -> str:
    """docs/api.md and the per-area references it links to (docs/api-*.md)."""
    files = [DOCS / "api.md", *sorted(DOCS.glob("api-*.md"))]
    return "\n".join(f.read_text() for f in files)


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?")[0]).rstrip("/")


def test_every_setting_is_documented() -> None:
    text = (DOCS / "deployment.md").read_text()
    for name in Settings.model_fields:
        assert f"TRUTHLINE_{name.upper()}" in text, f"TRUTHLINE_{name.upper()} undocumented"


def test_every_cli_command_is_documented() -> None:
    import typer.main

    from truthline.cli import app

    text = (DOCS / "cli.md").read_text()
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        if subs:
            for sub in subs:
                assert f"truthline {name} {sub}" in text, f"`truthline {name} {sub}` undocumented"
        else:
            assert f"truthline {name}" in text, f"`truthline {name}` undocumented"


def test_every_api_route_is_documented() -> None:
    from truthline.app import create_app

    text = _api_text()
    documented = {_norm(p) for p in re.findall(r"(/[a-z][\w\-/{}.]*)", text)}
    spec = create_app().openapi()
    missing = [p for p in spec["paths"] if _norm(p.removeprefix("/api/v1")) not in documented]
    assert not missing, f"routes not in docs/api.md or docs/api-*.md: {missing}"


def test_every_error_code_is_documented() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "truthline"
    codes = set()
    for file in src.rglob("*.py"):
        codes |= set(re.findall(r'code="([a-z_]+)"', file.read_text()))
        codes |= set(re.findall(r'^\s+code = "([a-z_]+)"', file.read_text(), re.M))
    text = _api_text()
    missing = sorted(c for c in codes if f"`{c}`" not in text and c != "error")
    assert not missing, f"error codes not in docs/api.md or docs/api-*.md: {missing}"
