"""What the scheduling modal offers a user: the loops they may schedule, their stages and sets, the types."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from blocks.schedule_form import Choices, LoopChoice
from models import InterviewType, Loop, LoopStage, QuestionSet


def load_choices(session: Session, user: str, admins: Collection[str]) -> Choices:
    """The loops `user` may schedule (all for admins), their stages and question sets, and the types."""
    stmt = select(Loop).options(selectinload(Loop.stages).selectinload(LoopStage.interview_type))
    if user not in admins:
        stmt = stmt.where(or_(Loop.recruiter == user, Loop.hiring_manager == user))
    loops = list(session.scalars(stmt.order_by(Loop.name).limit(100)))
    sets = session.execute(
        select(QuestionSet.rubric_id, QuestionSet.slug, QuestionSet.name)
        .where(QuestionSet.rubric_id.in_({x.rubric_id for x in loops}))
        .order_by(QuestionSet.name)
    ).all()
    types = session.execute(
        select(InterviewType.slug, InterviewType.name).order_by(InterviewType.name).limit(100)
    )
    return Choices(
        loops=[
            LoopChoice(
                slug=x.slug,
                name=x.name,
                hiring_channel=x.hiring_channel,
                stages=[(st.key, st.name) for st in x.stages],
                question_sets=[(slug, name) for rid, slug, name in sets if rid == x.rubric_id],
            )
            for x in loops
        ],
        types=[(slug, name) for slug, name in types],
    )
