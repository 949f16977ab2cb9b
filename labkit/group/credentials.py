"""Each member's AWS credentials, derived from the hub's secret: the access key is who the member is.

An access key reads ``LKMB`` (member) or ``LKFA`` (facilitator), the member's name in base32, and a tag
(an HMAC of role and name under the hub secret). The server therefore needs no list of members: a key
whose tag it can recompute is someone the hub made; any other key is unknown to it, as a key from another
AWS account is to DynamoDB. The secret access key is a second HMAC, which only the hub (to hand it to the
member's server) and the lab's server (to check signatures) can compute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from ..backend import GROUP_ENV

HUB_SECRET_ENV = "LABKIT_HUB_SECRET"
ACCOUNT = "000000000000"  # the lab's one account, in the ARNs it writes in its messages
PREFIXES = {"member": "LKMB", "facilitator": "LKFA"}
_ROLES = {prefix: role for role, prefix in PREFIXES.items()}
_TAG = 12


@dataclass(frozen=True)
class Identity:
    """Who signed a request: a member's name and role."""

    name: str
    role: str  # "member" or "facilitator"
    access_key: str

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{ACCOUNT}:user/{self.name}"


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str

    def environment(self) -> dict[str, str]:
        """What a member's server gets: every AWS client (boto3, the CLI, PynamoDB) signs with these."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key, GROUP_ENV: "1"}


def new_hub_secret() -> str:
    return secrets.token_hex(32)


def hub_secret_from_environment() -> bytes:
    value = os.environ.get(HUB_SECRET_ENV, "")
    if len(value) < 32:
        raise RuntimeError(f"{HUB_SECRET_ENV} must hold the hub's secret (at least 32 characters)")
    return value.encode()


def _mac(hub_secret: bytes, purpose: str, role: str, name: str) -> bytes:
    return hmac.new(hub_secret, f"{purpose}\0{role}\0{name}".encode(), hashlib.sha256).digest()


def _tag(hub_secret: bytes, role: str, name: str) -> str:
    return base64.b32encode(_mac(hub_secret, "key", role, name)).decode()[:_TAG]


def derive(hub_secret: bytes, name: str, role: str = "member") -> Credentials:
    """The access key and secret of ``name`` in ``role``."""
    if role not in PREFIXES:
        raise ValueError(f"role must be one of {', '.join(PREFIXES)}")
    if not name:
        raise ValueError("a member needs a name")
    encoded = base64.b32encode(name.encode()).decode().rstrip("=")
    secret = base64.b64encode(_mac(hub_secret, "secret", role, name)).decode()[:40]
    return Credentials(PREFIXES[role] + encoded + _tag(hub_secret, role, name), secret)


def identify(hub_secret: bytes, access_key: str) -> tuple[Identity, str] | None:
    """The identity an access key stands for and its secret; None for a key the hub never made."""
    role = _ROLES.get(access_key[:4])
    encoded, tag = access_key[4:-_TAG], access_key[-_TAG:]
    if role is None or not encoded:
        return None
    try:
        name = base64.b32decode(encoded + "=" * (-len(encoded) % 8)).decode()
    except (ValueError, UnicodeError):
        return None
    if not hmac.compare_digest(tag, _tag(hub_secret, role, name)):
        return None
    return Identity(name, role, access_key), derive(hub_secret, name, role).secret_key
