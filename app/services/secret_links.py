"""The tokens of private links (status pages, password links): an HMAC, under the app's secret
key, of a random nonce, so the link can be written again from the nonce while the database
alone cannot; only the token's SHA-256 is stored, for the lookup."""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_from_nonce(label: bytes, nonce: str) -> str:
    """The token of a nonce; ``label`` keeps each kind of link's tokens apart."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, label + b" " + nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
