"""Async generation: concurrency, retries, cache, resume, manifest (see ``run.py``)."""

from benchmark.runner.cache import GenerationCache, cache_key, default_cache_dir
from benchmark.runner.manifest import MANIFEST_NAME, read_manifest
from benchmark.runner.retry import RetriesExhausted, RetryPolicy, call_with_retries
from benchmark.runner.run import Runner, RunSummary, load_items, parse_ideas, run_suite
from benchmark.runner.store import LOG_NAME, PARQUET_NAME, ResultLog, write_parquet
from benchmark.runner.units import SEED_SCHEME, WorkUnit, expand_units, unit_seed

__all__ = [
    "GenerationCache", "cache_key", "default_cache_dir", "MANIFEST_NAME", "read_manifest",
    "RetriesExhausted", "RetryPolicy", "call_with_retries", "Runner", "RunSummary", "load_items",
    "parse_ideas", "run_suite", "LOG_NAME", "PARQUET_NAME", "ResultLog", "write_parquet",
    "SEED_SCHEME", "WorkUnit", "expand_units", "unit_seed",
]
