"""Response headers: a strict Content Security Policy and the other usual protections.

The public pages' two stylesheets are inlined: on a slow phone network every render-blocking request
costs a round trip before anything shows. The policy admits exactly those blocks by their SHA-256
hashes, so it still has no 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask, request
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from .inputs import STAFF_BLUEPRINTS

INLINE_STYLES = ("survey.css", "elderly.css")  # the public base template's stylesheets


def content_security_policy(style_hashes: list[str]) -> str:
    styles = " ".join(["'self'", *style_hashes])
    return ("default-src 'self'; script-src 'self'; "
            f"style-src {styles}; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; object-src 'none'")


def _sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def init_app(app: Flask) -> None:
    """Proxy trust, the inlined stylesheets and the security headers on every response."""
    trust_proxies(app)
    # Read once at start-up: the policy's hashes and the inlined text must be the same bytes.
    folder = Path(app.static_folder or "static")
    styles = {name: (folder / name).read_text(encoding="utf-8") for name in INLINE_STYLES}
    csp = content_security_policy([_sha256_source(text) for text in styles.values()])
    app.jinja_env.globals["inline_style"] = lambda name: Markup(styles[name])

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Survey URLs carry the point's token: never send it to another site. Same-origin requests keep
        # their Referer, which Flask-WTF's CSRF check demands over HTTPS (no-referrer broke staff sign-in).
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.blueprint in STAFF_BLUEPRINTS:
            # Staff pages and their exports hold patient comments: no copy in a browser or proxy cache.
            headers["Cache-Control"] = "no-store"
        return response


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto/-Host from exactly TRUSTED_PROXIES proxies (none by default).

    Behind nginx without this, every client has the proxy's address: one address's login failures lock
    out the whole hospital and the audit log records nobody. Trusting more proxies than there are lets
    any client forge its address, so the number must match the deployment.
    """
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
