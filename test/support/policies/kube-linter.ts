/** kube-linter default checks. */

import type { Container, K8sObject, Labels, LabelSelector, PortRef, Probe, SecurityContext } from './k8s';
import {
  CAP_ALL,
  initAndRegular,
  intOrPercent,
  isZeroQuantity,
  list,
  mapSelectorMatches,
  nameOf,
  raw,
  regularContainers,
  sameNamespace,
  selectorMatches,
  type Ctx,
  type RawFinding,
  type Tool,
  type Workload,
} from './common';

// =============================================================================================
// 2c. kube-linter (default checks of internal/defaultchecks/default_checks.go)
// =============================================================================================

const KL: Tool = 'kube-linter';

/** objectkinds.DeploymentLike */
const KL_DEPLOYMENT_LIKE = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'DeploymentConfig',
]);

function kl(check: string, obj: K8sObject, message: string): RawFinding {
  return raw(KL, check, 'critical', obj, message);
}

/** util.PerContainerCheck: regular containers only. */
function klContainers(w: Workload, check: string, test: (c: Container) => string | undefined): RawFinding[] {
  return regularContainers(w.pod).flatMap((c) => {
    const message = test(c);
    return message ? [kl(check, w.obj, message)] : [];
  });
}

// kube-linter pkg/templates/{cpu,memory}requirements (unset-cpu-requirements: request in [0,0];
// unset-memory-requirements: limit in [0,0])
function klRequirements(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'unset-cpu-requirements', (c) =>
      isZeroQuantity(c.resources?.requests?.cpu) ? `container "${c.name}" has cpu request 0` : undefined,
    ),
    ...klContainers(w, 'unset-memory-requirements', (c) =>
      isZeroQuantity(c.resources?.limits?.memory) ? `container "${c.name}" has memory limit 0` : undefined,
    ),
  ];
}

// kube-linter pkg/builtinchecks/yamls/latest-tag.yaml BlockList
const KL_LATEST_TAG = [/.*:(latest)$/, /^[^:]*$/, /(.*\/[^:]+)$/];

// kube-linter pkg/templates/{readonlyrootfs,privileged,privilegeescalation,latesttag}
function klContainerSecurity(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'no-read-only-root-fs', (c) =>
      c.securityContext?.readOnlyRootFilesystem === true ? undefined : `container "${c.name}" does not have a read-only root file system`,
    ),
    ...klContainers(w, 'privileged-container', (c) =>
      c.securityContext?.privileged === true ? `container "${c.name}" is privileged` : undefined,
    ),
    ...klContainers(w, 'privilege-escalation-container', klPrivilegeEscalation),
    ...klContainers(w, 'latest-tag', (c) =>
      KL_LATEST_TAG.some((re) => re.test(c.image ?? ''))
        ? `container "${c.name}" is using an invalid container image "${c.image}"`
        : undefined,
    ),
    ...klContainers(w, 'drop-net-raw-capability', klDropNetRaw),
  ];
}

function klPrivilegeEscalation(c: Container): string | undefined {
  const sc = c.securityContext;
  if (!sc) return undefined;
  if (sc.allowPrivilegeEscalation === true) return `container "${c.name}" has AllowPrivilegeEscalation set to true`;
  if (sc.privileged === true) return `container "${c.name}" is Privileged hence allows privilege escalation`;
  return list(sc.capabilities?.add).includes('SYS_ADMIN') ? `container "${c.name}" has SYS_ADMIN capability` : undefined;
}

// kube-linter pkg/templates/containercapabilities (forbiddenCapabilities: [NET_RAW]); only
// evaluated when securityContext.capabilities is present
function klDropNetRaw(c: Container): string | undefined {
  const caps = c.securityContext?.capabilities;
  if (!caps) return undefined;
  const forbidden = (cap: string): boolean => /NET_RAW/.test(cap) || CAP_ALL.test(cap);
  if (list(caps.add).some(forbidden)) return `container "${c.name}" adds capability NET_RAW`;
  return list(caps.drop).some(forbidden) ? undefined : `container "${c.name}" does not drop capability NET_RAW`;
}

/** kube-linter effective runAsUser/runAsGroup/runAsNonRoot: container value, else pod value. */
function klEffective<K extends 'runAsUser' | 'runAsGroup' | 'runAsNonRoot'>(w: Workload, c: Container, key: K): SecurityContext[K] {
  const own = c.securityContext?.[key];
  return own !== undefined ? own : (w.pod.securityContext?.[key] as SecurityContext[K]);
}

// kube-linter pkg/templates/runasnonroot (AllContainers; explicit runAsGroup 0 flagged since PR #1178)
function klRunAsNonRoot(w: Workload): RawFinding[] {
  return initAndRegular(w.pod).flatMap((c) => {
    const user = klEffective(w, c, 'runAsUser');
    const out: string[] = [];
    if (klEffective(w, c, 'runAsGroup') === 0) out.push(`container "${c.name}" has runAsGroup set to 0`);
    if (user === undefined || user <= 0) {
      if (klEffective(w, c, 'runAsNonRoot') !== true) out.push(`container "${c.name}" is not set to runAsNonRoot`);
      else if (user === 0) out.push(`container "${c.name}" is set to runAsNonRoot, but runAsUser set to 0`);
    }
    return out.map((m) => kl('run-as-non-root', w.obj, m));
  });
}

/** util.CheckProbePort: TCP (or unspecified protocol) ports by number or name. */
function klProbePortProblem(c: Container, probe: Probe | undefined): string | undefined {
  if (!probe) return undefined;
  const exposed = new Set<PortRef>();
  for (const p of list(c.ports).filter((port) => !port.protocol || port.protocol === 'TCP')) {
    exposed.add(p.containerPort ?? 0);
    exposed.add(p.name ?? '');
  }
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port === undefined || exposed.has(port)) return undefined;
  return `container "${c.name}" does not expose port ${port}`;
}

// kube-linter pkg/templates/{liveness,readiness,startup}port
function klProbePorts(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'liveness-port', (c) => klProbePortProblem(c, c.livenessProbe)),
    ...klContainers(w, 'readiness-port', (c) => klProbePortProblem(c, c.readinessProbe)),
    ...klContainers(w, 'startup-port', (c) => klProbePortProblem(c, c.startupProbe)),
  ];
}

// kube-linter pkg/templates/envvar (env-var-secret: name (?i).*secret.*, value .+) and duplicatenvvar
function klEnv(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'env-var-secret', (c) => {
      const hit = list(c.env).find((e) => /secret/i.test(e.name) && /.+/.test(e.value ?? ''));
      return hit ? `environment variable ${hit.name} in container "${c.name}" found` : undefined;
    }),
    ...regularContainers(w.pod).flatMap((c) => {
      const names = list(c.env).map((e) => e.name);
      const dups = names.filter((n, i) => names.indexOf(n) !== i && names.indexOf(n, i + 1) === -1);
      return dups.map((n) => kl('duplicate-env-var', w.obj, `Duplicate environment variable ${n} in container "${c.name}" found`));
    }),
  ];
}

// kube-linter pkg/builtinchecks/yamls/sensitive-host-mounts.yaml and docker-sock.yaml (host-mounts template)
const KL_SENSITIVE_DIRS = [/^\/$/, /^\/boot$/, /^\/dev$/, /^\/etc$/, /^\/lib$/, /^\/proc$/, /^\/sys$/, /^\/usr$/];

function klHostMounts(w: Workload, check: string, dirs: RegExp[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of list(w.pod.volumes).filter((vol) => vol.hostPath)) {
    const path = v.hostPath?.path ?? '';
    if (!dirs.some((re) => re.test(path))) continue;
    for (const c of initAndRegular(w.pod).filter((ct) => list(ct.volumeMounts).some((m) => m.name === v.name))) {
      out.push(kl(check, w.obj, `host system directory "${path}" is mounted on container "${c.name}"`));
    }
  }
  return out;
}

// kube-linter pkg/builtinchecks/yamls/sysctls.yaml (unsafe-sysctls, prefix match)
const KL_UNSAFE_SYSCTLS = ['kernel.msg', 'kernel.sem', 'kernel.shm', 'fs.mqueue.', 'net.'];

// kube-linter pkg/templates/{hostnetwork,hostpid,hostipc,sysctl,ports,deprecatedserviceaccount}
function klPod(w: Workload): RawFinding[] {
  const p = w.pod;
  const out: RawFinding[] = [];
  if (p.hostNetwork === true) out.push(kl('host-network', w.obj, "resource shares host's network namespace (via hostNetwork=true)"));
  if (p.hostPID === true) out.push(kl('host-pid', w.obj, "resource shares host's process namespace (via hostPID=true)"));
  if (p.hostIPC === true) out.push(kl('host-ipc', w.obj, "resource shares host's IPC namespace (via hostIPC=true)"));
  for (const s of list(p.securityContext?.sysctls)) {
    for (const prefix of KL_UNSAFE_SYSCTLS.filter((u) => s.name.startsWith(u))) {
      out.push(kl('unsafe-sysctls', w.obj, `resource specifies unsafe sysctl "${s.name}" (prefix ${prefix})`));
    }
  }
  if (p.serviceAccount)
    out.push(kl('deprecated-service-account-field', w.obj, `serviceAccount is specified (${p.serviceAccount}); use serviceAccountName`));
  return [
    ...out,
    ...klContainers(w, 'ssh-port', (c) =>
      list(c.ports).some((port) => port.containerPort === 22 && (port.protocol ?? 'TCP') === 'TCP')
        ? `port 22 and protocol TCP in container "${c.name}" found`
        : undefined,
    ),
  ];
}

// k8s.io/apimachinery/pkg/util/validation IsValidPortName (IANA service name)
function validPortName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 15 &&
    /^[-a-z0-9]+$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.startsWith('-') &&
    !name.endsWith('-') &&
    !name.includes('--')
  );
}

// kube-linter pkg/templates/targetport (invalid-target-ports) for pods
function klInvalidPodPorts(w: Workload): RawFinding[] {
  return initAndRegular(w.pod).flatMap((c) =>
    list(c.ports)
      .filter((p) => p.name && !validPortName(p.name))
      .map((p) => kl('invalid-target-ports', w.obj, `port name "${p.name}" in container "${c.name}" is not a valid IANA service name`)),
  );
}

// kube-linter pkg/templates/mismatchingselector
function klMismatchingSelector(w: Workload): RawFinding[] {
  if (w.kind === 'Pod') return [];
  const selector: LabelSelector | undefined = w.kind === 'CronJob' ? w.obj.spec?.jobTemplate?.spec?.selector : w.obj.spec?.selector;
  const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && list(selector.matchExpressions).length === 0);
  if (empty) return w.kind === 'Job' || w.kind === 'CronJob' ? [] : [kl('mismatching-selector', w.obj, 'object has no selector specified')];
  return selectorMatches(selector, w.labels)
    ? []
    : [kl('mismatching-selector', w.obj, 'labels in pod spec do not match labels in selector')];
}

/** extract.Replicas: a nil replicas pointer counts as 1; kinds without replicas have none. */
function klReplicas(w: Workload): number | undefined {
  if (!['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'DeploymentConfig'].includes(w.kind)) return undefined;
  return typeof w.obj.spec?.replicas === 'number' ? w.obj.spec.replicas : 1;
}

// kube-linter pkg/templates/antiaffinity (no-anti-affinity: minReplicas 2, topologyKey kubernetes.io/hostname)
function klAntiAffinity(w: Workload): RawFinding[] {
  const replicas = klReplicas(w);
  if (replicas === undefined || replicas < 2) return [];
  const anti = w.pod.affinity?.podAntiAffinity;
  const terms = [
    ...list(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((t) => t.podAffinityTerm ?? {}),
    ...list(anti?.requiredDuringSchedulingIgnoredDuringExecution),
  ];
  const podNs = w.template.metadata?.namespace ?? '';
  const ok = terms.some(
    (t) =>
      (list(t.namespaces).length === 0 || list(t.namespaces).includes(podNs)) &&
      t.topologyKey === 'kubernetes.io/hostname' &&
      selectorMatches(t.labelSelector, w.labels),
  );
  return ok ? [] : [kl('no-anti-affinity', w.obj, `object has ${replicas} replicas but does not specify inter pod anti-affinity`)];
}

// kube-linter pkg/templates/nonexistentserviceaccount
function klServiceAccount(ctx: Ctx, w: Workload): RawFinding[] {
  const sa = w.pod.serviceAccountName || w.pod.serviceAccount || '';
  if (sa === '' || sa === 'default') return [];
  const exists = ctx.objects.some(
    (o) => o.apiVersion === 'v1' && o.kind === 'ServiceAccount' && sameNamespace(o, w.obj) && nameOf(o) === sa,
  );
  return exists ? [] : [kl('non-existent-service-account', w.obj, `serviceAccount "${sa}" not found`)];
}

// kube-linter pkg/templates/jobttlsecondsafterfinished. Not in the default_checks.go revision read
// (it predates PR #964), but kube-linter releases since mid-2025 report it without configuration
// (konflux-ci/konflux-ci#2532, kubernetes-sigs/node-feature-discovery#2401).
function klJobTtl(w: Workload): RawFinding[] {
  if (w.kind === 'Job' && w.obj.spec?.ttlSecondsAfterFinished === undefined) {
    return [kl('job-ttl-seconds-after-finished', w.obj, 'Standalone Job does not specify ttlSecondsAfterFinished')];
  }
  if (w.kind === 'CronJob' && w.obj.spec?.jobTemplate?.spec?.ttlSecondsAfterFinished !== undefined) {
    return [kl('job-ttl-seconds-after-finished', w.obj, 'Managed Job specifies ttlSecondsAfterFinished')];
  }
  return [];
}

function klWorkload(ctx: Ctx, w: Workload): RawFinding[] {
  return [
    ...klRequirements(w),
    ...klContainerSecurity(w),
    ...klRunAsNonRoot(w),
    ...klProbePorts(w),
    ...klEnv(w),
    ...klHostMounts(w, 'sensitive-host-mounts', KL_SENSITIVE_DIRS),
    ...klHostMounts(w, 'docker-sock', [/docker.sock$/]),
    ...klPod(w),
    ...klInvalidPodPorts(w),
    ...klMismatchingSelector(w),
    ...klAntiAffinity(w),
    ...klServiceAccount(ctx, w),
    ...klJobTtl(w),
  ];
}

// kube-linter pkg/templates/danglingservice and targetport (Service side)
function klService(ctx: Ctx, svc: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  for (const p of list<{ targetPort?: PortRef }>(svc.spec?.ports)) {
    const t = p.targetPort;
    const bad = typeof t === 'string' ? !validPortName(t) : typeof t === 'number' && t !== 0 && (t < 1 || t > 65535);
    if (bad) out.push(kl('invalid-target-ports', svc, `port targetPort "${t}" in service "${nameOf(svc)}" is invalid`));
  }
  if (svc.spec?.type === 'ExternalName') return out;
  const selector: Labels | undefined = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [...out, kl('dangling-service', svc, 'service has no selector specified')];
  const hit = ctx.workloads.some((w) => sameNamespace(w.obj, svc) && mapSelectorMatches(selector, w.labels));
  return hit ? out : [...out, kl('dangling-service', svc, `no pods found matching service labels (${JSON.stringify(selector)})`)];
}

/** HPA minReplicas for a deployment-like, used by pdb-min-available when replicas resolve to 1. */
function klHpaMin(ctx: Ctx, w: Workload): number | undefined {
  const hpa = ctx.ofKind('HorizontalPodAutoscaler').find((h) => sameNamespace(h, w.obj) && h.spec?.scaleTargetRef?.name === nameOf(w.obj));
  return hpa?.spec?.minReplicas;
}

// kube-linter pkg/templates/pdbminavailable
function klPdbMinAvailable(ctx: Ctx, pdb: K8sObject): RawFinding[] {
  if (pdb.spec?.minAvailable === undefined) return [];
  const min = intOrPercent(pdb.spec.minAvailable);
  if (!min) return [kl('pdb-min-available', pdb, 'PDB has invalid MinAvailable value')];
  if (min.percent && min.value === 100)
    return [kl('pdb-min-available', pdb, 'PDB has minimum available replicas set to 100 percent of replicas')];
  return ctx.workloads
    .filter((w) => KL_DEPLOYMENT_LIKE.has(w.kind) && sameNamespace(w.obj, pdb) && w.obj.spec?.selector)
    .filter((w) => selectorMatches(pdb.spec.selector, w.obj.spec.selector.matchLabels ?? {}))
    .flatMap((w) => {
      let replicas = klReplicas(w) ?? 0;
      if (replicas === 1) replicas = klHpaMin(ctx, w) ?? replicas;
      const required = min.percent ? Math.ceil((replicas * min.value) / 100) : min.value;
      return replicas <= required
        ? [
            kl(
              'pdb-min-available',
              pdb,
              `The current number of replicas for deployment ${nameOf(w.obj)} is equal to or lower than the minimum number of replicas specified by its PDB.`,
            ),
          ]
        : [];
    });
}

// kube-linter pkg/templates/pdbmaxunavailable and pdbunhealthypodevictionpolicy
function klPdb(ctx: Ctx, pdb: K8sObject): RawFinding[] {
  const out = klPdbMinAvailable(ctx, pdb);
  const max = pdb.spec?.maxUnavailable;
  if (max !== undefined) {
    const parsed = intOrPercent(max);
    if (!parsed || parsed.value === 0)
      out.push(kl('pdb-max-unavailable', pdb, parsed ? 'MaxUnavailable is set to 0' : `maxUnavailable has invalid value [${max}]`));
  }
  if (pdb.spec?.unhealthyPodEvictionPolicy === undefined)
    out.push(kl('pdb-unhealthy-pod-eviction-policy', pdb, 'unhealthyPodEvictionPolicy is not explicitly set'));
  return out;
}

// kube-linter pkg/builtinchecks/yamls/no-extensions-v1beta.yaml (disallowed-api-obj)
function klApiVersion(obj: K8sObject): RawFinding[] {
  return /^extensions\/v1beta.+/.test(obj.apiVersion ?? '')
    ? [kl('no-extensions-v1beta', obj, `disallowed API object found: ${obj.apiVersion}/${obj.kind}`)]
    : [];
}

export function kubeLinter(ctx: Ctx): RawFinding[] {
  return [
    ...ctx.objects.flatMap(klApiVersion),
    ...ctx.ofKind('Service').flatMap((s) => klService(ctx, s)),
    ...ctx.ofKind('PodDisruptionBudget').flatMap((p) => klPdb(ctx, p)),
    ...ctx.workloads.filter((w) => KL_DEPLOYMENT_LIKE.has(w.kind)).flatMap((w) => klWorkload(ctx, w)),
  ];
}
