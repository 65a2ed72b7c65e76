import { parseImage } from '../core/names';
import { parseMemory } from '../core/quantity';
import { PropIssue } from '../core/validation';

/** When the kubelet pulls the image of a container. */
export enum ImagePullPolicy {
  /**
   * Ask the registry on every container start. A moved tag is picked up and the
   * pull secret is checked for every pod, but no pod starts while the registry is down.
   */
  ALWAYS = 'Always',
  /**
   * Pull only when the node does not have the image. The right choice for an
   * image pinned by digest, which can never change.
   */
  IF_NOT_PRESENT = 'IfNotPresent',
}

/**
 * The signal that asks the container's process to stop. Kubernetes sends it
 * when a pod terminates, then SIGKILL after the grace period.
 */
export enum StopSignal {
  /** The default of every runtime: gunicorn, uvicorn, Celery (warm shutdown), RQ, Dramatiq. */
  SIGTERM = 'SIGTERM',
  /** Interrupt: a graceful stop for PostgreSQL ("smart" shutdown is SIGTERM, "fast" SIGINT) and many Node or Go servers. */
  SIGINT = 'SIGINT',
  /** nginx's graceful shutdown (SIGTERM is its fast one); PgBouncer's safe shutdown waits for clients under SIGINT, SIGTERM stops at once. */
  SIGQUIT = 'SIGQUIT',
  /** Hang-up. */
  SIGHUP = 'SIGHUP',
  /** User signal 1. */
  SIGUSR1 = 'SIGUSR1',
  /** User signal 2. */
  SIGUSR2 = 'SIGUSR2',
  /** Apache httpd's graceful stop. */
  SIGWINCH = 'SIGWINCH',
}

/** The default size of the disk-backed /tmp every pod gets. */
export const DEFAULT_TMP_SIZE = '256Mi';

/** How the image of a workload is run, resolved from its props. */
export interface ResolvedProcess {
  /** HOME of the image's containers, when the user sets one; undefined keeps the image's. */
  readonly home?: string;
  /** The image has a `python3` on its PATH. */
  readonly hasPython3: boolean;
  readonly imagePullPolicy: ImagePullPolicy;
  /** The signal that stops the process, when it is not SIGTERM. */
  readonly stopSignal?: StopSignal;
}

/** The props {@link resolveProcess} reads. */
export interface ProcessInput {
  readonly image: string;
  readonly python: boolean;
  readonly home?: string;
  readonly hasPython3?: boolean;
  readonly imagePullPolicy?: ImagePullPolicy;
  readonly stopSignal?: StopSignal;
}

/**
 * The pull policy an image gets unless the workload sets one: IfNotPresent for
 * a digest (the content cannot change, and a node that has it starts pods while
 * the registry is unreachable), Always for a tag (it can be pushed again).
 */
export function defaultPullPolicy(image: string): ImagePullPolicy {
  return parseImage(image)?.digest ? ImagePullPolicy.IF_NOT_PRESENT : ImagePullPolicy.ALWAYS;
}

/** Checks and resolves the image-level process props of a workload. */
export function resolveProcess(input: ProcessInput, issues: PropIssue[]): ResolvedProcess {
  if (
    input.home !== undefined &&
    (typeof input.home !== 'string' || !/^\/[A-Za-z0-9._\-/]*$/.test(input.home) || input.home.split('/').includes('..'))
  ) {
    issues.push({
      prop: 'home',
      rule: "must be an absolute path of letters, digits, '.', '_', '-' and '/'",
      received: input.home,
      fix: "Use the home of the image's user, e.g. '/home/app', or '/tmp' for a writable one.",
    });
  }
  const hasPython3 = input.hasPython3 ?? input.python;
  if (typeof hasPython3 !== 'boolean')
    issues.push({
      prop: 'hasPython3',
      rule: 'must be true or false',
      received: hasPython3,
      fix: 'Set true when the image has python3 on its PATH.',
    });
  const policy = input.imagePullPolicy ?? defaultPullPolicy(input.image);
  if (!Object.values(ImagePullPolicy).includes(policy)) {
    issues.push({
      prop: 'imagePullPolicy',
      rule: `must be one of ${Object.values(ImagePullPolicy).join(', ')}`,
      received: policy,
      fix: 'Use ImagePullPolicy.IF_NOT_PRESENT for an image pinned by digest, ImagePullPolicy.ALWAYS for a tag.',
    });
  }
  return { home: input.home, hasPython3, imagePullPolicy: policy, stopSignal: checkStopSignal(input.stopSignal, issues) };
}

/** Checks a stop signal; SIGTERM is every runtime's default, so it resolves to undefined. */
export function checkStopSignal(signal: StopSignal | undefined, issues: PropIssue[], prop = 'stopSignal'): StopSignal | undefined {
  if (signal === undefined) return undefined;
  if (!Object.values(StopSignal).includes(signal)) {
    issues.push({
      prop,
      rule: `must be one of ${Object.values(StopSignal).join(', ')}`,
      received: signal,
      fix: 'Use e.g. StopSignal.SIGQUIT for nginx, StopSignal.SIGINT for PostgreSQL.',
    });
    return undefined;
  }
  return signal === StopSignal.SIGTERM ? undefined : signal;
}

/** Checks the size of the pod's /tmp. */
export function resolveTmpSize(size: string | undefined, issues: PropIssue[]): string {
  if (size === undefined) return DEFAULT_TMP_SIZE;
  const parsed = parseMemory(size);
  if ('error' in parsed || parsed.bytes <= 0) {
    issues.push({
      prop: 'tmpSize',
      rule: 'error' in parsed ? parsed.error : 'must be above zero (a /tmp of 0 bytes evicts the pod at its first write)',
      received: size,
      fix: `Use a quantity like '1Gi'; the default is '${DEFAULT_TMP_SIZE}'.`,
    });
    return DEFAULT_TMP_SIZE;
  }
  return size;
}

/** `exec` as a command of a shell script: at its start, or after `;`, `&&`, `||`, `|`, `(` or a new line. */
const EXEC = /(^|[;&|(\n])\s*exec\s+\S/;

/** The argv of a shell command line. */
export function shellArgv(script: string): string[] {
  return ['/bin/sh', '-c', script];
}

/**
 * Checks a shell command line: `/bin/sh -c` keeps the shell as the container's
 * PID 1 unless the script `exec`s the long-running program, and a shell does not
 * pass SIGTERM on to its child, which is then killed at the end of the grace period.
 */
export function shellScriptIssues(script: unknown, prop: string): PropIssue[] {
  if (typeof script !== 'string' || script.trim() === '') {
    return [
      {
        prop,
        rule: 'must be a non-empty shell command line',
        received: script,
        fix: "Pass e.g. 'cd /app && exec celery --app app worker'.",
      },
    ];
  }
  if (!EXEC.test(script)) {
    return [
      {
        prop,
        rule: 'must exec the long-running program: without exec, /bin/sh stays PID 1 and does not pass SIGTERM on, so the program is killed at the end of the grace period instead of stopping cleanly',
        received: script,
        fix: `Start the program with exec, e.g. '${script.includes('&&') ? script.replace(/&&\s*(?!.*&&)/, '&& exec ') : `exec ${script.trim()}`}'.`,
      },
    ];
  }
  return [];
}
