"""What the figures depend on: the kernel, CPUs, disk and filesystem under the data file,
and how busy the machine was with other work while the benchmark ran (the load average
is no guide during the run: the thread pool's and psync's blocked readers count in it)."""

import os
import resource
import subprocess
import time
from pathlib import Path


def _read(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return "?"


def machine_facts(path):
    facts = {"kernel": os.uname().release, "cpus": os.cpu_count(), "cpu": "?"}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            facts["cpu"] = line.split(":", 1)[1].strip()
            break
    dev = os.stat(path).st_dev
    block = Path(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}").resolve()
    if (block / "partition").exists():
        block = block.parent
    device = block / "device"
    driver = (device / "driver").resolve().name if device.exists() else "?"
    queue = block / "queue"
    facts["disk"] = (f"{block.name} ({driver}, {_read(queue / 'nr_requests')} requests, "
                     f"write cache: {_read(queue / 'write_cache')})")
    facts["filesystem"] = "?"
    best = ""
    resolved = str(Path(path).resolve())
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        if resolved.startswith(fields[1]) and len(fields[1]) >= len(best):
            best, facts["filesystem"] = fields[1], f"{fields[2]} on {fields[0]}"
    facts["fio"] = subprocess.run(["fio", "--version"], capture_output=True,
                                  text=True).stdout.strip()
    return facts


class BusyMeter:
    """CPU time the rest of the machine used while we ran: all CPU time (/proc/stat)
    less what this script's children used, and the time the hypervisor stole."""

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK")
        self.start = self._sample()

    def _sample(self):
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = values
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"busy": (user + nice + system + irq + softirq) / self.hz, "steal": steal / self.hz,
                "ours": children.ru_utime + children.ru_stime, "wall": time.monotonic()}

    def shares(self):
        """(other work, steal) as fractions of all CPUs' time since construction."""
        end = self._sample()
        capacity = (end["wall"] - self.start["wall"]) * os.cpu_count()
        other = (end["busy"] - self.start["busy"]) - (end["ours"] - self.start["ours"])
        steal = end["steal"] - self.start["steal"]
        return max(0.0, other) / capacity, steal / capacity
