"""Content authored as files: rubrics, questions, question sets, interview types and loops."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk, json_dict, json_list, long_text, slug_str, str200


class Rubric(Base):
    """The categories a role is judged on and the named rating scale."""

    __tablename__ = "rubrics"

    id: Mapped[intpk]
    slug: Mapped[slug_str]
    name: Mapped[str200]
    description: Mapped[long_text]
    # Ordered levels, worst first: [{"key": "strong_no", "label": "Strong No"}, ...]
    scale: Mapped[json_list]
    no_signal_label: Mapped[str] = mapped_column(String(75), default="No signal")

    categories: Mapped[list[RubricCategory]] = relationship(
        back_populates="rubric", order_by="RubricCategory.position", cascade="all, delete-orphan"
    )


class RubricCategory(Base):
    """One thing a candidate is judged on, with the attributes that describe it."""

    __tablename__ = "rubric_categories"
    __table_args__ = (
        UniqueConstraint("rubric_id", "key"),
        UniqueConstraint("rubric_id", "position"),
    )

    id: Mapped[intpk]
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str200]
    # The digest's label for it; "" when the content gave none (a shortened name is used then).
    short: Mapped[str] = mapped_column(String(24), default="")
    description: Mapped[long_text]
    attributes: Mapped[json_list]

    rubric: Mapped[Rubric] = relationship(back_populates="categories")


class Question(Base):
    """A question with its goal and the signals of a great and a poor answer."""

    __tablename__ = "questions"

    id: Mapped[intpk]
    slug: Mapped[slug_str]
    category_id: Mapped[int] = mapped_column(
        ForeignKey("rubric_categories.id", ondelete="RESTRICT"), index=True
    )
    prompt: Mapped[long_text]
    follow_ups: Mapped[json_list]
    goal: Mapped[long_text]
    great_signals: Mapped[json_list]
    negative_signals: Mapped[json_list]
    technologies: Mapped[json_list]
    is_backup: Mapped[bool] = mapped_column(Boolean, default=False)
    backup_when: Mapped[long_text]

    category: Mapped[RubricCategory] = relationship()


class QuestionSet(Base):
    """An ordered kit of questions, chosen for coverage of a rubric."""

    __tablename__ = "question_sets"

    id: Mapped[intpk]
    slug: Mapped[slug_str]
    name: Mapped[str200]
    description: Mapped[long_text]
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="RESTRICT"), index=True)

    rubric: Mapped[Rubric] = relationship()
    items: Mapped[list[QuestionSetItem]] = relationship(
        order_by="QuestionSetItem.position", cascade="all, delete-orphan"
    )


class QuestionSetItem(Base):
    """A question's place in a set."""

    __tablename__ = "question_set_items"
    __table_args__ = (
        UniqueConstraint("question_set_id", "position"),
        UniqueConstraint("question_set_id", "question_id"),
    )

    id: Mapped[intpk]
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_sets.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    question: Mapped[Question] = relationship()


class InterviewType(Base):
    """A kind of interview: what it assesses, duration, panel shape and the guidance that goes with it."""

    __tablename__ = "interview_types"

    id: Mapped[intpk]
    slug: Mapped[slug_str]
    name: Mapped[str200]
    description: Mapped[long_text]
    duration_minutes: Mapped[int] = mapped_column(Integer)
    # [{"role": "lead", "min": 1, "max": 1}, {"role": "shadow", "min": 0, "max": 1}]
    panel: Mapped[json_list]
    candidate_prep: Mapped[long_text]
    must_do_before: Mapped[json_list]
    guidance_during: Mapped[json_list]
    look_for: Mapped[json_list]
    # [{"title": "...", "url": "..."}]
    resources: Mapped[json_list]
    # The type's own rubric, whose assessed categories join the scorecard of loops using the type.
    # NO ACTION (the default) rather than RESTRICT: both refuse to delete a rubric a type uses, and
    # SQLite can add this key only inline in its column (migration 0004), where no ON DELETE is read back.
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubrics.id"), index=True)
    # Category keys it assesses; [] when the content declares none.
    focus: Mapped[json_list]
    example_questions: Mapped[json_list]
    # The lead runs the whole interview: interviewers without questions follow the lead's plan.
    lead_drives: Mapped[bool] = mapped_column(Boolean, default=False)
    # Training rules, {} when the content gives none (bot/interviewers/rules.py fills the defaults):
    # {"shadow": 2, "reverse_shadow": 1, "agreement": 0.75, "approver": "hiring_manager"}
    training: Mapped[json_dict]
    # {"before_first_lead": true, "with": "hiring_manager", "per": "type" | "question_set"}; {} = none
    dry_run: Mapped[json_dict]
    # Every candidate of a role meets the same panel in this type (a pairing exercise).
    same_panel_for_role: Mapped[bool] = mapped_column(Boolean, default=False)

    rubric: Mapped[Rubric | None] = relationship()


class Loop(Base):
    """A role's interview plan."""

    __tablename__ = "loops"

    id: Mapped[intpk]
    slug: Mapped[slug_str]
    name: Mapped[str200]
    role: Mapped[str200]
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="RESTRICT"), index=True)
    hiring_channel: Mapped[str] = mapped_column(String(32), default="")
    hiring_manager: Mapped[str] = mapped_column(String(32), default="")
    recruiter: Mapped[str] = mapped_column(String(32), default="")

    rubric: Mapped[Rubric] = relationship()
    stages: Mapped[list[LoopStage]] = relationship(
        order_by="LoopStage.position", cascade="all, delete-orphan", back_populates="loop"
    )


class LoopStage(Base):
    """One ordered step of a loop; the alternatives are the question sets its panelists rotate through."""

    __tablename__ = "loop_stages"
    __table_args__ = (UniqueConstraint("loop_id", "key"), UniqueConstraint("loop_id", "position"))

    id: Mapped[intpk]
    loop_id: Mapped[int] = mapped_column(ForeignKey("loops.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str200]
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    interview_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_types.id", ondelete="RESTRICT"), index=True
    )
    # Category keys this stage assesses, narrowing its type's; [] when the content declares none.
    focus: Mapped[json_list]

    loop: Mapped[Loop] = relationship(back_populates="stages")
    interview_type: Mapped[InterviewType | None] = relationship()
    alternatives: Mapped[list[StageQuestionSet]] = relationship(
        order_by="StageQuestionSet.position", cascade="all, delete-orphan"
    )


class StageQuestionSet(Base):
    """An alternative question set of a stage, in rotation order."""

    __tablename__ = "stage_question_sets"
    __table_args__ = (
        UniqueConstraint("stage_id", "position"),
        UniqueConstraint("stage_id", "question_set_id"),
    )

    id: Mapped[intpk]
    stage_id: Mapped[int] = mapped_column(ForeignKey("loop_stages.id", ondelete="CASCADE"))
    question_set_id: Mapped[int] = mapped_column(
        ForeignKey("question_sets.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    question_set: Mapped[QuestionSet] = relationship()
