"""Import `kind: interviewer_pool`: pools and members from the files, qualifications seeded, never erased.

A member's state in the file is where they start. A Qualification that was earned (graduated) or set by
an admin (override) is kept whatever the file says; one that came from the content follows the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content.schema import InterviewerPoolDoc
from bot.content.upsert import assign, get_or_new, lookup
from models import InterviewerPool, InterviewType, PoolMember, Qualification, QualificationSource

if TYPE_CHECKING:  # the importer imports this module
    from bot.content.importer import ImportReport


def import_pool(
    session: Session, doc: InterviewerPoolDoc, types: dict[str, InterviewType], report: ImportReport
) -> InterviewerPool:
    """Create or update one pool, its members, and the qualifications they start from."""
    pool, created = get_or_new(session, InterviewerPool, doc.slug)
    changed = assign(
        pool, name=doc.name, description=doc.description, interview_types=list(doc.interview_types)
    )
    wanted = [
        (member.user, lookup(session, InterviewType, types, slug), state, member)
        for member in doc.members
        for slug, state in member.types.items()
    ]
    current = {(m.user_id, m.interview_type_id): m for m in pool.members}
    keep = {(user, kind.id) for user, kind, _state, _member in wanted}
    for key, row in current.items():
        if key not in keep:
            pool.members.remove(row)
            changed = True
    for position, (user, kind, state, member) in enumerate(wanted):
        found = current.get((user, kind.id))
        if found is None:
            row = PoolMember(user_id=user, interview_type_id=kind.id)
            pool.members.append(row)
            changed = True
        else:
            row = found
        changed |= assign(
            row,
            state=state.value,
            position=position,
            weekly_limit=member.weekly_limit,
            daily_limit=member.daily_limit,
        )
        _seed_qualification(session, user, kind.id, state.value)
    report.note("interviewer pools", created, changed)
    return pool


def _seed_qualification(session: Session, user: str, type_id: int, state: str) -> None:
    row = session.scalar(
        select(Qualification).where(Qualification.user_id == user, Qualification.interview_type_id == type_id)
    )
    if row is None:
        session.add(Qualification(user_id=user, interview_type_id=type_id, state=state))
    elif row.source == QualificationSource.CONTENT and row.state != state:
        row.state = state
