"""Classification result type (kept free of heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Classification:
    """Themes with polarity, per-theme confidence and the urgent flag of one comment."""

    themes: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    urgent: bool = False
    urgent_reason: str | None = None
    model_version: str = ""
    uncertainty: float = 0.0  # 0 = sure .. 1 = a coin toss (see analysis.uncertainty); not on the wire

    def to_json_dict(self) -> dict[str, Any]:
        """The public wire format: ``{"themes": {...}, "urgent": bool}``."""
        return {"themes": dict(self.themes), "urgent": self.urgent}
