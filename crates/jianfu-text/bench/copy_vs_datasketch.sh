#!/usr/bin/env bash
# Copy detection against the Python tool datasketch, on the same generated
# corpus, in one run: prints both times and the speed ratio, like for like
# (same shingle sets, num_perm, bands x rows; datasketch with MinHash.bulk
# and an insertion session) and for the whole pipeline from raw text.
#
#   crates/jianfu-text/bench/copy_vs_datasketch.sh [DOCS] [PYTHON]
#
# DOCS defaults to 10000, PYTHON to python3 (which needs
# `pip install datasketch`). See bench/README.md.
set -euo pipefail
docs="${1:-10000}"
python="${2:-python3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if ! "$python" -c "import datasketch" 2>/dev/null; then
  echo "datasketch is not installed for $python: pip install datasketch" >&2
  exit 1
fi
cd "$root"
exec cargo run --quiet --release -p jianfu-text --example copy_bench -- \
  "$docs" --only-datasketch --python "$python"
