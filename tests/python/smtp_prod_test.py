"""The notification service started exactly as the prod overlay starts it
(its rendered ConfigMaps, environment and mounted files, with the Secrets'
files written into a temp dir) delivers a player's e-mail to a real SMTP
server on loopback (aiosmtpd) over STARTTLS with authentication.

What the test changes, and only that: the mount paths point into the temp
dir, the relay's host and port are aiosmtpd's (and its CA is trusted through
email.smtp_ca_file, the documented key for a private relay), the listen
address is a free loopback port, and telemetry exports nowhere. Tokens are
EdDSA: the prod overlay refuses HS256.

Usage: python3 tests/python/smtp_prod_test.py target/debug/redress-notification
Needs: pip install grpcio grpcio-tools aiosmtpd cryptography pyyaml; kubectl
(or the copy .ci/k8s-check installs); openssl.
"""

import base64
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(__file__))
from client_test import free_port, generate_stubs  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, ".ci"))
from k8s_pod_env import lay_out  # noqa: E402

SMTP_USER = "redress-notification"
SMTP_PASSWORD = "smtp-test-password-" + uuid.uuid4().hex
TENANT = "casino-a"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def kubectl() -> str:
    found = shutil.which("kubectl")
    cached = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "redress-tools/kubectl/bin/kubectl")
    if found:
        return found
    if os.access(cached, os.X_OK):
        return cached
    raise SystemExit("kubectl not found (run .ci/k8s-check first: it installs one)")


def render_prod() -> list[dict]:
    out = subprocess.run([kubectl(), "kustomize", os.path.join(ROOT, "k8s/overlays/prod")], check=True, capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def eddsa_key(tmp: str) -> tuple[str, object]:
    """An Ed25519 key pair: the PEM path and the private key object."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = os.path.join(tmp, "caller-key.pem")
    with open(path, "wb") as f:
        f.write(pem)
    return path, key


def jwks_for(key, kid: str) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": kid, "use": "sig", "x": b64(raw)}]})


def eddsa_token(key, kid: str, tenant: str, roles: list[str]) -> str:
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    now = int(time.time())
    claims = {"sub": "intake", "tenant": tenant, "roles": roles, "iss": "redress", "aud": "redress", "iat": now, "exp": now + 600}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def private_relay_cert(tmp: str) -> tuple[str, str, str]:
    """A private CA and the relay's certificate for `localhost`, signed by it:
    (ca.crt, relay.crt, relay.key)."""
    ca_crt, ca_key = os.path.join(tmp, "ca.crt"), os.path.join(tmp, "ca.key")
    crt, key, csr = os.path.join(tmp, "relay.crt"), os.path.join(tmp, "relay.key"), os.path.join(tmp, "relay.csr")
    ext = os.path.join(tmp, "relay.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Redress test relay CA", "-keyout", ca_key, "-out", ca_crt)
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key, "-out", csr)
    run("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-days", "1", "-extfile", ext, "-out", crt)
    return ca_crt, crt, key


def start_smtp(cert: str, key: str):
    """aiosmtpd requiring STARTTLS before AUTH and AUTH before MAIL."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append({"tls": session.ssl is not None, "auth": session.authenticated, "from": envelope.mail_from,
                                  "to": envelope.rcpt_tos, "data": envelope.content.decode("utf-8", "replace")})
            return "250 OK: queued as TEST1"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
        return AuthResult(success=ok)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Keep()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost", tls_context=context,
                            require_starttls=True, authenticator=authenticator, auth_required=True)
    controller.start()
    return controller, handler, port


def main() -> None:
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/redress-notification"))
    tmp = tempfile.mkdtemp(prefix="redress-smtp-prod-")
    docs = render_prod()
    # The pod's configuration as the overlay gives it (.ci/k8s_pod_env.py),
    # its mount paths re-rooted under tmp.
    init_env = lay_out(docs, "notification", tmp, init=True)
    env = lay_out(docs, "notification", tmp)

    # The Secrets' files, as an operator creates them (docs/operations.md):
    # every file under a re-rooted /run/secrets that the environment or a
    # mounted TOML names.
    caller_pem, caller_key = eddsa_key(tmp)
    db_url = f"sqlite://{tmp}/notification.db?mode=rwc"
    with open(env["REDRESS_NOTIFICATION__AUTH__JWKS_FILE"], "w") as f:
        f.write(jwks_for(caller_key, "intake"))

    def secret_content(path: str) -> str:
        name = os.path.basename(path)
        if name.startswith("database-url"):
            return db_url + "\n"
        if name == "smtp-password":
            return SMTP_PASSWORD + "\n"
        if name.endswith(".pem"):
            with open(caller_pem) as f:
                return f.read()
        return uuid.uuid4().hex + "\n"

    texts = list(init_env.values()) + list(env.values())
    texts += [open(os.path.join(d, f)).read() for d, _, files in os.walk(tmp) for f in files if f.endswith(".toml")]
    for text in texts:
        for path in re.findall(re.escape(tmp) + r"/run/secrets/[\w.\-/]+", text):
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(secret_content(path))

    ca, cert, key = private_relay_cert(tmp)
    controller, inbox, smtp_port = start_smtp(cert, key)
    port = free_port()
    run_env = dict(env)
    run_env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)  # no collector here
    run_env.update({
        "PATH": os.environ.get("PATH", ""),
        "REDRESS_NOTIFICATION__SERVER__LISTEN": f"127.0.0.1:{port}",
        "REDRESS_NOTIFICATION__SERVER__METRICS_LISTEN": "",
        "REDRESS_NOTIFICATION__EMAIL__SMTP_HOST": "localhost",
        "REDRESS_NOTIFICATION__EMAIL__SMTP_PORT": str(smtp_port),
        "REDRESS_NOTIFICATION__EMAIL__SMTP_CA_FILE": ca,
    })
    assert run_env["REDRESS_NOTIFICATION__EMAIL__SMTP_TLS"] == "starttls", "prod must use STARTTLS"
    assert run_env["REDRESS_NOTIFICATION__AUTH__ALLOW_HS256"] == "false", "prod must refuse HS256"

    # The init container's migration (its args: `migrate`), then the server.
    init_env["PATH"] = os.environ.get("PATH", "")
    subprocess.run([binary, "migrate"], env=init_env, check=True, timeout=120)
    log = open(os.path.join(tmp, "notification.log"), "w")
    server = subprocess.Popen([binary, "serve"], env=run_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        import grpc

        os.makedirs(os.path.join(tmp, "stubs"))
        generate_stubs(os.path.join(tmp, "stubs"))
        from redress.common.v1 import common_pb2
        from redress.notification.v1 import notification_pb2, notification_pb2_grpc

        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = notification_pb2_grpc.NotificationInternalServiceStub(channel)
        token = eddsa_token(caller_key, "intake", TENANT, ["service"])
        reply = stub.SendNotification(
            notification_pb2.SendNotificationRequest(
                dedupe_key="smtp-prod-1",
                event=notification_pb2.NOTIFICATION_EVENT_COMPLAINT_RECEIVED,
                purpose=notification_pb2.MESSAGE_PURPOSE_LEGALLY_REQUIRED,
                recipient=common_pb2.Player(player_id="p-1", display_name="Anna", email="anna@example.pl",
                                            language_code="pl", jurisdiction="PL", preferred_channel=common_pb2.CHANNEL_EMAIL),
                complaint="complaints/c-1",
                complaint_reference="RDR-2026-000001",
            ),
            metadata=[("authorization", f"Bearer {token}")],
            timeout=10,
        )
        assert reply.notification.name, reply
        deadline = time.time() + 60
        while not inbox.messages and time.time() < deadline:
            time.sleep(0.2)
        assert inbox.messages, "no e-mail reached the SMTP server; log:\n" + open(log.name).read()
        message = inbox.messages[0]
        assert message["tls"], "delivered without STARTTLS"
        assert message["auth"], "delivered without authentication"
        assert message["to"] == ["anna@example.pl"], message["to"]
        assert "reklamacje@casino-a.example" in message["from"], message["from"]
        assert "RDR-2026-000001" in message["data"], "the complaint reference is not in the e-mail"
        # An HS256 token is refused outright in prod.
        hs = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps({'tenant': TENANT}).encode())}.x"
        try:
            stub.SendNotification(notification_pb2.SendNotificationRequest(dedupe_key="hs"), metadata=[("authorization", f"Bearer {hs}")], timeout=10)
            raise AssertionError("an HS256 token was accepted")
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.UNAUTHENTICATED, err
        print(f"ok: prod-configured notification delivered over STARTTLS+AUTH to aiosmtpd (from {message['from']})")
    finally:
        server.terminate()
        server.wait(timeout=30)
        controller.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
