// Retry rules the platform cannot provoke on demand (it has no rate limit
// yet, and never fails a call on purpose): a small gRPC server in the test
// (connect-node, gRPC protocol over HTTP/2) fails the first attempts as told.
import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, test } from "node:test";

import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

import { InvalidArgument, RedressClient, ResourceExhausted } from "../dist/index.js";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "../dist/gen/google/rpc/error_details_pb.js";
import { IntakeService } from "../dist/gen/redress/intake/v1/intake_pb.js";

const servers = [];
const clients = [];

after(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** Serves intake methods from `impl`; each handler gets (request, attempt, context). */
async function serve(impl) {
  const attempts = {};
  const wrapped = Object.fromEntries(
    Object.entries(impl).map(([name, fn]) => [
      name,
      (req, ctx) => {
        attempts[name] = (attempts[name] ?? 0) + 1;
        return fn(req, attempts[name], ctx);
      },
    ]),
  );
  const server = http2.createServer(
    connectNodeAdapter({ grpc: true, connect: false, grpcWeb: false, routes: (r) => r.service(IntakeService, wrapped) }),
  );
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  // Open sessions would keep server.close() waiting.
  server.on("session", (s) => servers.push({ close: (r) => (s.destroy(), r()) }));
  return `http://127.0.0.1:${server.address().port}`;
}

function client(options) {
  const c = new RedressClient({ retry: { initialBackoffMs: 10, maxBackoffMs: 20 }, ...options });
  clients.push(c);
  return c;
}

test("the same request id is sent on every retry", async () => {
  const seen = [];
  const intake = await serve({
    submitComplaint(req, attempt) {
      seen.push(req.requestId);
      if (attempt < 3) throw new ConnectError("try again", Code.Unavailable);
      return {};
    },
  });
  const c = client({ intake });
  const request = { subject: "s" };
  await c.intake.submitComplaint(request);
  assert.equal(seen.length, 3);
  assert.equal(new Set(seen).size, 1, JSON.stringify(seen));
  assert.match(seen[0], /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  assert.equal(request.requestId, undefined, "the caller's request is left as it was");
  // The next logical call gets a key of its own.
  await c.intake.submitComplaint(request);
  assert.notEqual(seen.at(-1), seen[0]);
});

test("resource exhausted waits for RetryInfo", async () => {
  const intake = await serve({
    getComplaint(_req, attempt) {
      if (attempt % 2 === 1) {
        throw new ConnectError("slow down", Code.ResourceExhausted, undefined, [
          { desc: RetryInfoSchema, value: { retryDelay: { seconds: 0n, nanos: 300_000_000 } } },
          { desc: ErrorInfoSchema, value: { reason: "RATE_LIMITED", domain: "redress", metadata: { limit: "10" } } },
        ]);
      }
      return {};
    },
  });
  const started = Date.now();
  await client({ intake }).intake.getComplaint({ name: "complaints/x" });
  assert.ok(Date.now() - started >= 300, "the RetryInfo delay was not honoured");
  // With no time left for the delay, the caller gets the error and its details.
  const err = await client({ intake, timeoutMs: 200 })
    .intake.getComplaint({ name: "x" })
    .then(
      () => assert.fail("no error"),
      (e) => e,
    );
  assert.ok(err instanceof ResourceExhausted, String(err));
  assert.equal(err.retryAfterMs, 300);
  assert.equal(err.reason, "RATE_LIMITED");
  assert.deepEqual({ ...err.metadata }, { limit: "10" });
});

test("errors that are not transient are not retried", async () => {
  let calls = 0;
  const intake = await serve({
    getComplaint() {
      calls += 1;
      throw new ConnectError("invalid name", Code.InvalidArgument, undefined, [
        { desc: BadRequestSchema, value: { fieldViolations: [{ field: "name", description: "is required" }] } },
      ]);
    },
  });
  const err = await client({ intake })
    .intake.getComplaint({})
    .then(
      () => assert.fail("no error"),
      (e) => e,
    );
  assert.ok(err instanceof InvalidArgument);
  assert.equal(calls, 1);
  assert.deepEqual(
    err.violations.map((v) => [v.field, v.description]),
    [["name", "is required"]],
  );
});

test("the deadline, token and user agent reach the server", async () => {
  let seen;
  const intake = await serve({
    getComplaint(_req, _attempt, ctx) {
      seen = { timeoutMs: ctx.timeoutMs(), auth: ctx.requestHeader.get("authorization"), ua: ctx.requestHeader.get("user-agent") };
      return {};
    },
  });
  await client({ intake, token: async () => "t0k3n", timeoutMs: 5000 }).intake.getComplaint({ name: "complaints/x" });
  assert.ok(seen.timeoutMs > 0 && seen.timeoutMs <= 5000, String(seen.timeoutMs));
  assert.equal(seen.auth, "Bearer t0k3n");
  assert.match(seen.ua, /^redress-sdk-typescript\/0\.1\.0/);
});
