"""Tokens of an identity provider (Keycloak, OIDC): RS256/ES256 keys from a JWKS file.

The keys are made here, at test time (no private key is ever committed). What must hold: the
token's kid picks the key and the key alone fixes the algorithm, so `none`, HS256 "signed" with
the public key (algorithm confusion), a key of the wrong type and an unknown kid all get 401.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from api.app import create_app
from api.auth import AuthError, issue_token, public_jwk, verify_token
from api.cli import build_parser
from engine.settings import DEV_SECRET, Settings
from tests.e2e.helpers import UNIT, assert_error, bearer, token_claims

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICER = (["officer", "counter"], [UNIT])


def _idp_claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    """Claims as the identity provider issues them: its own user ids."""
    return token_claims(settings, sub="f3b9c2d4-keycloak-user", **changes)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_jwks(path: Path, *jwks: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"keys": list(jwks)}), encoding="utf-8")
    return path


@pytest.fixture
def jwks_file(tmp_path: Path, rsa_key: Any, ec_key: Any) -> Path:
    # Keycloak publishes an encryption key beside its signing keys: it must be left alone.
    enc = {**public_jwk(rsa_key, "enc-1"), "use": "enc", "alg": "RSA-OAEP"}
    return _write_jwks(
        tmp_path / "jwks.json", public_jwk(rsa_key, "rsa-1"), public_jwk(ec_key, "ec-1"), enc
    )


@pytest.fixture
def idp_settings(settings: Settings, jwks_file: Path) -> Settings:
    return dataclasses.replace(settings, jwks_file=jwks_file)


@pytest.fixture
def idp_client(idp_settings: Settings, ctx: Any) -> Any:
    return create_app(idp_settings, ctx).test_client()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256_with(secret: bytes, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """An HS256 token made by hand (PyJWT refuses a PEM public key as an HMAC secret)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _public_pem(key: Any) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_rs256_and_es256_tokens_of_the_identity_provider_are_accepted(
    idp_client: Any, idp_settings: Settings, rsa_key: Any, ec_key: Any
) -> None:
    now = datetime.now(VN)
    for key, kid, alg in ((rsa_key, "rsa-1", "RS256"), (ec_key, "ec-1", "ES256")):
        token = issue_token(idp_settings, "mc.lan", *OFFICER, now=now, private_key=key, kid=kid)
        assert jwt.get_unverified_header(token)["alg"] == alg
        response = idp_client.get("/cases", headers=bearer(token))
        assert response.status_code == 200, (alg, response.get_json())


def test_the_algorithm_confusion_attack_is_refused(
    idp_client: Any, idp_settings: Settings, rsa_key: Any
) -> None:
    claims = _idp_claims(idp_settings, roles=["admin"])
    pem = _public_pem(rsa_key)
    jwk_json = json.dumps(public_jwk(rsa_key, "rsa-1")).encode()
    forged = [
        _hs256_with(pem, {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims),
        _hs256_with(pem, {"alg": "HS256", "typ": "JWT"}, claims),
        _hs256_with(jwk_json, {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims),
    ]
    for token in forged:
        assert_error(idp_client.get("/cases", headers=bearer(token)), 401, "unauthorized")


def test_unsigned_and_mismatched_tokens_are_refused(
    idp_client: Any, idp_settings: Settings, rsa_key: Any, ec_key: Any
) -> None:
    claims = _idp_claims(idp_settings)
    other_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "alg none with a known kid": jwt.encode(claims, None, "none", headers={"kid": "rsa-1"}),
        "EC signature under the RSA kid": jwt.encode(
            claims, ec_key, "ES256", headers={"kid": "rsa-1"}
        ),
        "another RSA key under a known kid": jwt.encode(
            claims, other_rsa, "RS256", headers={"kid": "rsa-1"}
        ),
        "RS512 where the key says RS256": jwt.encode(
            claims, rsa_key, "RS512", headers={"kid": "rsa-1"}
        ),
        "unknown kid": jwt.encode(claims, rsa_key, "RS256", headers={"kid": "rsa-9"}),
        "the encryption key's kid": jwt.encode(claims, rsa_key, "RS256", headers={"kid": "enc-1"}),
        "wrong audience": jwt.encode(
            _idp_claims(idp_settings, aud="account"), rsa_key, "RS256", headers={"kid": "rsa-1"}
        ),
        "expired": jwt.encode(
            _idp_claims(idp_settings, exp=int(datetime.now(VN).timestamp()) - 3600),
            rsa_key,
            "RS256",
            headers={"kid": "rsa-1"},
        ),
    }
    for why, token in refused.items():
        response = idp_client.get("/cases", headers=bearer(token))
        assert_error(response, 401, "unauthorized", where=why)


def test_keycloak_realm_and_client_roles_are_the_token_s_roles(
    idp_client: Any, idp_settings: Settings, rsa_key: Any
) -> None:
    def sign(**changes: Any) -> dict[str, str]:
        claims = _idp_claims(idp_settings, roles=None, **changes)
        return bearer(jwt.encode(claims, rsa_key, "RS256", headers={"kid": "rsa-1"}))

    no_roles = sign()
    realm = sign(realm_access={"roles": ["officer", "offline_access", "uma_authorization"]})
    client = sign(resource_access={idp_settings.token_audience: {"roles": ["officer"]}})
    other_client = sign(resource_access={"account": {"roles": ["officer"]}})
    assert_error(idp_client.get("/cases", headers=no_roles), 403, "forbidden")
    assert_error(idp_client.get("/cases", headers=other_client), 403, "forbidden")
    assert idp_client.get("/cases", headers=realm).status_code == 200
    assert idp_client.get("/cases", headers=client).status_code == 200
    malformed = sign(realm_access={"roles": "officer"})
    assert_error(idp_client.get("/cases", headers=malformed), 401, "unauthorized")


def test_internal_roles_and_a_citizen_without_id_never_come_from_a_token(
    idp_client: Any, idp_settings: Settings, rsa_key: Any
) -> None:
    for changes in (
        {"roles": ["system"]},
        {"roles": ["officer", "replay"], "units": [UNIT]},
        {"realm_access": {"roles": ["system"]}},
        {"roles": ["citizen"]},
        {"roles": ["citizen"], "personal_id": 1190012345},
    ):
        token = jwt.encode(
            _idp_claims(idp_settings, **changes), rsa_key, "RS256", headers={"kid": "rsa-1"}
        )
        response = idp_client.get("/cases", headers=bearer(token))
        assert_error(response, 401, "unauthorized", where=changes)


def test_a_rotated_key_is_picked_up_and_the_withdrawn_one_refused(
    idp_client: Any, idp_settings: Settings, jwks_file: Path, rsa_key: Any
) -> None:
    now = datetime.now(VN)
    old = issue_token(idp_settings, "mc.lan", *OFFICER, now=now, private_key=rsa_key, kid="rsa-1")
    assert idp_client.get("/cases", headers=bearer(old)).status_code == 200
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_jwks(jwks_file, public_jwk(new_key, "rsa-2"))
    new = issue_token(idp_settings, "mc.lan", *OFFICER, now=now, private_key=new_key, kid="rsa-2")
    assert idp_client.get("/cases", headers=bearer(new)).status_code == 200
    assert_error(idp_client.get("/cases", headers=bearer(old)), 401, "unauthorized")
    jwks_file.write_text("{not json", encoding="utf-8")  # mid-write: the keys we had still hold
    assert idp_client.get("/cases", headers=bearer(new)).status_code == 200


def test_hs256_tokens_still_verify_beside_the_jwks_outside_production(
    idp_client: Any, idp_settings: Settings
) -> None:
    token = issue_token(idp_settings, "mc.lan", *OFFICER, now=datetime.now(VN))
    assert idp_client.get("/cases", headers=bearer(token)).status_code == 200


def test_production_needs_a_real_secret_or_a_jwks_file(
    monkeypatch: pytest.MonkeyPatch, jwks_file: Path, rsa_key: Any
) -> None:
    for name in ("MOTCUA_SECRET_KEY", "MOTCUA_JWKS_FILE", "MOTCUA_WEBHOOKS", "MOTCUA_PORTAL_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOTCUA_ENV", "production")
    with pytest.raises(RuntimeError, match="MOTCUA_JWKS_FILE"):
        Settings.from_env(database_url="sqlite://")
    monkeypatch.setenv("MOTCUA_JWKS_FILE", str(jwks_file))
    settings = Settings.from_env(database_url="sqlite://")
    assert settings.secret_key == DEV_SECRET and not settings.hs256_enabled
    # The development secret is public: a token it signs is worth nothing in production.
    dev_token = issue_token(settings, "x", ["admin"], [], now=datetime.now(VN))
    with pytest.raises(AuthError, match="no key id"):
        verify_token(settings, dev_token)
    idp_token = issue_token(
        settings, "x", ["admin"], [], now=datetime.now(VN), private_key=rsa_key, kid="rsa-1"
    )
    assert verify_token(settings, idp_token).roles == {"admin"}
    # Nor may it sign webhooks.
    monkeypatch.setenv("MOTCUA_PORTAL_URL", "https://portal.example/api")
    with pytest.raises(RuntimeError, match="MOTCUA_WEBHOOK_SECRET"):
        Settings.from_env(database_url="sqlite://")


@pytest.mark.parametrize(
    ("why", "entry"),
    [
        ("a shared secret", {"kty": "oct", "kid": "k", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"}),
        ("private key material", "private"),
        ("a short RSA key", "rsa-1024"),
        ("no kid", "no-kid"),
        ("an algorithm that is not a signature", "alg-hs256"),
    ],
)
def test_a_jwks_file_that_could_not_be_trusted_stops_the_start(
    settings: Settings, ctx: Any, tmp_path: Path, rsa_key: Any, why: str, entry: Any
) -> None:
    good = public_jwk(rsa_key, "rsa-1")
    if entry == "private":
        numbers = rsa_key.private_numbers()
        entry = {**good, "d": _b64(numbers.d.to_bytes(256, "big"))}
    elif entry == "rsa-1024":
        entry = public_jwk(rsa.generate_private_key(public_exponent=65537, key_size=1024), "s")
    elif entry == "no-kid":
        entry = {k: v for k, v in good.items() if k != "kid"}
    elif entry == "alg-hs256":
        entry = {**good, "alg": "HS256"}
    path = _write_jwks(tmp_path / "jwks.json", entry)
    with pytest.raises(RuntimeError, match="MOTCUA_JWKS_FILE"):
        create_app(dataclasses.replace(settings, jwks_file=path), ctx)


def test_the_command_line_prints_a_jwks_and_signs_tokens_with_its_key(
    tmp_path: Path, rsa_key: Any, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    pem = tmp_path / "key.pem"
    pem.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    args = build_parser().parse_args(["jwks", "--key", str(pem), "--kid", "try-1"])
    assert args.func(args) == 0
    jwks = tmp_path / "jwks.json"
    jwks.write_text(capsys.readouterr().out, encoding="utf-8")
    assert "d" not in json.loads(jwks.read_text())["keys"][0]
    argv = ["token", "--sub", "cd.hoa", "--role", "citizen", "--personal-id", "001190012345"]
    args = build_parser().parse_args([*argv, "--key", str(pem), "--kid", "try-1"])
    assert args.func(args) == 0
    token = capsys.readouterr().out.strip()
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": "try-1", "typ": "JWT"}
    verifier_settings = dataclasses.replace(settings, jwks_file=jwks)
    actor = verify_token(verifier_settings, token)
    assert (actor.sub, actor.roles, actor.personal_id) == ("cd.hoa", {"citizen"}, "001190012345")
