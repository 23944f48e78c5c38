#!/usr/bin/env python3
"""Time the Python tool datasketch (MinHash + MinHashLSH) on the corpus of the
Rust copy detector, for `jianfu_text::copy::bench::datasketch_ratio`.

Normally run by the Rust side (`cargo run --release -p jianfu-text --example
copy_bench -- DOCS 1 --datasketch`, `bench/copy_vs_datasketch.sh`, or `jianfu
bench copy --docs N --datasketch`), which writes the input files, runs this
script, times itself on the same input in the same run and prints the ratio.
By hand:

    python3 datasketch_compare.py --sets SETS.bin [--texts TEXTS.jsonl]

--sets: the shingle sets the Rust detector computes its signatures from
    (normalised text, 8-char shingles hashed to 64 bits, distinct,
    boilerplate removed), in binary: header `<8sIIIIQ` (b"JFSHINGL",
    num_perm, bands, rows, shingle_len, docs), then per document `<QQ` (id,
    count) and `count` little-endian u64 hashes.
    Timed, one thread: `MinHash.bulk` (datasketch's batch update) of every
    set plus `MinHashLSH` inserts in an `insertion_session`, with the same
    num_perm and the same bands x rows (`params=(bands, rows)`). datasketch
    runs in its fastest configuration for this input: its default
    "affine32" permutations, given the low 32 bits of each hash (what
    affine32 consumes) with the built-in `int` as hashfunc, so no Python
    function runs per element. Converting the file to Python lists is not
    timed.

--texts: JSON lines {"id", "text"}, the same documents as raw text. Timed,
    one thread: the whole pipeline in Python, as a datasketch user would
    write it: normalise (one `str.translate` folding width and case and
    dropping punctuation and whitespace, like the Rust normaliser without
    its level-word unification), the set of 8-char shingles, Python's
    built-in string hash, `MinHash.bulk`, LSH inserts. It does less than
    the Rust pipeline (no level words, no boilerplate), which favours it.

Prints readable lines, then one `RESULT key=value ...` line for the caller.
Needs `pip install datasketch` (which brings numpy).
"""
import argparse
import json
import platform
import struct
import sys
import time

try:
    import numpy as np
    import datasketch
    from datasketch import MinHash, MinHashLSH
except ImportError as err:  # the caller shows this message
    sys.exit(f"datasketch is not installed ({err}): pip install datasketch")

HEADER = struct.Struct("<8sIIIIQ")
DOC = struct.Struct("<QQ")
MAGIC = b"JFSHINGL"
BATCH = 1000
MASK32 = 0xFFFFFFFF


def read_sets(path):
    """The header fields and a generator of batches (ids, lists of hashes)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    magic, num_perm, bands, rows, shingle_len, docs = HEADER.unpack_from(raw, 0)
    if magic != MAGIC:
        sys.exit(f"{path}: not a shingle-set file")
    config = dict(num_perm=num_perm, bands=bands, rows=rows, shingle_len=shingle_len, docs=docs)

    def batches():
        offset = HEADER.size
        ids, sets = [], []
        for _ in range(docs):
            doc_id, count = DOC.unpack_from(raw, offset)
            offset += DOC.size
            hashes = np.frombuffer(raw, dtype="<u8", count=count, offset=offset)
            offset += 8 * count
            ids.append(doc_id)
            sets.append((hashes & MASK32).tolist())
            if len(ids) == BATCH:
                yield ids, sets
                ids, sets = [], []
        if ids:
            yield ids, sets

    return config, batches()


def index_sets(config, batches):
    """Time MinHash.bulk and LSH inserts over all batches."""
    lsh = MinHashLSH(num_perm=config["num_perm"], params=(config["bands"], config["rows"]))
    minhash_secs = insert_secs = 0.0
    kept = []
    with lsh.insertion_session() as session:
        for ids, sets in batches:
            t = time.perf_counter()
            minhashes = MinHash.bulk(sets, num_perm=config["num_perm"], hashfunc=int)
            minhash_secs += time.perf_counter() - t
            t = time.perf_counter()
            for key, m in zip(ids, minhashes):
                session.insert(key, m, check_duplication=False)
            insert_secs += time.perf_counter() - t
            kept.extend(minhashes)
        t = time.perf_counter()
    insert_secs += time.perf_counter() - t  # the session's flush on exit
    return lsh, kept, minhash_secs, insert_secs


def query_mean_ms(lsh, minhashes, queries):
    step = max(1, len(minhashes) // queries)
    sample = minhashes[::step][:queries]
    t = time.perf_counter()
    found = sum(len(lsh.query(m)) for m in sample)
    secs = time.perf_counter() - t
    return 1e3 * secs / max(1, len(sample)), found / max(1, len(sample))


def fold_table():
    """str.translate table of the Rust normaliser's width, case and
    punctuation folding (see src/copy/normalize.rs, `fold`)."""
    punctuation = [
        (0x00A1, 0x00BF), (0x00D7, 0x00D7), (0x2000, 0x206F), (0x2190, 0x21FF),
        (0x2460, 0x24FF), (0x2500, 0x27BF), (0x3000, 0x3004), (0x3008, 0x3020),
        (0x3030, 0x3037), (0x303B, 0x303F), (0xE000, 0xF8FF), (0xFE10, 0xFE1F),
        (0xFE30, 0xFE6F), (0xFF5F, 0xFF65), (0xFFE0, 0xFFEF), (0xFEFF, 0xFEFF),
    ]
    table = {}
    for cp in range(0x10000):
        c = chr(cp)
        if 0xFF01 <= cp <= 0xFF5E:
            c = chr(cp - 0xFEE0)
        if c.isascii() and c.isalnum():
            if c != chr(cp) or c.isupper():
                table[cp] = c.lower()
        elif c.isascii() or c.isspace() or not c.isprintable() or any(a <= cp <= b for a, b in punctuation):
            table[cp] = None
    return table


def index_texts(config, path):
    """Time the whole Python pipeline from raw text."""
    table = fold_table()
    n = config["shingle_len"]
    lsh = MinHashLSH(num_perm=config["num_perm"], params=(config["bands"], config["rows"]))
    shingle_secs = minhash_secs = insert_secs = 0.0
    docs = 0
    with open(path, encoding="utf-8") as f, lsh.insertion_session() as session:
        while True:
            lines = [line for _, line in zip(range(BATCH), f)]
            if not lines:
                break
            batch = [json.loads(line) for line in lines]
            docs += len(batch)
            t = time.perf_counter()
            sets = []
            for doc in batch:
                text = doc["text"].translate(table)
                shingles = {text[i:i + n] for i in range(len(text) - n + 1)}
                sets.append([hash(s) & MASK32 for s in shingles])
            shingle_secs += time.perf_counter() - t
            t = time.perf_counter()
            minhashes = MinHash.bulk(sets, num_perm=config["num_perm"], hashfunc=int)
            minhash_secs += time.perf_counter() - t
            t = time.perf_counter()
            for doc, m in zip(batch, minhashes):
                session.insert(doc["id"], m, check_duplication=False)
            insert_secs += time.perf_counter() - t
        t = time.perf_counter()
    insert_secs += time.perf_counter() - t
    return docs, shingle_secs, minhash_secs, insert_secs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", required=True)
    parser.add_argument("--texts")
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()

    config, batches = read_sets(args.sets)
    docs = config["docs"]
    print(f"datasketch {datasketch.__version__}, numpy {np.__version__}, Python {platform.python_version()}")
    print(f"{docs} docs, num_perm={config['num_perm']}, bands x rows = {config['bands']} x {config['rows']}")
    lsh, minhashes, minhash_secs, insert_secs = index_sets(config, batches)
    total = minhash_secs + insert_secs
    query_ms, candidates = query_mean_ms(lsh, minhashes, args.queries)
    print(f"same shingle sets: MinHash.bulk {minhash_secs:.3f} s + LSH insert {insert_secs:.3f} s"
          f" = {total:.3f} s, {docs / total:.0f} docs/s")
    print(f"LSH query        {query_ms:.3f} ms mean ({candidates:.1f} candidates, no verification)")
    result = dict(
        datasketch=datasketch.__version__,
        python=platform.python_version(),
        docs=docs,
        sets_minhash_secs=minhash_secs,
        sets_insert_secs=insert_secs,
        query_ms=query_ms,
    )
    if args.texts:
        text_docs, shingle_secs, t_minhash, t_insert = index_texts(config, args.texts)
        text_total = shingle_secs + t_minhash + t_insert
        print(f"raw text:        shingling {shingle_secs:.3f} s + MinHash.bulk {t_minhash:.3f} s"
              f" + LSH insert {t_insert:.3f} s = {text_total:.3f} s, {text_docs / text_total:.0f} docs/s")
        result.update(
            text_docs=text_docs,
            text_shingle_secs=shingle_secs,
            text_minhash_secs=t_minhash,
            text_insert_secs=t_insert,
        )
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
