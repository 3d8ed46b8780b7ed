"""Images and sounds as answers: records, manifests, blinding, the demo and a vision judge.

    from benchmark.media import import_manifest, BlindingPolicy, blind_responses
    import_manifest("exports/manifest.csv", "results/runs/firefly")      # all or nothing
    mapping = blind_responses(df, run_dir, "served/", BlindingPolicy(), salt=secret)

A response may carry ``media_path`` (relative to its run folder) and ``media_type``
beside or instead of ``text``. Nothing here imports Pillow or soundfile until it is used.
"""

from benchmark.media.importer import import_manifest, manifest_items
from benchmark.media.inspect import find_metadata
from benchmark.media.manifest import DEFAULT_MAX_BYTES, is_media_manifest, read_media_manifest
from benchmark.media.records import MEDIA_COLUMNS, MEDIA_DIR, MediaBlob, has_media
from benchmark.media.sanitize import BlindedFile, BlindingPolicy, blind_file, blind_responses, opaque_name, reencode
from benchmark.media.store import safe_name, save_media
from benchmark.media.types import AUDIO_TYPES, IMAGE_TYPES, MEDIA_TYPES, MediaInfo, MediaTypeError, kind_of, probe

__all__ = [
    "AUDIO_TYPES", "BlindedFile", "BlindingPolicy", "DEFAULT_MAX_BYTES", "IMAGE_TYPES", "MEDIA_COLUMNS", "MEDIA_DIR",
    "MEDIA_TYPES", "MediaBlob", "MediaInfo", "MediaTypeError", "blind_file", "blind_responses", "find_metadata",
    "has_media", "import_manifest", "is_media_manifest", "kind_of", "manifest_items", "opaque_name", "probe",
    "read_media_manifest", "reencode", "safe_name", "save_media",
]
