"""The runner: task items x samples -> work units -> responses, resumable at any moment.

Units run concurrently under one semaphore per backend (its ``concurrency``). Each unit
is served from the cache when possible, otherwise generated with retries; its record
(answer or error) is appended to ``responses.jsonl`` the moment it finishes. A re-run
into the same folder skips finished units, retries errored ones and never duplicates.
At the end, including after Ctrl-C, the log is consolidated into ``responses.parquet``
and ``manifest.json`` is updated.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from tqdm.auto import tqdm

from benchmark.errors import BenchError
from benchmark.models.base import Generation, GenerationError, ModelBackend, UnitRef, get_model
from benchmark.runner.cache import GenerationCache, cache_key
from benchmark.runner.manifest import base_manifest, check_resumable, git_commit, now_iso, read_manifest, write_manifest
from benchmark.runner.retry import RetriesExhausted, RetryPolicy, call_with_retries
from benchmark.runner.store import PARQUET_NAME, ResultLog, is_ok, write_parquet
from benchmark.runner.units import SEED_SCHEME, ItemLike, WorkUnit, expand_units, limit_per_task


@dataclass
class RunSummary:
    run_id: str
    run_dir: Path
    items: int
    units: int
    ok: int
    errors: int
    skipped: int  # finished in an earlier session
    generated: int  # finished in this session (fresh or from the cache)
    cached: int
    tokens: int
    wall_s: float
    generate_s: float = 0.0  # wall time of generation alone (no model load, no bookkeeping)
    interrupted: bool = False
    error_examples: list[str] = field(default_factory=list)

    @property
    def tokens_per_s(self) -> float:
        """Fresh completion tokens over generation time (cache hits and model load excluded)."""
        return self.tokens / self.generate_s if self.generate_s > 0 else 0.0

    @property
    def responses_path(self) -> Path:
        return self.run_dir / PARQUET_NAME

    def line(self) -> str:
        tail = "; re-run the same command to retry" if self.errors else ""
        return f"{self.ok} ok, {self.errors} errors{tail}"


def parse_ideas(text: str | None, answer_format: str) -> list[str] | None:
    """List answers are parsed by the task suite's own parser; free text stays None."""
    if text is None or answer_format not in ("ideas", "words"):  # text, image, audio: nothing to parse
        return None
    from benchmark.tasks import parse_answer

    ideas = parse_answer(text, answer_format)
    return list(ideas) if ideas is not None else None


class Runner:
    """Generate every unit of ``items`` with ``model`` into ``out`` (the run folder)."""

    def __init__(
        self,
        model: ModelBackend,
        items: Sequence[ItemLike],
        out: str | Path,
        *,
        seed: int = 0,
        n: int | None = None,
        limit: int | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        top_p: float | None = None,
        retry: RetryPolicy | None = None,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        progress: bool = True,
    ):
        self.model = model
        self.items = limit_per_task(items, limit)
        if not self.items:
            raise BenchError("no task items to run", fix="check --suite/--task and --limit")
        self.run_dir = Path(out)
        self.run_id = self.run_dir.resolve().name
        self.seed = int(seed)
        self.n = n
        self.limit = limit
        self.overrides = {"temperature": temperature, "max_tokens": max_tokens, "top_p": top_p}
        self.retry = retry or RetryPolicy()
        self.use_cache = use_cache and bool(getattr(model, "cacheable", True))
        self.cache_dir = cache_dir
        self.progress = progress
        sources = list(getattr(model, "sources", None) or [model.source])
        self.units = expand_units(
            self.items, sources, self.seed, n=n, overrides=self.overrides,
            sample_count=getattr(model, "sample_count", None),
        )
        keys = [u.key for u in self.units]
        if len(set(keys)) != len(keys):
            raise BenchError("two task items share one key (task_id, task_version, item_id)", fix="make item ids unique")

    # -- one unit ---------------------------------------------------------------------
    def _record(self, unit: WorkUnit, gen: Generation | None, error: str | None, attempts: int, cached: bool) -> dict[str, Any]:
        text = gen.text if gen else None
        ideas = None
        media: dict[str, Any] = {}
        if gen is not None and gen.media is not None:  # an image or a sound: saved in the run folder
            from benchmark.media.store import save_media

            try:
                media = dict(zip(("media_path", "media_type"), save_media(self.run_dir, unit.key, gen.media)))
            except OSError as exc:
                error = f"cannot save media: {exc}"
            text = text or None
        elif gen is not None:
            try:
                ideas = parse_ideas(text, unit.answer_format)
            except Exception as exc:  # a parser bug must not lose the answer itself
                error = f"cannot parse answer: {type(exc).__name__}: {exc}"
        return {
            "run_id": self.run_id,
            "task_id": unit.task_id,
            "task_version": unit.task_version,
            "item_id": unit.item_id,
            "source": unit.source,
            "sample_idx": unit.sample_idx,
            "seed": unit.seed,
            "prompt": (gen.prompt if gen and gen.prompt else unit.prompt),
            "text": text,
            "ideas": ideas,
            "latency_s": gen.latency_s if gen else None,
            "tokens": gen.tokens if gen else None,
            "error": error,
            "created_at": now_iso(),
            **media,
            # log-only fields (not in responses.parquet)
            "attempts": attempts,
            "cached": cached,
            "settings": unit.settings.as_dict(),
        }

    async def _generate_unit(self, unit: WorkUnit, cache: GenerationCache | None) -> dict[str, Any]:
        messages = unit.chat()
        key = None
        if cache is not None:
            key = cache_key(self.model.cache_identity(), messages, unit.settings.as_dict(), unit.sample_idx, unit.seed)
            hit = cache.get(key)
            if hit is not None:
                return self._record(unit, hit, None, 0, True)
        ref = UnitRef(unit.task_id, unit.item_id, unit.sample_idx, unit.source)

        async def call() -> Generation:
            return await self.model.generate(messages, seed=unit.seed, unit=ref, **unit.settings.as_dict())

        try:
            gen, attempts = await call_with_retries(call, self.retry)
        except RetriesExhausted as exc:
            return self._record(unit, None, str(exc), exc.attempts, False)
        except GenerationError as exc:
            return self._record(unit, None, str(exc), 1, False)
        except (BenchError, asyncio.CancelledError):
            raise
        except Exception as exc:  # record, don't crash: the other units' work must survive
            return self._record(unit, None, f"{type(exc).__name__}: {exc}", 1, False)
        if cache is not None and key is not None and gen.media is None:  # the cache holds text only
            cache.put(key, gen)
        return self._record(unit, gen, None, attempts, False)

    # -- the run ----------------------------------------------------------------------
    def _tasks_info(self) -> dict[str, dict[str, Any]]:
        info: dict[str, dict[str, Any]] = {}
        for u in self.units:
            t = info.setdefault(u.task_id, {"version": u.task_version, "items": 0, "samples": 0, "generation": u.settings.as_dict()})
            t["samples"] = max(t["samples"], u.sample_idx + 1)
        for it in self.items:
            info[it.task_id]["items"] += 1
        return info

    async def arun(self) -> RunSummary:
        t0 = time.perf_counter()
        started = now_iso()
        previous = read_manifest(self.run_dir)
        tasks_info = self._tasks_info()
        check_resumable(previous, self.model.spec, self.seed, self.run_dir, tasks_info, backend=self.model.settings())
        log = ResultLog(self.run_dir)
        state = log.read()
        todo = [u for u in self.units if not is_ok(state.get(u.key))]
        manifest = base_manifest(
            self.run_id, self.model.spec, self.seed, SEED_SCHEME, self.model.settings(), tasks_info,
            {"n": self.n, "limit": self.limit, **{k: v for k, v in self.overrides.items()},
             "concurrency": self.model.concurrency, "cache": self.use_cache, "retry": self.retry.as_dict()},
            previous,
        )
        if todo and hasattr(self.model, "load"):  # a model that cannot load fails before anything is written
            await asyncio.to_thread(self.model.load)  # type: ignore[attr-defined]
        # git can take a while on a big checkout: ask it in the background, read it at the end
        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="git")
        git_info = pool.submit(git_commit)
        pool.shutdown(wait=False)
        session: dict[str, Any] = {"started_at": started, "units": len(self.units), "todo": len(todo)}
        if manifest["backend"].get("system_info"):  # the build that made this session's answers (llama.cpp)
            session["system_info"] = manifest["backend"]["system_info"]
        manifest["sessions"].append(session)
        manifest["status"] = "running"
        write_manifest(self.run_dir, manifest)

        cache = GenerationCache(self.cache_dir) if self.use_cache and todo else None
        sem = asyncio.Semaphore(self.model.concurrency)
        counts: dict[str, Any] = {"cached": 0, "tokens": 0, "generated": 0, "generate_s": 0.0}
        bar = tqdm(total=len(self.units), initial=len(self.units) - len(todo), desc=f"run {self.model.spec}",
                   unit="resp", disable=not self.progress, dynamic_ncols=True)
        log.open()
        interrupted = False

        async def one(unit: WorkUnit) -> None:
            async with sem:
                rec = await self._generate_unit(unit, cache)
            log.append(rec)
            state[unit.key] = rec  # a unit in todo had no ok record: this one is its latest
            counts["generated"] += 1
            counts["cached"] += int(rec["cached"])
            if not rec["cached"] and rec["tokens"]:
                counts["tokens"] += int(rec["tokens"])
            bar.update(1)

        try:
            t_gen = time.perf_counter()
            try:
                await asyncio.gather(*(one(u) for u in todo))
            finally:
                counts["generate_s"] = time.perf_counter() - t_gen
        except (asyncio.CancelledError, KeyboardInterrupt):
            interrupted = True
            raise
        finally:
            bar.close()
            log.close()
            if cache is not None:
                cache.close()
            try:
                manifest["git"] = git_info.result(timeout=15) or manifest.get("git")
            except Exception:  # no git, or a hung one: the manifest says so rather than failing the run
                pass
            summary = self._finish(manifest, session, state, todo, counts, t0, interrupted)
        return summary

    def _finish(self, manifest: dict[str, Any], session: dict[str, Any], state: dict, todo: list[WorkUnit],
                counts: dict[str, int], t0: float, interrupted: bool) -> RunSummary:
        current, superseded = current_records(state, self.units)
        write_parquet(current, self.run_dir / PARQUET_NAME)
        if superseded:
            manifest["superseded"] = superseded
        mine = [state.get(u.key) for u in self.units]
        ok = sum(1 for r in mine if is_ok(r))
        errors = sum(1 for r in mine if r is not None and not is_ok(r))
        wall = time.perf_counter() - t0
        examples = sorted({str(r["error"]) for r in mine if r is not None and not is_ok(r)})[:3]
        session.update({"ended_at": now_iso(), "generated": counts["generated"], "cached": counts["cached"],
                        "ok": ok, "errors": errors, "wall_s": round(wall, 3), "interrupted": interrupted})
        all_recs = current
        manifest["counts"] = {"units": len(all_recs), "ok": sum(1 for r in all_recs if is_ok(r)),
                              "errors": sum(1 for r in all_recs if not is_ok(r))}
        manifest["ended_at"] = session["ended_at"]
        manifest["status"] = "interrupted" if interrupted else ("finished" if errors == 0 else "finished_with_errors")
        write_manifest(self.run_dir, manifest)
        return RunSummary(
            run_id=self.run_id, run_dir=self.run_dir, items=len(self.items), units=len(self.units), ok=ok,
            errors=errors, skipped=len(self.units) - len(todo), generated=counts["generated"], cached=counts["cached"],
            tokens=counts["tokens"], wall_s=wall, generate_s=counts["generate_s"], interrupted=interrupted, error_examples=examples,
        )

    def run(self, close_model: bool = False) -> RunSummary:
        """Synchronous entry; ``close_model`` releases the backend (weights, connections) after."""

        async def go() -> RunSummary:
            try:
                return await self.arun()
            finally:
                if close_model:
                    await self.model.aclose()

        return asyncio.run(go())


def current_records(state: dict, units: Sequence[WorkUnit]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The records of ``responses.parquet``: for a task this run asks, only its current
    version's answers. Why: after a task's version is bumped (new prompts, new items), a
    resumed folder would otherwise score the old version's answers beside the new ones as
    if they answered the same task. They stay in ``responses.jsonl`` (nothing is lost), and
    the manifest counts them under ``superseded`` (task -> answers)."""
    versions = {u.key[0]: u.key[1] for u in units}
    current, superseded = [], {}
    for rec in state.values():
        task, version = str(rec["task_id"]), str(rec["task_version"])
        if task in versions and version != versions[task]:
            superseded[task] = superseded.get(task, 0) + 1
        else:
            current.append(rec)
    return current, superseded


def load_items(suite: str | None = None, task: str | None = None, rat_items: str | Path | None = None) -> list[ItemLike]:
    """Items of a named suite or of one task (exactly one of the two), plus, with
    ``rat_items``, a published normed Remote Associates set (e.g. Bowden & Jung-Beeman 2003)."""
    from benchmark import tasks as suite_mod

    if rat_items is not None and not suite and not task:
        return list(suite_mod.load_published_rat(rat_items))
    if bool(suite) == bool(task):
        raise BenchError("give exactly one of --suite NAME or --task ID", fix="e.g. --suite smoke")
    items = list(suite_mod.load_suite(suite)) if suite else list(suite_mod.load_task(task).items)
    if rat_items is not None:
        items += suite_mod.load_published_rat(rat_items)
    return items


def run_suite(
    model: str | ModelBackend,
    *,
    out: str | Path,
    suite: str | None = None,
    task: str | None = None,
    items: Iterable[ItemLike] | None = None,
    model_options: dict[str, Any] | None = None,
    concurrency: int | None = None,
    rat_items: str | Path | None = None,
    **runner_options: Any,
) -> RunSummary:
    """Library entry point (``evaluate`` uses it): build the model, run, close the model."""
    chosen = list(items) if items is not None else load_items(suite, task, rat_items)
    opts = dict(model_options or {})
    if concurrency is not None:
        opts["concurrency"] = concurrency
    backend = get_model(model, **opts) if isinstance(model, str) else model
    if concurrency is not None and not isinstance(model, str):
        backend.concurrency = int(concurrency)

    return Runner(backend, chosen, out, **runner_options).run(close_model=True)
