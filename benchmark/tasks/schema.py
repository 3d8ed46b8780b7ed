"""The shape of a task file and a suites file, checked with pydantic on load.

Tasks are data (``tasks/*.yaml``), written by people who should never need to read
Python: every field is declared here so a typo or a wrong type is reported with the
file, the field path and the reason instead of failing later in the runner.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FAMILIES = ("divergent", "convergent", "writing", "style", "domain", "visual", "music")
ANSWER_FORMATS = ("ideas", "words", "text", "image", "audio")
# answered by an image or a sound (media_path), not text: no text scorer applies, and
# suites' ``tasks: all`` leaves them out (a text model cannot answer them)
MEDIA_ANSWER_FORMATS = ("image", "audio")
# Scorer names fixed by the shared interfaces; plugins registered in
# ``benchmark.scoring.base.scorers`` are accepted too (see loader.check_scorers).
KNOWN_SCORERS = (
    "fluency", "elaboration", "flexibility", "duplicates", "semdis_minilm", "semdis_glove",
    "originality", "dat", "rat", "judge_originality", "judge_writing", "diversity", "diversity_distance",
    "dsi", "writing_creativity", "judge_checklist",
)
SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def _slug(value: str, what: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"{what} '{value}' must be a lowercase slug (letters, digits, '_' or '-')"
        )
    return value


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt ``temprature`` must not be ignored."""

    model_config = ConfigDict(extra="forbid")


class Generation(Strict):
    """Default sampling for one task; a suite may override any of these."""

    n: int = Field(ge=1, le=1000, description="samples per item")
    temperature: float = Field(ge=0.0, le=2.0)
    max_tokens: int = Field(ge=1, le=32768)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)


class GenerationOverride(Strict):
    """A partial ``Generation`` used by suites (only the given fields change)."""

    n: int | None = Field(default=None, ge=1, le=1000)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, ge=1, le=32768)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)


class Dimension(Strict):
    """A rating dimension for human studies, with labelled scale points."""

    name: str
    description: str = ""
    scale: tuple[int, int] = (1, 5)
    anchors: dict[int, str]

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _slug(v, "dimension name")

    @model_validator(mode="after")
    def _anchors_in_scale(self) -> "Dimension":
        lo, hi = self.scale
        if lo >= hi:
            raise ValueError(f"scale {self.scale} must go from low to high")
        outside = [k for k in self.anchors if not lo <= k <= hi]
        if outside:
            raise ValueError(f"anchors {outside} are outside the scale {lo}..{hi}")
        if lo not in self.anchors or hi not in self.anchors:
            raise ValueError(f"anchors must label both ends of the scale ({lo} and {hi})")
        return self


class ChecklistTest(Strict):
    """A yes/no craft test for checklist rating studies (Torrance-style), e.g. a story's
    "Does the ending surprise yet follow from what came before?"."""

    name: str
    question: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _slug(v, "checklist test name")


class ItemSpec(BaseModel):
    """One stimulus: an ``id`` plus free fields that the prompt template uses."""

    model_config = ConfigDict(extra="allow")

    id: str

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> str:
        if not isinstance(v, str):
            raise ValueError("item id must be a string")
        return _slug(v, "item id")

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class TaskSpec(Strict):
    """One task: metadata, templates, answer parsing, sampling, scoring, rating, items."""

    id: str
    version: str = Field(min_length=1)
    family: Literal["divergent", "convergent", "writing", "style", "domain", "visual", "music"]
    description: str = Field(min_length=1)
    prompt: str = Field(min_length=1, description="Jinja2 template over item fields")
    system: str | None = None
    item_label: str = Field(
        default="", description="Jinja2 template: the stimulus in a few words (table column `item`)"
    )
    answer_format: Literal["ideas", "words", "text", "image", "audio"]
    generation: Generation
    scorers: list[str] = Field(default_factory=list, description="at least one, unless answers are media")
    dimensions: list[Dimension] = Field(default_factory=list)
    checklist: list[ChecklistTest] = Field(default_factory=list)
    time_limit_s: int | None = Field(default=None, ge=1)
    items: list[ItemSpec] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug(v, "task id")

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        # YAML reads 1.10 as the float 1.1: a version is a label, so it must stay text
        if isinstance(v, float):
            raise ValueError('write the version in quotes (e.g. version: "1.10") so YAML keeps it as text')
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @model_validator(mode="after")
    def _unique(self) -> "TaskSpec":
        # duplicate item ids are reported by the loader, with the exact field path
        dims = [d.name for d in self.dimensions]
        dup = sorted({d for d in dims if dims.count(d) > 1})
        if dup:
            raise ValueError(f"duplicate dimension name(s) {dup}")
        if not self.scorers and self.answer_format not in MEDIA_ANSWER_FORMATS:
            raise ValueError("a task answered in text needs at least one scorer")
        if len(set(self.scorers)) != len(self.scorers):
            raise ValueError("a scorer is listed twice")
        return self


class TaskFile(Strict):
    """A family file: ``tasks: [ ... ]`` plus an optional ``definitions`` block."""

    tasks: list[TaskSpec] = Field(min_length=1)
    # a place for YAML anchors (&originality ...) shared by the tasks of a file
    definitions: dict[str, Any] = Field(default_factory=dict)


class SuiteEntry(Strict):
    """One task in a suite, optionally a subset of its items and sampling overrides."""

    task: str
    items: list[str] | None = None
    generation: GenerationOverride = Field(default_factory=GenerationOverride)


class SuiteSpec(Strict):
    description: str = ""
    budget_tokens: int | None = Field(
        default=None, ge=1, description="documented upper bound on sum(n x max_tokens)"
    )
    tasks: list[SuiteEntry] | Literal["all"]


class SuitesFile(Strict):
    suites: dict[str, SuiteSpec] = Field(min_length=1)
    definitions: dict[str, Any] = Field(default_factory=dict)

    @field_validator("suites")
    @classmethod
    def _names(cls, v: dict[str, SuiteSpec]) -> dict[str, SuiteSpec]:
        for name in v:
            _slug(name, "suite name")
        return v
