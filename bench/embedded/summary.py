"""The rows of every round, summarized as bench/embedded/run prints them: Markdown tables
of the GET phases beside fio (medians over the rounds; ratios as the median of the
rounds' own ratios with their range), the loads, memory per key against redis-server,
and the goals."""

import statistics

GOAL_FIO = 0.70    # cold uniform GET/s over fio io_uring IOPS at the same depth: at least
GOAL_MEMORY = 0.5   # Ferrite's per-key overhead over redis-server's: at most


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_ratio(values):
    if not values:
        return "—"
    mid = statistics.median(values)
    if len(values) == 1:
        return f"**{mid:.2f}**"
    return f"**{mid:.2f}** ({min(values):.2f}–{max(values):.2f})"


class Results:
    def __init__(self, rows):
        self.gets = {}  # (engine, distribution, qd) -> {round: row}
        self.fio = {}   # qd -> {round: row}
        self.loads = {}  # engine -> [rows]
        self.memory = {}  # "ferrite" / "redis" -> row
        for row in rows:
            if row.get("mode") == "redis":
                self.memory["redis"] = row
            elif row["op"] == "memory":
                self.memory["ferrite"] = row
            elif row["op"] == "load":
                self.loads.setdefault(row["engine"], []).append(row)
            elif row["op"] == "get":
                key = (row["engine"], row["distribution"], row["qd"])
                self.gets.setdefault(key, {})[row["round"]] = row
            elif row["op"] == "randread":
                self.fio.setdefault(row["qd"], {})[row["round"]] = row

    def fio_ratios(self, engine, distribution, qd, disk_reads=False):
        """Per round: Ferrite's GET/s (or its disk reads/s) over fio's IOPS."""
        ours, theirs = self.gets.get((engine, distribution, qd), {}), self.fio.get(qd, {})
        ratios = []
        for r in sorted(ours.keys() & theirs.keys()):
            rate = ours[r]["ops_per_s"] * (ours[r]["disk_reads_per_op"] if disk_reads else 1)
            if theirs[r]["iops"]:
                ratios.append(rate / theirs[r]["iops"])
        return ratios


def print_gets(results):
    print("| engine | keys read | qd | GET/s | p50 / p99 / p99.9 µs | from memory | disk reads per GET "
          "| CPU µs per GET | fio io_uring IOPS | fio p50 / p99 / p99.9 µs | GET/s / fio IOPS "
          "| disk reads/s / fio IOPS |")
    print("|" + " --- |" * 12)
    for (engine, distribution, qd) in sorted(results.gets, key=lambda k: (k[0] != "uring", k[0],
                                                                        k[1], k[2])):
        rounds = list(results.gets[(engine, distribution, qd)].values())
        fio = list(results.fio.get(qd, {}).values())
        m = {f: median(r[f] for r in rounds) for f in
             ("ops_per_s", "p50_us", "p99_us", "p999_us", "memory_share", "disk_reads_per_op",
              "cpu_us_per_op")}
        fio_line = "— | —"
        if fio:
            f = {k: median(r[k] for r in fio) for k in ("iops", "p50_us", "p99_us", "p999_us")}
            fio_line = (f"{f['iops']:,.0f} | {f['p50_us']:.0f} / {f['p99_us']:.0f} / "
                        f"{f['p999_us']:.0f}")
        print(f"| {engine} | {distribution} | {qd} | {m['ops_per_s']:,.0f} "
              f"| {m['p50_us']:.0f} / {m['p99_us']:.0f} / {m['p999_us']:.0f} "
              f"| {100 * m['memory_share']:.1f}% | {m['disk_reads_per_op']:.2f} "
              f"| {m['cpu_us_per_op']:.1f} | {fio_line} "
              f"| {fmt_ratio(results.fio_ratios(engine, distribution, qd))} "
              f"| {fmt_ratio(results.fio_ratios(engine, distribution, qd, disk_reads=True))} |")


def print_loads(results):
    print("\n| engine | keys | SET/s (load) | CPU µs per SET | log on disk | in memory "
          "| data set / budget |")
    print("|" + " --- |" * 7)
    for engine, rows in sorted(results.loads.items(), key=lambda kv: kv[0] != "uring"):
        print(f"| {engine} | {rows[0]['keys']:,} | {median(r['ops_per_s'] for r in rows):,.0f} "
              f"| {median(r['cpu_us_per_op'] for r in rows):.2f} "
              f"| {rows[0]['log_bytes_total'] / 2**20:.1f} MiB "
              f"| {rows[0]['log_bytes_in_memory'] / 2**20:.1f} MiB "
              f"| {rows[0]['data_over_budget']:.2f}x |")


def print_memory(results):
    ferrite, redis = results.memory.get("ferrite"), results.memory.get("redis")
    if not ferrite or not redis:
        return
    print("\n| store | keys | bytes per key | overhead per key (over 14 + 100 B) | where |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| Ferrite | {ferrite['keys']:,} | {ferrite['bytes_per_key']:.1f} "
          f"| {ferrite['overhead_per_key']:.1f} | index {ferrite['index_bytes_per_key']:.1f} B/key "
          f"+ log {ferrite['log_bytes_per_key']:.1f} B/key |")
    print(f"| redis-server {redis['version']} | {redis['keys']:,} | {redis['bytes_per_key']:.1f} "
          f"| {redis['overhead_per_key']:.1f} | used_memory growth ({redis['allocator']}) |")
    print(f"\nFerrite / redis-server overhead per key: "
          f"**{ferrite['overhead_per_key'] / redis['overhead_per_key']:.2f}**")


def print_goals(results):
    print("\nGoals (median of the rounds' ratios, range in brackets):\n")
    for qd in sorted(results.fio):
        values = results.fio_ratios("uring", "uniform", qd)
        if values:
            mid = statistics.median(values)
            verdict = "met" if mid >= GOAL_FIO else "NOT met"
            print(f"- cold uniform GETs at qd {qd}, Ferrite / fio io_uring: {mid:.2f} "
                  f"({min(values):.2f}–{max(values):.2f}), target ≥ {GOAL_FIO}: {verdict}")
    ferrite, redis = results.memory.get("ferrite"), results.memory.get("redis")
    if ferrite and redis:
        ratio = ferrite["overhead_per_key"] / redis["overhead_per_key"]
        verdict = "met" if ratio <= GOAL_MEMORY else "NOT met"
        print(f"- memory overhead per key, Ferrite / redis-server: {ratio:.2f} "
              f"({ferrite['overhead_per_key']:.1f} / {redis['overhead_per_key']:.1f} B), "
              f"target ≤ {GOAL_MEMORY}: {verdict}")


def print_report(rows):
    results = Results(rows)
    print_gets(results)
    print("\nMedians over the rounds. A ratio is the median of the rounds' own ratios (range "
          "in brackets); fio ran in the same round on a file of the data set's size. "
          "\"from memory\": GETs that found their record in the log's in-memory pages "
          "(Db::Stats found_mutable + found_read_only over all found).")
    print_loads(results)
    print_memory(results)
    print_goals(results)
