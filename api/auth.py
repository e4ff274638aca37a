"""Bearer tokens: issue (for trying the API) and verify; the actor comes from the token only.

Two kinds of token are verified:

* HS256 with MOTCUA_SECRET_KEY (`motcua token`, tests, a pilot without an identity provider);
  such a token carries no ``kid``. Production on the development secret verifies none.
* RS256/ES256/EdDSA tokens of an identity provider (Keycloak, any OIDC server), whose public
  keys are in the JWKS file MOTCUA_JWKS_FILE: the token's ``kid`` picks the key and the key
  alone fixes the algorithm, so neither ``none`` nor HS256 "signed" with a public key (the
  algorithm confusion attack) ever verifies. The file is read again when it changes (rotation).

Roles come from ``roles``, Keycloak's ``realm_access.roles`` and the client roles
``resource_access.<audience>.roles``; units from ``units``; a citizen's personal ID from
``personal_id``. The engine's internal roles (system, replay) are refused in a token.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from flask import current_app, g, request

from engine.domain.model import Actor
from engine.services.access import CITIZEN, INTERNAL_ROLES
from engine.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
ASYMMETRIC = frozenset({"RSA", "EC", "OKP"})
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
MIN_RSA_BITS = 2048
# Clock skew tolerated between the identity provider and this server.
LEEWAY_SECONDS = 30
ANYONE = "*"


class AuthError(Exception):
    """No token, or a token that fails verification: answered with 401."""


def public(view: F) -> F:
    """Mark a view as open to anyone (no token): every other route needs one."""
    view.motcua_public = True  # type: ignore[attr-defined]
    return view


def allow(*roles: str) -> Callable[[F], F]:
    """Declare the roles that may call a route (any one suffices; ANYONE: any valid token).

    Every route that is not public declares its roles (api.guards refuses to start otherwise);
    the services still check unit scope and the finer rules.
    """

    def mark(view: F) -> F:
        view.motcua_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


# -- the identity provider's keys ---------------------------------------------------------


def load_jwks(path: Path) -> dict[str, jwt.PyJWK]:
    """The signing keys of a JWKS file by kid; RuntimeError names what is wrong with it."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"MOTCUA_JWKS_FILE: cannot read {path}: {exc}") from exc
    entries = raw.get("keys") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise RuntimeError(f"MOTCUA_JWKS_FILE: {path} is not a JWKS ({{'keys': [...]}})")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("use") == "enc":
            continue  # Keycloak publishes its encryption key beside the signing keys
        kid = entry.get("kid")
        where = f"MOTCUA_JWKS_FILE: key {kid!r} of {path}"
        if not isinstance(kid, str) or not kid or kid in keys:
            raise RuntimeError(f"{where}: every key needs its own kid")
        if entry.get("kty") not in ASYMMETRIC:
            raise RuntimeError(f"{where}: only public keys (RSA, EC, OKP) may verify tokens")
        if PRIVATE_MEMBERS & set(entry):
            raise RuntimeError(f"{where}: holds private key material; publish the public half")
        if "alg" in entry and entry["alg"] not in SIGNING_ALGORITHMS:
            raise RuntimeError(f"{where}: algorithm {entry['alg']} is not accepted")
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError as exc:
            raise RuntimeError(f"{where}: {exc}") from exc
        if isinstance(key.key, rsa.RSAPublicKey) and key.key.key_size < MIN_RSA_BITS:
            raise RuntimeError(f"{where}: RSA keys need at least {MIN_RSA_BITS} bits")
        keys[kid] = key
    if not keys:
        raise RuntimeError(f"MOTCUA_JWKS_FILE: {path} holds no signing key")
    return keys


class KeyRing:
    """The JWKS file's keys, read again when the file changes (the provider rotated a key)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp = self._stat()
        self._keys = load_jwks(path)

    def _stat(self) -> tuple[int, int]:
        info = os.stat(self.path)
        return info.st_mtime_ns, info.st_size

    def get(self, kid: str) -> jwt.PyJWK | None:
        """The key with that id; a file that changed is reloaded (a broken one keeps the old keys)."""
        try:
            stamp = self._stat()
        except OSError:
            stamp = self._stamp
        if stamp != self._stamp:
            with self._lock:
                try:
                    self._keys = load_jwks(self.path)
                except RuntimeError:
                    pass  # mid-write or broken: keep verifying with the keys we had
                else:
                    self._stamp = stamp
        return self._keys.get(kid)


class TokenVerifier:
    """Checks a bearer token and turns its claims into the Actor."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = KeyRing(settings.jwks_file) if settings.jwks_file else None

    def _key(self, token: str) -> tuple[Any, list[str]]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        kid = header.get("kid")
        if kid is not None:
            key = self.keys.get(str(kid)) if self.keys else None
            if key is None:
                raise AuthError("invalid token: unknown signing key (kid)")
            return key, [key.algorithm_name]  # the key, never the header, fixes the algorithm
        if not self.settings.hs256_enabled:
            raise AuthError(
                "invalid token: no key id (kid); tokens come from the identity provider"
            )
        return self.settings.secret_key, ["HS256"]

    def verify(self, token: str) -> Actor:
        """The actor of a valid token, else AuthError saying why."""
        key, algorithms = self._key(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.token_audience,
                issuer=self.settings.token_issuer,
                leeway=LEEWAY_SECONDS,
                options={
                    "require": ["exp", "sub", "iss", "aud"],
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        return actor_from_claims(claims, self.settings.token_audience)


def _strings(value: Any, claim: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AuthError(f"invalid token: {claim} must be a list of strings")
    return frozenset(value)


def actor_from_claims(claims: dict[str, Any], audience: str) -> Actor:
    """Subject, roles (ours, Keycloak's realm and client roles), units and personal ID."""
    roles = set(_strings(claims.get("roles", []), "roles"))
    realm = claims.get("realm_access")
    if isinstance(realm, dict):
        roles |= _strings(realm.get("roles", []), "realm_access.roles")
    clients = claims.get("resource_access")
    client = clients.get(audience) if isinstance(clients, dict) else None
    if isinstance(client, dict):
        roles |= _strings(client.get("roles", []), f"resource_access.{audience}.roles")
    units = _strings(claims.get("units", []), "units")
    internal = roles & INTERNAL_ROLES
    if internal:
        raise AuthError(f"invalid token: role {', '.join(sorted(internal))} is internal")
    personal_id = claims.get("personal_id") or ""
    if not isinstance(personal_id, str):
        raise AuthError("invalid token: personal_id must be a string")
    if CITIZEN in roles:
        if not personal_id:
            raise AuthError("invalid token: a citizen's token must carry personal_id")
        units = frozenset()  # a citizen belongs to no unit: they see their own dossiers
    name = claims.get("name") or claims.get("preferred_username") or ""
    return Actor(
        sub=str(claims["sub"]),
        roles=frozenset(roles),
        units=units,
        name=str(name),
        personal_id=personal_id,
    )


def verify_token(settings: Settings, token: str) -> Actor:
    """The actor of a valid token (a verifier built for this one call)."""
    return TokenVerifier(settings).verify(token)


# -- issuing (for trying the API; production tokens come from the identity provider) -----


def signing_algorithm(key: Any) -> str:
    """The algorithm a private key signs with: RS256, ES256/384/512 or EdDSA."""
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        curves = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
        if key.curve.name in curves:
            return curves[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    raise ValueError("the key must be an RSA, EC (P-256/384/521) or Ed25519 private key")


def issue_token(
    settings: Settings,
    sub: str,
    roles: list[str],
    units: list[str],
    *,
    now: datetime,
    ttl: timedelta = timedelta(hours=8),
    name: str = "",
    personal_id: str = "",
    private_key: Any = None,
    kid: str = "",
) -> str:
    """A signed token carrying subject, roles and units: HS256 with the secret, or with
    `private_key` (RS256/ES256/EdDSA by its type) and the `kid` of its public half."""
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": sorted(set(roles)),
        "units": sorted(set(units)),
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if name:
        claims["name"] = name
    if personal_id:
        claims["personal_id"] = personal_id
    if private_key is None:
        return jwt.encode(claims, settings.secret_key, algorithm="HS256")
    if not kid:
        raise ValueError("a token signed with a private key needs the kid of its public key")
    algorithm = signing_algorithm(private_key)
    return jwt.encode(claims, private_key, algorithm=algorithm, headers={"kid": kid})


def public_jwk(private_key: Any, kid: str) -> dict[str, Any]:
    """The JWK of a private key's public half, as a JWKS file lists it."""
    algorithm = signing_algorithm(private_key)
    jwk: dict[str, Any] = json.loads(
        jwt.get_algorithm_by_name(algorithm).to_jwk(private_key.public_key())
    )
    jwk.update(kid=kid, use="sig", alg=algorithm)
    return jwk


# -- the request's actor -------------------------------------------------------------------


def install_verifier(app: Any, settings: Settings) -> None:
    """Build the app's verifier (reads the JWKS file now: a bad one stops the start)."""
    app.extensions["motcua_tokens"] = TokenVerifier(settings)


def current_actor() -> Actor:
    """The authenticated actor of this request (401 when missing or invalid)."""
    actor = g.get("actor")
    if actor is not None:
        return actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("missing bearer token (Authorization: Bearer <token>)")
    verifier: TokenVerifier = current_app.extensions["motcua_tokens"]
    actor = verifier.verify(token.strip())
    g.actor = actor
    return actor
