import { createHash } from 'crypto';
import * as path from 'path';
import { Document, Scalar } from 'yaml';
import { parseImage } from '../core/names';
import { parseMemory } from '../core/quantity';
import { PropIssue, ValidationError } from '../core/validation';
import { ComposeTarget, composeAddresses } from './addresses';
import { BackingService, ComposeHealthcheck } from './backing';
import { PythonBuild } from './build';
import { ComposeOptions, ContainerPlan, PlannedWorkload, Workload, WorkloadRole, dockerfilePath, planContainers } from './plan';

/**
 * The compose file for local development, mirroring the pods: per workload the
 * same image (built locally from the generated Dockerfile), command, env and
 * config, UID:GID, read-only root filesystem with tmpfs exactly at the pod's
 * writable paths, no capabilities, no privilege gain, the CPU and memory limits
 * and a healthcheck on the readiness path; backing services with their own
 * healthchecks, waited for with `condition: service_healthy`.
 *
 * @throws Error listing every broken rule
 */
export function renderCompose(workloads: readonly Workload[], build: PythonBuild, options: ComposeOptions = {}): string {
  const plan = planContainers(workloads, build, options);
  assertNoIssues(plan.issues, 'the compose file');
  return composeFromPlan(plan, options);
}

/** Throws every issue at once, in the project's error shape. */
export function assertNoIssues(issues: readonly PropIssue[], what: string): void {
  if (issues.length > 0) {
    throw ValidationError.fromIssues(`Cannot render ${what}:`, issues);
  }
}

/** The named volume of a persistent path, e.g. `/app/media` -> `app-media`. */
function composeVolumeName(path: string): string {
  return (
    path
      .replace(/^\/+|\/+$/g, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .toLowerCase() || 'data'
  );
}

/** Renders a checked plan. */
export function composeFromPlan(plan: ContainerPlan, options: ComposeOptions): string {
  const taken = new Set(plan.backing.flatMap((s) => (s.hostPort !== undefined ? [s.hostPort] : [])));
  const migrations = plan.workloads.filter((w) => w.role === WorkloadRole.MIGRATION).map((w) => w.container.name);
  const services: Record<string, unknown> = {};
  const addresses = composeTargets(plan);
  for (const w of plan.workloads) {
    services[w.container.name] = workloadService(w, plan, options, taken, migrations, addresses);
  }
  for (const s of plan.backing) services[s.name] = backingService(s);
  const volumes = [
    ...new Set(
      plan.workloads.flatMap((w) =>
        w.container.writablePaths.filter((p) => p.medium === 'persistent').map((p) => composeVolumeName(p.path)),
      ),
    ),
  ].sort();
  const configs = composeConfigs(plan);
  const doc = new Document({
    ...(options.projectName ? { name: options.projectName } : {}),
    services,
    ...(volumes.length > 0 ? { volumes: Object.fromEntries(volumes.map((v) => [v, {}])) } : {}),
    ...(configs.size > 0 ? { configs: Object.fromEntries([...configs].sort(([a], [b]) => a.localeCompare(b))) } : {}),
  });
  doc.commentBefore =
    ' Local development mirror of the Kubernetes pods, generated from the same service descriptions.\n' +
    ' In-cluster addresses of the services below are rewritten to their compose names and ports.\n' +
    ' Secrets come from the .env.<image>.local files named under env_file; never commit them.\n' +
    ' Needs Docker Compose 2.24 or newer (optional env files) and BuildKit (Dockerfile.dockerignore).';
  return doc.toString({ lineWidth: 0 });
}

/** The services compose runs that settings may address by their in-cluster names: the app's Services and the backing services. */
function composeTargets(plan: ContainerPlan): { targets: ComposeTarget[]; namespaces: Set<string> } {
  const targets: ComposeTarget[] = [];
  for (const { container: c } of plan.workloads) {
    if (c.service === undefined || c.port === undefined) continue;
    targets.push({
      serviceName: c.service.name,
      namespace: c.service.namespace,
      composeName: c.name,
      ports: { service: c.service.port, container: c.port },
    });
  }
  for (const s of plan.backing) targets.push({ serviceName: s.name, composeName: s.name });
  return { targets, namespaces: new Set(targets.flatMap((t) => (t.namespace === undefined ? [] : [t.namespace]))) };
}

function workloadService(
  w: PlannedWorkload,
  plan: ContainerPlan,
  options: ComposeOptions,
  taken: Set<number>,
  migrations: string[],
  addresses: { targets: ComposeTarget[]; namespaces: Set<string> },
): Record<string, unknown> {
  const c = w.container;
  const context = w.build.context;
  const svc: Record<string, unknown> = {
    image: localImage(c.image),
    build: {
      context: relative(plan.outDir, context),
      // compose resolves `dockerfile` from the context, not from the compose file.
      dockerfile: relative(context, `${plan.outDir}/${dockerfilePath(w.group)}`),
    },
    // Always build from the local code: a pulled production image would hide local changes.
    pull_policy: 'build',
    command: c.command.map(escape),
    // Quoted: YAML 1.1 readers take some `a:b` scalars for base-60 numbers.
    user: quoted(`${c.runAsUser}:${c.runAsGroup}`),
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    // `environment` wins over `env_file`, so the in-cluster addresses are mapped here, not left to a .env file.
    environment: Object.fromEntries(
      Object.entries({ ...c.env, ...c.config }).map(([k, v]) => [k, escape(composeAddresses(v, addresses.targets, addresses.namespaces))]),
    ),
  };
  if (c.secretEnvNames.length > 0) {
    const file = relative(plan.outDir, `${options.secretsDir ?? '.'}/.env.${w.group}.local`);
    svc.env_file = [{ path: file, required: false }];
    // Which names the env file must define: what the pod reads from Secrets.
    svc['x-secret-env'] = [...c.secretEnvNames];
  }
  const publish = (target: number, protocol: string, wanted = target) => {
    let published = wanted;
    while (taken.has(published)) published++;
    taken.add(published);
    return { target, published, host_ip: '127.0.0.1', protocol: protocol.toLowerCase() };
  };
  const web = w.role === WorkloadRole.WEB && c.port !== undefined;
  // The ports the container declares, as the pod's Service carries them (UDP too).
  const ports = [
    ...(web ? [publish(c.port!, 'tcp', options.hostPorts?.[c.name])] : []),
    ...(c.ports ?? []).map((p) => publish(p.port, p.protocol)),
  ];
  if (ports.length > 0) svc.ports = ports;
  if (web) svc.healthcheck = readinessCheck(c.port!, c.readinessPath!, c.readinessHeaders);
  // A Docker tmpfs belongs to root whatever its mode, so the container's user could not write it:
  // the short syntax passes uid and gid to the mount (the long syntax only knows size and mode).
  const scratch = c.writablePaths.filter((p) => p.medium !== 'persistent');
  if (scratch.length > 0) svc.tmpfs = scratch.map((p) => `${p.path}:size=${bytes(p.sizeLimit)},uid=${c.runAsUser},gid=${c.runAsGroup}`);
  // Persistent paths (PersistentVolumeClaims in the cluster) are named volumes; a new one takes
  // the ownership of the image's folder, which the Dockerfile gives to the user.
  const persistent = c.writablePaths.filter((p) => p.medium === 'persistent');
  if (persistent.length > 0) svc.volumes = persistent.map((p) => ({ type: 'volume', source: composeVolumeName(p.path), target: p.path }));
  mountFiles(svc, c.files ?? []);
  const dependsOn: Record<string, { condition: string }> = {};
  for (const s of plan.backing) dependsOn[s.name] = { condition: 'service_healthy' };
  if (w.role !== WorkloadRole.MIGRATION) {
    for (const m of migrations) dependsOn[m] = { condition: 'service_completed_successfully' };
  }
  for (const s of w.after ?? []) dependsOn[s] = { condition: 'service_completed_successfully' };
  if (Object.keys(dependsOn).length > 0) svc.depends_on = dependsOn;
  // Service-level `cpus`/`mem_limit` are core Compose; `deploy` is an optional part of the specification.
  if (c.resources.cpuLimitMillis !== undefined) svc.cpus = c.resources.cpuLimitMillis / 1000;
  svc.mem_limit = byteValue(c.resources.memoryLimitBytes);
  svc.stop_grace_period = `${c.gracefulTimeoutSeconds + 5}s`;
  if (c.stopSignal !== undefined) svc.stop_signal = c.stopSignal;
  if (w.role === WorkloadRole.CRON) svc.profiles = ['cron'];
  // Like the pod's restartPolicy: Always; jobs keep compose's default of no restart.
  if (w.role === WorkloadRole.WEB || w.role === WorkloadRole.WORKER) svc.restart = 'unless-stopped';
  return svc;
}

/** The name of a file's compose config: its file name and a hash of its content (the same file in two services is one config). */
function configName(file: { path: string; content?: string }): string {
  const base = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]+/g, '-');
  return `${base}-${createHash('sha256')
    .update(file.content ?? '')
    .digest('hex')
    .slice(0, 8)}`;
}

/** The top-level configs: the content of every file written in the description (compose interpolates `$`, so it is escaped). */
function composeConfigs(plan: ContainerPlan): Map<string, { content: string }> {
  const configs = new Map<string, { content: string }>();
  for (const w of plan.workloads)
    for (const f of w.container.files ?? []) if (f.content !== undefined) configs.set(configName(f), { content: escape(f.content) });
  return configs;
}

/**
 * The pod's files at the same paths: those written in the description as
 * configs (read-only, 0444 as in the pod); secret files are listed for the user
 * to provide, as secret env vars are.
 */
function mountFiles(svc: Record<string, unknown>, files: readonly { path: string; content?: string }[]): void {
  const text = files.filter((f) => f.content !== undefined);
  if (text.length > 0) svc.configs = text.map((f) => ({ source: configName(f), target: f.path, mode: 0o444 }));
  const secret = files.filter((f) => f.content === undefined).map((f) => f.path);
  if (secret.length > 0) svc['x-secret-files'] = secret;
}

function backingService(s: BackingService): Record<string, unknown> {
  const svc: Record<string, unknown> = { image: s.image };
  if (Object.keys(s.environment).length > 0) svc.environment = { ...s.environment };
  if (s.hostPort !== undefined && s.containerPort !== undefined) {
    svc.ports = [{ target: s.containerPort, published: s.hostPort, host_ip: '127.0.0.1', protocol: 'tcp' }];
  }
  svc.healthcheck = { ...s.healthcheck, test: [...s.healthcheck.test] };
  svc.restart = 'unless-stopped';
  return svc;
}

/**
 * The readiness probe as a compose healthcheck. Slim images have no curl, and
 * the venv's python3 is on PATH: urlopen raises (exit 1) on a refused
 * connection or any 4xx/5xx, as the kubelet's httpGet probe fails on them.
 */
function readinessCheck(port: number, readinessPath: string, headers?: Record<string, string>): ComposeHealthcheck {
  const url = `http://127.0.0.1:${port}${readinessPath}`;
  // The same headers as the pod's probes: a Django app refuses a Host it does not allow.
  const request =
    headers && Object.keys(headers).length > 0
      ? `urllib.request.Request(${JSON.stringify(url)}, headers=${JSON.stringify(headers)})`
      : JSON.stringify(url);
  return {
    test: ['CMD', 'python3', '-c', escape(`import urllib.request; urllib.request.urlopen(${request}, timeout=2)`)],
    interval: '10s',
    timeout: '3s',
    retries: 3,
    start_period: '30s',
  };
}

/** A digest reference cannot name a local build; keep its tag, or tag it `local`. */
function localImage(image: string): string {
  const ref = parseImage(image);
  if (!ref?.digest) return image;
  return `${ref.repository}:${ref.tag ?? 'local'}`;
}

function quoted(value: string): Scalar {
  const node = new Scalar(value);
  node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

// Compose interpolates `$VAR` in every string of the file; `$$` is a literal `$`.
function escape(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

// Both paths are project-relative and stay inside the project (validated), so '/' can stand for its root.
function relative(from: string, to: string): string {
  return path.posix.relative(path.posix.join('/', from), path.posix.join('/', to)) || '.';
}

/** A pod size limit in bytes; the pod's own validation has already rejected unusable ones. */
function bytes(quantity: string): number {
  const parsed = parseMemory(quantity);
  if ('error' in parsed) {
    throw ValidationError.fromIssues('The compose file cannot be written:', [
      { prop: 'resources.ephemeralStorage', rule: parsed.error, received: quantity, fix: "Use a quantity such as '1Gi'." },
    ]);
  }
  return parsed.bytes;
}

/** Bytes as a compose byte value; compose reads k, m and g as powers of 1024, like Ki, Mi and Gi. */
function byteValue(n: number): string | number {
  for (const [suffix, f] of [
    ['g', 2 ** 30],
    ['m', 2 ** 20],
    ['k', 2 ** 10],
  ] as const) {
    if (n % f === 0) return `${n / f}${suffix}`;
  }
  return n;
}
