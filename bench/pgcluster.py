"""A throwaway PostgreSQL cluster for benchmarks, started like scripts/test.sh does.

As root, initdb/pg_ctl run as user ``postgres`` (runuser) in a temp dir it owns; the socket
lives in that dir and TCP is off, so nothing collides with another cluster. Durability is off
(fsync, synchronous_commit, full_page_writes): this is a benchmark, not a database.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def cluster(port: int = 54371) -> Iterator[str]:
    """Yield a DATABASE_URL template with ``{db}`` for the database name."""
    pg_bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    d = tempfile.mkdtemp(prefix="anlaobench.", dir="/tmp")
    if os.geteuid() == 0:
        shutil.chown(d, "postgres", "postgres")
    run = {"cwd": d, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(_as_pg([f"{pg_bin}/initdb", "-D", f"{d}/data", "-U", "postgres", "-A",
                           "trust", "-E", "UTF8", "--locale=C.UTF-8"]), **run)
    opts = (f"-p {port} -k {d} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=256MB")
    subprocess.run(_as_pg([f"{pg_bin}/pg_ctl", "-D", f"{d}/data", "-l", f"{d}/log", "-w",
                           "-o", opts, "start"]), **run)
    try:
        yield f"postgresql://postgres@{urllib.parse.quote(d, safe='')}:{port}/{{db}}"
    finally:
        subprocess.run(_as_pg([f"{pg_bin}/pg_ctl", "-D", f"{d}/data", "-m", "immediate", "-w",
                               "stop"]), cwd=d, stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(d, ignore_errors=True)


def createdb(url_template: str, name: str) -> str:
    """Create database ``name`` in the cluster; return its DATABASE_URL."""
    host = urllib.parse.unquote(url_template.split("@", 1)[1].split(":", 1)[0])
    port = url_template.rsplit(":", 1)[1].split("/", 1)[0]
    subprocess.run(_as_pg(["createdb", "-h", host, "-p", port, "-U", "postgres", name]),
                   check=True, cwd="/tmp")
    return url_template.format(db=name)


def machine() -> str:
    """CPU model, core count, date and current load, for the results."""
    model = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")),
                     model)
    import datetime as dt

    return (f"{model}, nproc {os.cpu_count()}, {dt.datetime.now():%Y-%m-%d %H:%M}, "
            f"load average {os.getloadavg()[0]:.1f}")


def write_section(path: str, heading: str, text: str) -> None:
    """Replace the section starting with ``heading`` in ``path`` (or append it)."""
    file = Path(path)
    old = file.read_text(encoding="utf-8") if file.exists() else "# Benchmark results\n"
    if heading in old:
        head, rest = old.split(heading, 1)
        nxt = rest.find("\n## ")
        new = head + text.rstrip("\n") + "\n" + (rest[nxt:] if nxt >= 0 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    file.write_text(new, encoding="utf-8")
