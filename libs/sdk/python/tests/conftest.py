"""Starts the real platform once for the test session: ``redress dev`` on free
ports with its own data folder, waits until every service reports SERVING on
grpc.health.v1, and stops it at the end.

The binary is ``$REDRESS_BIN`` or ``target/debug/redress`` of this repository
(``cargo build -p redress``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import grpc
import pytest

ROOT = Path(__file__).resolve().parents[4]
SERVICES = ("intake", "resolution", "notification", "feedback")
WAIT = 30.0
T = TypeVar("T")


def eventually(what: str, check: Callable[[], T | None], timeout: float = WAIT) -> T:
    """Polls ``check`` until it returns something truthy, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serving(target: str) -> bool:
    """grpc.health.v1.Health/Check for the whole server: SERVING is field 1 = 1."""
    with grpc.insecure_channel(target) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        try:
            return bytes(check(b"", timeout=1)) == b"\x08\x01"
        except grpc.RpcError:
            return False


@dataclass
class Platform:
    binary: Path
    data_dir: Path
    addresses: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, tenant: str, role: str) -> str:
        """A token for another tenant, minted with the dev secret by `redress token`."""
        out = subprocess.run(
            [str(self.binary), "token", "--data-dir", str(self.data_dir), "--tenant", tenant, "--role", role],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def emails(self) -> list[str]:
        mail = self.data_dir / "mail"
        if not mail.is_dir():
            return []
        return [p.read_text(errors="replace") for p in sorted(mail.glob("**/*.eml"))]


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    binary = Path(os.environ.get("REDRESS_BIN", ROOT / "target" / "debug" / "redress"))
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `cargo build -p redress` first")
    with tempfile.TemporaryDirectory(prefix="redress-sdk-py-") as tmp:
        data_dir = Path(tmp) / "data"
        ports = {name: free_port() for name in SERVICES}
        log_path = Path(tmp) / "redress-dev.log"
        args = [str(binary), "dev", "--data-dir", str(data_dir), "--host", "127.0.0.1"]
        for name, port in ports.items():
            args += [f"--{name}-port", str(port)]
        env = dict(os.environ, NO_COLOR="1", RUST_LOG=os.environ.get("RUST_LOG", "warn"))
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            addresses = {name: f"127.0.0.1:{port}" for name, port in ports.items()}

            def banner() -> dict[str, str] | None:
                if proc.poll() is not None:
                    raise AssertionError(f"redress dev exited: {log_path.read_text(errors='replace')}")
                found = dict(re.findall(r"^  (\w+) +(eyJ[\w.-]+)$", log_path.read_text(errors="replace"), re.M))
                return found if "backend" in found and "admin" in found else None

            tokens = eventually("the redress dev banner", banner)
            for target in addresses.values():
                eventually(f"{target} SERVING", lambda: serving(target))
            yield Platform(binary=binary, data_dir=data_dir, addresses=addresses, tokens=tokens)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
