"""fio jobs that make the same measurements as ferrite-iobench's rows, on the same files,
and their JSON output turned into rows of the same shape ({"op", "engine", "qd",
"p50_us", "p99_us", "iops", "cpu_us_per_op"})."""

import json

BATCH = 8


def fio_argv(files, engine, rw, runtime_ms, *, depth=1, jobs=1, cached=False, extra=()):
    argv = ["fio", "--output-format=json", "--name=iobench", f"--ioengine={engine}",
            f"--rw={rw}", "--bs=4k", "--norandommap=1", "--randrepeat=0", "--time_based",
            f"--runtime={runtime_ms}ms", "--lat_percentiles=1", "--group_reporting", "--thread"]
    if cached:
        # invalidate=0: fio would otherwise drop the file from the page cache first.
        argv += [f"--filename={files.cached}", f"--size={files.cached_size}", "--direct=0",
                 "--invalidate=0"]
    else:
        argv += [f"--filename={files.data}", f"--size={files.data_size}", "--direct=1"]
    if engine == "io_uring":
        # The kernel features UringEngine uses too: fixed buffers, registered files.
        argv += [f"--iodepth={depth}", "--fixedbufs=1", "--registerfiles=1"]
    if jobs > 1:
        argv.append(f"--numjobs={jobs}")
    return argv + list(extra)


def parse_fio(out, cpu_seconds, op, engine, qd, *, section="read", batch=False):
    """One fio job's result as a row. `section` picks the statistics that match the row:
    read, write, or sync (fsync=1 syncs after every write). CPU time is the fio
    process's own (with its job threads), measured by the caller."""
    job = json.loads(out[out.index("{"):])["jobs"][0]
    stats = job[section]
    ops = stats["total_ios"]
    iops = job["write"]["iops"] if section == "sync" else stats["iops"]
    percentiles = stats["lat_ns"].get("percentile", {})
    p50 = percentiles.get("50.000000", 0) / 1e3
    p99 = percentiles.get("99.000000", 0) / 1e3
    if batch:
        p50 = p99 = None  # fio times single I/Os, not batches
    return {"op": op, "engine": engine, "qd": qd, "p50_us": p50, "p99_us": p99, "iops": iops,
            "cpu_us_per_op": cpu_seconds * 1e6 / ops if ops else 0, "ops": ops}


def latency_jobs(files, runtime_ms):
    """(argv, row fields) for the peers of ferrite-iobench's latency rows."""
    jobs = []
    for engine in ("io_uring", "psync"):
        label = "fio " + engine
        jobs += [
            (fio_argv(files, engine, "randread", runtime_ms),
             dict(op="read", engine=label, qd=1)),
            (fio_argv(files, engine, "randwrite", runtime_ms),
             dict(op="write", engine=label, qd=1, section="write")),
            (fio_argv(files, engine, "randwrite", runtime_ms, extra=["--fsync=1"]),
             dict(op="fsync", engine=label, qd=1, section="sync")),
            (fio_argv(files, engine, "randread", runtime_ms, cached=True),
             dict(op="cached_read", engine=label, qd=1)),
        ]
    # io_uring only: psync has no way to hand over several reads at once.
    batch = ["--iodepth_batch_submit=8", "--iodepth_batch_complete_min=8"]
    jobs.append((fio_argv(files, "io_uring", "randread", runtime_ms, depth=BATCH, extra=batch),
                 dict(op="batch8_read", engine="fio io_uring", qd=BATCH, batch=True)))
    return jobs


def randread_jobs(files, runtime_ms, qd):
    """(argv, row fields) for the peers of the randread row at depth `qd`."""
    jobs = [(fio_argv(files, "io_uring", "randread", runtime_ms, depth=qd),
             dict(op="randread", engine="fio io_uring", qd=qd))]
    if qd in (1, 8):  # psync has one I/O per job: numjobs is its queue depth
        jobs.append((fio_argv(files, "psync", "randread", runtime_ms, jobs=qd),
                     dict(op="randread", engine="fio psync", qd=qd)))
    return jobs
