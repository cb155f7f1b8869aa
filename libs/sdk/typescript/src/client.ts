/**
 * The Redress client: one object for the four public services.
 *
 * `client.<service>.<method>(request)` calls one RPC (e.g.
 * `client.intake.submitComplaint({...})`), with
 *
 * - the bearer token from the token provider on every attempt (an interceptor);
 * - a deadline (`timeoutMs`, per call or the client's default) that covers every
 *   attempt and every wait between them, sent to the server as `grpc-timeout`;
 * - a `requestId` (UUIDv7) filled in when the request has that field and the
 *   caller left it empty, generated once per call and reused on every retry, so
 *   a retry after a lost reply is answered from the server's idempotency record
 *   instead of filing a second complaint;
 * - retries on UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED with
 *   exponential backoff and full jitter, waiting at least the server's
 *   `RetryInfo` delay, for reads, for calls keyed by `request_id` and for calls
 *   the proto documents as idempotent; nothing else is retried;
 * - a {@link RedressError} subclass for every failure.
 *
 * List methods return an async iterable that follows `nextPageToken` and
 * yields the items of every page; `<method>Page` returns one raw page.
 *
 * @module
 */
import { clone, create } from "@bufbuild/protobuf";
import type { DescMessage, DescMethod, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { CallOptions, Interceptor } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";

import { errorFor, fromConnectError } from "./errors.js";
import type { RedressError } from "./errors.js";
import { FeedbackService } from "./gen/redress/feedback/v1/feedback_pb.js";
import { IntakeService } from "./gen/redress/intake/v1/intake_pb.js";
import { NotificationService } from "./gen/redress/notification/v1/notification_pb.js";
import { ResolutionService } from "./gen/redress/resolution/v1/resolution_service_pb.js";
import { uuid7 } from "./uuid7.js";

/** The SDK version, sent in the user agent. */
export const VERSION = "0.1.0";

/**
 * A bearer token, or a function returning the current one (called before every
 * attempt, so it may refresh a token that is about to expire).
 */
export type TokenProvider = string | (() => string | Promise<string>);

/** When and how often a failed attempt is repeated. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** The backoff cap before the first retry, in ms (default 100). */
  initialBackoffMs: number;
  /** The backoff cap never grows beyond this, in ms (default 5000). */
  maxBackoffMs: number;
  /** The cap grows by this factor after every attempt (default 2). */
  multiplier: number;
  /** The codes worth another attempt. */
  codes: ReadonlySet<Code>;
}

/** The default {@link RetryPolicy}. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialBackoffMs: 100,
  maxBackoffMs: 5000,
  multiplier: 2,
  codes: new Set([Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted]),
});

/** Options of {@link RedressClient}. */
export interface RedressClientOptions {
  /** Address of the intake service, e.g. `http://127.0.0.1:50051` (`https://` for TLS). */
  intake?: string;
  /** Address of the resolution service. */
  resolution?: string;
  /** Address of the notification service. */
  notification?: string;
  /** Address of the feedback service. */
  feedback?: string;
  /** The bearer token, or a function returning it. */
  token?: TokenProvider;
  /** Default deadline of a call, retries included, in ms (default 30000). */
  timeoutMs?: number;
  /** Optional bound on each attempt within the call's deadline, in ms. */
  attemptTimeoutMs?: number;
  /** Retry policy; fields left out keep their defaults. */
  retry?: Partial<RetryPolicy>;
  /** A CA certificate (PEM) to trust instead of the system roots, for `https://`. */
  ca?: string | Buffer;
}

/** Options of one call. */
export interface RedressCallOptions {
  /** The call's deadline in ms, retries included (default: the client's). */
  timeoutMs?: number;
  /** Cancels the call, and any wait for a retry. */
  signal?: AbortSignal;
  /** Extra request headers. */
  headers?: HeadersInit;
}

type In<M> = M extends { input: infer I extends DescMessage } ? I : never;
type Out<M> = M extends { output: infer O extends DescMessage } ? O : never;
/** The element type of a List response's repeated field. */
type Items<O extends DescMessage> = {
  [K in Exclude<keyof MessageShape<O>, `$${string}`>]: MessageShape<O>[K] extends readonly (infer E)[] ? E : never;
}[Exclude<keyof MessageShape<O>, `$${string}`>];

/** One RPC: a request (message or plain init object) to a response. */
export type UnaryMethod<M> = (
  request: MessageInitShape<In<M>>,
  options?: RedressCallOptions,
) => Promise<MessageShape<Out<M>>>;
/** A List RPC as an async iterable over the items of every page. */
export type ListMethod<M> = (request: MessageInitShape<In<M>>, options?: RedressCallOptions) => AsyncIterable<Items<Out<M>>>;

/**
 * The methods of one service: `list*` methods yield items across pages and
 * have a `list*Page` twin returning one page; every other method is a
 * {@link UnaryMethod}.
 */
export type ServiceClient<S extends DescService> = {
  [K in keyof S["method"]]: K extends `list${string}` ? ListMethod<S["method"][K]> : UnaryMethod<S["method"][K]>;
} & {
  [K in keyof S["method"] as K extends `list${string}` ? `${K & string}Page` : never]: UnaryMethod<S["method"][K]>;
};

/** Method name prefixes of calls that only read: always safe to repeat. */
const READ_PREFIXES = ["Get", "List", "Preview", "Render", "Verify"];
/** Calls without a request_id that the proto documents as idempotent. */
const IDEMPOTENT = new Set([
  // "assigning the current assignee and queue again changes nothing"
  "redress.resolution.v1.ResolutionService.AssignCase",
  // "an update whose content equals the current version changes nothing"
  "redress.notification.v1.NotificationService.UpdateTemplate",
]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(errorFor(Code.Canceled, "the call was cancelled"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(errorFor(Code.Canceled, "the call was cancelled"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A client for a Redress deployment; give the address of each service you call. */
export class RedressClient {
  /** The intake service: complaints as filed, and their interactions. */
  readonly intake: ServiceClient<typeof IntakeService>;
  /** The resolution service: cases, queues, the case history. */
  readonly resolution: ServiceClient<typeof ResolutionService>;
  /** The notification service: deliveries and templates. */
  readonly notification: ServiceClient<typeof NotificationService>;
  /** The feedback service: surveys and insights. */
  readonly feedback: ServiceClient<typeof FeedbackService>;

  private readonly sessions: Http2SessionManager[] = [];
  private readonly timeoutMs: number;
  private readonly attemptTimeoutMs: number | undefined;
  private readonly retry: RetryPolicy;

  constructor(options: RedressClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const interceptors: Interceptor[] = [
      (next) => async (req) => {
        req.header.set("user-agent", `redress-sdk-typescript/${VERSION}`);
        const token = options.token;
        if (token !== undefined) {
          req.header.set("authorization", `Bearer ${typeof token === "function" ? await token() : token}`);
        }
        return next(req);
      },
    ];
    const make = <S extends DescService>(name: string, service: S, address: string | undefined): ServiceClient<S> => {
      if (address === undefined) return missing(name) as ServiceClient<S>;
      const baseUrl = /^https?:\/\//.test(address) ? address : `http://${address}`;
      const sessionManager = new Http2SessionManager(baseUrl, undefined, options.ca ? { ca: options.ca } : undefined);
      this.sessions.push(sessionManager);
      const transport = createGrpcTransport({ baseUrl, interceptors, sessionManager });
      return this.bind(service, createClient(service, transport) as unknown as Record<string, RawCall>);
    };
    this.intake = make("intake", IntakeService, options.intake);
    this.resolution = make("resolution", ResolutionService, options.resolution);
    this.notification = make("notification", NotificationService, options.notification);
    this.feedback = make("feedback", FeedbackService, options.feedback);
  }

  /** Closes every connection; calls made afterwards fail. */
  close(): void {
    for (const session of this.sessions.splice(0)) session.abort();
  }

  private bind<S extends DescService>(service: S, raw: Record<string, RawCall>): ServiceClient<S> {
    const bound: Record<string, unknown> = {};
    for (const method of service.methods) {
      const call = raw[method.localName];
      if (call === undefined || method.methodKind !== "unary") continue;
      const unary = (request: MessageInitShape<DescMessage>, options: RedressCallOptions = {}) =>
        this.invoke(method, call, request, options);
      const paged = method.localName.startsWith("list") && method.output.fields.some((f) => f.name === "next_page_token");
      if (paged) {
        bound[method.localName] = (request: MessageInitShape<DescMessage>, options?: RedressCallOptions) =>
          pages(method, unary, request, options);
        bound[`${method.localName}Page`] = unary;
      } else {
        bound[method.localName] = unary;
      }
    }
    return bound as ServiceClient<S>;
  }

  private async invoke(
    method: DescMethod,
    call: RawCall,
    init: MessageInitShape<DescMessage>,
    options: RedressCallOptions,
  ): Promise<unknown> {
    let request = create(method.input, init);
    const keyed = method.input.fields.some((f) => f.name === "request_id");
    if (keyed && !(request as Record<string, unknown>).requestId) {
      // Generated once per logical call, so every retry carries the same key.
      request = clone(method.input, request);
      (request as Record<string, unknown>).requestId = uuid7();
    }
    const safe = keyed || READ_PREFIXES.some((p) => method.name.startsWith(p)) || IDEMPOTENT.has(fullName(method));
    const deadline = Date.now() + (options.timeoutMs ?? this.timeoutMs);
    let last: RedressError | undefined;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      // A wait that overran the deadline: the caller gets the real cause.
      if (remaining <= 0) throw last ?? errorFor(Code.DeadlineExceeded, "deadline exceeded");
      const timeoutMs = this.attemptTimeoutMs === undefined ? remaining : Math.min(remaining, this.attemptTimeoutMs);
      let err: RedressError;
      try {
        return await call(request, { timeoutMs, signal: options.signal, headers: options.headers });
      } catch (thrown) {
        err = fromConnectError(thrown);
        if (err.code === Code.Canceled && !options.signal?.aborted && !(thrown instanceof ConnectError && thrown.isWireError)) {
          // Node reports a connection that died mid-call as a CANCEL stream
          // reset; the caller cancelled nothing, so it is a transport failure.
          err = errorFor(Code.Unavailable, `connection lost: ${err.rawMessage}`, { cause: thrown });
        }
      }
      last = err;
      if (!safe || !this.retry.codes.has(err.code) || attempt >= this.retry.maxAttempts) throw err;
      const cap = Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * this.retry.multiplier ** (attempt - 1));
      const wait = Math.max(Math.random() * cap, err.retryAfterMs ?? 0);
      // No time left for another attempt: the caller gets the real cause.
      if (Date.now() + wait >= deadline) throw err;
      await sleep(wait, options.signal);
    }
  }
}

type RawCall = (request: unknown, options: CallOptions) => Promise<unknown>;

function fullName(method: DescMethod): string {
  return `${method.parent.typeName}.${method.name}`;
}

async function* pages(
  method: DescMethod,
  unary: (request: MessageInitShape<DescMessage>, options?: RedressCallOptions) => Promise<unknown>,
  init: MessageInitShape<DescMessage>,
  options?: RedressCallOptions,
): AsyncGenerator<unknown> {
  const items = method.output.fields.find((f) => f.fieldKind === "list");
  if (items === undefined) return;
  // Each page is one call with its own deadline and retries.
  const request = clone(method.input, create(method.input, init)) as Record<string, unknown>;
  for (;;) {
    const page = (await unary(request as MessageInitShape<DescMessage>, options)) as Record<string, unknown>;
    yield* page[items.localName] as unknown[];
    const next = page.nextPageToken as string;
    if (!next) return;
    request.pageToken = next;
  }
}

function missing(name: string): unknown {
  return new Proxy(
    {},
    {
      get(_target, property) {
        if (typeof property !== "string" || property === "then") return undefined;
        throw new Error(`no address configured for the ${name} service: pass ${name}: "http://host:port"`);
      },
    },
  );
}

/** Re-exported message shapes, for callers who build requests as messages. */
export type { MessageInitShape, MessageShape };
