"""The MiniLM encoder with its cache, and word vectors from the wheel or a user's file."""

from __future__ import annotations

import numpy as np
import pytest

from benchmark.errors import BenchError
from benchmark.scoring.embeddings import (
    EmbeddingCache,
    WordVectors,
    load_word_vectors,
    parse_vectors_text,
)


def test_encode_returns_unit_float32_rows_in_order(encoder):
    texts = ["brick", "use it as a doorstop", "brick"]
    v = encoder.encode(texts)
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v[0], v[2])
    assert not np.allclose(v[0], v[1])
    # meaning is preserved: a paraphrase is nearer than an unrelated sentence
    a, b, c = encoder.encode(["hold a door open", "keep the door from closing", "bake a chocolate cake"])
    assert a @ b > a @ c


def test_cache_hit_returns_identical_vectors_without_the_model(encoder, tmp_path, monkeypatch):
    monkeypatch.setattr(encoder, "cache", EmbeddingCache(encoder.name, encoder.dim, root=tmp_path))
    texts = ["a paperweight for windy days", "grind it into red pigment"]
    first = encoder.encode(texts)
    assert encoder.cache.path.exists()

    calls = []
    real = encoder.model.encode
    monkeypatch.setattr(encoder.model, "encode", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert np.array_equal(encoder.encode(texts), first)  # in-memory hit
    encoder.cache.clear_memory()
    assert np.array_equal(encoder.encode(texts), first)  # SQLite hit
    assert calls == []
    # a fresh cache object over the same file (another process) sees the vectors too
    other = EmbeddingCache(encoder.name, encoder.dim, root=tmp_path)
    from benchmark.scoring.embeddings import text_key

    got = other.get_many([text_key(encoder.name, t) for t in texts])
    assert len(got) == 2
    encoder.encode(texts + ["a new text"])
    assert len(calls) == 1 and calls[0][0] == ["a new text"]


def test_default_word_vectors_are_glove_6b_50d():
    wv = load_word_vectors()
    assert wv.name == "glove-6b-50d" and wv.dim == 50 and len(wv) == 400_000
    assert "brick" in wv and "qzxqzxqzx" not in wv
    assert np.array_equal(wv.get("Brick"), wv.get("brick"))
    assert wv.get("qzxqzxqzx") is None
    # GloVe geometry: related words are nearer
    def cos(a, b):
        x, y = wv.get(a), wv.get(b)
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    assert cos("brick", "wall") > cos("brick", "banana")


def test_glove_text_file_by_path(tmp_path):
    f = tmp_path / "tiny.glove.txt"
    f.write_text("brick 1.0 0.0 0.5\nwall 0.9 0.1 0.4\n. . . 0.1 0.2 0.3\nbanana -1 2 0\n", encoding="utf-8")
    wv = load_word_vectors(str(f))
    assert isinstance(wv, WordVectors) and wv.dim == 3 and len(wv) == 4
    assert np.allclose(wv.get("wall"), [0.9, 0.1, 0.4])
    assert ". . ." in wv  # GloVe 840B has tokens with spaces
    # second load comes from the converted .npy cache and is the same
    load_word_vectors.cache_clear()
    again = load_word_vectors(str(f))
    assert np.array_equal(again.matrix, wv.matrix) and again.index == wv.index


def test_word2vec_text_with_header(tmp_path):
    f = tmp_path / "w2v.txt"
    f.write_text("2 2\nrope 0.5 0.5\nknot 0.4 0.6\n", encoding="utf-8")
    words, mat = parse_vectors_text(f)
    assert words == ["rope", "knot"] and mat.shape == (2, 2)


@pytest.mark.parametrize(
    "content, line",
    [
        ("brick 1.0 0.0 0.5\nwall 0.9 oops 0.4\n", "line 2"),
        ("brick 1.0 0.0 0.5\nwall 0.9\n", "line 2"),
        ("brick,1.0,0.0\n", "line 1"),
    ],
)
def test_wrong_vector_format_names_file_and_line(tmp_path, content, line):
    f = tmp_path / "bad.txt"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(BenchError) as exc:
        load_word_vectors(str(f))
    assert str(f) in str(exc.value) and line in str(exc.value)


def test_binary_or_missing_vector_file_is_a_clear_error(tmp_path):
    f = tmp_path / "vectors.bin"
    f.write_bytes(b"\x80\x81\xfe\xff" * 100)
    with pytest.raises(BenchError, match="not UTF-8"):
        load_word_vectors(str(f))
    with pytest.raises(BenchError, match="not found"):
        load_word_vectors(str(tmp_path / "nope.txt"))


def test_npy_with_vocabulary(tmp_path):
    np.save(tmp_path / "vec.npy", np.eye(3, dtype=np.float32))
    (tmp_path / "vec.vocab.txt").write_text("a\nb\nc\n", encoding="utf-8")
    wv = load_word_vectors(str(tmp_path / "vec.npy"))
    assert np.array_equal(wv.get("c"), [0, 0, 1])
    np.save(tmp_path / "lonely.npy", np.eye(2, dtype=np.float32))
    with pytest.raises(BenchError, match="no vocabulary"):
        load_word_vectors(str(tmp_path / "lonely.npy"))


def test_one_encoder_object_per_model_name():
    from benchmark.scoring.embeddings import MINILM_NAME, minilm_dir, sentence_encoder

    enc = sentence_encoder()
    assert sentence_encoder(MINILM_NAME) is enc and sentence_encoder(model=MINILM_NAME) is enc
    assert sentence_encoder(str(minilm_dir())) is sentence_encoder(str(minilm_dir()) + "/")


def test_glove_vocabulary_is_built_once_into_the_cache_and_mapped(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVITY_BENCH_CACHE", str(tmp_path))
    load_word_vectors.cache_clear()
    try:
        wv = load_word_vectors()
        built = sorted(p.name for p in (tmp_path / "wordvectors").iterdir())
        assert any(n.endswith(".words.npy") for n in built) and any(n.endswith(".rows.npy") for n in built)
        load_word_vectors.cache_clear()
        again = load_word_vectors()
        assert isinstance(again.index.sorted_words, np.memmap) and again.index == wv.index
        words = ["brick", "Wall", "qzxqzxqzx", "the"]
        mat, unknown = again.lookup(words)
        assert unknown == ["qzxqzxqzx"] and np.array_equal(mat[1], again.get("wall"))
        assert again.index.contains_many(["brick", "qzxqzxqzx"]).tolist() == [True, False]
    finally:
        load_word_vectors.cache_clear()


def test_stop_words_are_scikit_learns_list():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from benchmark.scoring.semantic_distance import stop_words

    assert stop_words() == frozenset(ENGLISH_STOP_WORDS) and len(stop_words()) == 318
