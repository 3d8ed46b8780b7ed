"""The claim of an adaptive pairwise study: the next pair by expected information gain.

Why: uniform pairing spends battles on pairs whose order is already clear; choosing the
next pair of sources by its expected information gain under the current Bradley-Terry fit
(``benchmark.studies.adaptive``) reaches stable ranks with fewer battles. A uniform
exploration share keeps every open pair possible, so the probability with which the
chosen pair of *sources* was drawn is known, positive, and stored with the assignment
(``selection_prob``); the export carries it and ``analyze`` weights each battle by its
inverse. Within the drawn source pair the least-rated item comes first, in the rater's
own order, so exact k, leases and "never twice to one rater" hold as in the fixed order.

What it changes: the order in which pairs are served. Every item still ends with k
ratings; the battles are saved when a study is closed at a budget (or once its ranks are
stable) before every pair is rated, which is where adaptive pairing pays
(``python -m tests.perf adaptive``).

This module reads ``source_map`` (as exports and the admin views do); the sources never
leave it: a page gets an item id and its side swap, as from any claim. Mixed into ``Store``.
"""

from __future__ import annotations

import random
import threading

import numpy as np
import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from benchmark.studies.adaptive import SCORES, Posterior, fit_wins, selection_probabilities
from benchmark.studies.models import Assignment, Item, Rater, Rating, Slot, SourceMap
from benchmark.studies.queries import Q

_B = Q.B
_SA, _SB = aliased(SourceMap), aliased(SourceMap)
# an open place (free, or its lease run out) of a real item this rater has not seen, with the
# sources of the item's two texts
_OPEN = (Slot.study_id == _B("study"), Slot.status.in_(("free", "leased")),
         or_(Slot.status == "free", Slot.lease_expires < _B("now")), ~Q._seen_slot, Item.kind == "item")


def _with_sources(q):
    return (q.select_from(Slot)
            .join(Item, and_(Item.study_id == Slot.study_id, Item.item_id == Slot.item_id))
            .join(_SA, and_(_SA.study_id == Item.study_id, _SA.text_id == Item.text_a))
            .join(_SB, and_(_SB.study_id == Item.study_id, _SB.text_id == Item.text_b)))


# the pairs of sources this rater could be given now (a few rows, however many items)
OPEN_SOURCE_PAIRS = _with_sources(select(_SA.source, _SB.source)).where(*_OPEN).distinct()
# the place to take for a drawn pair of sources: least-rated first, in the rater's order
PAIR_SLOT = (_with_sources(select(Slot.id, Slot.item_id)).where(
    *_OPEN, or_(and_(_SA.source == _B("src_a"), _SB.source == _B("src_b")),
                and_(_SA.source == _B("src_b"), _SB.source == _B("src_a"))))
    .order_by(Slot.slot_no, Q.item_perm).limit(1))
PAIR_SLOT_PG = PAIR_SLOT.with_for_update(skip_locked=True, of=Slot)
# the battles since rating id ``after`` on the study's first question, as shown (usable raters)
NEW_BATTLES = (
    select(Rating.id, Item.text_a, Item.text_b, Assignment.swapped, Rating.value)
    .join(Item, and_(Item.study_id == Rating.study_id, Item.item_id == Rating.item_id))
    .join(Assignment, and_(Assignment.study_id == Rating.study_id, Assignment.item_id == Rating.item_id,
                           Assignment.rater_id == Rating.rater_id))
    .join(Rater, and_(Rater.study_id == Rating.study_id, Rater.rater_id == Rating.rater_id))
    .where(Rating.study_id == _B("study"), Rating.dimension == _B("dim"), Item.kind == "item",
           Rater.stage != "screened", Rating.id > _B("after"))
)
_WINS_LOCK = threading.Lock()
TEXT_SOURCES = select(SourceMap.text_id, SourceMap.source).where(SourceMap.study_id == _B("study"))


class AdaptiveMixin:
    """``_claim_adaptive`` for ``ClaimsMixin._claim`` (needs ``is_pg``, ``_assign`` and the
    ``_sources`` and ``_wins`` caches of ``Store``)."""

    def _text_sources(self, conn: Connection, study_id: str) -> dict[str, str]:
        got = self._sources.get(study_id)
        if got is None:  # the source map never changes after creation
            got = self._sources[study_id] = dict(conn.execute(TEXT_SOURCES, {"study": study_id}).all())
        return got

    def _posterior(self, conn: Connection, study_id: str, src: dict[str, str], cfg: dict) -> Posterior:
        """The Bradley-Terry posterior over all the study's sources, from win counts this Store
        keeps and tops up with the battles stored since its last claim (one small read each).
        Battles of raters screened out or withdrawn later stay in the counts, and on PostgreSQL a
        battle committed out of id order can be missed: the posterior only steers the choice,
        and the weights use the probability that was actually drawn, so they stay exact."""
        dim = (cfg.get("dimensions") or [{"name": "creativity"}])[0]["name"]
        with _WINS_LOCK:  # the app's sessions are threads of one process, sharing this Store
            wins = self._wins.get(study_id)
            if wins is None:
                sources = sorted(set(src.values()))
                wins = self._wins[study_id] = {"after": 0, "sources": sources, "W": np.zeros((len(sources),) * 2)}
            idx = {s: i for i, s in enumerate(wins["sources"])}
            for rid, a, b, swapped, value in conn.execute(NEW_BATTLES, {"study": study_id, "dim": dim,
                                                                         "after": wins["after"]}).all():
                left, right = idx.get(src.get(b if swapped else a)), idx.get(src.get(a if swapped else b))
                y = SCORES.get(str(value).strip().lower())
                if left is not None and right is not None and left != right and y is not None:
                    wins["W"][left, right] += y
                    wins["W"][right, left] += 1.0 - y
                wins["after"] = max(wins["after"], int(rid))
            W = wins["W"].copy()
        return fit_wins(W, wins["sources"], prior_sd=float((cfg.get("adaptive") or {}).get("prior_sd", 1.5)))

    def _claim_adaptive(self, conn: Connection, study_id: str, rater_id: str, cfg: dict, now: float, p: dict,
                        position: int) -> dict | None:
        opts = cfg.get("adaptive") or {}
        open_pairs = {tuple(sorted(r)) for r in conn.execute(OPEN_SOURCE_PAIRS, p).all()}
        if not open_pairs:
            return None
        pairs = pd.DataFrame(sorted(open_pairs), columns=["left_source", "right_source"])
        probs = selection_probabilities(None, pairs, explore=float(opts.get("explore", 0.2)),
                                        posterior=self._posterior(conn, study_id, self._text_sources(conn, study_id), cfg))
        rng = random.Random(f"{cfg.get('seed', 0)}:{rater_id}:{position}:adaptive")
        weights = probs["probability"].tolist()
        while any(weights):  # a drawn pair whose open places other claimers hold right now: draw again
            i = rng.choices(range(len(probs)), weights=weights)[0]
            pair = probs.iloc[i]
            slot = conn.execute(PAIR_SLOT_PG if self.is_pg else PAIR_SLOT,
                                {**p, "src_a": pair["left_source"], "src_b": pair["right_source"]}).first()
            if slot is None:
                weights[i] = 0.0
                continue
            conn.execute(Q.lease_slot, {"sid": slot[0], "rater": rater_id,
                                        "expires": now + float(cfg.get("lease_s", 900))})
            return self._assign(conn, study_id, rater_id, slot[1], "item", position, now, cfg,
                                selection_prob=float(pair["probability"]))
        return None
