#!/usr/bin/env python3
"""Waits until a gRPC server's grpc.health.v1 service reports SERVING.

    health_wait.py HOST:PORT [--service NAME]... [--timeout SECONDS] [--pid PID]

Checks each named health service (default: the server's overall status, "")
until all answer SERVING, or fails after the timeout, or as soon as the
process PID (when given) has exited. Exit 0 when SERVING, 1 otherwise.
Needs grpcio and grpcio-health-checking.
"""

import argparse
import os
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("--service", action="append", default=None)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--pid", type=int, default=None)
    args = parser.parse_args()
    services = args.service if args.service is not None else [""]

    deadline = time.monotonic() + args.timeout
    last = {}
    with grpc.insecure_channel(args.target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        pending = list(services)
        while pending and time.monotonic() < deadline:
            if not alive(args.pid):
                print(f"health_wait: process {args.pid} exited before SERVING", file=sys.stderr)
                return 1
            for name in list(pending):
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)
                    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
                except grpc.RpcError as err:
                    status = err.code().name
                last[name] = status
                if status == "SERVING":
                    pending.remove(name)
            if pending:
                time.sleep(0.2)
    for name in services:
        print(f'health_wait: {args.target} "{name}": {last.get(name, "no answer")}')
    return 0 if not pending else 1


if __name__ == "__main__":
    sys.exit(main())
