"""The Python SDK against the real platform (``redress dev``, see conftest.py):
the whole handling loop, typed errors, and a retry after a lost reply."""

from __future__ import annotations

import os
import quopri
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Optional

import grpc
import pytest
from google.protobuf import timestamp_pb2

import redress
from redress import errors
from redress.common.v1 import common_pb2 as common
from redress.feedback.v1 import feedback_pb2 as feedback
from redress.intake.v1 import intake_pb2 as intake
from redress.resolution.v1 import resolution_service_pb2 as resolution

from conftest import Platform, eventually


def complaint_request(player_id: str, email: str, request_id: str = "") -> intake.SubmitComplaintRequest:
    return intake.SubmitComplaintRequest(
        request_id=request_id,
        player=common.Player(
            player_id=player_id,
            display_name="Sam",
            email=email,
            language_code="en",
            jurisdiction="GB",
            preferred_channel=common.CHANNEL_EMAIL,
        ),
        transaction_references=common.TransactionReferences(withdrawal_id=f"W-{player_id}", payment_method="visa"),
        category=common.COMPLAINT_CATEGORY_WITHDRAWAL,
        subject="Withdrawal not received",
        description="My withdrawal has been pending for a week.",
        channel=common.CHANNEL_EMAIL,
    )


def client(platform: Platform, role: str, **kwargs: object) -> redress.Client:
    return redress.Client(**platform.addresses, token=platform.tokens[role], timeout=10, **kwargs)  # type: ignore[arg-type]


def window() -> feedback.TimeWindow:
    now = int(time.time())
    return feedback.TimeWindow(
        start_time=timestamp_pb2.Timestamp(seconds=now - 3 * 86_400), end_time=timestamp_pb2.Timestamp(seconds=now + 3600)
    )


def survey_token(platform: Platform, email: str) -> Optional[str]:
    """The token of the survey link in the invitation e-mail sent to ``email``."""
    for raw in platform.emails():
        text = quopri.decodestring(raw.encode()).decode(errors="replace")
        if email not in text:
            continue
        found = re.search(r"token=([A-Za-z0-9_-]+)", text)
        if found:
            return found.group(1)
    return None


def test_a_complaint_is_resolved_and_the_players_answer_reaches_the_insights(platform: Platform) -> None:
    casino, agent, analyst = client(platform, "backend"), client(platform, "agent"), client(platform, "analyst")
    email = f"sam-{uuid.uuid4().hex[:8]}@example.co.uk"

    def satisfaction() -> feedback.Satisfaction:
        return analyst.feedback.get_insights(feedback.GetInsightsRequest(window=window())).total.satisfaction

    before = satisfaction().csat_count
    filed = casino.intake.submit_complaint(complaint_request("py-loop", email)).complaint
    assert filed.reference.startswith("RDR-")

    # Resolution opens the case asynchronously (intake's outbox relay).
    case = eventually(
        "the case",
        lambda: next(iter(agent.resolution.list_cases(resolution.ListCasesRequest(complaint=filed.name))), None),
    )
    agent.resolution.assign_case(resolution.AssignCaseRequest(name=case.name, assignee="dev-agent", etag=case.etag))
    case = agent.resolution.get_case(resolution.GetCaseRequest(name=case.name)).case
    agent.resolution.respond_to_player(
        resolution.RespondToPlayerRequest(
            name=case.name, body="We are checking your withdrawal.", channel=common.CHANNEL_EMAIL, etag=case.etag
        )
    )
    case = agent.resolution.get_case(resolution.GetCaseRequest(name=case.name)).case
    agent.resolution.resolve_case(
        resolution.ResolveCaseRequest(
            name=case.name,
            outcome=common.OUTCOME_NOT_UPHELD,
            root_cause=common.ROOT_CAUSE_POLICY,
            final_response="The withdrawal was held for a routine check and has now been paid.",
            adr_body="IBAS",
            etag=case.etag,
        )
    )
    eventually(
        "the player to see RESOLVED",
        lambda: casino.intake.get_complaint(intake.GetComplaintRequest(name=filed.name)).complaint.status
        == common.COMPLAINT_STATUS_RESOLVED,
    )

    # The survey token only reaches the player's inbox.
    token = eventually("the survey invitation e-mail", lambda: survey_token(platform, email))
    assert casino.feedback.get_survey(feedback.GetSurveyRequest(token=token)).HasField("survey")
    casino.feedback.submit_survey_response(
        feedback.SubmitSurveyResponseRequest(
            token=token,
            answer=feedback.SurveyAnswer(
                csat=2, problem_solved=feedback.SurveyAnswer.PROBLEM_SOLVED_NO, fairness=2, comment="Too slow."
            ),
        )
    )
    # A second answer with the same token is a different call (new request_id): refused.
    with pytest.raises(errors.FailedPrecondition):
        casino.feedback.submit_survey_response(
            feedback.SubmitSurveyResponseRequest(token=token, answer=feedback.SurveyAnswer(csat=5, problem_solved=feedback.SurveyAnswer.PROBLEM_SOLVED_YES))
        )
    eventually("the answer in the insights", lambda: satisfaction().csat_count == before + 1)


def test_field_violations_are_typed_data(platform: Platform) -> None:
    casino = client(platform, "backend")
    bad = complaint_request("py-bad", "bad@example.co.uk")
    bad.player.jurisdiction = ""
    bad.subject = ""
    with pytest.raises(errors.InvalidArgument) as caught:
        casino.intake.submit_complaint(bad)
    err = caught.value
    assert err.code == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in err.violations}
    assert {"player.jurisdiction", "subject"} <= fields, err.violations
    assert all(v.description for v in err.violations)
    assert err.reason, "every error carries an ErrorInfo reason"
    assert isinstance(err, redress.RedressError)


def test_another_tenants_complaint_is_not_found(platform: Platform) -> None:
    casino = client(platform, "backend")
    filed = casino.intake.submit_complaint(complaint_request("py-tenant", "tenant@example.co.uk")).complaint
    other = redress.Client(intake=platform.addresses["intake"], token=platform.token("other-casino", "backend"))
    with pytest.raises(errors.NotFound) as caught:
        other.intake.get_complaint(intake.GetComplaintRequest(name=filed.name))
    assert caught.value.code == grpc.StatusCode.NOT_FOUND
    # The owner still reads it.
    assert casino.intake.get_complaint(intake.GetComplaintRequest(name=filed.name)).complaint.name == filed.name


def test_a_missing_token_is_unauthenticated_and_a_token_function_is_called(platform: Platform) -> None:
    with pytest.raises(errors.Unauthenticated):
        redress.Client(intake=platform.addresses["intake"]).intake.get_complaint(
            intake.GetComplaintRequest(name="complaints/x")
        )
    calls = []

    def provider() -> str:
        calls.append(1)
        return platform.tokens["backend"]

    fresh = redress.Client(intake=platform.addresses["intake"], token=provider)
    assert list(fresh.intake.list_complaints(intake.ListComplaintsRequest(player_id="nobody"))) == []
    assert calls


def test_list_calls_follow_page_tokens(platform: Platform) -> None:
    casino = client(platform, "backend")
    player = f"py-pages-{uuid.uuid4().hex[:6]}"
    names = {
        casino.intake.submit_complaint(
            complaint_request(player, f"{player}@example.co.uk", request_id=str(uuid.uuid4()))
        ).complaint.name
    }
    # Different transactions, so none is linked as a duplicate of another.
    for i in range(4):
        req = complaint_request(player, f"{player}@example.co.uk")
        req.transaction_references.withdrawal_id = f"W-{player}-{i}"
        names.add(casino.intake.submit_complaint(req).complaint.name)
    first = casino.intake.list_complaints_page(intake.ListComplaintsRequest(player_id=player, page_size=2))
    assert len(first.complaints) == 2 and first.next_page_token
    listed = [c.name for c in casino.intake.list_complaints(intake.ListComplaintsRequest(player_id=player, page_size=2))]
    assert sorted(listed) == sorted(names)


class LosingProxy:
    """A loopback TCP proxy that loses exactly one reply: on the first
    connection it forwards everything the client sends, but of the server's
    HTTP/2 frames only those of stream 0 (SETTINGS, PING, WINDOW_UPDATE,
    GOAWAY); when the dropped response ends (END_STREAM) it closes both
    sockets. Every later connection passes through untouched."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.lost = threading.Event()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(self.upstream)
            lossy = not self.lost.is_set()
            threading.Thread(target=self._pipe, args=(downstream, upstream), daemon=True).start()
            target = self._lose_one_reply if lossy else self._pipe
            threading.Thread(target=target, args=(upstream, downstream), daemon=True).start()

    @staticmethod
    def _close(*socks: socket.socket) -> None:
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        self._close(src, dst)

    def _lose_one_reply(self, server: socket.socket, client: socket.socket) -> None:
        buf = b""
        try:
            while data := server.recv(65536):
                buf += data
                while len(buf) >= 9:
                    length = int.from_bytes(buf[0:3], "big")
                    if len(buf) < 9 + length:
                        break
                    frame, buf = buf[: 9 + length], buf[9 + length :]
                    flags = frame[4]
                    stream = int.from_bytes(frame[5:9], "big") & 0x7FFFFFFF
                    if stream == 0:
                        client.sendall(frame)
                    elif flags & 0x1:  # END_STREAM: the reply is complete, and lost
                        self.lost.set()
                        self._close(server, client)
                        return
        except OSError:
            pass
        self._close(server, client)


def test_a_retry_after_a_lost_reply_files_exactly_one_complaint(platform: Platform) -> None:
    proxy = LosingProxy(platform.addresses["intake"])
    try:
        casino = redress.Client(
            intake=proxy.address,
            token=platform.tokens["backend"],
            timeout=20,
            retry=redress.RetryPolicy(max_attempts=8, initial_backoff=0.05, max_backoff=0.5),
        )
        player = f"py-lost-{uuid.uuid4().hex[:6]}"
        # No request_id given: the SDK makes one and sends it on both attempts.
        reply = casino.intake.submit_complaint(complaint_request(player, f"{player}@example.co.uk"))
        assert proxy.lost.is_set(), "the proxy never dropped a reply"
        assert proxy.connections >= 2
        assert reply.replayed, "the retry should be answered from the idempotency record"
        direct = client(platform, "backend")
        filed = list(direct.intake.list_complaints(intake.ListComplaintsRequest(player_id=player)))
        assert [c.name for c in filed] == [reply.complaint.name]
    finally:
        proxy.close()


def test_unavailable_is_retried_up_to_max_attempts_within_the_deadline() -> None:
    # A port with nothing behind it: UNAVAILABLE at once.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
    attempts: list[float] = []

    def token() -> str:
        attempts.append(time.monotonic())
        return "t"

    policy = redress.RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.02)
    c = redress.Client(resolution=dead, token=token, timeout=5, retry=policy)
    with pytest.raises(errors.Unavailable):
        c.resolution.get_case(resolution.GetCaseRequest(name="cases/x"))
    assert len(attempts) == 4, "a read is retried up to max_attempts, each attempt asking for a token"
    # Backoff never waits past the deadline: the caller gets the real cause in time.
    slow = redress.RetryPolicy(max_attempts=50, initial_backoff=0.2, max_backoff=0.2)
    started = time.monotonic()
    with pytest.raises(errors.Unavailable):
        redress.Client(resolution=dead, token=token, timeout=0.5, retry=slow).resolution.get_case(
            resolution.GetCaseRequest(name="cases/x")
        )
    assert time.monotonic() - started < 0.5 + 0.25


def test_uuid7_is_version_7_and_ordered() -> None:
    a, b = redress.uuid7(), redress.uuid7()
    assert uuid.UUID(a).version == 7 and uuid.UUID(a).variant == uuid.RFC_4122
    assert a[:8] <= b[:8]


@pytest.mark.parametrize("doc", ["libs/sdk/python/README.md", "docs/sdk.md"])
def test_the_quickstart_runs_as_written(platform: Platform, tmp_path: Path, doc: str) -> None:
    text = (Path(__file__).resolve().parents[4] / doc).read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code, f"{doc} has no python block"
    script = tmp_path / "quickstart.py"
    script.write_text(code.group(1))
    env = dict(
        os.environ,
        REDRESS_TOKEN=platform.token("demo-casino", "backend"),
        REDRESS_INTAKE=platform.addresses["intake"],
    )
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert re.search(r"^RDR-\S+ COMPLAINT_STATUS_RECEIVED$", run.stdout, re.M), run.stdout
    assert "complaints/" in run.stdout
