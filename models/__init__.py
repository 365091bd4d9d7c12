"""The ORM: import this package to get every table on Base.metadata."""

from models.base import Base, UTCDateTime, utcnow
from models.content import (
    InterviewType,
    Loop,
    LoopStage,
    Question,
    QuestionSet,
    QuestionSetItem,
    Rubric,
    RubricCategory,
    StageQuestionSet,
)
from models.delivery import Delivery, DeliveryKind, DeliveryStatus
from models.feedback import Feedback, FeedbackRevision, FeedbackStatus, Recommendation
from models.hiring import Candidate, CandidateLoop, Interview, InterviewStatus, PanelRole, PanelSeat

__all__ = [
    "Base",
    "Candidate",
    "CandidateLoop",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "Feedback",
    "FeedbackRevision",
    "FeedbackStatus",
    "Interview",
    "InterviewStatus",
    "InterviewType",
    "Loop",
    "LoopStage",
    "PanelRole",
    "PanelSeat",
    "Question",
    "QuestionSet",
    "QuestionSetItem",
    "Recommendation",
    "Rubric",
    "RubricCategory",
    "StageQuestionSet",
    "UTCDateTime",
    "utcnow",
]
