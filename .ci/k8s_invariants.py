#!/usr/bin/env python3
"""The project's own rules for a rendered kustomization (.ci/k8s-check).

    k8s_invariants.py RENDERED.yaml [--require-digests]
    k8s_invariants.py --self-test RENDERED.yaml

The first form prints every broken rule and exits 1 if there is one. The
second shows that each guard bites: it breaks a copy of the rendering in one
way at a time (a probe removed, a security setting dropped, a network policy
deleted, a secret as an environment variable, the grace period shrunk, ...)
and fails unless the check then reports an error for every mutation and none
for the rendering as given.

The rules:
- every pod: no service-account token, seccomp RuntimeDefault; every
  container (init containers too): non-root as 65532, read-only root, no
  privilege escalation, all capabilities dropped, CPU and memory requests and
  limits, an emptyDir on /tmp;
- every Redress server (Deployment labelled app.kubernetes.io/component=server):
  gRPC port 50051, native gRPC readiness and startup probes on the ""
  service, a liveness probe on `liveness`, an init container running
  `migrate` with the server's image, a Service and a headless Service, a
  PodDisruptionBudget, and terminationGracePeriodSeconds >= preStop +
  ceil(server.shutdown_grace_ms / 1000) + MARGIN_S, the deadline read from
  the effective configuration (container env, then the ConfigMaps of envFrom,
  then the TOML file named by REDRESS_<SVC>_CONFIG, then the default);
- secrets are files: no secretKeyRef or secretRef in any environment, no
  secret-looking setting with a literal value, every `__FILE` path (and
  service_key_file, jwks_file) under a volume mounted into that container,
  the migration role's Secret mounted into the init container only;
- peers are the call graph of ARCHITECTURE.md, reached as
  dns:///<peer>-headless:50051;
- with network policies: a default deny-all, a policy selecting every pod,
  and for each server an egress to exactly its peers and an ingress from
  exactly its callers among the Redress servers;
- with `auth.allow_hs256 = false`: no HS256 secret, a service key that is
  mounted, and the service's name (or `<name>-<suffix>`) as its key id;
- a Namespace enforces the `restricted` Pod Security profile;
- with --require-digests: every image pinned by digest.
"""

import copy
import math
import pathlib
import sys
import tomllib

import yaml

UID = 65532
GRPC_PORT = 50051
# Seconds between the process's own deadline and the kubelet's SIGKILL:
# process exit after the deadline, a slow node.
MARGIN_S = 5
DEFAULT_SHUTDOWN_GRACE_MS = 10_000
# Who calls whom (the outbox relays), from ARCHITECTURE.md and
# services/*/src/config.rs.
CALL_GRAPH = {
    "intake": {"resolution", "notification", "feedback"},
    "resolution": {"intake", "notification", "feedback"},
    "feedback": {"resolution", "notification"},
    "notification": set(),
}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}
# Settings whose value is a secret: they may only be set as `<KEY>__FILE`.
SECRET_SUFFIXES = ("__DATABASE__URL", "__PAGE_TOKEN_SECRET", "__HS256_SECRET", "__SMTP_PASSWORD")


def name(d):
    return f'{d["kind"]}/{d["metadata"]["name"]}'


def pod_spec(d):
    return d["spec"]["template"]["spec"] if d["kind"] != "Pod" else d["spec"]


def containers(spec):
    return [(c, False) for c in spec.get("containers", [])] + [(c, True) for c in spec.get("initContainers", [])]


def selects(selector, labels):
    """A NetworkPolicy/PDB label selector (matchLabels only) against labels."""
    match = selector.get("matchLabels", {}) if selector else {}
    return all(labels.get(k) == v for k, v in match.items()) and not selector.get("matchExpressions")


class Rendering:
    def __init__(self, docs):
        self.docs = docs
        self.by_kind = {}
        for d in docs:
            self.by_kind.setdefault(d["kind"], []).append(d)
        self.config_maps = {c["metadata"]["name"]: c.get("data", {}) for c in self.kind("ConfigMap")}

    def kind(self, k):
        return self.by_kind.get(k, [])

    def servers(self):
        return [d for d in self.kind("Deployment")
                if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component") == "server"]

    def env(self, container, spec):
        """The container's effective REDRESS_* environment (literal values)."""
        env = {}
        for src in container.get("envFrom", []):
            env.update(self.config_maps.get(src.get("configMapRef", {}).get("name"), {}))
        for e in container.get("env", []):
            if "value" in e:
                env[e["name"]] = e["value"]
        return env

    def mounted_file(self, container, spec, path):
        """The content of a file mounted from a ConfigMap, or None."""
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for m in container.get("volumeMounts", []):
            prefix = m["mountPath"].rstrip("/") + "/"
            if path.startswith(prefix):
                cm = volumes.get(m["name"], {}).get("configMap")
                if cm:
                    return self.config_maps.get(cm["name"], {}).get(path[len(prefix):])
        return None


def is_mounted(container, path):
    return any(path.startswith(m["mountPath"].rstrip("/") + "/") for m in container.get("volumeMounts", []))


def check_pod(r, d, errors):
    spec = pod_spec(d)
    psc = spec.get("securityContext", {})
    if spec.get("automountServiceAccountToken") is not False:
        errors.append(f"{name(d)}: automountServiceAccountToken must be false")
    if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        errors.append(f"{name(d)}: pod seccompProfile must be RuntimeDefault")
    tmp_volumes = {v["name"] for v in spec.get("volumes", []) if v.get("emptyDir") is not None}
    for c, init in containers(spec):
        csc = c.get("securityContext", {})
        where = f'{name(d)} {"init container" if init else "container"} {c["name"]}'
        if not (csc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
            errors.append(f"{where}: runAsNonRoot")
        if csc.get("runAsUser", psc.get("runAsUser")) != UID:
            errors.append(f"{where}: runAsUser {UID}")
        if csc.get("readOnlyRootFilesystem") is not True:
            errors.append(f"{where}: readOnlyRootFilesystem")
        if csc.get("allowPrivilegeEscalation") is not False:
            errors.append(f"{where}: allowPrivilegeEscalation false")
        if csc.get("capabilities", {}).get("drop") != ["ALL"]:
            errors.append(f"{where}: capabilities drop ALL")
        if csc.get("privileged"):
            errors.append(f"{where}: privileged")
        res = c.get("resources", {})
        for part in ("requests", "limits"):
            for kind in ("cpu", "memory"):
                if kind not in res.get(part, {}):
                    errors.append(f"{where}: resources.{part}.{kind}")
        if not any(m["mountPath"] == "/tmp" and m["name"] in tmp_volumes for m in c.get("volumeMounts", [])):
            errors.append(f"{where}: needs an emptyDir at /tmp (read-only root)")
        # Secrets as files, never as environment values.
        for e in c.get("env", []):
            if "secretKeyRef" in e.get("valueFrom", {}):
                errors.append(f"{where}: env {e['name']} from a Secret (mount it as a file)")
        for src in c.get("envFrom", []):
            if "secretRef" in src:
                errors.append(f"{where}: envFrom a Secret (mount it as a file)")
        env = r.env(c, spec)
        for key, value in env.items():
            if key.endswith(SECRET_SUFFIXES) and value:
                errors.append(f"{where}: {key} holds a secret value; use {key}__FILE")
            # `…__FILE`, `…_FILE` settings (service_key_file, jwks_file) and
            # REDRESS_<SVC>_CONFIG name files that must be mounted.
            is_path = key.endswith("_FILE") or (key.endswith("_CONFIG") and "__" not in key)
            if is_path and value.startswith("/") and not is_mounted(c, value):
                errors.append(f"{where}: {key}={value} is not under any mounted volume")


def shutdown_grace_ms(r, app, container, spec):
    upper = app.upper()
    env = r.env(container, spec)
    key = f"REDRESS_{upper}__SERVER__SHUTDOWN_GRACE_MS"
    if key in env:
        return int(env[key]), f"{key}"
    config_path = env.get(f"REDRESS_{upper}_CONFIG")
    if config_path:
        text = r.mounted_file(container, spec, config_path)
        if text:
            value = tomllib.loads(text).get("server", {}).get("shutdown_grace_ms")
            if value is not None:
                return int(value), f"{config_path} [server] shutdown_grace_ms"
    return DEFAULT_SHUTDOWN_GRACE_MS, "the default"


def check_server(r, dep, errors, require_digests):
    app = dep["metadata"]["name"]
    upper = app.upper()
    spec = pod_spec(dep)
    server = spec["containers"][0]
    where = f"{name(dep)} container {server['name']}"
    env = r.env(server, spec)

    ports = {p.get("name"): p["containerPort"] for p in server.get("ports", [])}
    if ports.get("grpc") != GRPC_PORT:
        errors.append(f"{where}: container port grpc {GRPC_PORT}")
    for probe in ("readinessProbe", "startupProbe"):
        grpc = server.get(probe, {}).get("grpc")
        if not grpc or grpc.get("port") != GRPC_PORT or grpc.get("service", "") != "":
            errors.append(f'{where}: {probe} must be a native gRPC probe on {GRPC_PORT}, service ""')
    live = server.get("livenessProbe", {}).get("grpc")
    if not live or live.get("port") != GRPC_PORT or live.get("service") != "liveness":
        errors.append(f"{where}: livenessProbe must be a native gRPC probe on the `liveness` service")

    # Drain: the kubelet's grace covers preStop + the process's deadline.
    pre_stop = server.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    grace_ms, source = shutdown_grace_ms(r, app, server, spec)
    need = pre_stop + math.ceil(grace_ms / 1000) + MARGIN_S
    have = spec.get("terminationGracePeriodSeconds", 30)
    if have < need:
        errors.append(f"{name(dep)}: terminationGracePeriodSeconds {have} < preStop {pre_stop} s + "
                      f"shutdown_grace_ms {grace_ms} ({source}) + {MARGIN_S} s margin = {need}")

    # Migrations: the init container, with the server's image.
    if env.get(f"REDRESS_{upper}__DATABASE__MIGRATE_ON_START", "true").lower() == "false":
        inits = [c for c in spec.get("initContainers", []) if c.get("args") == ["migrate"]]
        if not inits or inits[0].get("image") != server.get("image"):
            errors.append(f"{name(dep)}: does not migrate on start, but no init container runs `migrate` "
                          f"with {server.get('image')}")
    migration_secret = f"{app}-migration"
    volumes = {v["name"]: v for v in spec.get("volumes", [])}

    def mounts_secret(c, secret_prefix):
        for m in c.get("volumeMounts", []):
            s = volumes.get(m["name"], {}).get("secret", {}).get("secretName", "")
            if s == secret_prefix or s.startswith(secret_prefix + "-"):
                return True
        return False

    for c, init in containers(spec):
        if not init and mounts_secret(c, migration_secret):
            errors.append(f"{name(dep)} container {c['name']}: mounts {migration_secret} "
                          f"(the migration role is for the init container only)")

    # Peers: the call graph, through the headless Services.
    peers = {}
    prefix = f"REDRESS_{upper}__OUTBOX__PEERS__"
    for key, value in env.items():
        if key.startswith(prefix) and key.endswith("__URL") and value:
            peers[key[len(prefix):-len("__URL")].lower()] = value
    expected = CALL_GRAPH.get(app)
    if expected is not None and set(peers) != expected:
        errors.append(f"{name(dep)}: peers {sorted(peers)} != the call graph {sorted(expected)}")
    for peer, url in peers.items():
        if url != f"dns:///{peer}-headless:{GRPC_PORT}":
            errors.append(f"{name(dep)}: peer {peer} at {url}, not dns:///{peer}-headless:{GRPC_PORT}")

    # Auth: prod refuses HS256 and signs with its own key.
    if env.get(f"REDRESS_{upper}__AUTH__ALLOW_HS256", "").lower() == "false":
        if any(k.startswith(f"REDRESS_{upper}__AUTH__HS256_SECRET") for k in env):
            errors.append(f"{name(dep)}: HS256 refused but an HS256 secret is configured")
        key_file = env.get(f"REDRESS_{upper}__AUTH__SERVICE_KEY_FILE", "")
        if not key_file or not is_mounted(server, key_file):
            errors.append(f"{name(dep)}: HS256 refused, so auth.service_key_file must name a mounted file")
        kid = env.get(f"REDRESS_{upper}__AUTH__SERVICE_KEY_ID", "")
        if kid != app and not kid.startswith(f"{app}-"):
            errors.append(f"{name(dep)}: auth.service_key_id must be {app} (or {app}-<suffix> after a rotation)")

    services = {s["metadata"]["name"]: s for s in r.kind("Service")}
    if app not in services:
        errors.append(f"{name(dep)}: no Service named {app}")
    headless = services.get(f"{app}-headless")
    if not headless or headless["spec"].get("clusterIP") != "None":
        errors.append(f"{name(dep)}: no headless Service {app}-headless")
    labels = dep["spec"]["template"]["metadata"]["labels"]
    if not any(selects(p["spec"]["selector"], labels) for p in r.kind("PodDisruptionBudget")):
        errors.append(f"{name(dep)}: no PodDisruptionBudget selects its pods")
    hpas = [h for h in r.kind("HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] == app]
    if hpas and "replicas" in dep["spec"]:
        errors.append(f"{name(dep)}: fixed replicas fight its HorizontalPodAutoscaler")


def policy_peers(policy, direction):
    """Redress server names a policy's ingress (from) or egress (to) allows on 50051."""
    out = set()
    for rule in policy["spec"].get(direction, []) or []:
        ports = [p.get("port") for p in rule.get("ports", [])]
        if ports and not any(p in (GRPC_PORT, "grpc") for p in ports):
            continue
        for peer in rule.get("from" if direction == "ingress" else "to", []):
            labels = peer.get("podSelector", {}).get("matchLabels", {})
            if "namespaceSelector" not in peer and labels.get("app.kubernetes.io/component") == "server":
                out.add(labels.get("app.kubernetes.io/name"))
    return out


def check_network_policies(r, errors):
    policies = r.kind("NetworkPolicy")
    server_labels = [d["spec"]["template"]["metadata"]["labels"] for d in r.servers()]
    deny_all = [p for p in policies if p["spec"].get("podSelector") == {}]
    # Without components/network-policies (a collector's own policy alone),
    # there is nothing to check.
    if not deny_all and not any(selects(p["spec"]["podSelector"], labels)
                                for p in policies for labels in server_labels):
        return
    if not any(p["spec"].get("podSelector") == {} and not p["spec"].get("ingress") and not p["spec"].get("egress")
               and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"} for p in policies):
        errors.append("NetworkPolicies without a default deny-all (ingress and egress)")
    for d in r.docs:
        if d["kind"] not in WORKLOAD_KINDS:
            continue
        labels = d["spec"]["template"]["metadata"].get("labels", {})
        own = [p for p in policies if p["spec"].get("podSelector") != {} and selects(p["spec"]["podSelector"], labels)]
        if not own:
            errors.append(f"{name(d)}: no NetworkPolicy of its own selects its pods")
    servers = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in r.servers()}
    for app, labels in servers.items():
        expected_out = CALL_GRAPH.get(app, set())
        expected_in = {caller for caller, callees in CALL_GRAPH.items() if app in callees}
        own = [p for p in policies if p["spec"].get("podSelector") != {} and selects(p["spec"]["podSelector"], labels)]
        egress = set().union(*(policy_peers(p, "egress") for p in own)) if own else set()
        ingress = set().union(*(policy_peers(p, "ingress") for p in own)) if own else set()
        if own and egress != expected_out:
            errors.append(f"{app}: network policy egress to {sorted(egress)} != its peers {sorted(expected_out)}")
        if own and ingress != expected_in:
            errors.append(f"{app}: network policy ingress from {sorted(ingress)} != its callers {sorted(expected_in)}")


def check(docs, require_digests=False):
    r = Rendering(docs)
    errors = []
    for d in docs:
        if d["kind"] in WORKLOAD_KINDS:
            check_pod(r, d, errors)
            if require_digests:
                for c, _ in containers(pod_spec(d)):
                    if "@sha256:" not in c.get("image", ""):
                        errors.append(f"{name(d)} container {c['name']}: image {c.get('image')} not pinned by digest")
    for dep in r.servers():
        check_server(r, dep, errors, require_digests)
    for sa in r.kind("ServiceAccount"):
        if sa.get("automountServiceAccountToken") is not False:
            errors.append(f"{name(sa)}: automountServiceAccountToken must be false")
    for svc in r.kind("Service"):
        if not any(p.get("name") == "grpc" for p in svc["spec"].get("ports", [])) and \
                svc["metadata"]["labels"].get("app.kubernetes.io/part-of") == "redress":
            errors.append(f"{name(svc)}: needs a port named grpc")
    for ns in r.kind("Namespace"):
        if ns["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") != "restricted":
            errors.append(f"{name(ns)}: must enforce the restricted Pod Security profile")
    check_network_policies(r, errors)
    return errors


# --- the self-test: each guard must bite ------------------------------------

def find(docs, kind, name_):
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name_)


def server_container(docs, app):
    return pod_spec(find(docs, "Deployment", app))["containers"][0]


def config_map_of(docs, app):
    ref = server_container(docs, app)["envFrom"][0]["configMapRef"]["name"]
    return find(docs, "ConfigMap", ref)


def drop(docs, kind, name_):
    docs.remove(find(docs, kind, name_))


def secret_env(docs):
    server_container(docs, "notification")["env"].append(
        {"name": "REDRESS_NOTIFICATION__EMAIL__SMTP_PASSWORD",
         "valueFrom": {"secretKeyRef": {"name": "notification-secrets", "key": "smtp-password"}}})


def grace_raised(docs):
    config_map_of(docs, "resolution")["data"]["REDRESS_RESOLUTION__SERVER__SHUTDOWN_GRACE_MS"] = "60000"


def migration_in_server(docs):
    spec = pod_spec(find(docs, "Deployment", "feedback"))
    spec["containers"][0]["volumeMounts"].append({"name": "migration", "mountPath": "/run/secrets/m"})


def egress_peer_removed(docs):
    def labels(t):
        return t.get("podSelector", {}).get("matchLabels", {})

    rule = next(r for r in find(docs, "NetworkPolicy", "intake")["spec"]["egress"]
                if any(labels(t).get("app.kubernetes.io/component") == "server" for t in r.get("to", [])))
    rule["to"] = [t for t in rule["to"] if labels(t).get("app.kubernetes.io/name") != "notification"]


def egress_extra(docs):
    find(docs, "NetworkPolicy", "notification")["spec"]["egress"].append(
        {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "intake",
                                                 "app.kubernetes.io/component": "server"}}}],
         "ports": [{"port": GRPC_PORT, "protocol": "TCP"}]})


def peer_url(docs):
    config_map_of(docs, "intake")["data"]["REDRESS_INTAKE__OUTBOX__PEERS__RESOLUTION__URL"] = "http://resolution:50051"


MUTATIONS = [
    ("readiness probe removed", lambda d: server_container(d, "intake").pop("readinessProbe")),
    ("liveness probe removed", lambda d: server_container(d, "intake").pop("livenessProbe")),
    ("startup probe made TCP", lambda d: server_container(d, "feedback").update(startupProbe={"tcpSocket": {"port": GRPC_PORT}})),
    ("readOnlyRootFilesystem dropped", lambda d: server_container(d, "resolution")["securityContext"].pop("readOnlyRootFilesystem")),
    ("capabilities not dropped in the init container",
     lambda d: pod_spec(find(d, "Deployment", "notification"))["initContainers"][0]["securityContext"].pop("capabilities")),
    ("runs as root", lambda d: server_container(d, "feedback")["securityContext"].update(runAsUser=0)),
    ("memory limit removed", lambda d: server_container(d, "intake")["resources"]["limits"].pop("memory")),
    ("network policy deleted", lambda d: drop(d, "NetworkPolicy", "feedback")),
    ("deny-all deleted", lambda d: drop(d, "NetworkPolicy", "deny-all")),
    ("egress to a peer removed", egress_peer_removed),
    ("egress to a non-peer added", egress_extra),
    ("secret as a secretKeyRef env", secret_env),
    ("grace period shrunk", lambda d: pod_spec(find(d, "Deployment", "intake")).update(terminationGracePeriodSeconds=10)),
    ("drain deadline raised above the grace period", grace_raised),
    ("PodDisruptionBudget deleted", lambda d: drop(d, "PodDisruptionBudget", "resolution")),
    ("migrate init container removed", lambda d: pod_spec(find(d, "Deployment", "intake")).pop("initContainers")),
    ("migration secret mounted into the server", migration_in_server),
    ("peer through the ClusterIP", peer_url),
    ("headless Service deleted", lambda d: drop(d, "Service", "notification-headless")),
    ("secret as a literal value", lambda d: config_map_of(d, "intake")["data"].update(
        REDRESS_INTAKE__DATABASE__URL="postgres://intake_runtime:pw@intake-db-rw:5432/intake")),
    ("secret file not mounted", lambda d: server_container(d, "resolution").update(volumeMounts=[
        m for m in server_container(d, "resolution")["volumeMounts"] if m["name"] != "secrets"])),
    ("HS256 secret while HS256 is refused", lambda d: config_map_of(d, "feedback")["data"].update(
        REDRESS_FEEDBACK__AUTH__HS256_SECRET__FILE="/run/secrets/redress/hs256-secret")),
    ("image by tag", lambda d: server_container(d, "intake").update(image="ghcr.io/redress/redress-intake:0.1.0")),
    ("Pod Security not enforced", lambda d: next(x for x in d if x["kind"] == "Namespace")["metadata"]["labels"]
     .pop("pod-security.kubernetes.io/enforce")),
]


def self_test(docs):
    # Mutations target the prod rendering: digests required.
    baseline = check(docs, require_digests=True)
    if baseline:
        print("self-test: the rendering itself fails:")
        for e in baseline:
            print(f"    {e}")
        return 1
    failed = 0
    for label, mutate in MUTATIONS:
        mutated = copy.deepcopy(docs)
        mutate(mutated)
        errors = check(mutated, require_digests=True)
        if errors:
            print(f"ok   guard bites: {label}: {errors[0]}")
        else:
            print(f"FAIL guard missing: {label} passes the check")
            failed = 1
    return failed


def main(argv):
    if argv[:1] == ["--self-test"]:
        return self_test([d for d in yaml.safe_load_all(pathlib.Path(argv[1]).read_text()) if d])
    docs = [d for d in yaml.safe_load_all(pathlib.Path(argv[0]).read_text()) if d]
    errors = check(docs, require_digests="--require-digests" in argv[1:])
    for e in errors:
        print(f"    {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
