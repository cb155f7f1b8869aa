"""The asyncio client (redress.aio) against the real platform: the same
behaviour as the sync client, through grpc.aio."""

from __future__ import annotations

import asyncio
import uuid

import grpc
import pytest

import redress
import redress.aio
from redress import errors
from redress.intake.v1 import intake_pb2 as intake

from conftest import Platform
from test_sdk import LosingProxy, complaint_request


def test_async_submit_list_and_typed_errors(platform: Platform) -> None:
    async def scenario() -> None:
        async def token() -> str:
            return platform.tokens["backend"]

        async with redress.aio.Client(intake=platform.addresses["intake"], token=token, timeout=10) as client:
            player = f"aio-{uuid.uuid4().hex[:6]}"
            for i in range(3):
                req = complaint_request(player, f"{player}@example.co.uk")
                req.transaction_references.withdrawal_id = f"W-{player}-{i}"
                await client.intake.submit_complaint(req)
            pages = client.intake.list_complaints(intake.ListComplaintsRequest(player_id=player, page_size=2))
            listed = [c async for c in pages]
            assert len(listed) == 3
            bad = complaint_request(player, "")
            bad.subject = ""
            with pytest.raises(errors.InvalidArgument) as caught:
                await client.intake.submit_complaint(bad)
            assert "subject" in {v.field for v in caught.value.violations}
            assert caught.value.reason
        other = redress.aio.Client(intake=platform.addresses["intake"], token=platform.token("other-casino", "backend"))
        with pytest.raises(errors.NotFound) as missing:
            await other.intake.get_complaint(intake.GetComplaintRequest(name=listed[0].name))
        assert missing.value.code == grpc.StatusCode.NOT_FOUND
        await other.close()

    asyncio.run(scenario())


def test_async_retry_after_a_lost_reply_files_exactly_one_complaint(platform: Platform) -> None:
    proxy = LosingProxy(platform.addresses["intake"])

    async def scenario() -> intake.SubmitComplaintResponse:
        policy = redress.RetryPolicy(max_attempts=8, initial_backoff=0.05, max_backoff=0.5)
        async with redress.aio.Client(
            intake=proxy.address, token=platform.tokens["backend"], timeout=20, retry=policy
        ) as client:
            return await client.intake.submit_complaint(complaint_request(player, f"{player}@example.co.uk"))

    player = f"aio-lost-{uuid.uuid4().hex[:6]}"
    try:
        reply = asyncio.run(scenario())
    finally:
        proxy.close()
    assert proxy.lost.is_set(), "the proxy never dropped a reply"
    assert reply.replayed, "the retry should be answered from the idempotency record"
    direct = redress.Client(intake=platform.addresses["intake"], token=platform.tokens["backend"])
    filed = list(direct.intake.list_complaints(intake.ListComplaintsRequest(player_id=player)))
    assert [c.name for c in filed] == [reply.complaint.name]
