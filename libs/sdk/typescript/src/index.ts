/**
 * `@redress/sdk`: the Redress client for casino backends.
 *
 * {@link RedressClient} calls the four public services (intake, resolution,
 * notification, feedback) with tokens, deadlines, safe retries, typed errors
 * and paging. The generated messages and enums are under
 * `@redress/sdk/gen/redress/<service>/v1/<service>_pb`.
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
