"""Published answers of people and real models (shared data) as replay sources with provenance.

    from benchmark.sources import published_sources
    for s in published_sources("../shared/data"):
        s.source, s.rows, s.provenance
"""

from benchmark.sources.published import (
    WRITING_ITEMS, PublishedSource, WritingItem, published_sources, subset,
)

__all__ = ["WRITING_ITEMS", "PublishedSource", "WritingItem", "published_sources", "subset"]
