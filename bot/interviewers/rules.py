"""A type's training and dry-run rules with their defaults filled in (the content leaves any of them out)."""

from __future__ import annotations

from dataclasses import dataclass

from models import InterviewType


@dataclass(frozen=True)
class Training:
    shadow: int = 2
    reverse_shadow: int = 1
    agreement: float = 0.75
    approver: str = "hiring_manager"  # | "any_qualified" | "none"

    @property
    def sessions(self) -> int:
        """How many of the latest sessions the agreement rate is taken over (at least one)."""
        return max(self.shadow + self.reverse_shadow, 1)


@dataclass(frozen=True)
class DryRunRule:
    before_first_lead: bool = True
    partner: str = "hiring_manager"  # | "any_qualified"
    per: str = "type"  # | "question_set"


def training_rule(kind: InterviewType) -> Training:
    data = kind.training or {}
    defaults = Training()
    return Training(
        shadow=int(data.get("shadow", defaults.shadow)),
        reverse_shadow=int(data.get("reverse_shadow", defaults.reverse_shadow)),
        agreement=float(data.get("agreement", defaults.agreement)),
        approver=str(data.get("approver", defaults.approver)),
    )


def dry_run_rule(kind: InterviewType) -> DryRunRule | None:
    """The type's dry-run rule, or None when it asks for none."""
    data = kind.dry_run or {}
    if not data or not data.get("before_first_lead", True):
        return None
    return DryRunRule(
        before_first_lead=True,
        partner=str(data.get("with", "hiring_manager")),
        per=str(data.get("per", "type")),
    )
