"""Runs the PyPI itch-book (C++23 order-by-order book) on an ITCH 5.0 file, writes its final top of
book in Vega's CSV format, diffs it against `vega feed book --top-of-book`, and prints the summary
table with the MarketDataBenchmarks figures of the same run. Called by itch-book-compare.sh.

usage: itch_book_compare.py ITCH_FILE VEGA_CSV VEGA_STDOUT VEGA_WALL_S RESULTS_DIR OUT_DIR [RUNS]
"""
import datetime
import json
import os
import statistics
import sys
import time

import numpy as np
import itch_book as ib

HEADER = "locate,symbol,bid_price,bid_size,bid_orders,ask_price,ask_size,ask_orders"
# The generated file carries no date; itch-book wants one for ts_event (irrelevant here).
SESSION_DATE = datetime.date(2026, 11, 20)


def replay(path, tables):
    """One itch-book replay; returns ((wall s, main-thread CPU s, process CPU s), final bbo per
    locate, symbols, stats). The main thread runs the C++ parse + apply (GIL released); the
    reader thread does the 8 MiB file reads."""
    cols = ("bid_px", "bid_sz", "bid_ct", "ask_px", "ask_sz", "ask_ct")
    final = {c: np.zeros(65536, dtype=np.int64) for c in cols}
    seen = np.zeros(65536, dtype=bool)
    symbols = {}
    feed = ib.open(path, date=SESSION_DATE, price_type="fixed")
    t0, c0, p0 = time.perf_counter(), time.thread_time(), time.process_time()
    for batch in feed.batches(tables=tables, rows=1_000_000):
        bbo = getattr(batch, "bbo", None)
        if bbo is not None and len(bbo["locate"]):
            loc = bbo["locate"].astype(np.int64)
            # The last row of each locate in this batch (batches are in feed order).
            u, first_in_reversed = np.unique(loc[::-1], return_index=True)
            last = len(loc) - 1 - first_in_reversed
            for c in cols:
                final[c][u] = bbo[c][last].astype(np.int64)
            seen[u] = True
        sym = getattr(batch, "symbols", None)
        if sym is not None:
            for loc, s in zip(sym["locate"], sym["symbol"]):
                symbols[int(loc)] = s.decode().rstrip() if isinstance(s, bytes) else str(s).rstrip()
    seconds = (time.perf_counter() - t0, time.thread_time() - c0, time.process_time() - p0)
    return seconds, final, symbols, feed.stats


def write_csv(path, final, symbols):
    with open(path, "w") as f:
        f.write(HEADER + "\n")
        for loc in sorted(symbols):
            f.write(f"{loc},{symbols[loc]},{final['bid_px'][loc]},{final['bid_sz'][loc]},{final['bid_ct'][loc]},"
                    f"{final['ask_px'][loc]},{final['ask_sz'][loc]},{final['ask_ct'][loc]}\n")


def diff(vega_csv, itch_book_csv):
    a = open(vega_csv).read().splitlines()
    b = open(itch_book_csv).read().splitlines()
    out = []
    if a[0] != b[0]:
        out.append(f"headers differ: {a[0]!r} vs {b[0]!r}")
    ra = {r.split(",")[0]: r for r in a[1:]}
    rb = {r.split(",")[0]: r for r in b[1:]}
    for k in sorted(set(ra) | set(rb), key=int):
        if ra.get(k) != rb.get(k):
            out.append(f"locate {k}: vega {ra.get(k)!r} itch-book {rb.get(k)!r}")
    return len(ra), len(rb), out


def main():
    itch, vega_csv, vega_stdout, vega_wall, results_dir, out_dir = sys.argv[1:7]
    runs = int(sys.argv[7]) if len(sys.argv) > 7 else 3
    vega_wall = float(vega_wall)
    size = os.path.getsize(itch)

    # itch-book, two modes, `runs` each, alternating: "bbo" is the run that yields the final
    # book (top-of-book tracking and bbo columns on); "none" is parse + apply with no table
    # (its `itch2parquet verify` mode: its fastest path).
    timings = {"bbo": [], "none": []}
    final = symbols = stats = None
    for i in range(runs):
        for mode, tables in (("bbo", ("bbo", "symbols")), ("none", ())):
            s, f, sy, st = replay(itch, tables)
            timings[mode].append(s)
            if mode == "bbo" and final is None:
                final, symbols, stats = f, sy, st
            print(f"itch-book run {i + 1} tables={mode}: wall {s[0]:.3f} s ({st['messages'] / s[0] / 1e6:.2f} M msgs/s), "
                  f"main-thread CPU {s[1]:.3f} s ({st['messages'] / s[1] / 1e6:.2f} M msgs/s), process CPU {s[2]:.3f} s",
                  file=sys.stderr)
    messages = stats["messages"]
    ib_csv = os.path.join(out_dir, "itch-book-top-of-book.csv")
    write_csv(ib_csv, final, symbols)
    n_vega, n_ib, differences = diff(vega_csv, ib_csv)

    res = {}
    for name in ("itch-framing-walk-c", "itch-decode-swift", "itch-decode-book-swift",
                 "itch-decode-book-updates-swift", "books-memory-1m-orders-8000-instruments"):
        p = os.path.join(results_dir, name + ".json")
        if os.path.exists(p):
            res[name] = json.load(open(p))

    # vega feed book's own loop timing ("… messages in S s (R M msgs/s, N ns/msg)").
    vega_line = next((l for l in open(vega_stdout) if l.startswith("vega feed book:")), "")
    try:
        vega_loop_s = float(vega_line.split(" messages in ")[1].split(" s ")[0])
    except (IndexError, ValueError):
        vega_loop_s = float("nan")

    rows = []
    def row(what, includes, ns_per_msg):
        rows.append((what, includes, 1e9 / ns_per_msg if ns_per_msg else float("nan"), ns_per_msg))
    for key, what, includes in (
        ("itch-framing-walk-c", "framing walk (C)", "2-byte length walk + type byte, mapped file, CPU time, median"),
        ("itch-decode-swift", "Vega decode-only", "ITCHFileReader + ITCHDecoder.decode, CPU time, median"),
        ("itch-decode-book-swift", "Vega decode+book (benchmark)", "decode + ITCHHandler + OrderBooks, CPU time, median"),
        ("itch-decode-book-updates-swift", "Vega decode+book+updates (benchmark)",
         "the same, every change a BookUpdate read and cleared per message, CPU time, median"),
    ):
        if key in res:
            row(what, includes, res[key]["cpu_ns_per_msg_median"])
    row("Vega decode+book (vega feed book loop)", "ITCHFileBooks.run loop, wall, one run", vega_loop_s * 1e9 / messages)
    row("Vega `vega feed book` process", "whole process: books alloc 4 Mi orders, mmap, loop, CSV; wall", vega_wall * 1e9 / messages)
    med = lambda mode, k: statistics.median(t[k] for t in timings[mode])
    ib_bbo, ib_none = med("bbo", 1), med("none", 1)  # main-thread CPU: what the ratios use
    row("itch-book tables=bbo (CPU)", f"C++ parse/apply + BBO rows, main-thread CPU, median of {runs}", ib_bbo * 1e9 / messages)
    row("itch-book tables=() (CPU)", f"C++ parse/apply only (`verify` mode), main-thread CPU, median of {runs}", ib_none * 1e9 / messages)
    row("itch-book tables=bbo (wall)", f"+ Python 8 MiB reads on a reader thread, wall, median of {runs}", med("bbo", 0) * 1e9 / messages)
    row("itch-book tables=() (wall)", f"same, no table, wall, median of {runs}", med("none", 0) * 1e9 / messages)

    print()
    print(f"File: {itch} ({messages:,} messages, {size:,} bytes); itch-book {ib.__version__}")
    print(f"{'what':42} {'M msgs/s':>9} {'ns/msg':>8}  includes")
    for what, includes, rate, ns in rows:
        print(f"{what:42} {rate / 1e6:9.2f} {ns:8.2f}  {includes}")
    print()
    if "itch-framing-walk-c" in res and "itch-decode-swift" in res:
        r = res["itch-framing-walk-c"]["cpu_ns_per_msg_median"] / res["itch-decode-swift"]["cpu_ns_per_msg_median"]
        print(f"decode-only / framing walk (rate): {r * 100:.1f}%  (target >= 70%: {'met' if r >= 0.7 else 'MISSED'})")
    if "itch-decode-book-swift" in res:
        vb = res["itch-decode-book-swift"]["cpu_ns_per_msg_median"]
        for label, ib_s in (("tables=bbo", ib_bbo), ("tables=()", ib_none)):
            ratio = (ib_s * 1e9 / messages) / vb
            print(f"rate, Vega decode+book (benchmark, CPU) / itch-book {label} (CPU): {ratio:.2f}x  "
                  f"(target >= 3x: {'met' if ratio >= 3 else 'MISSED'})")
        if "itch-decode-book-updates-swift" in res:
            vu = res["itch-decode-book-updates-swift"]["cpu_ns_per_msg_median"]
            print(f"rate, Vega decode+book+updates (benchmark, CPU) / itch-book tables=bbo (CPU): "
                  f"{(ib_bbo * 1e9 / messages) / vu:.2f}x  (books that publish every change, beside itch-book's BBO rows)")
        b = res["itch-decode-book-swift"]
        print(f"decode+book sampled latency (every {b.get('latency_every')}th message, {b.get('latency_samples')} samples): "
              f"p50 {b.get('latency_p50_ns')} ns, p90 {b.get('latency_p90_ns')} ns, p99 {b.get('latency_p99_ns')} ns, "
              f"p99.9 {b.get('latency_p999_ns')} ns, max {b.get('latency_max_ns')} ns")
    print(f"wall, `vega feed book` loop vs itch-book wall: tables=bbo {med('bbo', 0) / vega_loop_s:.2f}x, "
          f"tables=() {med('none', 0) / vega_loop_s:.2f}x")
    if "books-memory-1m-orders-8000-instruments" in res:
        m = res["books-memory-1m-orders-8000-instruments"]
        d = (m["vmrss_after_kib"] - m["vmrss_before_kib"]) / 1024
        print(f"books, {m['live_orders']:,} live orders / {m['instruments']:,} instruments: RSS +{d:.1f} MiB "
              f"(allocated {m['allocated_bytes'] / 2**20:.1f} MiB; target < 300 MiB: {'met' if d < 300 else 'MISSED'})")
    print(f"itch-book stats: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.items()) if not isinstance(v, dict)))
    print()
    print(f"final top of book: vega {n_vega} instruments, itch-book {n_ib}; "
          + ("IDENTICAL" if not differences else f"{len(differences)} DIFFERENCES:"))
    for d in differences[:50]:
        print("  " + d)
    if len(differences) > 50:
        print(f"  … {len(differences) - 50} more (see {ib_csv})")
    return 0 if not differences else 1


if __name__ == "__main__":
    sys.exit(main())
