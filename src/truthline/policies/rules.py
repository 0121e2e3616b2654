"""Authorization as data: which project role may do which action, and on what.

Each rule is (action, role, scope): scope "any" means on every object of the project, "own"
only on objects the person owns (their own lease, annotation or draft). Admins may do
everything. A person who is not a member of a project gets 404 for anything inside it.
"""

from __future__ import annotations

ROLES = ("lead", "reviewer", "annotator", "viewer")

_ALL = ROLES
_STAFF = ("lead", "reviewer", "viewer")

# action: {role: scope}
RULES: dict[str, dict[str, str]] = {
    "project.read": dict.fromkeys(_ALL, "any"),
    "project.update": {"lead": "any"},
    "project.delete": {},  # admins only
    "members.read": dict.fromkeys(_STAFF, "any"),
    "members.manage": {"lead": "any"},
    "items.import": {"lead": "any"},
    "items.browse": dict.fromkeys(_STAFF, "any"),
    "item.read": {"lead": "any", "reviewer": "any", "viewer": "any", "annotator": "own"},
    "item.update": {"lead": "any"},
    "queue.work": {"lead": "any", "reviewer": "any", "annotator": "any"},
    "lease.use": {"lead": "own", "reviewer": "own", "annotator": "own"},
    "annotation.submit": {"lead": "own", "reviewer": "own", "annotator": "own"},
    "annotation.read": {"lead": "any", "reviewer": "any", "viewer": "any", "annotator": "own"},
    "draft.write": {"lead": "own", "reviewer": "own", "annotator": "own"},
    "stats.read": dict.fromkeys(_STAFF, "any"),
    "export.run": {"lead": "any"},
    "jobs.read": {"lead": "any"},
    # A project's audit log is its leads'; the log of every project is the admins' alone.
    "audit.read": {"lead": "any"},
    "guideline.read": dict.fromkeys(_ALL, "any"),
    "guideline.publish": {"lead": "any"},
    "guideline.report": {"lead": "any", "reviewer": "any"},
    "guideline.recheck": {"lead": "any"},
    "qualification.manage": {"lead": "any"},
    "qualification.take": {"lead": "any", "reviewer": "any", "annotator": "any"},
    "quality.read": dict.fromkeys(_STAFF, "any"),
    "quality.manage": {"lead": "any"},
    "review.submit": {"lead": "any", "reviewer": "any"},
    # Annotators see the verdicts on their own work (their coaching list).
    "review.read": {"lead": "any", "reviewer": "any", "viewer": "any", "annotator": "own"},
    # Time accounting and targets: everyone who works sees their own progress; the team's
    # numbers are the lead's.
    "progress.read": {"lead": "any", "reviewer": "any", "annotator": "any"},
    "targets.read": dict.fromkeys(_STAFF, "any"),
    "targets.manage": {"lead": "any"},
    "team.read": {"lead": "any"},
    # Status reports: everyone reads their own; leads read their members' (their projects'
    # rows only) and the team roll-up.
    "report.person": {"lead": "any"},
    "report.team": {"lead": "any"},
    # Questions: annotators see the questions they raised or are assigned; "own" on answer
    # means the question is assigned to them (a routing rule can name anyone).
    "question.raise": {"lead": "any", "reviewer": "any", "annotator": "any"},
    "question.read": {"lead": "any", "reviewer": "any", "annotator": "own"},
    "question.answer": {"lead": "any", "reviewer": "any", "annotator": "own"},
    "question.manage": {"lead": "any"},
    # Workforce: everyone sees which skills a project asks for (the queue refuses without
    # them); its leads set them.
    "requirements.read": dict.fromkeys(_ALL, "any"),
    "requirements.manage": {"lead": "any"},
}

# Which stages each role may take work from.
STAGE_ROLES: dict[str, tuple[str, ...]] = {
    "annotate": ("lead", "annotator"),
    "review": ("lead", "reviewer"),
}


def allowed(action: str, role: str | None, *, is_admin: bool = False, owns: bool = False) -> bool:
    """The one decision function; every route goes through it."""
    if action not in RULES:
        raise KeyError(f"undeclared action {action!r}")
    if is_admin:
        return True
    scope = RULES[action].get(role or "")
    return scope == "any" or (scope == "own" and owns)
