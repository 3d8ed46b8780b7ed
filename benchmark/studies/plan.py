"""A rater's session, planned: how many items, how long, where the checks go, how many raters.

Why: a panel pays by the minute and a rater who must judge every item of a 100-item pool
gives up or rushes. A session is sized to about 15-20 minutes from what the rater has to
read and answer; the progress bar's total is the plan, so it is always right; attention
checks sit at random positions drawn per rater (so nobody learns that "every tenth item is
a check"), at the configured rate, and at least one per rater.

Timing model (stated so a researcher can check it): silent reading at 238 words per
minute (Brysbaert 2019, "How many words do we read per minute?", J. Memory and Language
109:104047, the mean for non-fiction in English), plus a fixed time per question (5 s
for a rating scale, 6 s for a yes/no test, 8 s for a pairwise choice or a Turing guess
with its confidence) and 4 s per item to find one's place; consent, instructions and
practice take about 3 minutes.
"""

from __future__ import annotations

import math
import random

READ_WPM = 238.0
ITEM_OVERHEAD_S = 4.0
QUESTION_S = {"likert": 5.0, "checklist": 6.0, "pairwise": 8.0, "turing": 8.0}
SESSION_OVERHEAD_S = 180.0
DEFAULT_SESSION_MINUTES = 17.5  # the middle of 15-20


def seconds_per_item(mode: str, words_per_text: float, n_questions: int) -> float:
    """Expected seconds for one item: read its text(s), answer its questions."""
    texts = 2 if mode == "pairwise" else 1
    questions = 1 if mode in ("pairwise", "turing") else max(1, n_questions)
    return ITEM_OVERHEAD_S + texts * words_per_text * 60.0 / READ_WPM + questions * QUESTION_S.get(mode, 5.0)


def checks_for(n_items: int, rate: float) -> int:
    """Checks in a session of ``n_items`` items: ``rate`` of them, at least one when rate > 0."""
    if rate <= 0 or n_items <= 0:
        return 0
    return max(1, round(rate * n_items))


def items_per_rater(n_items: int, item_s: float, rate: float, minutes: float = DEFAULT_SESSION_MINUTES) -> int:
    """The most items (with their checks) that fit a session of about ``minutes``; at most all."""
    budget = max(60.0, minutes * 60.0 - SESSION_OVERHEAD_S)
    n = int(budget // (item_s * (1.0 + max(0.0, rate))))
    n = max(1, n)
    while n > 1 and (n + checks_for(n, rate)) * item_s > budget:
        n -= 1
    return min(n_items, n)


def session_minutes(n_items: int, n_checks: int, item_s: float) -> float:
    """Expected minutes for one rater, from consent to code."""
    return (SESSION_OVERHEAD_S + (n_items + n_checks) * item_s) / 60.0


def raters_needed(n_items: int, k: int, per_rater: int) -> int:
    """Raters who finish their session needed for k ratings of every item (screened-out
    raters' ratings are redone, so recruit a margin on top)."""
    if n_items <= 0 or per_rater <= 0:
        return 0
    return max(k, math.ceil(n_items * k / per_rater))


def check_positions(seed: int, rater_id: str, n_items: int, rate: float, n_check_items: int) -> frozenset[int]:
    """Where this rater's checks go: 0-based screen positions, never the first screen.

    With ``n_items`` items and ``c`` checks the session has ``n_items + c`` screens; the
    ``c`` check positions are drawn without replacement from screens 2..last, seeded by the
    study's seed and the rater id (so a reload or a second server draws the same ones).
    """
    c = min(n_check_items, checks_for(n_items, rate))
    if c == 0:
        return frozenset()
    rng = random.Random(f"{seed}:{rater_id}:checks")
    return frozenset(rng.sample(range(1, n_items + c), c))
