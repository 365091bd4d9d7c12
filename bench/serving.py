"""Running the real `loopbot serve` as a subprocess for the benchmarks, and reading its memory from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.common import LOOPBOT, ROOT

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(database_url: str, api_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of a `loopbot serve` on this database, talking to the stand-in at `api_url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOOPBOT_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url.replace("postgresql+psycopg://", "postgresql://", 1),
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        PORT=str(port),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def rss_of(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MB of one process, from /proc/<pid>/status (VmRSS, VmHWM)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount = line.split(":", 1)
            values[key] = int(amount.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The serve process and its worker processes (`--workers`), if any."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [self.proc.pid, *map(int, children)]

    def pss_mb(self) -> float:
        """Proportional set size of all serve processes together (shared pages counted once), in MB."""
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        return total / 1024

    def rss_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB of the biggest serve process, from /proc (VmRSS, VmHWM)."""
        per = [rss_of(pid) for pid in self.pids()]
        return max(r for r, _ in per), max(p for _, p in per)

    def stop(self) -> int:
        """SIGTERM, then wait (the dispatcher finishes its tick and releases its leases)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode or 0)


def start_serve(
    env: dict[str, str], log: Path, threads: int = 8, workers: int = 1, launcher: list[str] | None = None
) -> Served:
    """Start `loopbot serve` (`workers` processes) and wait until /healthz answers 200.

    `launcher` replaces the `loopbot` command (bench/keepalive.py runs it with kept-alive Web API calls).
    """
    command = [*(launcher or [LOOPBOT]), "serve", "--host", "127.0.0.1"]
    return start_process([*command, "--threads", str(threads), "--workers", str(workers)], env, log)


def start_process(command: list[str], env: dict[str, str], log: Path) -> Served:
    """Start a server on env["PORT"] (its output into `log`) and wait until its /healthz answers 200."""
    port = int(env["PORT"])
    handle = log.open("wb")
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    served = Served(proc, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{command[0]} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(served.base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return served
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{' '.join(command[:3])} did not come up:\n{log.read_text()[-3000:]}")
