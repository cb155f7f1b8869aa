#!/usr/bin/env python3
"""Splits a rendered kustomization into built-in kinds and custom resources.

    k8s_crds.py RENDERED.yaml BUILTIN_OUT.yaml

Writes the built-in kinds to BUILTIN_OUT.yaml (for kubernetes-validate, which
knows no custom resource) and validates every custom resource against its
schema in k8s/schemas/<group>/<kind>-<version>.json, strictly (unknown fields
fail). A custom kind without a schema there fails too: nothing is skipped in
silence. Prints one line per kind; exits 1 on any error.
"""

import json
import pathlib
import sys

import jsonschema
import yaml

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "k8s" / "schemas"

# API groups served by Kubernetes itself (kubernetes-validate has their
# schemas). Everything else is a CRD's, e.g. postgresql.cnpg.io, and
# gateway.networking.k8s.io (which ends in k8s.io but is a CRD).
BUILTIN_GROUPS = {
    "", "apps", "batch", "policy", "autoscaling", "networking.k8s.io",
    "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "certificates.k8s.io",
    "flowcontrol.apiserver.k8s.io", "resource.k8s.io",
}


def group_version(doc):
    api = doc["apiVersion"]
    return tuple(api.split("/", 1)) if "/" in api else ("", api)


def main():
    rendered, builtin_out = sys.argv[1], sys.argv[2]
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    builtin, errors, counts = [], [], {}
    for doc in docs:
        group, version = group_version(doc)
        if group in BUILTIN_GROUPS:
            builtin.append(doc)
            continue
        kind = doc["kind"]
        name = f'{kind}/{doc.get("metadata", {}).get("name", "?")}'
        schema_file = SCHEMAS / group / f"{kind.lower()}-{version}.json"
        counts[f"{group}/{version} {kind}"] = counts.get(f"{group}/{version} {kind}", 0) + 1
        if not schema_file.exists():
            errors.append(f"{name}: no schema for {group}/{version} {kind} "
                          f"(add {schema_file.relative_to(SCHEMAS.parent.parent)})")
            continue
        schema = json.loads(schema_file.read_text())
        validator = jsonschema.Draft202012Validator(schema)
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(p) for p in err.absolute_path)
            errors.append(f"{name}: {path or '(root)'}: {err.message}")
    with open(builtin_out, "w") as out:
        yaml.safe_dump_all(builtin, out, sort_keys=False)
    for kind, n in sorted(counts.items()):
        print(f"    {n} x {kind}: checked against k8s/schemas")
    for e in errors:
        print(f"    {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
