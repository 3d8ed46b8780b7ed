# creativity-bench: two commands on a fresh machine.
#   make run   -> creates .venv, installs, runs the main job on the embedded default model
#   make test  -> creates .venv, installs, runs every test
#   make perf  -> runs the benchmarks under tests/perf/ and prints their ratios
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL ?= llamacpp/smollm2
SUITE ?= core
OUT ?= results/latest/smollm2-core
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test perf install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools
	# the CPU wheel first: an unpinned torch would pull a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/creativity-bench evaluate --model $(MODEL) --suite $(SUITE) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q tests

perf: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,perf]'
	$(BIN)/python -m tests.perf

clean:
	rm -rf $(VENV) build *.egg-info
