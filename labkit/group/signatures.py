"""The server's check of who sent a request: the SigV4 signature recomputed with botocore's own signer.

The request is rebuilt from what arrived (method, path, the headers the client says it signed, the body)
and signed again with the secret the access key stands for; the two signatures must be equal. DynamoDB's
answers: no signature, MissingAuthenticationTokenException; a key the hub never made,
UnrecognizedClientException; another secret or a changed request, InvalidSignatureException; an
``X-Amz-Date`` more than 15 minutes from the server's clock, InvalidSignatureException.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
import time

from botocore.auth import SIGNED_HEADERS_BLACKLIST, SIGV4_TIMESTAMP, SigV4Auth
from botocore.credentials import Credentials

from ..front import errors
from .credentials import Identity, identify

ALGORITHM = "AWS4-HMAC-SHA256"
_STAMP = re.compile(r"\d{8}T\d{6}Z")  # botocore's SIGV4_TIMESTAMP, %Y%m%dT%H%M%SZ
_USUAL = re.compile(r"AWS4-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([^,\s]+)")
WINDOW = datetime.timedelta(minutes=errors.SIGNATURE_WINDOW_MINUTES)


class _Request:
    """What botocore's signer reads of a request (method, url, headers, params, context, body), without an
    ``AWSRequest``: its headers are an ``email.message`` underneath, which cost the check more than the
    hashing did. ``headers`` holds only the headers the client signed (name in lower case -> its values)."""

    params = None

    def __init__(self, method: str, url: str, headers: dict, body: bytes, timestamp: str):
        self.method, self.url, self.headers, self.data = method, url, headers, body
        self.context = {"timestamp": timestamp}


class _Signed(dict):
    """Signed headers as the signer's ``canonical_headers`` and ``signed_headers`` read them: a header's
    every value from ``get_all``."""

    def get_all(self, name: str) -> list[str]:
        return self[name]


class _Signer(SigV4Auth):
    """botocore's SigV4 signer, computing the canonical request, the string to sign and the signature itself
    (``canonical_request``, ``string_to_sign``, ``_sign``), given three things at less cost: the signed headers
    (botocore's own rule: every header but its ``SIGNED_HEADERS_BLACKLIST``), the body's hash (always
    computed from the body, never taken from an ``X-Amz-Content-SHA256`` header), and a signing key derived
    once per member, day and region (botocore derives it again with four HMACs for every request)."""

    def headers_to_sign(self, request):
        return _Signed({name: values for name, values in request.headers.items()
                        if name not in SIGNED_HEADERS_BLACKLIST})

    def canonical_query_string(self, request):
        return super().canonical_query_string(request) if "?" in request.url else ""  # botocore's, for no query

    def _normalize_url_path(self, path):
        return _normal_path(path)

    def payload(self, request):
        return hashlib.sha256(request.data or b"").hexdigest()

    def signature(self, string_to_sign, request):
        key = _signing_key(self.credentials.secret_key, request.context["timestamp"][:8], self._region_name,
                           self._service_name)
        return self._sign(key, string_to_sign, hex=True)


@functools.lru_cache(maxsize=1024)
def _signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    """botocore's own derivation (its ``_sign``, which keeps no state), kept per member, day and region."""
    sign = functools.partial(SigV4Auth._sign, None)
    return sign(sign(sign(sign(f"AWS4{secret}".encode(), day), region), service), "aws4_request")


@functools.lru_cache(maxsize=64)
def _normal_path(path: str) -> str:
    """botocore's normal form of a path (its ``_normalize_url_path`` keeps no state), kept: a lab has one path."""
    return SigV4Auth._normalize_url_path(None, path)


def _parse(authorization: str) -> dict[str, str]:
    """The Credential, SignedHeaders and Signature of an Authorization header (at once when it is written as
    every SDK writes it; otherwise part by part, to say what is wrong)."""
    usual = _USUAL.fullmatch(authorization)
    if usual:
        return dict(zip(("Credential", "SignedHeaders", "Signature"), usual.groups()))
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise errors.incomplete_signature(f"Unsupported signing algorithm {algorithm[:40]!r}: use {ALGORITHM}")
    parts = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not parts.get(name)]
    if missing:
        raise errors.incomplete_signature(f"Authorization header requires '{missing[0]}' parameter. "
                                          f"Authorization={authorization[:200]}")
    return parts


class Verifier:
    """Checks signatures against the identities a hub secret makes. ``clock`` gives the server's time."""

    def __init__(self, hub_secret: bytes, clock=time.time):
        self.hub_secret, self.clock = hub_secret, clock
        self._known = functools.lru_cache(maxsize=1024)(lambda key: identify(self.hub_secret, key))

    def identify(self, method: str, path: str, headers, body: bytes) -> Identity:
        """Who signed this request, or DynamoDB's refusal. ``headers``: name (lower case) -> its values."""
        authorization = _one(headers, "authorization")
        if not authorization:
            raise errors.missing_authentication()
        parts = _parse(authorization)
        scope = parts["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise errors.incomplete_signature(f"Credential should be scoped to a valid region, not "
                                              f"'{'/'.join(scope[1:])[:100]}'.")
        access_key, day, region, service, _ = scope
        known = self._known(access_key)
        if known is None:
            raise errors.unrecognized_client()
        identity, secret = known
        signed = parts["SignedHeaders"].split(";")
        stamp = _one(headers, "x-amz-date")
        if "host" not in signed or not stamp:
            raise errors.incomplete_signature("The request must sign the Host header and carry X-Amz-Date.")
        self._check_time(stamp)
        request = _Request(method, f"http://{_one(headers, 'host')}{path}",
                           {name: headers.get(name, []) for name in signed}, body, stamp)
        signer = _signer(access_key, secret, service, region)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        if day != stamp[:8] or not hmac.compare_digest(expected, parts["Signature"]):
            raise errors.signature_mismatch()
        return identity

    def _check_time(self, stamp: str) -> None:
        if not _STAMP.fullmatch(stamp):
            raise errors.incomplete_signature(f"Date must be in ISO-8601 'basic format'. Got '{stamp[:40]}'.")
        earliest, now, latest = _window(int(self.clock()))  # stamps of this form sort as the times they name
        if stamp < earliest:
            raise errors.signature_expired(stamp, earliest, now)
        if stamp > latest:
            raise errors.signature_not_yet_current(stamp, latest, now)


@functools.lru_cache(maxsize=1024)
def _signer(access_key: str, secret: str, service: str, region: str) -> _Signer:
    """One signer per member and scope (it keeps no state of a request's), not one per request."""
    return _Signer(Credentials(access_key, secret), service, region)


@functools.lru_cache(maxsize=4)
def _window(second: int) -> tuple[str, str, str]:
    """The earliest and latest X-Amz-Date the server accepts at ``second``, with ``second`` itself, as stamps."""
    now = datetime.datetime.fromtimestamp(second, datetime.timezone.utc)
    return _text(now - WINDOW), _text(now), _text(now + WINDOW)


def _text(moment: datetime.datetime) -> str:
    return moment.strftime(SIGV4_TIMESTAMP)


def _one(headers, name: str) -> str:
    values = headers.get(name, [])
    return values[0] if values else ""
