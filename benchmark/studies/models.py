"""The ratings store's schema (SQLAlchemy 2 declarative tables).

Why these tables: rater pages read ``studies``, ``items``, ``item_texts``, ``raters``,
``assignments`` and ``ratings`` only. The link from an opaque text id back to the model or
human pool that wrote it lives in ``source_map``, a table no rater page imports, so a page
cannot leak a source even by mistake. ``slots`` holds exactly ``k`` rows per rateable item:
a claim takes one slot, so "exactly k ratings per item" is a property of the data, not of
careful code. Unique constraints make a double submit (two tabs, a resent form) harmless.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the ratings store."""


class SchemaVersion(Base):
    """One row per applied migration; the store migrates itself forward on open."""

    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Study(Base):
    """A study: its mode and settings (dimensions, k, checks, timing) as JSON config."""

    __tablename__ = "studies"
    study_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20))  # likert | pairwise | turing | checklist | respond
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    config: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ItemText(Base):
    """A normalised response text under an opaque id (what raters read)."""

    __tablename__ = "item_texts"
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.study_id", ondelete="CASCADE"), primary_key=True)
    text_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    prompt: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class SourceMap(Base):
    """Opaque text id -> response key and true source. Read by exports only, never by pages."""

    __tablename__ = "source_map"
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.study_id", ondelete="CASCADE"), primary_key=True)
    text_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    run_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    task_id: Mapped[str] = mapped_column(String(100))
    task_version: Mapped[str] = mapped_column(String(40))
    response_item_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    sample_idx: Mapped[int] = mapped_column(Integer)
    original_text: Mapped[str] = mapped_column(Text)
    flag: Mapped[str | None] = mapped_column(String(200), nullable=True)  # why it reveals its source
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)


class Item(Base):
    """A thing a rater judges: one text (likert/turing) or two (pairwise); or a check."""

    __tablename__ = "items"
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.study_id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # item | attention | gold | practice
    text_a: Mapped[str] = mapped_column(String(40))
    text_b: Mapped[str | None] = mapped_column(String(40), nullable=True)
    ord: Mapped[int] = mapped_column(Integer)
    expected: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # checks only
    # which of the study's dimension sets (config["dimension_sets"]) this item is rated on;
    # None = the study's only set (schema version 1 had one set per study)
    dimset: Mapped[str | None] = mapped_column(String(60), nullable=True)


class Slot(Base):
    """One of the k rating places of an item; a claim leases a slot, a submit fills it."""

    __tablename__ = "slots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study_id: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[str] = mapped_column(String(40))
    slot_no: Mapped[int] = mapped_column(Integer)
    ord: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8), default="free")  # free | leased | done
    rater_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires: Mapped[float | None] = mapped_column(Float, nullable=True)  # unix seconds
    __table_args__ = (
        UniqueConstraint("study_id", "item_id", "slot_no", name="uq_slot"),
        Index("ix_slots_claim", "study_id", "status", "slot_no"),
        Index("ix_slots_rater", "study_id", "item_id", "rater_id"),
    )


class Rater(Base):
    """A rater (or a respond-mode participant): panel ids, stage, per-rater randomisation."""

    __tablename__ = "raters"
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.study_id", ondelete="CASCADE"), primary_key=True)
    rater_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    prolific_pid: Mapped[str | None] = mapped_column(String(200), nullable=True)
    panel_study_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    stage: Mapped[str] = mapped_column(String(20), default="consent")
    seq: Mapped[int] = mapped_column(Integer, default=0)  # join order (respond mode sample_idx)
    perm_mult: Mapped[int] = mapped_column(BigInteger)  # item order = (ord*mult+offset) mod P
    perm_offset: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Assignment(Base):
    """An item shown to a rater: order, left/right swap and timing. Unique: never twice."""

    __tablename__ = "assignments"
    study_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    rater_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer)
    swapped: Mapped[bool] = mapped_column(Boolean, default=False)
    shown_at: Mapped[float] = mapped_column(Float)  # unix seconds, server clock
    submitted_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="active")  # active | done | expired
    # adaptive pairwise studies: the probability with which this pair's two sources were drawn
    # at the claim (its inverse weights the Bradley-Terry fit); None for a fixed order
    selection_prob: Mapped[float | None] = mapped_column(Float, nullable=True)
    __table_args__ = (Index("ix_assign_rater_state", "study_id", "rater_id", "state"),)


class Rating(Base):
    """One answer on one dimension. Pairwise values are as shown (left/right); the
    assignment's ``swapped`` flag maps them back to texts on export."""

    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study_id: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[str] = mapped_column(String(40))
    rater_id: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(20))
    rt_s: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[float] = mapped_column(Float)
    check_passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # checklist: the rater's optional why
    __table_args__ = (UniqueConstraint("study_id", "item_id", "rater_id", "dimension", name="uq_rating"),)


class Withdrawal(Base):
    """The record that a participant withdrew: their data is deleted, this row stays.

    It keeps the rater id (the panel id, for Prolific) so the researcher can show that the
    request was honoured, and how much was deleted; nothing else about the person.
    """

    __tablename__ = "withdrawals"
    study_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    rater_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    withdrawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ratings_deleted: Mapped[int] = mapped_column(Integer, default=0)
    responses_deleted: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)


class HumanResponse(Base):
    """Respond mode: a participant's answer to one task item, timed on the server."""

    __tablename__ = "human_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study_id: Mapped[str] = mapped_column(String(100))
    rater_id: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str] = mapped_column(String(100))
    task_version: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[str] = mapped_column(String(200))
    prompt: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    started_at: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[float] = mapped_column(Float)
    over_time: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("study_id", "rater_id", "task_id", "item_id", name="uq_human_response"),)


class RespondStart(Base):
    """When a participant first saw a respond item: the timer survives reloads."""

    __tablename__ = "respond_starts"
    study_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    rater_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[float] = mapped_column(Float)
