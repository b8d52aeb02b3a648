"""What the benchmark scripts print about the machine they ran on."""
import datetime
import os
import platform


def machine_info():
    """CPU model, usable and online CPUs, kernel, UTC date and time, Python version."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "nproc": len(os.sched_getaffinity(0)), "cpus_online": os.cpu_count(),
            "kernel": platform.release(), "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
