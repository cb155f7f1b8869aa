// Starts the real platform for the tests: `redress dev` on free ports with its
// own data folder, waits until every service reports SERVING on
// grpc.health.v1, and stops it at the end. The binary is $REDRESS_BIN or
// target/debug/redress of this repository (`cargo build -p redress`).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const SERVICES = ["intake", "resolution", "notification", "feedback"];
export const WAIT_MS = 30_000;

/** Polls `check` until it returns something truthy, for at most `timeoutMs`. */
export async function eventually(what, check, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** grpc.health.v1.Health/Check for the whole server: SERVING is `08 01`. */
function serving(address) {
  return new Promise((done) => {
    const session = http2.connect(`http://${address}`);
    const finish = (ok) => {
      session.destroy();
      done(ok);
    };
    session.on("error", () => finish(false));
    const req = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Check",
      "content-type": "application/grpc",
      te: "trailers",
    });
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => finish(Buffer.concat(chunks).equals(Buffer.from([0, 0, 0, 0, 2, 8, 1]))));
    req.on("error", () => finish(false));
    req.setTimeout(1000, () => finish(false));
    req.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

export async function startPlatform() {
  const binary = process.env.REDRESS_BIN ?? join(ROOT, "target", "debug", "redress");
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`cargo build -p redress\` first`);
  const tmp = mkdtempSync(join(tmpdir(), "redress-sdk-ts-"));
  const dataDir = join(tmp, "data");
  const ports = {};
  for (const name of SERVICES) ports[name] = await freePort();
  const args = ["dev", "--data-dir", dataDir, "--host", "127.0.0.1"];
  for (const name of SERVICES) args.push(`--${name}-port`, String(ports[name]));
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let output = "";
  let exited = false;
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  child.on("exit", () => (exited = true));
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await gone;
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const tokens = await eventually("the redress dev banner", () => {
      if (exited) throw new Error(`redress dev exited:\n${output}`);
      const found = Object.fromEntries([...output.matchAll(/^ {2}(\w+) +(eyJ[\w.-]+)$/gm)].map((m) => [m[1], m[2]]));
      return found.backend && found.admin ? found : undefined;
    });
    const addresses = Object.fromEntries(SERVICES.map((name) => [name, `127.0.0.1:${ports[name]}`]));
    for (const address of Object.values(addresses)) await eventually(`${address} SERVING`, () => serving(address));
    return {
      addresses,
      urls: Object.fromEntries(SERVICES.map((name) => [name, `http://${addresses[name]}`])),
      tokens,
      dataDir,
      stop,
      /** A token for another tenant, minted with the dev secret by `redress token`. */
      token(tenant, role) {
        const out = execFileSync(binary, ["token", "--data-dir", dataDir, "--tenant", tenant, "--role", role]);
        return out.toString().trim().split("\n").pop();
      },
      /** Every e-mail `redress dev` wrote, quoted-printable soft breaks undone. */
      emails() {
        const mail = join(dataDir, "mail");
        if (!existsSync(mail)) return [];
        return readdirSync(mail, { recursive: true })
          .filter((f) => String(f).endsWith(".eml"))
          .map((f) => readFileSync(join(mail, String(f)), "utf8").replaceAll("=\r\n", "").replaceAll("=3D", "="));
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A loopback TCP proxy that loses exactly one reply: on the first connection
 * it forwards everything the client sends, but of the server's HTTP/2 frames
 * only those of stream 0 (SETTINGS, PING, WINDOW_UPDATE, GOAWAY); when the
 * dropped response ends (END_STREAM) it closes both sockets. Every later
 * connection passes through untouched.
 */
export async function losingProxy(upstreamPort) {
  const state = { lost: false, connections: 0 };
  const sockets = new Set();
  const server = net.createServer((client) => {
    state.connections += 1;
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on("error", close);
      s.on("close", close);
    }
    client.pipe(upstream);
    if (state.lost) {
      upstream.pipe(client);
      return;
    }
    let buf = Buffer.alloc(0);
    upstream.on("data", (data) => {
      buf = Buffer.concat([buf, data]);
      while (buf.length >= 9) {
        const length = buf.readUIntBE(0, 3);
        if (buf.length < 9 + length) break;
        const frame = buf.subarray(0, 9 + length);
        buf = buf.subarray(9 + length);
        const flags = frame[4];
        const stream = frame.readUInt32BE(5) & 0x7fffffff;
        if (stream === 0) {
          client.write(frame);
        } else if (flags & 0x1) {
          // END_STREAM: the reply is complete, and lost.
          state.lost = true;
          close();
          return;
        }
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    state,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}
