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

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ..front import errors
from .credentials import Identity, identify

ALGORITHM = "AWS4-HMAC-SHA256"
_STAMP = re.compile(r"\d{8}T\d{6}Z")  # botocore's SIGV4_TIMESTAMP, %Y%m%dT%H%M%SZ
WINDOW = datetime.timedelta(minutes=errors.SIGNATURE_WINDOW_MINUTES)


class _Signer(SigV4Auth):
    """botocore's SigV4 signer, given the body's hash at once (``AWSRequest.body`` would first prepare a
    whole request to read it) and a signing key derived once per member, day and region (botocore derives it
    again with four HMACs for every request)."""

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


def _parse(authorization: str) -> dict[str, str]:
    """The Credential, SignedHeaders and Signature of an Authorization header."""
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
        request = AWSRequest(method=method, url=f"http://{_one(headers, 'host')}{path}", data=body,
                             headers={name: ",".join(headers.get(name, [])) for name in signed})
        request.context["timestamp"] = stamp
        signer = _Signer(Credentials(access_key, secret), service, region)
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
