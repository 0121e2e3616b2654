"""Admin: people."""

from __future__ import annotations

from fastapi import APIRouter

from truthline.api.deps import AdminPrincipal, Db
from truthline.api.schemas import UserCreate, UserRead
from truthline.services import auth

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserRead])
async def list_users(_: AdminPrincipal, db: Db) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in await auth.list_users(db)]


@router.post("", response_model=UserRead, status_code=201)
async def create_user(body: UserCreate, _: AdminPrincipal, db: Db) -> UserRead:
    user = await auth.create_user(
        db, body.username, body.password, display_name=body.display_name, is_admin=body.is_admin
    )
    return UserRead.model_validate(user)
