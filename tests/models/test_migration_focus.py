"""Migration 0004 gives content imported before focus the values that mean "as before"."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot import migrate
from models import InterviewType, LoopStage, RubricCategory


def test_rows_from_before_focus_get_no_focus_no_rubric_and_no_short_label(fresh_engine: Engine) -> None:
    migrate.downgrade(fresh_engine, "0003")
    with fresh_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO rubrics (id, slug, name, description, scale, no_signal_label) "
                 "VALUES (1, 'r', 'R', '', '[]', 'No signal')")
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO rubric_categories (id, rubric_id, key, position, name, description, "
                 "attributes) VALUES (1, 1, 'craft', 0, 'Craft', '', '[]')")
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO interview_types (id, slug, name, description, duration_minutes, panel, "
                 "candidate_prep, must_do_before, guidance_during, look_for, resources) "
                 "VALUES (1, 't', 'T', '', 30, '[]', '', '[]', '[]', '[]', '[]')")
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO loops (id, slug, name, role, rubric_id, hiring_channel, hiring_manager, "
                 "recruiter) VALUES (1, 'l', 'L', 'Role', 1, '', '', '')")
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO loop_stages (id, loop_id, key, position, name, required, interview_type_id) "
                 "VALUES (1, 1, 's', 0, 'S', true, 1)")
        )  # fmt: skip
    migrate.upgrade(fresh_engine)
    with Session(fresh_engine) as s:
        kind = s.get_one(InterviewType, 1)
        assert (kind.rubric_id, kind.focus, kind.example_questions, kind.lead_drives) == (None, [], [], False)
        assert s.get_one(LoopStage, 1).focus == []
        assert s.get_one(RubricCategory, 1).short == ""
    # Down and up again with the content still there: no table is copied, so no foreign key objects.
    with fresh_engine.begin() as conn:
        conn.execute(text("UPDATE interview_types SET rubric_id = 1, lead_drives = true"))
    migrate.downgrade(fresh_engine, "0003")
    migrate.upgrade(fresh_engine)
    with Session(fresh_engine) as s:
        assert s.get_one(InterviewType, 1).rubric_id is None
        assert s.get_one(LoopStage, 1).interview_type_id == 1
