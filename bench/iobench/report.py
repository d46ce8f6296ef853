"""The rows of every round, summarized as bench/iobench/run prints them: one Markdown
table (medians over the rounds, and the median of the rounds' own ratios with their
range), the SQPOLL table when it was measured, and the goals of the I/O engine."""

import statistics

BATCH = 8
ROW_ORDER = ["read", "write", "fsync", "batch8_read", "cached_read", "cached_read_epoll",
             "randread"]
GOALS = [
    # (what, op, qd, baseline engine, target)
    ("batch of 8 random 4 KiB reads, uring / threads", "batch8_read", BATCH, "threads", 1.5),
    ("random-read IOPS at qd 32, uring / threads", "randread", 32, "threads", 1.5),
    ("random-read IOPS at qd 32, uring / fio io_uring", "randread", 32, "fio io_uring", 0.9),
    ("cached 4 KiB read, uring / threads", "cached_read", 1, "threads", 3.0),
]


def speedup(candidate, baseline):
    """How many times faster `candidate` is: by IOPS for throughput rows and against fio's
    batches (fio times single I/Os, not batches), by median latency otherwise."""
    if not candidate or not baseline:
        return None
    if candidate["op"] == "randread" or baseline["p50_us"] is None:
        return candidate["iops"] / baseline["iops"] if baseline["iops"] else None
    return baseline["p50_us"] / candidate["p50_us"] if candidate["p50_us"] else None


class Results:
    def __init__(self, rows):
        self.by_round = {}
        for row in rows:
            self.by_round.setdefault((row["op"], row["engine"], row["qd"]), {})[row["round"]] = row
        self.keys = sorted({(op, qd) for op, _, qd in self.by_round},
                           key=lambda key: (ROW_ORDER.index(key[0]), key[1]))

    def median(self, op, engine, qd):
        """The row's medians over its rounds, or None when it was not measured."""
        rounds = list(self.by_round.get((op, engine, qd), {}).values())
        if not rounds:
            return None
        summary = {"op": op, "engine": engine, "qd": qd, "rounds": len(rounds)}
        for field in ("p50_us", "p99_us", "iops", "cpu_us_per_op"):
            values = [r[field] for r in rounds if r[field] is not None]
            summary[field] = statistics.median(values) if values else None
        return summary

    def ratios(self, op, qd, candidate, baseline):
        """The speedup of `candidate` over `baseline` in each round both ran."""
        a = self.by_round.get((op, candidate, qd), {})
        b = self.by_round.get((op, baseline, qd), {})
        values = [speedup(a[r], b[r]) for r in sorted(a.keys() & b.keys())]
        return [v for v in values if v is not None]


def fmt_latency(row):
    if not row:
        return "—"
    if row["p50_us"] is None:  # fio's batches: the mean batch time from its IOPS
        return f"{BATCH * 1e6 / row['iops']:.0f} (mean)" if row["iops"] else "—"
    return f"{row['p50_us']:.1f} / {row['p99_us']:.1f}"


def fmt_iops(row):
    return f"{row['iops']:,.0f}" if row else "—"


def fmt_ratio(values):
    if not values:
        return "—"
    median = statistics.median(values)
    if len(values) == 1:
        return f"**{median:.2f}**"
    return f"**{median:.2f}** ({min(values):.2f}–{max(values):.2f})"


def fmt_cpu(*rows):
    return " · ".join(f"{r['cpu_us_per_op']:.1f}" if r else "—" for r in rows)


def print_table(results):
    print("| row | qd | uring p50 / p99 µs | threads p50 / p99 µs | fio io_uring p50 / p99 µs "
          "| fio psync p50 / p99 µs | uring IOPS | threads IOPS | fio io_uring IOPS "
          "| fio psync IOPS | uring / threads | uring / fio io_uring "
          "| CPU µs per I/O: uring · threads · fio io_uring · fio psync |")
    print("|" + " --- |" * 13)
    for op, qd in results.keys:
        u, t = results.median(op, "uring", qd), results.median(op, "threads", qd)
        fu, fp = results.median(op, "fio io_uring", qd), results.median(op, "fio psync", qd)
        print(f"| {op} | {qd} | {fmt_latency(u)} | {fmt_latency(t)} | {fmt_latency(fu)} "
              f"| {fmt_latency(fp)} | {fmt_iops(u)} | {fmt_iops(t)} | {fmt_iops(fu)} "
              f"| {fmt_iops(fp)} | {fmt_ratio(results.ratios(op, qd, 'uring', 'threads'))} "
              f"| {fmt_ratio(results.ratios(op, qd, 'uring', 'fio io_uring'))} "
              f"| {fmt_cpu(u, t, fu, fp)} |")


def print_sqpoll_table(results):
    if not any(engine == "uring+sqpoll" for _, engine, _ in results.by_round):
        return
    print("\nSQPOLL (a kernel thread polls the submission ring; off by default):\n")
    print("| row | qd | uring p50 / p99 µs | uring+sqpoll p50 / p99 µs | uring IOPS "
          "| uring+sqpoll IOPS | uring+sqpoll / uring | CPU µs per I/O: uring · uring+sqpoll |")
    print("|" + " --- |" * 8)
    for op, qd in results.keys:
        u, s = results.median(op, "uring", qd), results.median(op, "uring+sqpoll", qd)
        if u and s:
            print(f"| {op} | {qd} | {fmt_latency(u)} | {fmt_latency(s)} | {fmt_iops(u)} "
                  f"| {fmt_iops(s)} | {fmt_ratio(results.ratios(op, qd, 'uring+sqpoll', 'uring'))} "
                  f"| {fmt_cpu(u, s)} |")


def print_goals(results):
    print("\nGoals (median of the rounds' ratios, range in brackets):\n")
    for what, op, qd, baseline, target in GOALS:
        values = results.ratios(op, qd, "uring", baseline)
        if not values:
            print(f"- {what}: not measured (target ≥ {target:g})")
            continue
        median = statistics.median(values)
        verdict = "met" if median >= target else "NOT met"
        print(f"- {what}: {median:.3f} ({min(values):.2f}–{max(values):.2f}), "
              f"target ≥ {target:g}: {verdict}")


def print_report(rows):
    results = Results(rows)
    print_table(results)
    print_sqpoll_table(results)
    print("\nMedians over the rounds. Ratios say how many times faster uring is, per round "
          "(median, and range over the rounds): by IOPS for randread and against fio's "
          "batches, by p50 latency otherwise. batch8_read latency is the whole batch's. "
          "fsync follows a 4 KiB write; its CPU time covers both.")
    print_goals(results)
