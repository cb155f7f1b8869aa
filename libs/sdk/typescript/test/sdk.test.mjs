// The TypeScript SDK against the real platform (`redress dev`, see
// platform.mjs): the whole handling loop, typed errors, and a retry after a
// lost reply. Runs on the compiled package (npm run build).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { timestampFromDate } from "@bufbuild/protobuf/wkt";

import {
  Code,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  RedressClient,
  RedressError,
  Unauthenticated,
  Unavailable,
  uuid7,
} from "../dist/index.js";
import { Channel, ComplaintCategory, ComplaintStatus, Outcome, RootCause } from "../dist/gen/redress/common/v1/common_pb.js";
import { SurveyAnswer_ProblemSolved } from "../dist/gen/redress/feedback/v1/feedback_pb.js";
import { eventually, losingProxy, startPlatform } from "./platform.mjs";

let platform;
const clients = [];

before(async () => {
  platform = await startPlatform();
});

after(async () => {
  for (const c of clients) c.close();
  await platform?.stop();
});

function client(role, options = {}) {
  const c = new RedressClient({ ...platform.urls, token: platform.tokens[role], timeoutMs: 10_000, ...options });
  clients.push(c);
  return c;
}

function complaint(playerId, email, extra = {}) {
  return {
    player: {
      playerId,
      displayName: "Sam",
      email,
      languageCode: "en",
      jurisdiction: "GB",
      preferredChannel: Channel.EMAIL,
    },
    transactionReferences: { withdrawalId: `W-${playerId}`, paymentMethod: "visa" },
    category: ComplaintCategory.WITHDRAWAL,
    subject: "Withdrawal not received",
    description: "My withdrawal has been pending for a week.",
    channel: Channel.EMAIL,
    ...extra,
  };
}

function window() {
  const now = Date.now();
  return {
    startTime: timestampFromDate(new Date(now - 3 * 86_400_000)),
    endTime: timestampFromDate(new Date(now + 3_600_000)),
  };
}

async function first(iterable) {
  for await (const item of iterable) return item;
  return undefined;
}

async function all(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const unique = (prefix) => `${prefix}-${uuid7().slice(-8)}`;

test("a complaint is resolved and the player's answer reaches the insights", async () => {
  const casino = client("backend");
  const agent = client("agent");
  const analyst = client("analyst");
  const email = `${unique("sam")}@example.co.uk`;
  const satisfaction = async () =>
    (await analyst.feedback.getInsights({ window: window() })).total?.satisfaction?.csatCount ?? 0n;

  const before = await satisfaction();
  const { complaint: filed } = await casino.intake.submitComplaint(complaint("ts-loop", email));
  assert.match(filed.reference, /^RDR-/);

  // Resolution opens the case asynchronously (intake's outbox relay).
  let c = await eventually("the case", () => first(agent.resolution.listCases({ complaint: filed.name })));
  await agent.resolution.assignCase({ name: c.name, assignee: "dev-agent", etag: c.etag });
  c = (await agent.resolution.getCase({ name: c.name })).case;
  await agent.resolution.respondToPlayer({
    name: c.name,
    body: "We are checking your withdrawal.",
    channel: Channel.EMAIL,
    etag: c.etag,
  });
  c = (await agent.resolution.getCase({ name: c.name })).case;
  await agent.resolution.resolveCase({
    name: c.name,
    outcome: Outcome.NOT_UPHELD,
    rootCause: RootCause.POLICY,
    finalResponse: "The withdrawal was held for a routine check and has now been paid.",
    adrBody: "IBAS",
    etag: c.etag,
  });
  await eventually(
    "the player to see RESOLVED",
    async () => (await casino.intake.getComplaint({ name: filed.name })).complaint?.status === ComplaintStatus.RESOLVED,
  );

  // The survey token only reaches the player's inbox.
  const token = await eventually("the survey invitation e-mail", () => {
    const mail = platform.emails().find((m) => m.includes(email) && m.includes("token="));
    return mail?.match(/token=([A-Za-z0-9_-]+)/)?.[1];
  });
  assert.ok((await casino.feedback.getSurvey({ token })).survey);
  await casino.feedback.submitSurveyResponse({
    token,
    answer: { csat: 2, problemSolved: SurveyAnswer_ProblemSolved.NO, fairness: 2, comment: "Too slow." },
  });
  // A second answer is a different call (new request id): refused.
  await assert.rejects(
    casino.feedback.submitSurveyResponse({ token, answer: { csat: 5, problemSolved: SurveyAnswer_ProblemSolved.YES } }),
    FailedPrecondition,
  );
  await eventually("the answer in the insights", async () => (await satisfaction()) === before + 1n);
});

test("field violations are typed data", async () => {
  const casino = client("backend");
  const bad = complaint("ts-bad", "bad@example.co.uk", { subject: "" });
  bad.player.jurisdiction = "";
  const err = await casino.intake.submitComplaint(bad).then(
    () => assert.fail("an invalid complaint was accepted"),
    (e) => e,
  );
  assert.ok(err instanceof InvalidArgument && err instanceof RedressError, String(err));
  assert.equal(err.code, Code.InvalidArgument);
  const fields = new Set(err.violations.map((v) => v.field));
  assert.ok(fields.has("player.jurisdiction") && fields.has("subject"), JSON.stringify(err.violations));
  assert.ok(err.violations.every((v) => v.description));
  assert.ok(err.reason, "every error carries an ErrorInfo reason");
});

test("another tenant's complaint is not found", async () => {
  const casino = client("backend");
  const { complaint: filed } = await casino.intake.submitComplaint(complaint("ts-tenant", "tenant@example.co.uk"));
  const other = client("backend", { token: platform.token("other-casino", "backend") });
  await assert.rejects(other.intake.getComplaint({ name: filed.name }), (e) => e instanceof NotFound && e.code === Code.NotFound);
  assert.equal((await casino.intake.getComplaint({ name: filed.name })).complaint?.name, filed.name);
});

test("a missing token is unauthenticated and a token function is called", async () => {
  const anonymous = client("backend", { token: undefined });
  await assert.rejects(anonymous.intake.getComplaint({ name: "complaints/x" }), Unauthenticated);
  let calls = 0;
  const fresh = client("backend", {
    token: async () => {
      calls += 1;
      return platform.tokens.backend;
    },
  });
  assert.deepEqual(await all(fresh.intake.listComplaints({ playerId: "nobody" })), []);
  assert.ok(calls > 0);
});

test("list calls follow page tokens", async () => {
  const casino = client("backend");
  const player = unique("ts-pages");
  const names = new Set();
  // Different transactions, so none is linked as a duplicate of another.
  for (let i = 0; i < 5; i++) {
    const req = complaint(player, `${player}@example.co.uk`);
    req.transactionReferences.withdrawalId = `W-${player}-${i}`;
    names.add((await casino.intake.submitComplaint(req)).complaint.name);
  }
  const page = await casino.intake.listComplaintsPage({ playerId: player, pageSize: 2 });
  assert.equal(page.complaints.length, 2);
  assert.ok(page.nextPageToken);
  const listed = (await all(casino.intake.listComplaints({ playerId: player, pageSize: 2 }))).map((c) => c.name);
  assert.deepEqual(listed.sort(), [...names].sort());
});

test("a retry after a lost reply files exactly one complaint", async () => {
  const port = Number(platform.addresses.intake.split(":")[1]);
  const proxy = await losingProxy(port);
  try {
    const casino = client("backend", {
      intake: proxy.url,
      timeoutMs: 20_000,
      retry: { maxAttempts: 8, initialBackoffMs: 50, maxBackoffMs: 500 },
    });
    const player = unique("ts-lost");
    // No request id given: the SDK makes one and sends it on both attempts.
    const reply = await casino.intake.submitComplaint(complaint(player, `${player}@example.co.uk`));
    assert.ok(proxy.state.lost, "the proxy never dropped a reply");
    assert.ok(proxy.state.connections >= 2);
    assert.ok(reply.replayed, "the retry should be answered from the idempotency record");
    const filed = await all(client("backend").intake.listComplaints({ playerId: player }));
    assert.deepEqual(
      filed.map((c) => c.name),
      [reply.complaint.name],
    );
  } finally {
    await proxy.close();
  }
});

test("unavailable is retried up to maxAttempts within the deadline", async () => {
  // A port with nothing behind it: UNAVAILABLE at once.
  const dead = await new Promise((r) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => r(`http://127.0.0.1:${port}`));
    });
  });
  let attempts = 0;
  const token = () => {
    attempts += 1;
    return "t";
  };
  const c = client("backend", {
    resolution: dead,
    token,
    timeoutMs: 5000,
    retry: { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 20 },
  });
  await assert.rejects(c.resolution.getCase({ name: "cases/x" }), Unavailable);
  assert.equal(attempts, 4, "a read is retried up to maxAttempts, each attempt asking for a token");
  // Backoff never waits past the deadline: the caller gets the real cause in time.
  const slow = client("backend", {
    resolution: dead,
    token,
    timeoutMs: 500,
    retry: { maxAttempts: 50, initialBackoffMs: 200, maxBackoffMs: 200 },
  });
  const started = Date.now();
  await assert.rejects(slow.resolution.getCase({ name: "cases/x" }), Unavailable);
  assert.ok(Date.now() - started < 500 + 250);
});

test("uuid7 is version 7 and time ordered", () => {
  const a = uuid7();
  const b = uuid7();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a.slice(0, 13) <= b.slice(0, 13));
});

for (const doc of ["libs/sdk/typescript/README.md", "docs/sdk.md"]) test(`the quickstart in ${doc} runs as written`, () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const text = readFileSync(join(here, "..", "..", "..", "..", doc), "utf8");
  const code = text.match(/```js\n([\s\S]*?)```/)?.[1];
  assert.ok(code, `${doc} has no js block`);
  // A project that installed the package: node_modules/@redress/sdk links to it.
  const project = mkdtempSync(join(tmpdir(), "redress-quickstart-"));
  try {
    mkdirSync(join(project, "node_modules", "@redress"), { recursive: true });
    symlinkSync(join(here, ".."), join(project, "node_modules", "@redress", "sdk"), "dir");
    writeFileSync(join(project, "quickstart.mjs"), code);
    const out = execFileSync(process.execPath, ["quickstart.mjs"], {
      cwd: project,
      timeout: 60_000,
      env: { ...process.env, REDRESS_TOKEN: platform.token("demo-casino", "backend"), REDRESS_INTAKE: platform.urls.intake },
    }).toString();
    assert.match(out, /^RDR-\S+ RECEIVED$/m);
    assert.match(out, /complaints\//);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
