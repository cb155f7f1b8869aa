/**
 * `@redress/sdk`: the Redress client for casino backends.
 *
 * {@link RedressClient} calls the four public services (intake, resolution,
 * notification, feedback) with tokens, deadlines, safe retries, typed errors
 * and paging. The generated messages and enums are under
 * `@redress/sdk/gen/redress/<service>/v1/<file>_pb` (`<service>_pb`, except
 * resolution, whose proto is split by resource: `case_pb`, `macro_pb`,
 * `regulatory_return_pb`, `resolution_service_pb`,
 * `resolution_internal_service_pb`).
 *
 * @module
 */
export { DEFAULT_RETRY, RedressClient, VERSION } from "./client.js";
export type {
  ListMethod,
  RedressCallOptions,
  RedressClientOptions,
  RetryPolicy,
  ServiceClient,
  TokenProvider,
  UnaryMethod,
} from "./client.js";
export * from "./errors.js";
export { uuid7 } from "./uuid7.js";
export { Code } from "@connectrpc/connect";
// The generated messages, enums and service descriptors, one namespace per package.
export * as common from "./gen/redress/common/v1/common_pb.js";
export * as intake from "./gen/redress/intake/v1/intake_pb.js";
export * as resolution from "./resolution.js";
export * as notification from "./gen/redress/notification/v1/notification_pb.js";
export * as feedback from "./gen/redress/feedback/v1/feedback_pb.js";
