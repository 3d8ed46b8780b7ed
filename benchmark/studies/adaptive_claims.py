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
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from benchmark.studies.adaptive import SCORES, Posterior, fit_wins, selection_probabilities
from benchmark.studies.models import Assignment, Item, Rater, Rating, Slot, SourceMap
from benchmark.studies.queries import PERM_PRIME, Q

_B = Q.B
# the items this rater could be given now (an open place, not seen), with their lowest open level
OPEN_PAIRS = (
    select(Item.item_id, Item.text_a, Item.text_b, Item.ord, func.min(Slot.slot_no))
    .join(Slot, and_(Slot.study_id == Item.study_id, Slot.item_id == Item.item_id))
    .where(Item.study_id == _B("study"), Item.kind == "item", Slot.status.in_(("free", "leased")),
           or_(Slot.status == "free", Slot.lease_expires < _B("now")), ~Q._seen_slot)
    .group_by(Item.item_id, Item.text_a, Item.text_b, Item.ord)
)
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
        open_items = conn.execute(OPEN_PAIRS, p).all()
        if not open_items:
            return None
        src = self._text_sources(conn, study_id)
        items = pd.DataFrame(open_items, columns=["item_id", "text_a", "text_b", "ord", "level"])
        sa, sb = items["text_a"].map(src), items["text_b"].map(src)
        items["left_source"], items["right_source"] = sa.where(sa <= sb, sb), sb.where(sa <= sb, sa)
        items["order"] = (items["ord"].astype("int64") * p["mult"] + p["offset"]) % PERM_PRIME
        pairs = items[["left_source", "right_source"]].drop_duplicates().reset_index(drop=True)
        probs = selection_probabilities(None, pairs, explore=float(opts.get("explore", 0.2)),
                                        posterior=self._posterior(conn, study_id, src, cfg))
        rng = random.Random(f"{cfg.get('seed', 0)}:{rater_id}:{position}:adaptive")
        weights = probs["probability"].tolist()
        for _ in range(3):  # a drawn pair whose open places other claimers hold right now: draw again
            i = rng.choices(range(len(probs)), weights=weights)[0]
            pair = probs.iloc[i]
            mine = items[(items["left_source"] == pair["left_source"]) & (items["right_source"] == pair["right_source"])]
            for item_id in mine.sort_values(["level", "order"])["item_id"]:
                slot_id = conn.execute(Q.other_slot_pg if self.is_pg else Q.other_slot,
                                       {**p, "item": item_id}).scalar()
                if slot_id is None:
                    continue
                conn.execute(Q.lease_slot, {"sid": slot_id, "rater": rater_id,
                                            "expires": now + float(cfg.get("lease_s", 900))})
                return self._assign(conn, study_id, rater_id, item_id, "item", position, now, cfg,
                                    selection_prob=float(pair["probability"]))
            weights[i] = 0.0
            if not any(weights):
                break
        return None
