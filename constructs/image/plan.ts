import { ContainerDescription } from '../pod/description';
import { PropIssue } from '../core/validation';
import { BackingService } from './backing';
import { PythonBuild } from './build';
import { containerIssues } from './dockerfile';

/** What a workload does; decides its compose lifecycle. */
export enum WorkloadRole {
  /** Serves HTTP on its port; published on 127.0.0.1 and health-checked on its readiness path. */
  WEB = 'web',
  /** A long-running process without a port (a queue consumer). */
  WORKER = 'worker',
  /** Runs once before the others start (database migrations); they wait for it to succeed. */
  MIGRATION = 'migration',
  /** Runs on a schedule in the cluster; compose has no scheduler, so it runs on demand (`--profile cron`). */
  CRON = 'cron',
  /** Runs once after the migrations (create the admin user, load fixtures); nothing waits for it. */
  SETUP = 'setup',
}

/** One container of the application as the pod runs it, and its role. */
export interface Workload {
  /** The container description of the workload, e.g. `PythonMicroservice.container`. */
  readonly container: ContainerDescription;
  /**
   * What the workload does.
   * @default WorkloadRole.WEB when the container has a port, otherwise WorkloadRole.WORKER
   */
  readonly role?: WorkloadRole;
  /**
   * How its image is built. Workloads with the same image must share one build.
   * @default - the build given for all workloads
   */
  readonly build?: PythonBuild;
  /**
   * Names of the setup workloads that must complete before this one (a setup job's `after`).
   * @default - none
   */
  readonly after?: string[];
}

/** A workload with its defaults resolved. */
export interface PlannedWorkload {
  readonly container: ContainerDescription;
  readonly role: WorkloadRole;
  /** Setup workloads to complete first. */
  readonly after?: string[];
  readonly build: PythonBuild;
  /** Name of the image group, which names the Dockerfile's folder. */
  readonly group: string;
}

/** Workloads that share an image: one Dockerfile, built from the first web workload (else the first). */
export interface ImageGroup {
  /** Folder of the Dockerfile, the name of its primary workload. */
  readonly name: string;
  readonly image: string;
  readonly build: PythonBuild;
  /** The primary container, with the writable paths of every workload of the image. */
  readonly container: ContainerDescription;
}

/** The plan both the compose file and the Dockerfiles are rendered from. */
export interface ContainerPlan {
  readonly outDir: string;
  readonly workloads: PlannedWorkload[];
  readonly groups: ImageGroup[];
  readonly backing: BackingService[];
  readonly issues: PropIssue[];
}

/** Path of an image group's Dockerfile, relative to `outDir`. */
export function dockerfilePath(group: string): string {
  return `${group}/Dockerfile`;
}

/** Resolves defaults, groups workloads by image and collects every broken rule. */
export function planContainers(workloads: readonly Workload[], build: PythonBuild, options: ComposeOptions = {}): ContainerPlan {
  const issues: PropIssue[] = [];
  const outDir = (options.outDir ?? 'dist/container').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9._/-]+$/.test(outDir) || outDir.startsWith('/') || outDir.split('/').includes('..')) {
    issues.push({
      prop: 'outDir',
      rule: 'must be a relative path inside the project',
      received: options.outDir,
      fix: "Use 'dist/container'.",
    });
  }
  const secretsDir = options.secretsDir ?? '.';
  if (!/^[A-Za-z0-9._/-]+$/.test(secretsDir) || secretsDir.startsWith('/') || secretsDir.split('/').includes('..')) {
    issues.push({
      prop: 'secretsDir',
      rule: 'must be a relative path inside the project',
      received: options.secretsDir,
      fix: "Use '.', the project root, and keep `.env.*.local` out of version control.",
    });
  }
  if (!Array.isArray(workloads) || workloads.length === 0) {
    issues.push({
      prop: 'workloads',
      rule: 'must list at least one workload',
      received: workloads,
      fix: 'Pass e.g. [{ container: service.container }].',
    });
  }
  const builds = new Set<PythonBuild>();
  const resolved: Omit<PlannedWorkload, 'group'>[] = [];
  const byImage = new Map<string, Omit<PlannedWorkload, 'group'>[]>();
  (workloads ?? []).forEach((w, i) => {
    const prop = `workloads[${i}]`;
    const c = w.container;
    const role = w.role ?? (c.port !== undefined ? WorkloadRole.WEB : WorkloadRole.WORKER);
    const b = w.build ?? build;
    if (!builds.has(b)) {
      builds.add(b);
      issues.push(...b.validate(w.build ? `${prop}.build` : 'build'));
    }
    issues.push(...containerIssues(c, `${prop}.container`));
    if (role === WorkloadRole.WEB && (c.port === undefined || !c.readinessPath)) {
      issues.push({
        prop: `${prop}.role`,
        rule: 'web needs a container port and a readiness path (the compose healthcheck uses them)',
        received: role,
        fix: 'Use WorkloadRole.WORKER for a process without a port.',
      });
    }
    const first = byImage.get(c.image)?.[0];
    if (first && first.build !== b) {
      issues.push({
        prop: `${prop}.build`,
        rule: `must be the build of '${first.container.name}', which has the same image`,
        received: c.image,
        fix: 'Give workloads of one image one PythonBuild, or give them different images.',
      });
    }
    if (first && (first.container.runAsUser !== c.runAsUser || first.container.runAsGroup !== c.runAsGroup)) {
      issues.push({
        prop: `${prop}.container.runAsUser`,
        rule: `must equal that of '${first.container.name}', which has the same image`,
        received: `${c.runAsUser}:${c.runAsGroup}`,
        fix: 'An image has one user; run every workload of it as the same UID:GID.',
      });
    }
    if (first && first.container.stopSignal !== c.stopSignal) {
      issues.push({
        prop: `${prop}.container.stopSignal`,
        rule: `must equal that of '${first.container.name}', which has the same image: an image has one STOPSIGNAL, and the runtime sends it to every container of the image`,
        received: c.stopSignal ?? 'SIGTERM',
        fix: 'Give the workloads of one image one stopSignal, or give them different images.',
      });
    }
    const entry = { container: c, role, build: b, after: w.after };
    resolved.push(entry);
    byImage.set(c.image, [...(byImage.get(c.image) ?? []), entry]);
  });

  const groupOf = new Map<string, string>();
  const groups: ImageGroup[] = [...byImage.entries()].map(([image, members]) => {
    const primary = (members.find((m) => m.role === WorkloadRole.WEB) ?? members[0]).container;
    // One image serves every workload of it: it must own the writable paths of all of them.
    const paths = new Map(members.flatMap((m) => m.container.writablePaths).map((w) => [w.path, w]));
    groupOf.set(image, primary.name);
    return { name: primary.name, image, build: members[0].build, container: { ...primary, writablePaths: [...paths.values()] } };
  });
  const planned = resolved.map((r) => ({ ...r, group: groupOf.get(r.container.image)! }));
  for (const [name, port] of Object.entries(options.hostPorts ?? {})) {
    const web = planned.some((p) => p.container.name === name && p.role === WorkloadRole.WEB);
    if (!web || !Number.isInteger(port) || port < 1 || port > 65535) {
      issues.push({
        prop: `hostPorts.${name}`,
        rule: 'must map a web workload to a whole number from 1 to 65535',
        received: port,
        fix: `Name one of the web workloads (${[...new Set(planned.filter((p) => p.role === WorkloadRole.WEB).map((p) => p.container.name))].join(', ')}).`,
      });
    }
  }

  const backing = options.backingServices ?? [];
  backing.forEach((s, i) => issues.push(...s.validate(`backingServices[${i}]`)));
  const names = [...planned.map((p) => p.container.name), ...backing.map((s) => s.name)];
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) {
      issues.push({
        prop: 'workloads',
        rule: 'must have unique names across workloads and backing services (each is one compose service)',
        received: n,
        fix: 'Rename one of them.',
      });
    }
  });
  return { outDir, workloads: planned, groups, backing, issues };
}

/** Options of the local development files. */
export interface ComposeOptions {
  /**
   * Folder the files are written to, relative to the project root; paths in the compose file are relative to it.
   * @default 'dist/container'
   */
  readonly outDir?: string;
  /**
   * Databases, caches and other services the workloads need; every workload waits until they are healthy.
   * @default - none
   */
  readonly backingServices?: BackingService[];
  /**
   * Folder, relative to the project root, of the files with secret values: `.env.<image name>.local`,
   * one per image. They are optional (`required: false`) and must never be committed.
   * @default '.'
   */
  readonly secretsDir?: string;
  /**
   * Port on 127.0.0.1 for each web workload, by workload name.
   * @default - the container port, or the next free one when another service took it
   */
  readonly hostPorts?: Record<string, number>;
  /**
   * Compose project name.
   * @default - compose derives it from the folder of the compose file
   */
  readonly projectName?: string;
}
