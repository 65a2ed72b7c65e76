/**
 * The numbers of a release agree across objects, read back from each example
 * target's YAML: a pod's wait outlasts its migration Job, a Deployment's
 * progress deadline outlasts the wait plus the pod's own start-up, and Flux's
 * Kustomization timeout outlasts the slowest rollout, waits included, so a
 * normal release is never reported as failed.
 */
import { parseAllDocuments } from 'yaml';
import {} from 'cdk8s';
import { Construct } from 'constructs';
import { renderExample, TARGET_FOLDERS, objectsOf } from './support/example';
import { MigrationCommand, PythonMicroservice, PythonMigration } from './support/internals';
import { podSpec } from './support/references';
import { baseProps } from './support/synth';
import { releaseSeconds } from '../constructs/workloads/workload';
import { testChart } from './support/cdk8s-testing';

type Obj = any;

const rendering = renderExample();

/** Seconds of a Go duration as Flux writes it (`31m`, `1h`, `90s`). */
function goSeconds(d: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...d.matchAll(/(\d+)([hms])/g)].reduce((n, [, v, u]) => n + Number(v) * units[u], 0);
}

/** The wait deadlines of a pod spec, by Job name. */
function waits(spec: Obj): Array<{ job: string; seconds: number }> {
  return (spec.initContainers ?? [])
    .filter((c: Obj) => c.name.startsWith('wait-for-'))
    .map((c: Obj) => ({
      job: c.env.find((e: Obj) => e.name === 'MIGRATION_JOB').value,
      seconds: Number(c.env.find((e: Obj) => e.name === 'WAIT_DEADLINE_SECONDS').value),
    }));
}

/** Seconds from creation to available once the waits passed: 120 s to schedule and pull, the startup probe, one readiness period. */
function startSeconds(spec: Obj): number {
  const app = spec.containers[0];
  const startup = app.startupProbe ? app.startupProbe.periodSeconds * app.startupProbe.failureThreshold : 0;
  return 120 + startup + (app.readinessProbe?.periodSeconds ?? 0);
}

/** The most replicas a Deployment runs: its autoscaler's maximum, or its replicas. */
function maxReplicas(objects: Obj[], d: Obj): number {
  const scaler = objects.find(
    (o) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind) && o.spec.scaleTargetRef.name === d.metadata.name,
  );
  return scaler?.spec.maxReplicas ?? scaler?.spec.maxReplicaCount ?? d.spec.replicas ?? 1;
}

/** A whole rollout: Recreate stops the old pods first; RollingUpdate (maxUnavailable 0) surges round after round. */
function rolloutSeconds(objects: Obj[], d: Obj): number {
  const spec = d.spec.template.spec;
  const wait = waits(spec).reduce((n, w) => n + w.seconds, 0);
  if (d.spec.strategy.type === 'Recreate') return spec.terminationGracePeriodSeconds + wait + startSeconds(spec);
  const replicas = maxReplicas(objects, d);
  const surge = d.spec.strategy.rollingUpdate.maxSurge;
  const perRound = typeof surge === 'number' ? surge : Math.ceil((replicas * parseInt(surge, 10)) / 100);
  return wait + Math.ceil(replicas / perRound) * startSeconds(spec);
}

describe.each(TARGET_FOLDERS)("the example's %s", (folder) => {
  const objects = objectsOf(rendering, folder);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const kustomization = parseAllDocuments(rendering.files.get(`gitops/${folder}/flux.yaml`)!)
    .map((d) => d.toJS())
    .find((o) => o.kind === 'Kustomization');

  test("every wait outlasts its Job's deadline by a minute", () => {
    const all = objects.map(podSpec).filter(Boolean).flatMap(waits);
    expect(all.length).toBeGreaterThan(3);
    for (const w of all) {
      const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === w.job);
      expect(w.seconds).toBe(job.spec.activeDeadlineSeconds + 60);
    }
  });

  test("every Deployment's progress deadline covers its waits and its own start-up, and never falls below the default 600 s", () => {
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      const lead = d.spec.strategy.type === 'Recreate' ? spec.terminationGracePeriodSeconds : 0;
      const needed = lead + waits(spec).reduce((n, w) => n + w.seconds, 0) + startSeconds(spec);
      expect([d.metadata.name, d.spec.progressDeadlineSeconds]).toEqual([d.metadata.name, Math.max(600, needed)]);
    }
  });

  test("Flux's timeout covers the slowest rollout, waits included, and every Job", () => {
    const timeout = goSeconds(kustomization.spec.timeout);
    const slowest = Math.max(
      ...deployments.map((d) => rolloutSeconds(objects, d)),
      ...objects.filter((o) => o.kind === 'Job').map((j) => j.spec.activeDeadlineSeconds),
    );
    expect(kustomization.spec.wait).toBe(true);
    expect(timeout).toBeGreaterThanOrEqual(slowest);
    // Rounded up to the minute, no more.
    expect(timeout - slowest).toBeLessThan(60);
    expect(timeout).toBeGreaterThan(5 * 60);
  });
});

describe('releaseSeconds', () => {
  test('no workload: no derived timeout (FluxDelivery keeps its default)', () => {
    expect(releaseSeconds(testChart())).toBeUndefined();
  });

  test('one service and its migration: the wait, then four rounds of a quarter of the replicas, rounded up to the minute', () => {
    // GIVEN 8 replicas (2 per round), a 120 s startup budget by default, a 10-minute migration
    const chart: Construct = testChart();
    const app = new PythonMicroservice(chart, 'api', baseProps({ replicas: 8 }));
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    // THEN 660 + 4 × (120 + 120 + 10) = 1660 s, i.e. 28 minutes
    expect(releaseSeconds(chart)).toBe(28 * 60);
  });
});
