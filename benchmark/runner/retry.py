"""One retry policy for every backend: exponential backoff with jitter, honouring Retry-After.

Backends raise ``TransientError`` (429, 5xx, timeouts, refused connections, broken JSON)
with the server's ``Retry-After`` when it sent one; this layer waits at least that long,
otherwise ``initial * 2**k`` plus jitter, up to ``max_attempts`` attempts. The final
failure is re-raised with the attempt count so the unit is recorded with its error
(and a re-run retries it) rather than dropped.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Awaitable, Callable, TypeVar

from benchmark.models.base import TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    initial_s: float = 1.0
    max_backoff_s: float = 30.0
    jitter_s: float = 0.5
    # A server asking for longer than this is waited for this long, then tried again.
    max_retry_after_s: float = 120.0

    def as_dict(self) -> dict[str, float]:
        return {"max_attempts": self.max_attempts, "initial_s": self.initial_s, "max_backoff_s": self.max_backoff_s,
                "jitter_s": self.jitter_s, "max_retry_after_s": self.max_retry_after_s}


class RetriesExhausted(Exception):
    """The last transient error, after ``attempts`` tries."""

    def __init__(self, last: TransientError, attempts: int):
        super().__init__(f"{last} (gave up after {attempts} attempt{'s' if attempts != 1 else ''})")
        self.last = last
        self.attempts = attempts


def backoff_s(policy: RetryPolicy, failures: int, retry_after: float | None) -> float:
    """Seconds to wait after the ``failures``-th failure: the server's Retry-After when it
    sent one (capped), else ``initial * 2**(failures-1)`` (capped) plus uniform jitter."""
    if retry_after is not None:
        return min(float(retry_after), policy.max_retry_after_s)
    return min(policy.max_backoff_s, policy.initial_s * 2 ** (failures - 1)) + random.uniform(0, policy.jitter_s)


async def call_with_retries(fn: Callable[[], Awaitable[T]], policy: RetryPolicy) -> tuple[T, int]:
    """Run ``fn`` until it succeeds; returns (result, attempts). Non-transient errors pass through.

    A plain loop rather than tenacity: the success path runs once per unit (thousands per
    run), and a bare ``await`` there keeps the runner's overhead out of the wall time.
    """
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return await fn(), attempt
        except TransientError as exc:
            if attempt >= policy.max_attempts:
                raise RetriesExhausted(exc, attempt) from exc
            await asyncio.sleep(backoff_s(policy, attempt, exc.retry_after))
    raise AssertionError("unreachable: max_attempts >= 1")
