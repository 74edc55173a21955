#!/usr/bin/env python3
"""Offline check of Kubernetes manifests against the Pod Security Standards "restricted"
profile, plus uv-rootless's own stricter rules.

kubernetes-validate only checks manifests against the OpenAPI schemas: a privileged Pod
with hostPath volumes validates fine.  This script fills that gap without a cluster.

It is written from the Pod Security Standards page
(https://kubernetes.io/docs/concepts/security/pod-security-standards/) and the control
definitions of the PodSecurity admission plugin (k8s.io/pod-security-admission/policy).
The "restricted" profile includes every "baseline" control, so both are checked.  Each
finding names its control, e.g. [restricted/capabilities] or [uvr/readOnlyRootFilesystem].

Deliberate differences from the admission plugin (all make this checker stricter):
  * Version-specific relaxations are not modelled: Pods with spec.os.name=windows and
    Pods with hostUsers=false (user namespaces) get no exemptions here.
  * The sysctl allow-list is the one of Kubernetes 1.32.
  * ephemeralContainers are checked like containers (a Pod template has none anyway).

uv-rootless extras ("uvr/..."), on every container and initContainer:
  * securityContext.readOnlyRootFilesystem: true
  * effective runAsUser and runAsGroup (container, else pod) set, integers, non-zero;
    fsGroup and supplementalGroups non-zero when set
  * spec.automountServiceAccountToken: false on the Pod spec
  * resources.requests and resources.limits both set, each with cpu and memory

Usage: pss_restricted.py [--require-pod] FILE...
Exit status: 0 when every Pod template passes, 1 on any finding, 2 on unreadable input
(or, with --require-pod, when a file holds no Pod template at all).
"""

from __future__ import annotations

import sys
from typing import Any, Iterator

import yaml

# --- where Pod templates live ------------------------------------------------------------

# kind -> path (list of keys) from the object to its Pod template ({metadata, spec}).
TEMPLATE_PATHS: dict[str, list[str]] = {
    "Deployment": ["spec", "template"],
    "StatefulSet": ["spec", "template"],
    "DaemonSet": ["spec", "template"],
    "ReplicaSet": ["spec", "template"],
    "ReplicationController": ["spec", "template"],
    "Job": ["spec", "template"],
    "CronJob": ["spec", "jobTemplate", "spec", "template"],
    "PodTemplate": ["template"],
}

# --- control data (from the PSS definition) ----------------------------------------------

# restricted/volumes: the only inline volume sources allowed.
ALLOWED_VOLUME_SOURCES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
# restricted/capabilities: the only capability that may be added (after dropping ALL).
ALLOWED_ADD_CAPABILITIES = {"NET_BIND_SERVICE"}
# restricted/seccompProfile
ALLOWED_SECCOMP_TYPES = {"RuntimeDefault", "Localhost"}
# baseline/appArmorProfile
ALLOWED_APPARMOR_TYPES = {"RuntimeDefault", "Localhost"}
APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
# baseline/seLinuxOptions
ALLOWED_SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
# baseline/sysctls (allow-list as of Kubernetes 1.32)
ALLOWED_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _is_int(value: Any) -> bool:
    # YAML `true` is a bool, and bool is an int subclass in Python: exclude it.
    return isinstance(value, int) and not isinstance(value, bool)


def pod_templates(doc: dict) -> Iterator[tuple[str, dict, dict]]:
    """Yields (where, pod metadata, pod spec) for each Pod (template) in one object."""
    kind = doc.get("kind")
    if kind == "Pod":
        yield "spec", _dict(doc.get("metadata")), _dict(doc.get("spec"))
        return
    path = TEMPLATE_PATHS.get(str(kind))
    if path is None:
        return
    node: Any = doc
    for key in path:
        node = _dict(node).get(key)
    template = _dict(node)
    yield ".".join(path), _dict(template.get("metadata")), _dict(template.get("spec"))


def containers(spec: dict) -> Iterator[tuple[str, dict]]:
    for list_name in CONTAINER_LISTS:
        for index, container in enumerate(_list(spec.get(list_name))):
            container = _dict(container)
            yield f"{list_name}[{container.get('name', index)}]", container


def check_pod(meta: dict, spec: dict) -> list[tuple[str, str]]:
    """Returns (control id, message) for every violation in one Pod spec."""
    findings: list[tuple[str, str]] = []

    def bad(control: str, message: str) -> None:
        findings.append((control, message))

    pod_sc = _dict(spec.get("securityContext"))

    # ---- baseline controls (part of restricted) ----------------------------------------
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field) is True:
            bad("baseline/hostNamespaces", f"spec.{field} must be unset or false")

    if _dict(pod_sc.get("windowsOptions")).get("hostProcess") is True:
        bad("baseline/hostProcess", "spec.securityContext.windowsOptions.hostProcess must not be true")

    for key, value in _dict(meta.get("annotations")).items():
        if str(key).startswith(APPARMOR_ANNOTATION_PREFIX):
            if value not in ("", None, "runtime/default") and not str(value).startswith("localhost/"):
                bad("baseline/appArmorProfile", f"annotation {key}={value!r} must be runtime/default or localhost/*")

    def check_apparmor(where: str, sc: dict) -> None:
        profile = sc.get("appArmorProfile")
        if profile is not None and _dict(profile).get("type") not in ALLOWED_APPARMOR_TYPES:
            bad("baseline/appArmorProfile",
                f"{where}.appArmorProfile.type={_dict(profile).get('type')!r} must be RuntimeDefault or Localhost")

    def check_selinux(where: str, sc: dict) -> None:
        opts = sc.get("seLinuxOptions")
        if opts is None:
            return
        opts = _dict(opts)
        if opts.get("type", "") not in ALLOWED_SELINUX_TYPES:
            bad("baseline/seLinuxOptions", f"{where}.seLinuxOptions.type={opts.get('type')!r} is not allowed")
        for field in ("user", "role"):
            if opts.get(field):
                bad("baseline/seLinuxOptions", f"{where}.seLinuxOptions.{field} must not be set")

    check_apparmor("spec.securityContext", pod_sc)
    check_selinux("spec.securityContext", pod_sc)

    for sysctl in _list(pod_sc.get("sysctls")):
        name = _dict(sysctl).get("name")
        if name not in ALLOWED_SYSCTLS:
            bad("baseline/sysctls", f"spec.securityContext.sysctls {name!r} is not in the safe set")

    # ---- restricted: volume types (also covers baseline/hostPathVolumes) ----------------
    for volume in _list(spec.get("volumes")):
        volume = _dict(volume)
        sources = [key for key in volume if key != "name"]
        disallowed = [key for key in sources if key not in ALLOWED_VOLUME_SOURCES]
        if disallowed or not sources:
            bad("restricted/volumes",
                f"volume {volume.get('name')!r} uses {', '.join(disallowed) or 'no source'}; allowed: "
                + ", ".join(sorted(ALLOWED_VOLUME_SOURCES)))

    # ---- restricted: pod-level runAsNonRoot / runAsUser / seccomp ----------------------
    pod_non_root = pod_sc.get("runAsNonRoot")
    if pod_non_root is False:
        bad("restricted/runAsNonRoot", "spec.securityContext.runAsNonRoot must not be false")
    if pod_sc.get("runAsUser") == 0 and _is_int(pod_sc.get("runAsUser")):
        bad("restricted/runAsUser", "spec.securityContext.runAsUser must not be 0")
    pod_seccomp = pod_sc.get("seccompProfile")
    pod_seccomp_ok = False
    if pod_seccomp is not None:
        if _dict(pod_seccomp).get("type") in ALLOWED_SECCOMP_TYPES:
            pod_seccomp_ok = True
        else:
            bad("restricted/seccompProfile",
                f"spec.securityContext.seccompProfile.type={_dict(pod_seccomp).get('type')!r} "
                "must be RuntimeDefault or Localhost")

    # ---- uv-rootless extras at pod level ------------------------------------------------
    if spec.get("automountServiceAccountToken") is not False:
        bad("uvr/automountServiceAccountToken", "spec.automountServiceAccountToken must be false")
    for field in ("fsGroup",):
        if field in pod_sc and (not _is_int(pod_sc[field]) or pod_sc[field] == 0):
            bad("uvr/nonRootGroups", f"spec.securityContext.{field}={pod_sc[field]!r} must be a non-zero integer")
    for gid in _list(pod_sc.get("supplementalGroups")):
        if not _is_int(gid) or gid == 0:
            bad("uvr/nonRootGroups", f"spec.securityContext.supplementalGroups has {gid!r}; must be non-zero integers")

    # ---- per container ------------------------------------------------------------------
    for where, container in containers(spec):
        csc = _dict(container.get("securityContext"))
        w = f"{where}.securityContext"
        is_ephemeral = where.startswith("ephemeralContainers")

        if csc.get("privileged") is True:
            bad("baseline/privileged", f"{w}.privileged must be unset or false")
        if _dict(csc.get("windowsOptions")).get("hostProcess") is True:
            bad("baseline/hostProcess", f"{w}.windowsOptions.hostProcess must not be true")
        check_apparmor(w, csc)
        check_selinux(w, csc)
        if csc.get("procMount") not in (None, "Default"):
            bad("baseline/procMount", f"{w}.procMount={csc.get('procMount')!r} must be unset or Default")
        for port in _list(container.get("ports")):
            host_port = _dict(port).get("hostPort")
            if host_port not in (None, 0):
                bad("baseline/hostPorts", f"{where}.ports hostPort={host_port!r} must be unset or 0")
        for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = _dict(container.get(probe_name))
            for handler in ("httpGet", "tcpSocket"):
                if _dict(probe.get(handler)).get("host"):
                    bad("baseline/hostProbesAndHostLifecycle", f"{where}.{probe_name}.{handler}.host must be unset")
        for hook in ("postStart", "preStop"):
            handler_obj = _dict(_dict(container.get("lifecycle")).get(hook))
            for handler in ("httpGet", "tcpSocket"):
                if _dict(handler_obj.get(handler)).get("host"):
                    bad("baseline/hostProbesAndHostLifecycle", f"{where}.lifecycle.{hook}.{handler}.host must be unset")

        if csc.get("allowPrivilegeEscalation") is not False:
            bad("restricted/allowPrivilegeEscalation", f"{w}.allowPrivilegeEscalation must be false")

        non_root = csc.get("runAsNonRoot")
        if non_root is False:
            bad("restricted/runAsNonRoot", f"{w}.runAsNonRoot must not be false")
        elif non_root is not True and pod_non_root is not True:
            bad("restricted/runAsNonRoot", f"pod or {w} must set runAsNonRoot: true")

        if csc.get("runAsUser") == 0 and _is_int(csc.get("runAsUser")):
            bad("restricted/runAsUser", f"{w}.runAsUser must not be 0")

        seccomp = csc.get("seccompProfile")
        if seccomp is not None:
            if _dict(seccomp).get("type") not in ALLOWED_SECCOMP_TYPES:
                bad("restricted/seccompProfile",
                    f"{w}.seccompProfile.type={_dict(seccomp).get('type')!r} must be RuntimeDefault or Localhost")
        elif not pod_seccomp_ok:
            bad("restricted/seccompProfile", f"pod or {w} must set seccompProfile.type RuntimeDefault or Localhost")

        caps = _dict(csc.get("capabilities"))
        if "ALL" not in _list(caps.get("drop")):
            bad("restricted/capabilities", f'{w}.capabilities.drop must include "ALL"')
        extra = [c for c in _list(caps.get("add")) if c not in ALLOWED_ADD_CAPABILITIES]
        if extra:
            bad("restricted/capabilities", f"{w}.capabilities.add {extra} may only contain NET_BIND_SERVICE")

        # ---- uv-rootless extras per container ------------------------------------------
        if csc.get("readOnlyRootFilesystem") is not True:
            bad("uvr/readOnlyRootFilesystem", f"{w}.readOnlyRootFilesystem must be true")
        for field in ("runAsUser", "runAsGroup"):
            value = csc[field] if field in csc else pod_sc.get(field)
            if value is None:
                bad(f"uvr/{field}", f"{w}.{field} (or spec.securityContext.{field}) must be set")
            elif not _is_int(value) or value == 0:
                bad(f"uvr/{field}", f"effective {field} for {where} is {value!r}; must be a non-zero integer")
        if not is_ephemeral:  # ephemeral containers may not set resources
            resources = _dict(container.get("resources"))
            for section in ("requests", "limits"):
                values = _dict(resources.get(section))
                missing = [r for r in ("cpu", "memory") if values.get(r) in (None, "")]
                if missing:
                    bad("uvr/resources", f"{where}.resources.{section} must set {' and '.join(missing)}")

    if not any(True for _ in containers(spec)):
        bad("uvr/containers", "pod spec has no containers")
    return findings


def main(argv: list[str]) -> int:
    require_pod = False
    files = []
    for arg in argv:
        if arg == "--require-pod":
            require_pod = True
        elif arg in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(arg)
    if not files:
        print("usage: pss_restricted.py [--require-pod] FILE...", file=sys.stderr)
        return 2

    status = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                docs = [d for d in yaml.safe_load_all(handle) if d is not None]
        except (OSError, yaml.YAMLError) as error:
            print(f"ERROR {path}: {error}")
            status = max(status, 2)
            continue
        pods = 0
        for doc in docs:
            if not isinstance(doc, dict):
                print(f"ERROR {path}: a YAML document is not a mapping")
                status = max(status, 2)
                continue
            name = f"{doc.get('kind')}/{_dict(doc.get('metadata')).get('name')}"
            for where, meta, spec in pod_templates(doc):
                pods += 1
                findings = check_pod(meta, spec)
                for control, message in findings:
                    print(f"FAIL {path} {name} ({where}) [{control}] {message}")
                if findings:
                    status = max(status, 1)
                else:
                    print(f"ok   {path} {name} ({where}) restricted + uv-rootless extras")
        if pods == 0 and require_pod:
            print(f"ERROR {path}: no Pod or Pod template found")
            status = max(status, 2)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
