/**
 * ReadWriteOnce claims that would hang pods: a disk attaches to one node, so a
 * claim mounted by several workloads, several replicas, or a rolling update
 * that starts the new pod beside the old one leaves pods on other nodes
 * waiting (Multi-Attach error). Refused where the mode is known, a warning
 * where it is not; `strategy: RolloutStrategy.RECREATE` for one served replica.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { render } from '../src/synth';
import {
  AccessMode,
  PythonMicroservice,
  PythonMicroserviceProps,
  PythonSingleton,
  PythonStatefulSet,
  PythonWorker,
  PythonWorkerProps,
  RolloutStrategy,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from './support/internals';
import { validateAll } from './support/schema';
import { baseProps, chartError, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

const disk = () => Volume.newClaim('data', { storage: '10Gi' });
const worker = (extra: Partial<PythonWorkerProps> = {}): Omit<PythonWorkerProps, 'app'> => ({
  command: WorkerCommand.command(['python', '-m', 'orders.worker']),
  liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
  ...extra,
});

/** Errors and warnings of an app of one chart built by `build`, rendered as the app kit renders it. */
function rendered(build: (chart: Chart) => void) {
  const app = new App({ outdir: '/nonexistent' });
  build(new Chart(app, 'shop', { namespace: 'shop' }));
  return render([{ cloud: 'eks', app }]);
}

describe('ReadWriteOnce claims that would hang pods', () => {
  test('refused: a web service of two replicas mounting a new ReadWriteOnce claim', () => {
    // GIVEN / WHEN
    const message = chartError(
      (chart) => new PythonMicroservice(chart, 'orders-api', baseProps({ mounts: [{ path: '/data', volume: disk() }] })),
    );

    // THEN
    expect(message).toContain(
      "[test/orders-api] 'mounts[0].volume' is a ReadWriteOnce claim ('data'), a disk that attaches to one node, and up to 2 replicas mount it: the replicas placed on other nodes never start (Multi-Attach error); received \"data\". Give each replica a disk of its own with a PythonStatefulSet and Volume.perReplicaClaim",
    );
  });

  test('refused: one replica that rolls out new pod first; accepted with strategy RECREATE, which stops the old pod first', () => {
    const props = (extra: Partial<PythonMicroserviceProps>) =>
      baseProps({ replicas: 1, mounts: [{ path: '/data', volume: disk() }], ...extra });
    expect(chartError((chart) => new PythonMicroservice(chart, 'orders-api', props({})))).toContain(
      'the Deployment starts each new pod before the old one stops (RollingUpdate with maxSurge): a new pod placed on another node cannot attach it, and the rollout hangs until its progress deadline',
    );

    // WHEN
    const chart = testChart();
    const svc = new PythonMicroservice(chart, 'orders-api', props({ strategy: RolloutStrategy.RECREATE }));
    const objects = Testing.synth(chart);

    // THEN: Recreate, and the progress deadline allows the old pod's grace period before the new one is created
    const d = find(objects, 'Deployment');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(svc.terminationGracePeriodSeconds).toBeGreaterThan(0);
    // 120 s to schedule, the startup budget (120 s), one readiness period (10 s): under 600 s, so the default stays.
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(validateAll(objects)).toEqual([]);
  });

  test('a Recreate rollout adds the old pod’s grace period to the progress deadline', () => {
    const make = (strategy: RolloutStrategy) => {
      const chart = testChart();
      new PythonMicroservice(
        chart,
        'orders-api',
        baseProps({
          replicas: 1,
          strategy,
          health: { readiness: '/readyz', liveness: '/livez', startupBudget: Duration.minutes(8) },
        }),
      );
      return find(Testing.synth(chart), 'Deployment').spec.progressDeadlineSeconds;
    };
    const rolling = make(RolloutStrategy.ROLLING_UPDATE);
    const recreate = make(RolloutStrategy.RECREATE);
    const chart = testChart();
    const grace = new PythonMicroservice(chart, 'x', baseProps({ replicas: 1 })).terminationGracePeriodSeconds;
    expect(recreate - rolling).toBe(grace);
  });

  test.each([
    [
      { replicas: 2 },
      '\'strategy\' must not be Recreate with 2 replicas: Recreate stops every replica before it starts new ones, so each rollout is an outage; received "Recreate"',
    ],
    [
      { autoscaling: { minReplicas: 1, maxReplicas: 4 } },
      '\'strategy\' must not be Recreate with an autoscaler: Recreate stops every replica before it starts new ones, so each rollout is an outage at whatever scale the autoscaler reached; received "Recreate"',
    ],
    [{ replicas: 1, strategy: 'BlueGreen' }, '\'strategy\' must be one of RollingUpdate, Recreate; received "BlueGreen"'],
  ])('strategy refused: %j', (extra, message) => {
    expect(
      chartError(
        (chart) => new PythonMicroservice(chart, 'orders-api', baseProps({ strategy: RolloutStrategy.RECREATE, ...(extra as object) })),
      ),
    ).toContain(message);
  });

  test('refused on both: a ReadWriteOnce claim mounted by a web service and its worker', () => {
    const volume = disk();
    const message = chartError((chart) => {
      const app = new PythonMicroservice(
        chart,
        'orders-api',
        baseProps({ replicas: 1, strategy: RolloutStrategy.RECREATE, mounts: [{ path: '/data', volume }] }),
      );
      new PythonSingleton(chart, 'orders-beat', { app, ...worker({ inherit: { mounts: false }, mounts: [{ path: '/data', volume }] }) });
    });
    expect(message).toContain(
      "[test/orders-api] 'mounts[0].volume' is a ReadWriteOnce claim ('data'), a disk that attaches to one node, and test/orders-beat mounts it too",
    );
    expect(message).toContain(
      "[test/orders-beat] 'mounts[0].volume' is a ReadWriteOnce claim ('data'), a disk that attaches to one node, and test/orders-api mounts it too",
    );
  });

  test("refused: a ReadWriteOnce claim of the app that its worker and StatefulSet take over; the fix names 'inherit'", () => {
    // GIVEN a web service on a disk, and a singleton and a StatefulSet of the app that do not name the disk
    const message = chartError((chart) => {
      const app = new PythonMicroservice(
        chart,
        'orders-api',
        baseProps({ replicas: 1, strategy: RolloutStrategy.RECREATE, mounts: [{ path: '/data', volume: disk() }] }),
      );
      new PythonSingleton(chart, 'orders-beat', { app, ...worker() });
      new PythonStatefulSet(chart, 'orders-ledger', { app, ...worker() });
    });
    // THEN both are refused as mounting the app's claim, with the way out of taking it over
    for (const name of ['orders-beat', 'orders-ledger']) {
      expect(message).toContain(
        `[test/${name}] 'app.mounts[0].volume' is a ReadWriteOnce claim ('data'), a disk that attaches to one node, and test/orders-api`,
      );
    }
    expect(message).toContain("Or keep the workload from taking over the app's mounts: inherit: { mounts: false }.");
  });

  test('accepted: workloads of an app on a disk that opt out of taking it over', () => {
    const chart = testChart();
    const app = new PythonMicroservice(
      chart,
      'orders-api',
      baseProps({ replicas: 1, strategy: RolloutStrategy.RECREATE, mounts: [{ path: '/data', volume: disk() }] }),
    );
    new PythonSingleton(chart, 'orders-beat', { app, ...worker({ inherit: { mounts: false } }) });
    new PythonStatefulSet(chart, 'orders-ledger', { app, ...worker({ inherit: { mounts: false } }) });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('accepted: a ReadWriteMany claim shared by every replica of two workloads; a singleton alone on a disk', () => {
    const chart = testChart();
    const media = Volume.newClaim('media', { storage: '10Gi', accessMode: AccessMode.READ_WRITE_MANY });
    const app = new PythonMicroservice(chart, 'orders-api', baseProps({ mounts: [{ path: '/media', volume: media }] }));
    new PythonWorker(chart, 'orders-worker', { app, ...worker({ replicas: 3, mounts: [{ path: '/media', volume: media }] }) });
    new PythonSingleton(chart, 'orders-beat', { app, ...worker({ mounts: [{ path: '/data', volume: disk() }] }) });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('refused: a worker of one replica on a disk (its rolling update starts the new pod first); the fix names PythonSingleton', () => {
    const message = chartError((chart) => {
      const app = new PythonMicroservice(chart, 'orders-api', baseProps());
      new PythonWorker(chart, 'orders-worker', {
        app,
        ...worker({ replicas: 1, sidecars: [{ name: 'shipper', mounts: [{ path: '/data', volume: disk() }] }] }),
      });
    });
    expect(message).toContain("[test/orders-worker] 'sidecars[0].mounts[0].volume' is a ReadWriteOnce claim ('data')");
    expect(message).toContain('a PythonSingleton for a process');
  });

  test('an existing claim of unknown mode: a warning with the fix; none once its mode is named; an error when it is ReadWriteOnce', () => {
    const build = (options: object) => (chart: Chart) => {
      const volume = Volume.persistentClaim('media', options);
      new PythonMicroservice(chart, 'orders-api', baseProps({ mounts: [{ path: '/media', volume }] }));
    };
    const unknown = rendered(build({}));
    expect(unknown.errors).toEqual([]);
    expect(unknown.warnings).toEqual([
      "[eks] [shop/orders-api] 'mounts[0].volume' mounts the existing claim 'media', whose access mode the synth cannot see. If it is ReadWriteOnce (a disk that attaches to one node), up to 2 replicas mount it: the replicas placed on other nodes never start (Multi-Attach error). Give each replica a disk of its own with a PythonStatefulSet and Volume.perReplicaClaim, share the data through a file share (AccessMode.READ_WRITE_MANY), or run one replica. If it is a file share, say so: Volume.persistentClaim('media', { accessMode: AccessMode.READ_WRITE_MANY }).",
    ]);
    expect(rendered(build({ accessMode: AccessMode.READ_WRITE_MANY })).warnings).toEqual([]);
    expect(rendered(build({ accessMode: AccessMode.READ_WRITE_ONCE })).errors).toEqual([
      expect.stringContaining("[eks] [shop/orders-api] 'mounts[0].volume' is a ReadWriteOnce claim ('media')"),
    ]);
  });

  test('the warning is recorded once, however many validation passes run', () => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new PythonMicroservice(chart, 'orders-api', baseProps({ mounts: [{ path: '/media', volume: Volume.persistentClaim('media') }] }));
    render([{ cloud: 'eks', app }]);
    expect(render([{ cloud: 'eks', app }]).warnings).toHaveLength(1);
  });

  test('claims of the same name in two namespaces are two claims', () => {
    const app = new App({ outdir: '/nonexistent' });
    for (const ns of ['a', 'b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      new PythonMicroservice(
        chart,
        'api',
        baseProps({ replicas: 1, strategy: RolloutStrategy.RECREATE, mounts: [{ path: '/data', volume: disk() }] }),
      );
    }
    expect(render([{ cloud: 'eks', app }]).errors).toEqual([]);
  });
});
