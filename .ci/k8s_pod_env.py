#!/usr/bin/env python3
"""Lays out one container's configuration from a rendered overlay under a
local directory, so a test can start the binary with exactly what the pod gets.

    k8s_pod_env.py RENDERED.yaml DEPLOYMENT ROOT [--init]

Writes every file the container mounts from a ConfigMap (the tenant TOML, the
JWKS, ...) to ROOT/<mountPath>/<key>, and prints the container's environment
as JSON: the ConfigMaps of envFrom, then env (literal values only). Every
mount path in those values and in the written files is re-rooted under ROOT,
so `/run/secrets/redress/smtp-password` becomes
`ROOT/run/secrets/redress/smtp-password`. Secrets are not in a rendering: the
test writes their files itself, at the re-rooted paths, and overrides what
must differ locally (listen address, database, SMTP host and port, CA).

Example, the prod notification server against a local SMTP server:

    kubectl kustomize k8s/overlays/prod > /tmp/prod.yaml
    .ci/k8s_pod_env.py /tmp/prod.yaml notification /tmp/pod > /tmp/pod/env.json
"""

import json
import pathlib
import re
import sys

import yaml


def lay_out(docs, deployment, root, init=False):
    """Writes the ConfigMap files `deployment`'s server (or first init)
    container mounts under `root` and returns its environment, with every
    mount path re-rooted under `root`."""
    root = pathlib.Path(root).resolve()
    config_maps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
    dep = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == deployment)
    spec = dep["spec"]["template"]["spec"]
    container = (spec.get("initContainers") or [None])[0] if init else spec["containers"][0]
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = [m["mountPath"].rstrip("/") for m in container.get("volumeMounts", [])]

    # One pass (a replacement is never rewritten again, even when ROOT is under
    # a mount such as /tmp), longest path first (/run/secrets/redress-migration
    # before /run/secrets/redress), and only where a path starts.
    alternatives = "|".join(re.escape(p) for p in sorted(mounts, key=len, reverse=True))
    pattern = re.compile(rf"""(?<![^\s"'=:,(\[])({alternatives})/""")

    def reroot(text):
        return pattern.sub(lambda m: f"{root}{m.group(1)}/", text) if mounts else text

    for m in container.get("volumeMounts", []):
        target = root / m["mountPath"].lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        cm = volumes.get(m["name"], {}).get("configMap")
        if cm:
            for key, content in config_maps.get(cm["name"], {}).items():
                (target / key).write_text(reroot(content))

    env = {}
    for src in container.get("envFrom", []):
        env.update(config_maps.get(src.get("configMapRef", {}).get("name"), {}))
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
    return {k: reroot(v) for k, v in env.items()}


def main(argv):
    rendered, deployment, root = argv[0], argv[1], argv[2]
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    env = lay_out(docs, deployment, root, init="--init" in argv[3:])
    json.dump(env, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
