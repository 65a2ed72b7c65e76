/**
 * A model of the documented rules that decide what happens to an app over a
 * release history: rules modelled on Argo CD, Flux's kustomize-controller,
 * `kubectl apply --prune`, and Kubernetes' Deployment, ReplicaSet and Job
 * controllers. It is not those programs; it keeps only what decides whether a
 * pod can start and whether a migration runs again:
 *
 * - Argo CD: resources sync wave by wave, lowest first; a wave starts once the
 *   one before is healthy (a Job when it succeeded, a Deployment when its
 *   rollout completed); a Degraded resource (a failed Job) fails the sync.
 *   With automated prune, objects it applied before and that left git are
 *   deleted last (PruneLast), unless the live object says
 *   `argocd.argoproj.io/sync-options: Prune=false`
 *   (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/, .../sync-options/).
 * - Flux: the whole folder is applied, then the objects of the previous
 *   inventory that left it are deleted unless labelled or annotated
 *   `kustomize.toolkit.fluxcd.io/prune: disabled`, then health is checked (a
 *   failed Job fails the check at once) (fluxcd/kustomize-controller,
 *   internal/controller/kustomization_controller.go: apply, prune, checkHealth).
 * - `kubectl apply`: everything at once; with `--prune -l <selector>`, objects
 *   it applied before (last-applied annotation) of the default allowlist's kinds
 *   that match the selector and are not in the applied set are deleted; `-l`
 *   also filters what is applied (kubectl's prune.go, `kubectl apply --help`).
 * - Deployment controller: a ReplicaSet per pod template; RollingUpdate with
 *   maxUnavailable 0 surges new pods and removes old ones only as new ones are
 *   available; Recreate stops the old pods first; scaling during a rollout adds
 *   pods to every active ReplicaSet in proportion; `rollout undo` brings back
 *   the previous ReplicaSet's template; `revisionHistoryLimit` old ReplicaSets
 *   are kept. A pod is available once its migration waits passed.
 * - StatefulSet controller: as test/support/stateful-set-model.ts models it
 *   (one pod at a time, highest ordinal first; an evicted pod comes back from
 *   the current revision below `status.currentReplicas`); an update that
 *   changes its spec beyond the template, replicas and update strategy (its
 *   claim templates, its serviceName) is refused, as the API server refuses it.
 * - Job controller: a created Job runs its migration when the test says so, once
 *   the waits of its pod passed (a setup job waits for the migrations and the
 *   setup jobs it names; a migration for nothing); a migration of revision r
 *   against a database at a newer revision fails, as alembic's `upgrade head`
 *   does ("Can't locate revision identified by ...").
 */
import { createHash } from 'crypto';
import { KUBECTL_PRUNE_KINDS, selectorMatches } from './kubectl-rules';
import { objectKey, podReferences, podSpec, waitedJobs } from './references';
import { StatefulSetState, refusedSetChanges } from './stateful-set-model';

type Obj = any;

/** The delivery engines the model knows. */
export type Engine = 'argocd' | 'flux' | 'kubectl';

/** What a new pod's migration waits say. */
export type WaitOutcome =
  | { readonly state: 'passed' }
  | { readonly state: 'waiting' | 'job-failed'; readonly job: string }
  /** Never allowed: a 403, a 404, or a named object missing. */
  | { readonly state: 'blocked'; readonly cause: string };

/** A run of a Job (a migration, or a setup job): the revision the Job brings and the database's before it ran. */
export interface MigrationRun {
  readonly job: string;
  /** `app.kubernetes.io/component` of the Job: `migration` or `setup`. */
  readonly kind: string;
  readonly revision: number;
  readonly databaseBefore: number;
  readonly succeeded: boolean;
}

interface ReplicaSet {
  readonly hash: string;
  template: Obj;
  revision: number;
  /** One entry per pod: whether its waits passed and it started. */
  pods: boolean[];
}

interface DeploymentState {
  replicas: number;
  sets: ReplicaSet[];
  revisions: number;
}

const WAVE = 'argocd.argoproj.io/sync-wave';
const keyOf = (o: Obj) => objectKey(o.kind, o.metadata.name, o.metadata.namespace);
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const hashOf = (o: unknown) => createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 10);

/** The cluster, one delivery engine and the controllers, as the rules above describe them. */
export class ReleaseModel {
  /** Every migration run, in order. */
  public readonly runs: MigrationRun[] = [];
  /** Problems seen while the controllers acted (a Job created before an object it names). */
  public readonly problems: string[] = [];
  private readonly objects = new Map<string, Obj>();
  private readonly deployments = new Map<string, DeploymentState>();
  private readonly sets = new Map<string, StatefulSetState>();
  /** Every object any delivered release holds: the objects whose absence matters. */
  private readonly managed = new Set<string>();
  /** Argo CD: objects the app applied; Flux: the inventory; kubectl: objects with a last-applied annotation. */
  private applied = new Set<string>();
  private readonly revisionOf = new Map<string, number>();
  private readonly broken = new Set<string>();
  private readonly database = new Map<string, number>();
  private sync?: { manifests: Obj[]; state: 'running' | 'failed' | 'succeeded'; message?: string };

  public constructor(
    public readonly engine: Engine,
    private readonly options: { readonly prune: boolean; readonly pruneSelector?: string },
  ) {}

  /** Delivers a release: Argo CD starts a sync, Flux and kubectl apply it. Its new Jobs migrate to `release`. */
  public deliver(manifests: Obj[], release: number, opts: { readonly migrationFails?: boolean } = {}): void {
    for (const o of manifests) {
      const key = keyOf(o);
      this.managed.add(key);
      if (o.kind === 'Job' && !this.revisionOf.has(key)) {
        this.revisionOf.set(key, release);
        if (opts.migrationFails) this.broken.add(key);
      }
    }
    if (this.engine === 'argocd') {
      this.sync = { manifests, state: 'running' };
      return;
    }
    const before = new Set(this.applied);
    for (const o of manifests) this.apply(o);
    const current = new Set(manifests.map(keyOf));
    if (!this.options.prune) return;
    if (this.engine === 'flux') {
      for (const key of before) if (!current.has(key) && !this.fluxKeeps(key)) this.delete(key);
      this.applied = current;
    } else {
      const selector = this.options.pruneSelector ?? '';
      // The pruning apply (`kubectl apply -k <dir> --prune -l <selector>`) after the full one.
      const visited = new Set(manifests.filter((o) => selectorMatches(selector, o.metadata.labels)).map(keyOf));
      for (const [key, o] of [...this.objects]) {
        if (this.applied.has(key) && KUBECTL_PRUNE_KINDS.has(o.kind) && selectorMatches(selector, o.metadata.labels) && !visited.has(key))
          this.delete(key);
      }
    }
  }

  /** Lets the engine and the controllers act until nothing changes (running Jobs keep running). */
  public settle(): void {
    for (let i = 0; i < 100; i++) {
      const before = this.fingerprint();
      this.progressSync();
      for (const name of this.deployments.keys()) this.reconcile(name);
      for (const name of this.sets.keys()) this.reconcileSet(name);
      if (this.fingerprint() === before) return;
    }
    throw new Error('the model did not settle');
  }

  /**
   * Every running Job whose pod's waits pass runs (a migration first, then the
   * setup jobs that wait for it), then everything settles; a Job whose waits do
   * not pass stays running, its pod waiting.
   */
  public finishMigrations(): void {
    for (let before = -1; before !== this.runs.length;) {
      before = this.runs.length;
      this.runReadyJobs();
      // The engine goes on (Argo CD's next wave) and a waiting Job's pod may start.
      this.settle();
    }
  }

  private runReadyJobs(): void {
    for (const [key, job] of this.objects) {
      if (job.kind !== 'Job' || job.status.phase !== 'running') continue;
      if (this.outcome(job.spec.template, job).state !== 'passed') continue;
      const app = job.metadata.labels?.['app.kubernetes.io/name'] ?? key;
      const revision = this.revisionOf.get(key) ?? 0;
      const databaseBefore = this.database.get(app) ?? 0;
      // alembic cannot go on from a revision its code does not know.
      const succeeded = databaseBefore <= revision && !this.broken.has(key);
      const kind = job.metadata.labels?.['app.kubernetes.io/component'] ?? 'migration';
      this.runs.push({ job: job.metadata.name, kind, revision, databaseBefore, succeeded });
      if (succeeded) this.database.set(app, revision);
      job.status = succeeded
        ? { phase: 'succeeded', succeeded: 1 }
        : {
            phase: 'failed',
            reason: databaseBefore > revision ? `Can't locate revision identified by '${databaseBefore}'` : 'BackoffLimitExceeded',
          };
    }
  }

  /** An autoscaler sets the replicas of a Deployment; during a rollout every active ReplicaSet grows in proportion. */
  public scale(name: string, replicas: number): void {
    const set = this.sets.get(name);
    if (set) {
      set.replicas = replicas;
      return this.reconcileSet(name);
    }
    const st = this.state(name);
    const active = st.sets.filter((s) => s.pods.length > 0).sort((a, b) => b.pods.length - a.pods.length || b.revision - a.revision);
    const total = active.reduce((n, s) => n + s.pods.length, 0);
    if (active.length > 1) {
      const toAdd = replicas + this.surge(name, replicas) - total;
      let added = 0;
      for (const s of active) {
        const share = Math.floor((s.pods.length * toAdd) / total);
        s.pods.push(...Array<boolean>(Math.max(0, share)).fill(false));
        added += share;
      }
      active[0].pods.push(...Array<boolean>(Math.max(0, toAdd - added)).fill(false));
    }
    st.replicas = replicas;
    this.reconcile(name);
  }

  /** Evicts one started pod of the oldest ReplicaSet that has one; its ReplicaSet creates a replacement. */
  public evictOldPod(name: string): void {
    if (this.sets.has(name)) return this.sets.get(name)!.evictOldPod();
    const set = [...this.state(name).sets].sort((a, b) => a.revision - b.revision).find((s) => s.pods.includes(true));
    if (set) set.pods[set.pods.indexOf(true)] = false;
  }

  /** `kubectl delete pod` of a StatefulSet's pods that do not run (the forced rollback); the controller creates them again. */
  public deleteUnreadyPods(name: string): void {
    const st = this.sets.get(name)!;
    st.pods = st.pods.map((p) => (p?.started ? p : undefined));
  }

  /** `kubectl rollout undo`: the Deployment gets the previous ReplicaSet's template back. */
  public rolloutUndo(name: string): void {
    const previous = this.sets.get(name)?.previousTemplate();
    if (previous) this.objects.get(name)!.spec.template = previous;
    if (this.sets.has(name)) return;
    const sets = [...this.state(name).sets].sort((a, b) => b.revision - a.revision);
    if (sets.length > 1) this.objects.get(name)!.spec.template = clone(sets[1].template);
  }

  /** The replicas a Deployment should have. */
  public replicas(name: string): number {
    return this.sets.get(name)?.replicas ?? this.state(name).replicas;
  }

  /** Keys of the Deployments and StatefulSets. */
  public controllerNames(): string[] {
    return [...this.deployments.keys(), ...this.sets.keys()];
  }

  /** Whether a Deployment's pods wait for a migration. */
  public waits(name: string): boolean {
    return waitedJobs(this.objects.get(name).spec.template.spec).length > 0;
  }

  /** How the engine reports the last delivery: Argo CD's sync operation, Flux's health check; kubectl has none. */
  public engineStatus(): { readonly state: string; readonly message?: string } | undefined {
    if (this.engine === 'argocd') return this.sync && { state: this.sync.state, message: this.sync.message };
    if (this.engine !== 'flux') return undefined;
    const failed = [...this.applied].map((k) => this.objects.get(k)).find((o) => o?.kind === 'Job' && o.status.phase === 'failed');
    return failed
      ? { state: 'failed', message: `Job/${failed.metadata.namespace}/${failed.metadata.name} status: 'Failed'` }
      : { state: 'ready' };
  }

  /**
   * The pods the controllers can create now, with what their waits say: one
   * per ReplicaSet (with replicas or kept for `rollout undo`) and per CronJob.
   */
  public creatablePods(): Array<{ readonly from: string; readonly outcome: WaitOutcome }> {
    const out: Array<{ from: string; outcome: WaitOutcome }> = [];
    for (const [name, st] of this.deployments) {
      for (const s of st.sets)
        out.push({ from: `${name} revision ${s.revision}`, outcome: this.outcome(s.template, this.objects.get(name)) });
    }
    for (const [name, st] of this.sets) {
      for (const r of st.revisions)
        out.push({ from: `${name} revision ${r.revision}`, outcome: this.outcome(r.template, this.objects.get(name)) });
    }
    for (const [key, o] of this.objects)
      if (o.kind === 'CronJob') out.push({ from: key, outcome: this.outcome(o.spec.jobTemplate.spec.template, o) });
    return out;
  }

  /** Deployments and StatefulSets with fewer available pods than replicas (never, once settled). */
  public shortOfCapacity(): string[] {
    const sets = [...this.sets]
      .filter(([, st]) => st.startedPods() < st.replicas)
      .map(([name, st]) => `${name}: ${st.startedPods()} of ${st.replicas} pods run`);
    return [...this.deployments]
      .filter(([, st]) => st.sets.reduce((n, s) => n + s.pods.filter(Boolean).length, 0) < st.replicas)
      .map(
        ([name, st]) =>
          `${name}: ${st.sets.map((s) => `revision ${s.revision} ${s.pods.filter(Boolean).length}/${s.pods.length}`).join(', ')} of ${st.replicas}`,
      )
      .concat(sets);
  }

  /** The objects of the cluster as `kubectl get -o json` lists them, with their ReplicaSets. */
  public list(): { readonly items: Obj[] } {
    const sets = [...this.deployments].flatMap(([name, st]) =>
      st.sets.map((s) => ({
        kind: 'ReplicaSet',
        metadata: { name: `${this.objects.get(name).metadata.name}-${s.hash}`, namespace: this.objects.get(name).metadata.namespace },
        spec: { template: s.template },
      })),
    );
    // The StatefulSet controller keeps its templates as ControllerRevisions, for `rollout undo`.
    const revisions = [...this.sets].flatMap(([name, st]) =>
      st.revisions.map((r) => ({
        kind: 'ControllerRevision',
        metadata: { name: `${this.objects.get(name).metadata.name}-${r.hash}`, namespace: this.objects.get(name).metadata.namespace },
        revision: r.revision,
        data: { spec: { template: r.template } },
      })),
    );
    return { items: [...[...this.objects.values()].map(clone), ...sets, ...revisions] };
  }

  /** `kubectl delete <kind>/<name> ...`, as a user's cleanup runs it. */
  public kubectlDelete(names: readonly string[]): void {
    for (const [key, o] of [...this.objects]) if (names.includes(`${o.kind.toLowerCase()}/${o.metadata.name}`)) this.delete(key);
  }

  private outcome(template: Obj, owner: Obj): WaitOutcome {
    const spec = template.spec;
    const ns = owner.metadata.namespace;
    for (const ref of podReferences(spec, ns)) {
      if (/^(Job|RoleBinding)\//.test(ref)) continue;
      if (this.managed.has(ref) && !this.objects.has(ref)) return { state: 'blocked', cause: `${ref} is missing` };
    }
    for (const job of waitedJobs(spec)) {
      if (!this.rbacAllows(spec.serviceAccountName, ns, job)) return { state: 'blocked', cause: `HTTP 403 reading job ${job}` };
      const live = this.objects.get(objectKey('Job', job, ns));
      if (!live) return { state: 'blocked', cause: `HTTP 404 reading job ${job}` };
      if (live.status.phase === 'failed') return { state: 'job-failed', job };
      if (live.status.phase === 'running') return { state: 'waiting', job };
    }
    return { state: 'passed' };
  }

  private rbacAllows(serviceAccount: string, ns: string, job: string): boolean {
    return [...this.objects.values()].some(
      (b) =>
        b.kind === 'RoleBinding' &&
        b.metadata.namespace === ns &&
        b.roleRef.kind === 'Role' &&
        b.subjects.some((s: Obj) => s.kind === 'ServiceAccount' && s.name === serviceAccount) &&
        (this.objects.get(objectKey('Role', b.roleRef.name, ns))?.rules ?? []).some(
          (r: Obj) =>
            r.apiGroups.includes('batch') &&
            r.resources.includes('jobs') &&
            r.verbs.includes('get') &&
            (!r.resourceNames || r.resourceNames.includes(job)),
        ),
    );
  }

  private apply(o: Obj): void {
    const key = keyOf(o);
    const live = this.objects.get(key);
    this.applied.add(key);
    if (live) {
      // A Job's pod template and an immutable ConfigMap's data cannot change: the API server refuses the apply.
      if (o.kind === 'Job' && JSON.stringify(live.spec.template) !== JSON.stringify(o.spec.template))
        throw new Error(`${key}: field is immutable`);
      if (o.kind === 'ConfigMap' && live.immutable && JSON.stringify(live.data) !== JSON.stringify(o.data))
        throw new Error(`${key}: field is immutable`);
      const refused = o.kind === 'StatefulSet' ? refusedSetChanges(live, o) : [];
      if (refused.length > 0)
        throw new Error(`${key}: updates to statefulset spec for fields other than the template are forbidden (${refused.join(', ')})`);
      this.objects.set(key, { ...clone(o), status: live.status });
      if (o.kind === 'Deployment' && o.spec.replicas !== undefined) this.state(key).replicas = o.spec.replicas;
      if (o.kind === 'StatefulSet' && o.spec.replicas !== undefined) this.sets.get(key)!.replicas = o.spec.replicas;
      return;
    }
    if (o.kind === 'Job') {
      const missing = podReferences(podSpec(o), o.metadata.namespace).filter((r) => this.managed.has(r) && !this.objects.has(r));
      if (missing.length > 0) this.problems.push(`${key} was created before ${missing.join(', ')}`);
    }
    this.objects.set(key, { ...clone(o), status: o.kind === 'Job' ? { phase: 'running', active: 1 } : {} });
    if (o.kind === 'Deployment') this.deployments.set(key, { replicas: o.spec.replicas ?? this.minReplicas(o), sets: [], revisions: 0 });
    if (o.kind === 'StatefulSet') this.sets.set(key, new StatefulSetState(o));
  }

  private delete(key: string): void {
    this.objects.delete(key);
    this.deployments.delete(key);
    this.sets.delete(key);
    this.applied.delete(key);
  }

  private fluxKeeps(key: string): boolean {
    const o = this.objects.get(key);
    return (
      o?.metadata.labels?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled' ||
      o?.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled'
    );
  }

  /** Argo CD: applies wave after wave while each is healthy, then prunes. */
  private progressSync(): void {
    if (this.sync?.state !== 'running') return;
    const { manifests } = this.sync;
    const waves = [...new Set(manifests.map((o) => Number(o.metadata.annotations?.[WAVE] ?? 0)))].sort((a, b) => a - b);
    for (const wave of waves) {
      const members = manifests.filter((o) => Number(o.metadata.annotations?.[WAVE] ?? 0) === wave);
      for (const o of members) this.apply(o);
      for (const o of members) {
        const health = this.health(keyOf(o));
        if (health === 'Degraded') {
          this.sync = { manifests, state: 'failed', message: `${o.kind}/${o.metadata.name} is Degraded in wave ${wave}` };
          return;
        }
        if (health !== 'Healthy') return;
      }
    }
    if (this.options.prune) {
      const current = new Set(manifests.map(keyOf));
      for (const key of [...this.applied]) {
        const options = String(this.objects.get(key)?.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '')
          .split(',')
          .map((x) => x.trim());
        if (!current.has(key) && !options.includes('Prune=false')) this.delete(key);
      }
    }
    this.sync = { manifests, state: 'succeeded' };
  }

  private health(key: string): 'Healthy' | 'Progressing' | 'Degraded' {
    const o = this.objects.get(key);
    if (o?.kind === 'Job') return o.status.phase === 'succeeded' ? 'Healthy' : o.status.phase === 'failed' ? 'Degraded' : 'Progressing';
    if (o?.kind === 'StatefulSet') {
      this.reconcileSet(key);
      return this.sets.get(key)!.rolledOut(o) ? 'Healthy' : 'Progressing';
    }
    if (o?.kind !== 'Deployment') return 'Healthy';
    this.reconcile(key);
    const st = this.state(key);
    const current = st.sets.find((s) => s.hash === hashOf(o.spec.template))!;
    const done =
      current.pods.length === st.replicas && current.pods.every(Boolean) && st.sets.every((s) => s === current || s.pods.length === 0);
    return done ? 'Healthy' : 'Progressing';
  }

  /** The Deployment and ReplicaSet controllers, for one Deployment. */
  private reconcile(name: string): void {
    const d = this.objects.get(name);
    const st = this.state(name);
    const hash = hashOf(d.spec.template);
    let current = st.sets.find((s) => s.hash === hash);
    const newest = Math.max(0, ...st.sets.map((s) => s.revision));
    if (!current) st.sets.push((current = { hash, template: clone(d.spec.template), revision: ++st.revisions, pods: [] }));
    else if (current.revision !== newest) current.revision = ++st.revisions;
    const old = st.sets.filter((s) => s !== current);
    this.startPods(name);
    if (d.spec.strategy?.type === 'Recreate') {
      for (const s of old) s.pods = [];
      resize(current, st.replicas);
    } else {
      const surge = this.surge(name, st.replicas);
      const total = () => st.sets.reduce((n, s) => n + s.pods.length, 0);
      const grow = Math.min(st.replicas + surge - total(), st.replicas - current.pods.length);
      if (grow > 0) resize(current, current.pods.length + grow);
      if (current.pods.length > st.replicas) resize(current, st.replicas);
      this.startPods(name);
      // maxUnavailable 0 (the controller's reconcileOldReplicaSets): old pods that never started may go while
      // the new ones are still starting; started old pods go only as far as enough pods stay available.
      const started = (s: ReplicaSet) => s.pods.filter(Boolean).length;
      let room = total() - st.replicas - (current.pods.length - started(current));
      for (const s of old.sort((a, b) => a.revision - b.revision)) {
        const unstarted = Math.min(Math.max(0, room), s.pods.length - started(s));
        s.pods = s.pods.filter(Boolean).concat(Array<boolean>(s.pods.length - started(s) - unstarted).fill(false));
        room -= unstarted;
      }
      let removable = st.sets.reduce((n, s) => n + started(s), 0) - st.replicas;
      for (const s of old) {
        const n = Math.min(Math.max(0, removable), started(s));
        s.pods = s.pods.slice(n);
        removable -= n;
      }
    }
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = old.filter((s) => s.pods.length === 0).sort((a, b) => b.revision - a.revision);
    st.sets = st.sets.filter((s) => !idle.slice(limit).includes(s));
  }

  /** The StatefulSet controller, for one StatefulSet. */
  private reconcileSet(name: string): void {
    const set = this.objects.get(name);
    this.sets.get(name)!.reconcile(set, (template) => this.outcome(template, set).state === 'passed');
  }

  /** Pods that have not started yet start once their waits pass. */
  private startPods(name: string): void {
    const d = this.objects.get(name);
    for (const s of this.state(name).sets) {
      if (s.pods.some((p) => !p) && this.outcome(s.template, d).state === 'passed') s.pods = s.pods.map(() => true);
    }
  }

  private surge(name: string, replicas: number): number {
    const value = this.objects.get(name).spec.strategy?.rollingUpdate?.maxSurge ?? '25%';
    return typeof value === 'number' ? value : Math.ceil((replicas * parseInt(value, 10)) / 100);
  }

  private minReplicas(d: Obj): number {
    const scaler = [...this.objects.values()].find((o) => o.spec?.scaleTargetRef?.name === d.metadata.name);
    return scaler?.spec.minReplicas ?? scaler?.spec.minReplicaCount ?? 1;
  }

  private state(name: string): DeploymentState {
    const st = this.deployments.get(name);
    if (!st) throw new Error(`no Deployment ${name}`);
    return st;
  }

  private fingerprint(): string {
    return JSON.stringify([
      this.sync?.state,
      [...this.objects.keys()],
      [...this.deployments].map(([k, st]) => [k, st.replicas, st.sets.map((s) => [s.revision, s.pods])]),
      [...this.sets].map(([k, st]) => [k, st.replicas, st.pods, st.revisions.map((r) => r.revision)]),
    ]);
  }
}

function resize(set: ReplicaSet, n: number): void {
  set.pods = n <= set.pods.length ? set.pods.slice(0, n) : [...set.pods, ...Array<boolean>(n - set.pods.length).fill(false)];
}
