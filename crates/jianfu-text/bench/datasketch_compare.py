#!/usr/bin/env python3
"""Index the shingles exported by the Rust copy detector with datasketch.

Produce the input with the Rust side (same corpus, same shingles, same
num_perm and bands x rows):

    cargo run --release -p jianfu-text --example copy_bench -- 10000 1 --export /tmp/copy.jsonl
    python3 crates/jianfu-text/bench/datasketch_compare.py /tmp/copy.jsonl

The file's first line is {"config": {"num_perm", "bands", "rows", "shingle_len"}},
then one {"id", "shingles": [u64, ...]} per document (distinct, boilerplate
removed). The timed work is what datasketch needs to index: MinHash of each
shingle set (MinHash.bulk) and MinHashLSH inserts; reading the JSON is not
timed. The Rust example prints its time for the same work, one thread.
Compare with `pip install datasketch numpy`.
"""
import json
import sys
import time

from datasketch import MinHash, MinHashLSH


def identity32(x):
    # The shingles are already 64-bit hashes; datasketch permutes 32-bit values.
    return x & 0xFFFFFFFF


def main(path, queries=1000):
    with open(path) as f:
        config = json.loads(f.readline())["config"]
        docs = [json.loads(line) for line in f if line.strip()]
    num_perm, bands, rows = config["num_perm"], config["bands"], config["rows"]
    ids = [d["id"] for d in docs]
    sets = [d["shingles"] for d in docs]
    print(f"{len(docs)} docs, num_perm={num_perm}, bands x rows = {bands} x {rows}")

    t = time.perf_counter()
    minhashes = MinHash.bulk(sets, num_perm=num_perm, hashfunc=identity32)
    t_sig = time.perf_counter() - t

    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    t = time.perf_counter()
    with lsh.insertion_session() as session:
        for key, m in zip(ids, minhashes):
            session.insert(key, m, check_duplication=False)
    t_ins = time.perf_counter() - t

    total = t_sig + t_ins
    print(f"MinHash.bulk   {t_sig:.3f} s ({len(docs) / t_sig:.0f} docs/s)")
    print(f"LSH insert     {t_ins:.3f} s")
    print(f"indexing       {total:.3f} s, {len(docs) / total:.0f} docs/s (1 thread)")

    step = max(1, len(docs) // queries)
    sample = minhashes[::step][:queries]
    t = time.perf_counter()
    found = sum(len(lsh.query(m)) for m in sample)
    t_q = time.perf_counter() - t
    print(f"LSH query      {1e3 * t_q / len(sample):.3f} ms mean over {len(sample)} queries "
          f"({found / len(sample):.1f} candidates each, before any verification)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1])
