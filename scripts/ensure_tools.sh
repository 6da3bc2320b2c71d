#!/usr/bin/env bash
# Installs what the test suite needs beyond Python and Rust: a Java 17+ runtime and Maven (Debian
# packages) for Apache Kafka, then resolves the Kafka jars with Maven into .cache/ (once).
# Reports what is missing instead of failing when it cannot install (no root, no apt).
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_tools: installing ${missing[*]} from Debian"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
      || echo "ensure_tools: apt-get could not install ${missing[*]}"
  else
    echo "ensure_tools: missing ${missing[*]} (not root or no apt-get): Apache Kafka tests will report it"
  fi
fi

if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  python3 - <<'PY' || echo "ensure_tools: could not resolve the Apache Kafka jars (see above)"
import sys
sys.path.insert(0, 'tests')
from brokers.apache_kafka import ensure_jars
print('ensure_tools: Apache Kafka jars in', ensure_jars())
PY
fi
exit 0
