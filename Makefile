# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export XDG_RUNTIME_DIR ?= /tmp/chorus-runtime-$(shell id -u)

.PHONY: demo test lint typecheck install install-dev browser ocr bench clean schema

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# torch is pinned and installed first, from PyTorch's CPU index (as deploy/Dockerfile does), so
# that nothing pulls the CUDA build (gigabytes of nvidia-* wheels) from PyPI's default index.
# Where that index cannot be reached (no retries: each of torch's dependencies would retry), a local
# wheel or PyPI's build is the fallback.
TORCH := torch==2.13.0
TORCH_INDEX := https://download.pytorch.org/whl/cpu
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q --retries 0 --timeout 20 --index-url $(TORCH_INDEX) $(TORCH) || $(PIP) install -q $(TORCH)
	$(PIP) install -q -e .
	touch $@

$(DEVSTAMP): $(STAMP)
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(STAMP) ocr
install-dev: $(DEVSTAMP) browser ocr

# Debian's Chromium for the browser tests; Playwright's own download does not work offline.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Debian's Tesseract with Arabic, Persian and English models for OCR of image posts, and the Noto
# Arabic fonts with libraqm (Pillow's shaping) that the tests render statement cards with.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-ara tesseract-ocr-fas tesseract-ocr-eng fonts-noto-core libraqm0
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && dpkg -s $(OCR_PACKAGES) >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; fi; }

demo: $(STAMP) ocr
	mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(VENV)/bin/chorus demo $(DEMO_ARGS)

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check collectors classifiers storage monitor seeds tests bench
	$(VENV)/bin/mypy

test: install-dev
	mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(VENV)/bin/ruff check collectors classifiers storage monitor seeds tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	@echo "== the database tests again, on the embedded PostgreSQL 16 that make demo runs =="
	CHORUS_TEST_SERVER=embedded $(VENV)/bin/pytest -m "database and not browser" $(PYTEST_ARGS)

# storage/schema.sql: the current schema in one readable file, generated from a fresh migration.
schema: $(DEVSTAMP)
	$(PY) -m storage.schema_dump

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
