"""A study described by one YAML file (``study create --config study.yaml``), flags on top.

Why: a study a panel can run has more settings than a command line holds (consent wording,
practice items, codes for every way a session ends, payment), and a file can be reviewed,
versioned and cited. Everything the flags set, the file sets too, under the same names;
a flag given on the command line overrides the file. The file is validated with pydantic:
an unknown key, a value out of range or an impossible combination (a checklist in a
likert study, gold items with no check positions, a Turing study with scales) is one
line with the file, the key, its line and the fix.

Relative paths in the file (runs, humans, gold) are read from the file's own folder, so
a study folder can be moved as a whole.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from benchmark.errors import BenchError
from benchmark.studies.design import StudySpec
from benchmark.studies.panel import POOL, STUDY_ID
from benchmark.studies.plan import DEFAULT_SESSION_MINUTES

SLUG = re.compile(r"[a-z0-9][a-z0-9_\-]{0,59}")
CODE = re.compile(r"[A-Za-z0-9_\-]{1,40}")
# flag -> the key it sets (dotted for nested keys); used to say where a bad value came from
FLAG_KEYS = {
    "--id": "id", "--mode": "mode", "--title": "title", "--run": "runs", "--human": "humans", "--pool": "pool",
    "--task": "tasks", "--suite": "suite", "--k": "k", "--seed": "seed", "--dimension": "dimensions",
    "--check-rate": "checks.rate", "--max-failed-checks": "checks.max_failed", "--gold": "checks.gold",
    "--min-time": "min_time_s", "--lease": "lease_s", "--items-per-rater": "items_per_rater",
    "--completion-code": "panel.codes.completion", "--completion-url": "panel.completion_url",
    "--include-revealing": "include_revealing", "--max-items": "max_items", "--adaptive": "adaptive.explore",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _url(v: str | None) -> str | None:
    if v is None:
        return v
    if not re.fullmatch(r"https?://[^\s<>\"']{1,500}", v):
        raise ValueError("must be an http(s):// link without spaces or quotes")
    return v


class Dimension(Strict):
    """A question answered on a declared scale."""

    name: str
    description: str = ""
    anchors: dict[str, str] = Field(default_factory=dict)
    scale: Literal["binary", "ordinal", "interval", "continuous"] = "ordinal"
    levels: int | None = Field(default=None, ge=2, le=11)
    min: float | None = None
    max: float | None = None

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.fullmatch(v):
            raise ValueError(f"dimension name {v!r} must be a lowercase slug (letters, digits, '_' or '-')")
        return v

    @field_validator("anchors", mode="before")
    @classmethod
    def _anchor_keys(cls, v: Any) -> Any:
        return {str(k): str(x) for k, x in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _scale(self) -> "Dimension":
        if self.scale == "ordinal":
            if self.min is not None or self.max is not None:
                raise ValueError("an ordinal scale has levels, not min/max")
            levels = self.levels or 5
            bad = [k for k in self.anchors if not (k.isdigit() and 1 <= int(k) <= levels)]
            if bad:
                raise ValueError(f"anchors {bad} are outside the scale 1..{levels}")
        elif self.scale == "binary":
            if self.levels or self.min is not None or self.max is not None:
                raise ValueError("a binary scale is yes (1) / no (0): no levels, min or max")
        else:
            if self.levels:
                raise ValueError(f"an {self.scale} scale has min and max, not levels")
            lo, hi = self.min if self.min is not None else 0.0, self.max if self.max is not None else 100.0
            if not lo < hi:
                raise ValueError(f"min {lo:g} must be below max {hi:g}")
        return self

    def as_dict(self) -> dict:
        d = {"name": self.name, "description": self.description, "anchors": self.anchors, "scale": self.scale}
        if self.scale == "ordinal":
            d["levels"] = self.levels or 5
        elif self.scale in ("interval", "continuous"):
            d["min"], d["max"] = self.min if self.min is not None else 0.0, self.max if self.max is not None else 100.0
        return d


class Test(Strict):
    """A yes/no question of a checklist (a Torrance-style craft test)."""

    name: str
    question: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.fullmatch(v):
            raise ValueError(f"test name {v!r} must be a lowercase slug (letters, digits, '_' or '-')")
        return v


class Practice(Strict):
    prompt: str = Field(min_length=1)
    text: str = Field(min_length=1)
    text_b: str | None = None  # pairwise: the second answer
    feedback: str | None = None
    task: str | None = None  # whose questions it uses (a task id or key of dimensions/checklist)


class Consent(Strict):
    text: str | None = None
    contact: str | None = None
    irb: str | None = None


class Checks(Strict):
    rate: float = Field(default=0.1, ge=0, le=1)
    max_failed: int = Field(default=2, ge=1)
    gold: str | None = None


class Panel(Strict):
    url: str | None = None  # where raters reach the app; the printed study link starts with it
    completion_url: str | None = None
    return_url: str | None = None
    codes: dict[Literal["completion", "screened", "no_work", "declined", "closed"], str] = Field(default_factory=dict)

    @field_validator("url", "completion_url", "return_url")
    @classmethod
    def _urls(cls, v: str | None) -> str | None:
        return _url(v)

    @field_validator("codes")
    @classmethod
    def _codes(cls, v: dict) -> dict:
        for end, code in v.items():
            if not CODE.fullmatch(str(code)):
                raise ValueError(f"code {code!r} for {end} must be 1-40 letters, digits, '-' or '_'")
        return v


class Media(Strict):
    """Images and sounds: how a study serves them (``benchmark.studies.media_items``) and how
    large an upload may be (respond mode); the one place their defaults and bounds live."""

    listen_s: float = Field(default=5.0, ge=0, le=600)  # seconds each sound must play before an answer
    image_format: Literal["png", "jpeg", "webp"] = "png"
    max_side: int = Field(default=768, ge=64, le=4096)
    audio_format: Literal["wav", "flac"] = "wav"
    samplerate: int = Field(default=44100, ge=8000, le=192000)
    channels: Literal[1, 2] = 2
    lufs: float = Field(default=-20.0, ge=-60, le=0)
    max_seconds: float | None = Field(default=60.0, gt=0)  # a longer sound is cut: raters hear the same span
    max_mb: float = Field(default=20.0, gt=0, le=500)  # respond mode: the largest upload
    dir: str | None = None  # default: media/<study> (uploads/<study>) beside a SQLite store, else under results/


class Adaptive(Strict):
    """Pairwise: the next pair by expected information gain, a uniform share kept for exploration."""

    explore: float = Field(default=0.2, gt=0, le=1)
    prior_sd: float = Field(default=1.5, gt=0, le=10)


class StudyFile(Strict):
    """The study config file; every key optional except ``id`` (or ``--id``)."""

    id: str
    mode: Literal["likert", "pairwise", "turing", "checklist", "respond"] = "likert"
    title: str = Field(default="Rating creative answers", min_length=1, max_length=200)
    runs: list[str] = Field(default_factory=list)
    humans: list[str] = Field(default_factory=list)
    pool: str | None = None
    tasks: list[str] | None = None
    suite: str | None = None
    k: int = Field(default=3, ge=1, le=100)
    seed: int = 0
    items_per_rater: int | Literal["auto", "all"] = "auto"
    session_minutes: float = Field(default=DEFAULT_SESSION_MINUTES, ge=2, le=120)
    max_items: int | None = Field(default=None, ge=1)
    max_pairs_per_prompt: int = Field(default=20, ge=1)
    include_revealing: bool = False
    min_time_s: float = Field(default=3.0, ge=0, le=600)
    lease_s: float = Field(default=900.0, ge=10, le=86400)
    dimensions: list[Dimension] | dict[str, list[Dimension]] | None = None
    checklist: list[Test] | dict[str, list[Test]] | None = None
    checks: Checks = Field(default_factory=Checks)
    consent: Consent = Field(default_factory=Consent)
    instructions: str | None = None
    practice: list[Practice] | None = None
    panel: Panel = Field(default_factory=Panel)
    estimated_minutes: float | None = Field(default=None, gt=0, le=600)
    payment: str | None = Field(default=None, max_length=60)
    media: Media | None = None
    adaptive: Adaptive | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not STUDY_ID.fullmatch(v):
            raise ValueError(f"study id {v!r} must be letters, digits, '-' and '_' (at most 100)")
        return v

    @field_validator("pool")
    @classmethod
    def _pool(cls, v: str | None) -> str | None:
        if v is not None and not POOL.fullmatch(v.removeprefix("human/")):
            raise ValueError(f"pool {v!r} must be letters, digits, '-' and '_' (it becomes the source human/<pool>)")
        return v

    @field_validator("adaptive", mode="before")
    @classmethod
    def _adaptive(cls, v: Any) -> Any:
        if v is True:  # `adaptive: true`: the default exploration share
            return {}
        return None if v is False else v

    @field_validator("items_per_rater")
    @classmethod
    def _ipr(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v < 1:
            raise ValueError("items_per_rater must be at least 1 (or 'auto', or 'all')")
        return v

    @model_validator(mode="after")
    def _combinations(self) -> "StudyFile":
        m = self.mode
        if self.checklist is not None and m != "checklist":
            raise ValueError(f"checklist: is for checklist studies, and this one is {m} (set mode: checklist, --mode)")
        if self.dimensions is not None and m in ("checklist", "turing", "respond"):
            what = {"checklist": "its yes/no tests go under checklist:", "turing": "it asks who wrote each answer",
                    "respond": "participants answer tasks, nobody rates"}[m]
            raise ValueError(f"a {m} study takes no dimensions (dimensions:, --dimension): {what}")
        if isinstance(self.dimensions, dict) and m == "pairwise":
            raise ValueError("a pairwise study asks one set of questions: give dimensions as a list")
        if m == "respond":
            if self.runs or self.humans:
                raise ValueError("a respond study collects answers: it takes no runs or humans (--run, --human)")
            if not self.pool:
                raise ValueError("a respond study needs a pool (pool: NAME, --pool NAME): its answers become source "
                                 "human/NAME")
            if not (self.suite or self.tasks):
                raise ValueError("a respond study needs the tasks people answer (suite: NAME or tasks: [...]; "
                                 "--suite, --task)")
        elif self.suite:
            raise ValueError("suite: (--suite) is for respond studies; choose tasks with tasks: [...] (--task)")
        if self.checks.gold and self.checks.rate == 0:
            raise ValueError("gold items are shown at check positions: set checks.rate above 0 (--check-rate)")
        if self.adaptive is not None and m != "pairwise":
            raise ValueError(f"adaptive: (--adaptive) chooses pairs, so it is for pairwise studies, and this one is {m}")
        if m == "pairwise" and self.practice and any(p.text_b is None for p in self.practice):
            raise ValueError("pairwise practice items need text_b (the second answer)")
        return self

    def to_spec(self) -> StudySpec:
        def dims(v):
            if v is None:
                return None
            if isinstance(v, list):
                return [d.as_dict() if isinstance(d, Dimension) else d.model_dump() for d in v]
            return {k: dims(x) for k, x in v.items()}

        ipr = self.items_per_rater
        return StudySpec(
            study_id=self.id, mode=self.mode, k=self.k, seed=self.seed, dimensions=dims(self.dimensions),
            checklist=dims(self.checklist), check_rate=self.checks.rate, min_time_s=self.min_time_s,
            lease_s=self.lease_s, max_failed_checks=self.checks.max_failed,
            completion_code=self.panel.codes.get("completion"), completion_url=self.panel.completion_url,
            include_revealing=self.include_revealing, max_items=self.max_items,
            max_pairs_per_prompt=self.max_pairs_per_prompt, tasks=self.tasks,
            pool=self.pool.removeprefix("human/") if self.pool else None, suite=self.suite, title=self.title,
            items_per_rater=None if ipr == "auto" else (0 if ipr == "all" else int(ipr)),
            session_minutes=self.session_minutes, codes=dict(self.panel.codes), return_url=self.panel.return_url,
            public_url=self.panel.url, consent={k: v for k, v in self.consent.model_dump().items() if v},
            instructions=self.instructions,
            practice=[p.model_dump() for p in self.practice] if self.practice is not None else None,
            estimated_minutes=self.estimated_minutes, payment=self.payment,
            media=self.media.model_dump(exclude_unset=True) if self.media is not None else {},
            adaptive=self.adaptive.model_dump() if self.adaptive is not None else None,
        )


def _set(data: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for k in keys[:-1]:
        nxt = data.get(k)
        if not isinstance(nxt, dict):
            nxt = data[k] = {}
        data = nxt
    data[keys[-1]] = value


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The settings model that holds the last key of ``loc`` (for did-you-mean)."""
    import typing

    def models_in(ann) -> list[type[BaseModel]]:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return [ann]
        return [m for a in typing.get_args(ann) for m in models_in(a)]

    model: type[BaseModel] | None = StudyFile
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(str(part))
        found = models_in(field.annotation) if field else []
        model = found[0] if found else None
    return model


def _error(exc: pydantic.ValidationError, where: str, node, flags: dict[str, str]) -> BenchError:
    from benchmark.registry import suggest
    from benchmark.tasks.yamlio import format_loc, line_of

    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function"))))
    path = format_loc(loc) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")
    fix = "fix the value (README: 'Run a blind rating study' lists every key)"
    if err["type"] == "extra_forbidden":
        model = _model_at(loc)
        msg = f"unknown key '{loc[-1]}'"
        fix = suggest(str(loc[-1]), list(model.model_fields)) if model else "remove it"
    elif err["type"] == "missing":
        msg = "missing"
        fix = "set id: in the config or pass --id" if path == "id" else f"add {path}:"
    file = None if where == "flags" else where
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    if not loc:  # an impossible combination: the message names the keys, the flags and the fix
        return BenchError(f"{msg}{more}", where=file)
    flag = next((f for f, key in flags.items() if path == key or path.startswith(key + ".")
                 or path.startswith(key + "[")), None)
    line = None if flag or err["type"] == "missing" else line_of(node, loc)
    at = f" (from {flag})" if flag else (f" (line {line})" if line else "")
    return BenchError(f"{path}{at}: {msg}{more}", where=file, fix=fix)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> tuple[StudySpec, dict]:
    """The study a config file (and/or flags) describes: a StudySpec and its inputs.

    ``overrides`` maps a flag (``--k``) to its value; only flags actually given belong in it.
    Returns ``(spec, {"runs", "humans", "pool", "gold"})`` with paths resolved.
    """
    from benchmark.tasks.yamlio import display_path, read_yaml

    data: dict = {}
    node = None
    base = Path.cwd()
    where = "flags"
    if path is not None:
        p = Path(path)
        where = display_path(p)
        if p.is_dir():
            raise BenchError("the study config is a folder", where=where, fix="pass the YAML file")
        raw, node = read_yaml(p)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise BenchError("expected a mapping of study settings (id:, mode:, ...) at the top", where=where)
        data = raw
        base = p.resolve().parent
    given = {f: v for f, v in (overrides or {}).items() if v is not None and v != [] and v != ()}
    unknown = sorted(set(given) - set(FLAG_KEYS))
    if unknown:
        raise BenchError(f"no config key for flag {unknown[0]}")
    for flag, value in given.items():
        if flag in ("--run", "--human"):
            value = [str(v) for v in value]
        elif flag == "--gold":
            value = str(value)
        _set(data, FLAG_KEYS[flag], value)
    try:
        cfg = StudyFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _error(exc, where, node, {f: FLAG_KEYS[f] for f in given}) from None

    def resolve(p: str, flag: str) -> str:
        """A path from the file is read from the file's folder; one from a flag, as given."""
        q = Path(p).expanduser()
        return str(q if q.is_absolute() or flag in given else base / q)

    inputs = {"runs": [resolve(r, "--run") for r in cfg.runs], "humans": [resolve(h, "--human") for h in cfg.humans],
              "pool": cfg.pool.removeprefix("human/") if cfg.pool else None,
              "gold": resolve(cfg.checks.gold, "--gold") if cfg.checks.gold else None}
    spec = cfg.to_spec()
    if spec.media.get("dir"):  # the served media folder, from the file's folder like every path
        spec.media["dir"] = resolve(spec.media["dir"], "--media-dir")
    return spec, inputs
