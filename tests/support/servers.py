"""Starting and stopping real servers for the Python tests: ferrite-server from the
build tree, and the Debian redis-server 7.0 that Ferrite's replies are compared with.
Every server binds 127.0.0.1 on a free port and is stopped by its PID."""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def build_dir():
    """The build tree the binaries come from: FERRITE_BUILD_DIR, or build/."""
    return Path(os.environ.get("FERRITE_BUILD_DIR", str(REPO_ROOT / "build")))


def ferrite_binary():
    path = os.environ.get("FERRITE_SERVER", str(build_dir() / "src" / "ferrite-server"))
    if not os.path.exists(path):
        raise RuntimeError(f"ferrite-server not found at {path}: build first or set FERRITE_SERVER")
    # Absolute, since servers run in their own working directory.
    return os.path.abspath(path)


def no_io_uring_launcher():
    """tests/tools' ferrite-no-io-uring (runs a program with io_uring removed by a seccomp
    filter), from the build tree ferrite-server comes from, or FERRITE_NO_IO_URING."""
    default = Path(ferrite_binary()).parents[1] / "tests" / "tools" / "ferrite-no-io-uring"
    path = os.environ.get("FERRITE_NO_IO_URING", str(default))
    if not os.path.exists(path):
        raise RuntimeError(f"ferrite-no-io-uring not found at {path}: build the tests first "
                           "or set FERRITE_NO_IO_URING")
    return os.path.abspath(path)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A server process on 127.0.0.1:port with its log file."""

    def __init__(self, name, argv, port, workdir, stdin_path=None):
        self.name = name
        self.argv = argv
        self.port = port
        self.workdir = Path(workdir)
        self.log_path = self.workdir / f"{name}.log"
        self.process = None

    @property
    def pid(self):
        return self.process.pid

    def start(self, timeout=10.0):
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.workdir)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith((b"+PONG", b"-NOAUTH", b"-LOADING")):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on port {self.port}:\n" + self.log_tail())

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Stops the process; returns its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_ferrite(workdir, *args, config_text=None, port=None, name="ferrite", launcher=()):
    """`launcher` prefixes the command line (["taskset", "-c", "0"] pins the server)."""
    port = port or free_port()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [*launcher, ferrite_binary()]
    if config_text is not None:
        config_path = workdir / f"{name}.toml"
        config_path.write_text(config_text)
        argv.append(str(config_path))
    argv += ["--port", str(port), "--dir", str(workdir / f"{name}-data"), *args]
    return ServerProcess(name, argv, port, workdir).start()


def start_redis(workdir, *args, port=None, name="redis", launcher=()):
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run scripts/setup")
    port = port or free_port()
    workdir = Path(workdir)
    argv = [*launcher, binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(workdir), "--daemonize", "no", *args]
    return ServerProcess(name, argv, port, workdir).start()
