/**
 * The `redress.resolution.v1` package as one namespace. Its proto is split by
 * resource (case, macro, regulatory return, and one file per service), so the
 * generator writes one module per file; this gathers them, as the other
 * packages' single module does.
 *
 * @module
 */
export * from "./gen/redress/resolution/v1/case_pb.js";
export * from "./gen/redress/resolution/v1/macro_pb.js";
export * from "./gen/redress/resolution/v1/regulatory_return_pb.js";
export * from "./gen/redress/resolution/v1/resolution_service_pb.js";
export * from "./gen/redress/resolution/v1/resolution_internal_service_pb.js";
