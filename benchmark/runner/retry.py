"""One retry policy for every backend: exponential backoff with jitter, honouring Retry-After.

Backends raise ``TransientError`` (429, 5xx, timeouts, refused connections, broken JSON)
with the server's ``Retry-After`` when it sent one; this layer waits at least that long,
otherwise ``initial * 2**k`` plus jitter, up to ``max_attempts`` attempts. The final
failure is re-raised with the attempt count so the unit is recorded with its error
(and a re-run retries it) rather than dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

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


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(initial=policy.initial_s, max=policy.max_backoff_s, jitter=policy.jitter_s)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return min(float(retry_after), policy.max_retry_after_s)
        return backoff(state)

    return wait


async def call_with_retries(fn: Callable[[], Awaitable[T]], policy: RetryPolicy) -> tuple[T, int]:
    """Run ``fn`` until it succeeds; returns (result, attempts). Non-transient errors pass through."""
    attempts = 0
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(policy.max_attempts),
            wait=_wait(policy),
            retry=retry_if_exception_type(TransientError),
            reraise=True,
        ):
            with attempt:
                attempts = attempt.retry_state.attempt_number
                result = await fn()
    except TransientError as exc:
        raise RetriesExhausted(exc, attempts) from exc
    return result, attempts
