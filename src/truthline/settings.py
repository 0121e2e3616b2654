"""One typed settings class (prefix TRUTHLINE_); inert on import, read by create_app and the CLI."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRUTHLINE_", extra="ignore")

    data_dir: Path = Field(default=Path("./data"), description="SQLite file, media and exports")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite+aiosqlite:///<data_dir>/truthline.db",
    )
    storage_url: str | None = Field(
        default=None,
        description="media storage: a folder or s3://bucket/prefix; default <data_dir>/media",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = Field(
        default=None, description="signs media URLs; default: generated once into <data_dir>/secret"
    )
    lease_seconds: int = Field(default=1800, ge=10, description="default work-queue lease length")
    session_days: int = Field(default=14, ge=1)
    max_body_bytes: int = Field(default=2 * 1024 * 1024, description="JSON request body limit")
    max_upload_bytes: int = Field(default=20 * 1024**3, description="import upload limit")
    import_job_threshold_bytes: int = Field(
        default=5 * 1024 * 1024, description="imports larger than this run as background jobs"
    )
    embedded_workers: int = Field(default=1, ge=0, description="job worker threads in `serve`")
    media_url_ttl_seconds: int = Field(default=600, ge=10)
    secure_cookies: bool = Field(default=False, description="set the Secure flag on cookies")
    web_dir: Path | None = Field(
        default=None, description="serve the web app from this folder; default: the built-in one"
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'truthline.db').resolve()}"

    def resolved_storage_url(self) -> str:
        return self.storage_url or str((self.data_dir / "media").resolve())

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        import secrets

        path = self.data_dir / "secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            tmp.replace(path)
        return path.read_text().strip()
