/**
 * Typed errors decoded from the server's `google.rpc.Status`
 * (`grpc-status-details-bin`).
 *
 * Every Redress error carries a `google.rpc.ErrorInfo` whose `reason` is a
 * stable UPPER_SNAKE code (see the proto files); INVALID_ARGUMENT also carries
 * a `google.rpc.BadRequest` with one field violation per bad field, and
 * RESOURCE_EXHAUSTED may carry a `google.rpc.RetryInfo`. The SDK throws one
 * subclass of {@link RedressError} per gRPC code.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "./gen/google/rpc/error_details_pb.js";

/** One bad field of a request, from `google.rpc.BadRequest`. */
export interface FieldViolation {
  /** The field path, e.g. `player.jurisdiction`. */
  readonly field: string;
  /** What is wrong with it, for a human. */
  readonly description: string;
  /** A stable code for the violation, when the server gives one. */
  readonly reason: string;
}

/** What {@link RedressError} carries besides its code and message. */
export interface ErrorDetails {
  /** `ErrorInfo.reason`, e.g. `IDEMPOTENCY_KEY_REUSED`. */
  reason?: string;
  /** `ErrorInfo.domain`. */
  domain?: string;
  /** `ErrorInfo.metadata`: facts about the error, e.g. the current state. */
  metadata?: Record<string, string>;
  /** `BadRequest.field_violations`, for INVALID_ARGUMENT. */
  violations?: FieldViolation[];
  /** `RetryInfo.retry_delay` in milliseconds, when the server asked to wait. */
  retryAfterMs?: number;
  /** The error this was decoded from. */
  cause?: unknown;
}

/**
 * A failed call. Subclasses name the gRPC code; this class itself is thrown
 * for codes without a subclass of their own.
 */
export class RedressError extends Error {
  /** The gRPC status code. */
  readonly code: Code;
  /** The server's (or the SDK's) message, without the code in front. */
  readonly rawMessage: string;
  /** `ErrorInfo.reason`: a stable UPPER_SNAKE code, or "". */
  readonly reason: string;
  /** `ErrorInfo.domain`, or "". */
  readonly domain: string;
  /** `ErrorInfo.metadata`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** `BadRequest.field_violations`. */
  readonly violations: readonly FieldViolation[];
  /** `RetryInfo.retry_delay` in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;

  constructor(code: Code, message: string, details: ErrorDetails = {}) {
    const reason = details.reason ?? "";
    const violations = details.violations ?? [];
    let text = `${Code[code] ?? "Unknown"}: ${message}`;
    if (reason) text += ` (${reason})`;
    for (const v of violations) text += `; ${v.field}: ${v.description}`;
    super(text, { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.rawMessage = message;
    this.reason = reason;
    this.domain = details.domain ?? "";
    this.metadata = details.metadata ?? {};
    this.violations = violations;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** CANCELLED: the call was cancelled. */
export class Cancelled extends RedressError {}
/** INVALID_ARGUMENT: see {@link RedressError.violations} for the bad fields. */
export class InvalidArgument extends RedressError {}
/** DEADLINE_EXCEEDED: the call's deadline passed (after any retries). */
export class DeadlineExceeded extends RedressError {}
/** NOT_FOUND: no such resource for the caller's tenant (another tenant's answers the same). */
export class NotFound extends RedressError {}
/** ALREADY_EXISTS, e.g. reason `IDEMPOTENCY_KEY_REUSED`. */
export class AlreadyExists extends RedressError {}
/** PERMISSION_DENIED: the token's roles do not allow the call. */
export class PermissionDenied extends RedressError {}
/** RESOURCE_EXHAUSTED, e.g. a rate limit; {@link RedressError.retryAfterMs} says how long to wait. */
export class ResourceExhausted extends RedressError {}
/** FAILED_PRECONDITION: the resource's state does not allow the call; `reason` and `metadata` say why. */
export class FailedPrecondition extends RedressError {}
/** ABORTED: a stale `etag`; read the resource again and retry. */
export class Aborted extends RedressError {}
/** OUT_OF_RANGE. */
export class OutOfRange extends RedressError {}
/** UNIMPLEMENTED: the server does not offer this method. */
export class Unimplemented extends RedressError {}
/** INTERNAL: a server fault. */
export class Internal extends RedressError {}
/** UNAVAILABLE: the server could not be reached (after any retries). */
export class Unavailable extends RedressError {}
/** UNAUTHENTICATED: no token, or an invalid or expired one. */
export class Unauthenticated extends RedressError {}

const BY_CODE: Partial<Record<Code, typeof RedressError>> = {
  [Code.Canceled]: Cancelled,
  [Code.InvalidArgument]: InvalidArgument,
  [Code.DeadlineExceeded]: DeadlineExceeded,
  [Code.NotFound]: NotFound,
  [Code.AlreadyExists]: AlreadyExists,
  [Code.PermissionDenied]: PermissionDenied,
  [Code.ResourceExhausted]: ResourceExhausted,
  [Code.FailedPrecondition]: FailedPrecondition,
  [Code.Aborted]: Aborted,
  [Code.OutOfRange]: OutOfRange,
  [Code.Unimplemented]: Unimplemented,
  [Code.Internal]: Internal,
  [Code.Unavailable]: Unavailable,
  [Code.Unauthenticated]: Unauthenticated,
};

/** The {@link RedressError} subclass for `code`. */
export function errorFor(code: Code, message: string, details: ErrorDetails = {}): RedressError {
  const Class = BY_CODE[code] ?? RedressError;
  return new Class(code, message, details);
}

/** Decodes any thrown value (normally a `ConnectError`) with its details. */
export function fromConnectError(thrown: unknown): RedressError {
  if (thrown instanceof RedressError) return thrown;
  const err = ConnectError.from(thrown);
  const [info] = err.findDetails(ErrorInfoSchema);
  const violations = err
    .findDetails(BadRequestSchema)
    .flatMap((bad) => bad.fieldViolations.map((v) => ({ field: v.field, description: v.description, reason: v.reason })));
  const [retry] = err.findDetails(RetryInfoSchema);
  const delay = retry?.retryDelay;
  return errorFor(err.code, err.rawMessage, {
    reason: info?.reason,
    domain: info?.domain,
    metadata: info ? { ...info.metadata } : undefined,
    violations,
    retryAfterMs: delay ? Number(delay.seconds) * 1000 + delay.nanos / 1e6 : undefined,
    cause: err,
  });
}
