"""What production runs, for tests: gunicorn serving real TLS, nginx terminating TLS in front of it.

A local CA (trustme) signs a certificate for 127.0.0.1 and localhost. gunicorn and nginx run as this
test's own processes on free loopback ports, nginx with a generated configuration (no system service).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import http.cookies
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .conftest import WORKER_COUNT, WORKER_INDEX

ROOT = Path(__file__).resolve().parent.parent
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
# The reverse-proxy block the README recommends; the tests run exactly this.
NGINX_LOCATION = """\
    location / {
        proxy_pass http://127.0.0.1:%(upstream)d;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $http_host;
    }"""


@dataclass(frozen=True)
class Certificate:
    ca: Path
    cert: Path
    key: Path
    spki_sha256: str  # what chromium's --ignore-certificate-errors-spki-list takes

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts only the test CA."""
        return ssl.create_default_context(cafile=str(self.ca))


def make_certificate(folder: Path) -> Certificate:
    """A CA and a server certificate for 127.0.0.1 and localhost, written as PEM files under FOLDER."""
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    folder.mkdir(parents=True, exist_ok=True)
    paths = Certificate(folder / "ca.pem", folder / "cert.pem", folder / "key.pem", "")
    ca.cert_pem.write_to_path(str(paths.ca))
    server.cert_chain_pems[0].write_to_path(str(paths.cert))
    for extra in server.cert_chain_pems[1:]:
        extra.write_to_path(str(paths.cert), append=True)
    server.private_key_pem.write_to_path(str(paths.key))
    leaf = x509.load_pem_x509_certificate(server.cert_chain_pems[0].bytes())
    spki = leaf.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return Certificate(paths.ca, paths.cert, paths.key, base64.b64encode(hashlib.sha256(spki).digest()).decode())


def free_port() -> int:
    """A free loopback port; under pytest-xdist only one this worker owns (port % workers == its index),
    so a port one worker has picked but not yet bound is never handed to a server of another worker."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port % WORKER_COUNT == WORKER_INDEX:
            return port


def server_env(database_url: str, public_url: str, **extra: str) -> dict[str, str]:
    """The environment of a gunicorn under test: the test's database and instance (so the same keys)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    instance = Path(env["INSTANCE_PATH"])
    env.update({"DATABASE_URL": database_url, "PUBLIC_BASE_URL": public_url, "PRODUCTION": "true",
                "SECRET_KEY": (instance / "secret_key").read_text().strip(),
                "CONTACT_KEYS": (instance / "contact_key").read_text().strip(),
                "MIN_FILL_SECONDS": "0", "PYTHONPATH": str(ROOT), **extra})
    return env


def wait_for(port: int, context: ssl.SSLContext | None, path: str = "/healthz", timeout: float = 60,
             proc: subprocess.Popen | None = None) -> None:
    """Return once https (or http, without CONTEXT) on PORT answers PATH; fail if PROC exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        conn = (http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=2) if context
                else http.client.HTTPConnection("127.0.0.1", port, timeout=2))
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise RuntimeError(f"nothing answered on port {port}")


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def gunicorn(env: dict[str, str], certificate: Certificate | None = None, port: int | None = None,
             workers: int = 1, threads: int = 4):
    """gunicorn serving wsgi:app on 127.0.0.1 (with --certfile/--keyfile when CERTIFICATE is given)."""
    port = port or free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-k", "gthread",
               "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    if certificate:
        command += ["--certfile", str(certificate.cert), "--keyfile", str(certificate.key)]
    proc = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env=env)
    try:
        wait_for(port, certificate.client_context() if certificate else None, proc=proc)
        yield port
    finally:
        _stop(proc)


@contextmanager
def nginx(upstream: int, certificate: Certificate, folder: Path, port: int | None = None):
    """nginx terminating TLS on 127.0.0.1:PORT and proxying to UPSTREAM over HTTP, as the README shows."""
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} is not installed (scripts/test installs it)")
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    config = folder / "nginx.conf"
    config.write_text(f"""daemon off;
master_process off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder / 'access.log'};
    client_body_temp_path {temp['body']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {certificate.cert};
        ssl_certificate_key {certificate.key};
{NGINX_LOCATION % {'upstream': upstream}}
    }}
}}
""")
    proc = subprocess.Popen([NGINX, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, certificate.client_context(), proc=proc)
        yield port
    finally:
        _stop(proc, signal.SIGQUIT)


class SiteClient:
    """A minimal HTTP(S) client with its own cookies and its own source address (127.0.0.2, 127.0.0.3...),
    so one machine can be several clients of a proxy. It sends a same-origin Referer, as browsers do.
    Without a CERTIFICATE it speaks plain HTTP."""

    def __init__(self, port: int, certificate: Certificate | None = None, source: str = "127.0.0.1"):
        self.port, self.source = port, source
        self.context = certificate.client_context() if certificate else None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """Returns (status, headers, body text)."""
        if self.context:
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=60,
                                               source_address=(self.source, 0))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.source, 0))
        scheme = "https" if self.context else "http"
        sent = {"Referer": f"{scheme}://127.0.0.1:{self.port}{path}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            reply = conn.getresponse()
            text = reply.read().decode("utf-8", "replace")
            for header in reply.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return reply.status, reply.headers, text
        finally:
            conn.close()
