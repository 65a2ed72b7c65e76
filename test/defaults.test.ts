/**
 * Every default the library injects into a pod, and the prop that changes it:
 * HOME, the Python runtime env and python3, the metrics starter, /tmp, the pull
 * policy, a worker's liveness, the image's ENTRYPOINT and CMD, scaling knobs and
 * the stop signal. The container files (Dockerfile, compose) follow the pod.
 */
import { spawnSync } from 'child_process';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  CloudProfile,
  ImagePullPolicy,
  MigrationCommand,
  PythonCronJob,
  PythonMicroservice,
  PythonMicroserviceProps,
  PythonMigration,
  PythonServer,
  PythonWorker,
  QueueScaler,
  ScalingPolicyType,
  StopSignal,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { PythonBuild, containerFiles, renderDockerfile } from '../constructs/image';
import { buildPlan } from '../src/plan/model';
import { planMarkdown } from '../src/plan/markdown';
import { planFacts } from '../src/plan/facts';
import { ofKind, parseDockerfile } from './image/support';
import { validateAll } from './support/schema';
import { appContainer, baseProps, chartError, envMap, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

const BUILD = PythonBuild.uv({ pythonVersion: '3.12.7' });
const DIGEST = 'ghcr.io/acme/orders-api@sha256:' + 'a'.repeat(64);

function service(overrides: Partial<PythonMicroserviceProps> = {}) {
  const chart = testChart();
  const svc = new PythonMicroservice(chart, 'svc', baseProps(overrides));
  return { chart, svc, objects: Testing.synth(chart) };
}

const pod = (objects: any[], kind = 'Deployment', name?: string) => find(objects, kind, name).spec.template.spec;

describe('1. HOME: the image keeps its own unless the workload sets one', () => {
  test('no HOME by default, in the pod, the Dockerfile and compose', () => {
    // GIVEN a service that says nothing of HOME
    const { svc, objects } = service();
    // THEN the pod sets none, the Dockerfile's user keeps its /nonexistent home and compose sets none
    expect(envMap(appContainer(find(objects, 'Deployment')))).not.toHaveProperty('HOME');
    const files = containerFiles([{ container: svc.container }], BUILD);
    expect(files.get('svc/Dockerfile')).not.toMatch(/\bHOME=/);
    expect(files.get('svc/Dockerfile')).toContain('--home-dir /nonexistent');
    expect(parse(files.get('compose.yaml')!).services.svc.environment).not.toHaveProperty('HOME');
  });

  test("env.HOME is the user's: no longer refused as defined twice", () => {
    // GIVEN an image whose packages live under /home/app/.local
    const { objects } = service({ env: { HOME: '/home/app' } });
    // THEN the pod has exactly that HOME
    expect(appContainer(find(objects, 'Deployment')).env.filter((e: { name: string }) => e.name === 'HOME')).toEqual([
      { name: 'HOME', value: '/home/app' },
    ]);
  });

  test("'home' sets HOME in every container of the image, the Dockerfile's user and compose", () => {
    // GIVEN a home prop and an init container of the same image
    const { svc, objects } = service({ home: '/home/app', initContainers: [{ name: 'prepare', command: ['python3', '-c', 'pass'] }] });
    const spec = pod(objects);
    // THEN the app and the init container both get it
    expect(envMap(spec.containers[0]).HOME).toBe('/home/app');
    expect(envMap(spec.initContainers[0]).HOME).toBe('/home/app');
    // AND the Dockerfile gives its user that home and sets it; compose sets it too
    const files = containerFiles([{ container: svc.container }], BUILD);
    const dockerfile = files.get('svc/Dockerfile')!;
    expect(dockerfile).toContain('--home-dir /home/app');
    expect(dockerfile).toContain('HOME=/home/app');
    expect(parse(files.get('compose.yaml')!).services.svc.environment.HOME).toBe('/home/app');
  });

  test("'home' and env.HOME together: the message names the prop that sets the library's", () => {
    expect(chartError((c) => new PythonMicroservice(c, 'svc', baseProps({ home: '/tmp', env: { HOME: '/home/app' } })))).toContain(
      "[test/svc] 'env' must not define an env var that the runtime (derived from server and resources) already defines (one would silently shadow the other); received \"HOME\". Remove HOME from env: the library sets it, and 'home' sets its value.",
    );
  });

  test('a relative home is refused with the rule and a fix', () => {
    expect(chartError((c) => new PythonMicroservice(c, 'svc', baseProps({ home: 'home/app' })))).toContain(
      "'home' must be an absolute path of letters, digits, '.', '_', '-' and '/'; received \"home/app\". Use the home of the image's user, e.g. '/home/app', or '/tmp' for a writable one.",
    );
  });
});

describe('2. python: false and hasPython3 are two statements', () => {
  test('a non-Python app whose image has python3 may wait for its migration in its pods', () => {
    // GIVEN a Node app (python: false) whose image has python3, and a migration that waits in pods
    const chart = testChart();
    const app = new PythonMicroservice(
      chart,
      'svc',
      baseProps({ python: false, hasPython3: true, server: PythonServer.command({ command: ['node', 'server.js'] }) }),
    );
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.command(['node', 'migrate.js']) });
    // WHEN synthesized, THEN it is accepted: no Python env, but the wait runs
    const objects = Testing.synth(chart);
    const spec = pod(objects);
    expect(envMap(spec.containers[0])).not.toHaveProperty('PYTHONUNBUFFERED');
    expect(spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['wait-for-migrate']);
  });

  test('hasPython3: false refuses the wait and says how to fix it', () => {
    const message = chartError((chart) => {
      const app = new PythonMicroservice(chart, 'svc', baseProps({ hasPython3: false }));
      new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    });
    expect(message).toContain(
      "[test/migrate] 'waitInPods' needs python3 in the app's image (the wait is a short standard-library script), and the app says its image has none (hasPython3: false); received true. Set waitInPods: false and order the migration with your delivery tool, or set the app's hasPython3: true if its image has python3.",
    );
  });

  test('before Kubernetes 1.30 the python3 preStop follows hasPython3, not python', () => {
    const { objects } = service({ python: false, hasPython3: true, server: PythonServer.command({ command: ['node', 'x.js'] }) });
    expect(appContainer(find(objects, 'Deployment')).lifecycle.preStop.exec.command[0]).toBe('python3');
  });
});

describe('3. metrics on a workload without python3', () => {
  test('the command is left alone: multi-process mode is off by default for a non-Python image', () => {
    // GIVEN a connection pooler without python3, with a metrics exporter port
    const chart = testChart();
    new PythonWorker(chart, 'pgbouncer', {
      image: 'ghcr.io/acme/pgbouncer:1.23.1',
      profile: CloudProfile.eks(),
      python: false,
      command: WorkerCommand.command(['pgbouncer', '/etc/pgbouncer/pgbouncer.ini']),
      liveness: WorkerLiveness.command(['pg_isready', '-h', '127.0.0.1', '-p', '6432']),
      metrics: { port: 9127 },
    });
    const c = appContainer(find(Testing.synth(chart), 'Deployment'));
    // THEN no python3 starter, no multiprocess dir
    expect(c.command).toEqual(['pgbouncer', '/etc/pgbouncer/pgbouncer.ini']);
    expect(envMap(c)).not.toHaveProperty('PROMETHEUS_MULTIPROC_DIR');
  });

  test('multi-process mode asked for in an image without python3 is refused with a fix', () => {
    const message = chartError(
      (chart) =>
        new PythonWorker(chart, 'relay', {
          image: 'ghcr.io/acme/relay:1.0.0',
          profile: CloudProfile.eks(),
          python: false,
          command: WorkerCommand.command(['/relay']),
          liveness: WorkerLiveness.command(['/relay', 'health']),
          metrics: { multiprocess: true },
        }),
    );
    expect(message).toContain(
      "[test/relay] 'metrics.multiprocess' needs python3 in the image (a 'python3 -c' starter empties PROMETHEUS_MULTIPROC_DIR before the command), and the image has none (hasPython3: false): the container could not start; received true. Set metrics.multiprocess: false (prometheus_client's multi-process mode is for Python apps), or hasPython3: true if the image has python3.",
    );
  });

  test("multi-process mode with the image's own CMD is refused: there is no command to wrap", () => {
    expect(chartError((c) => new PythonMicroservice(c, 'svc', baseProps({ server: PythonServer.fromImage(), metrics: {} })))).toContain(
      "'metrics.multiprocess' needs the command, which a 'python3 -c' starter wraps to empty PROMETHEUS_MULTIPROC_DIR at every start; the workload runs its image's own ENTRYPOINT and CMD; received true.",
    );
  });
});

describe('4. /tmp: its size is a prop, and mounting it again names the prop', () => {
  test('tmpSize sizes the emptyDir, the container files follow', () => {
    const { svc, objects } = service({ tmpSize: '2Gi' });
    expect(pod(objects).volumes.find((v: { name: string }) => v.name === 'tmp').emptyDir.sizeLimit).toBe('2Gi');
    expect(svc.container.writablePaths.find((w) => w.path === '/tmp')!.sizeLimit).toBe('2Gi');
    const compose = parse(containerFiles([{ container: svc.container }], BUILD).get('compose.yaml')!);
    expect(compose.services.svc.tmpfs[0]).toBe(`/tmp:size=${2 * 2 ** 30},uid=10001,gid=10001`);
  });

  test.each([
    ['0Gi', "'tmpSize' must be above zero; received \"0Gi\". Use a quantity like '1Gi'; the default is '256Mi'."],
    ['lots', "'tmpSize' must be a Kubernetes memory quantity such as '512Mi' or '1Gi'; received \"lots\"."],
  ])('tmpSize %s is refused', (size, message) => {
    expect(chartError((c) => new PythonMicroservice(c, 'svc', baseProps({ tmpSize: size })))).toContain(message);
  });
});

describe('5. imagePullPolicy', () => {
  test('IfNotPresent for a digest, Always for a tag, by default; init containers of the image follow', () => {
    const tagged = appContainer(find(service().objects, 'Deployment'));
    const { objects } = service({ image: DIGEST, initContainers: [{ name: 'prepare', command: ['true'] }] });
    expect(tagged.imagePullPolicy).toBe('Always');
    expect(pod(objects).containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(pod(objects).initContainers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  test('the prop wins, for the app, its workers, its jobs and the migration wait', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps({ imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT }));
    new PythonWorker(chart, 'worker', { app, command: WorkerCommand.celery({ app: 'orders.celery:app' }) });
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    const objects = Testing.synth(chart);
    const policies = objects
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
      .flatMap((o) =>
        [...o.spec.template.spec.containers, ...(o.spec.template.spec.initContainers ?? [])].map((c: any) => c.imagePullPolicy),
      );
    expect(new Set(policies)).toEqual(new Set(['IfNotPresent']));
  });

  test('a worker of an app cannot set its own: the image is the app’s', () => {
    const message = chartError((chart) => {
      const app = new PythonMicroservice(chart, 'svc', baseProps());
      new PythonWorker(chart, 'worker', {
        app,
        command: WorkerCommand.celery({ app: 'orders.celery:app' }),
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      });
    });
    expect(message).toContain("[test/worker] 'imagePullPolicy' must not be set together with 'app'");
  });
});

describe('6. a worker without a liveness check says why; liveness has its own interval', () => {
  test('WorkerLiveness.none(reason): no probe, and the plan shows the reason', () => {
    // GIVEN a worker that states why it has no liveness check
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new PythonWorker(chart, 'relay', {
      image: 'ghcr.io/acme/relay:1.0.0',
      profile: CloudProfile.eks(),
      command: WorkerCommand.command(['python', '-m', 'relay']),
      liveness: WorkerLiveness.none('a restart loses nothing and the relay exits on every error'),
    });
    const objects = chart.toJson();
    // THEN the pod has no liveness probe
    expect(appContainer(find(objects, 'Deployment')).livenessProbe).toBeUndefined();
    // AND the plan says why
    const plan = buildPlan({ target: 'prod', outdir: 'dist', objects, facts: planFacts(chart) });
    expect(plan.workloads.find((w) => w.name === 'relay')!.noLiveness).toBe('a restart loses nothing and the relay exits on every error');
    expect(planMarkdown(plan)).toContain('| liveness | none: a restart loses nothing and the relay exits on every error |');
  });

  test('a reason too short to say anything is refused', () => {
    const message = chartError(
      (chart) =>
        new PythonWorker(chart, 'relay', {
          image: 'ghcr.io/acme/relay:1.0.0',
          profile: CloudProfile.eks(),
          command: WorkerCommand.command(['relay']),
          liveness: WorkerLiveness.none('no'),
        }),
    );
    expect(message).toContain("'liveness' WorkerLiveness.none() needs a reason of at least 10 characters");
  });

  test('health.livenessInterval sets the liveness period; readiness keeps its own', () => {
    const c = appContainer(
      find(service({ health: { readiness: '/readyz', liveness: '/livez', livenessInterval: Duration.seconds(30) } }).objects, 'Deployment'),
    );
    expect(c.livenessProbe.periodSeconds).toBe(30);
    expect(c.readinessProbe.periodSeconds).toBe(10);
  });
});

describe("7. the image's own ENTRYPOINT and CMD", () => {
  test('PythonServer.fromImage() and WorkerCommand.fromImage(): no command, no args', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps({ server: PythonServer.fromImage({ concurrency: 'asgi' }) }));
    new PythonWorker(chart, 'worker', { app, command: WorkerCommand.fromImage(), liveness: WorkerLiveness.command(['true']) });
    const objects = Testing.synth(chart);
    for (const name of ['svc', 'worker']) {
      const c = appContainer(find(objects, 'Deployment', name));
      expect([c.command, c.args]).toEqual([undefined, undefined]);
    }
    expect(envMap(appContainer(find(objects, 'Deployment', 'svc'))).WEB_CONCURRENCY).toBe('1');
    expect(validateAll(objects)).toEqual([]);
  });

  test('the generated Dockerfile cannot know the CMD of an image it does not build: refused with a fix', () => {
    const { svc } = service({ server: PythonServer.fromImage() });
    expect(() => renderDockerfile(svc.container, BUILD)).toThrow(
      "'container.command' must not be empty: the workload runs its image's own ENTRYPOINT and CMD (fromImage), which a generated Dockerfile cannot know; received [].",
    );
  });

  test('a shell command line with exec: /bin/sh -c, the Dockerfile CMD equals the pod argv, and sh passes SIGTERM on', () => {
    const script =
      'cd /tmp && exec python3 -c "import signal, sys, time; signal.signal(signal.SIGTERM, lambda *a: sys.exit(7)); print(1, flush=True); time.sleep(30)"';
    const { svc, objects } = service({ server: PythonServer.shell({ script, concurrency: 'asgi' }) });
    const argv = appContainer(find(objects, 'Deployment')).command;
    expect(argv).toEqual(['/bin/sh', '-c', script]);
    // Docker reads the exec form as a JSON array.
    const cmdLine = renderDockerfile(svc.container, BUILD)
      .split('\n')
      .find((l) => l.startsWith('CMD '))!;
    expect(JSON.parse(cmdLine.slice(4))).toEqual(argv);
    // Real /bin/sh: with exec the program is the process the signal reaches (exit 7 from its handler).
    const run = spawnSync(
      '/bin/sh',
      [
        '-c',
        `out=$(mktemp); ${argv
          .slice(0, 2)
          .map((a: string) => `'${a}'`)
          .join(' ')} '${script.replace(/'/g, "'\\''")}' > "$out" & pid=$!; ` +
          // The signal goes out once the handler is installed (the program printed 1), however slow its start.
          `i=0; while ! grep -q 1 "$out" && [ $i -lt 300 ]; do i=$((i+1)); sleep 0.05; done; kill -TERM $pid; wait $pid; echo "exit $?"; rm -f "$out"`,
      ],
      {
        encoding: 'utf8',
        timeout: 20000,
      },
    );
    expect(run.stdout.trim().split('\n').pop()).toBe('exit 7');
  });

  test('a shell command line without exec is refused, with the line fixed in the message', () => {
    expect(
      chartError(
        (c) =>
          new PythonWorker(c, 'w', {
            image: 'ghcr.io/a/b:1.0.0',
            profile: CloudProfile.eks(),
            command: WorkerCommand.shell('cd /app && celery --app app worker'),
            liveness: WorkerLiveness.command(['true']),
          }),
      ),
    ).toContain(
      "'command.script' must exec the long-running program: without exec, /bin/sh stays PID 1 and does not pass SIGTERM on, so the program is killed at the end of the grace period instead of stopping cleanly; received \"cd /app && celery --app app worker\". Start the program with exec, e.g. 'cd /app && exec celery --app app worker'.",
    );
  });

  test('workersFlag passes the derived count to servers that do not read WEB_CONCURRENCY', () => {
    const granian = (flag: string) =>
      appContainer(
        find(
          service({
            resources: { cpu: '2', memory: '2Gi' },
            server: PythonServer.command({
              command: ['granian', '--interface', 'asgi', 'app:app'],
              concurrency: 'asgi',
              workersFlag: flag,
            }),
          }).objects,
          'Deployment',
        ),
      ).command;
    expect(granian('--workers')).toEqual(['granian', '--interface', 'asgi', 'app:app', '--workers', '2']);
    expect(granian('--workers=')).toEqual(['granian', '--interface', 'asgi', 'app:app', '--workers=2']);
    expect(
      chartError(
        (c) =>
          new PythonMicroservice(
            c,
            'svc',
            baseProps({ server: PythonServer.command({ command: ['hypercorn', 'app:app'], workersFlag: '--workers' }) }),
          ),
      ),
    ).toContain(
      "'server.workersFlag' needs 'concurrency' ('wsgi' or 'asgi'), from which the worker count is derived, or 'workers'; received \"--workers\".",
    );
  });

  test('a worker of an app keeps its own entrypoint choice', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonWorker(chart, 'worker', {
      app,
      keepEntrypoint: true,
      command: WorkerCommand.rq(),
      liveness: WorkerLiveness.command(['true']),
    });
    const c = appContainer(find(Testing.synth(chart), 'Deployment', 'worker'));
    expect([c.command, c.args]).toEqual([undefined, ['rq', 'worker', 'default']]);
  });
});

describe('8. scaling and history knobs', () => {
  test('KEDA polling interval, cooldown and the scale-down behavior of its autoscaler', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps({ config: { REDIS_ADDRESS: 'redis:6379' } }));
    new PythonWorker(chart, 'worker', {
      app,
      command: WorkerCommand.celery({ app: 'orders.celery:app' }),
      queueAutoscaling: {
        queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }),
        maxReplicas: 10,
        pollingInterval: Duration.seconds(30),
        cooldown: Duration.minutes(10),
        scaleDown: {
          stabilizationWindow: Duration.minutes(5),
          policies: [{ type: ScalingPolicyType.PODS, value: 1, period: Duration.minutes(1) }],
        },
      },
    });
    const objects = Testing.synth(chart);
    const spec = find(objects, 'ScaledObject').spec;
    expect([spec.pollingInterval, spec.cooldownPeriod]).toEqual([30, 600]);
    expect(spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    });
    expect(validateAll(objects)).toEqual([]);
  });

  test('an HPA scale-down stabilization window, checked against the API range', () => {
    const objects = service({
      autoscaling: { minReplicas: 2, maxReplicas: 6, scaleDown: { stabilizationWindow: Duration.minutes(10) } },
    }).objects;
    expect(find(objects, 'HorizontalPodAutoscaler').spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 600 } });
    expect(validateAll(objects)).toEqual([]);
    expect(
      chartError(
        (c) =>
          new PythonMicroservice(
            c,
            'svc',
            baseProps({ autoscaling: { minReplicas: 2, maxReplicas: 6, scaleDown: { stabilizationWindow: Duration.hours(2) } } }),
          ),
      ),
    ).toContain("'autoscaling.scaleDown.stabilizationWindow' must be a whole number of seconds from 0 to 3600; received 7200.");
  });

  test('CronJob history limits', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonCronJob(chart, 'report', {
      app,
      command: ['python', '-m', 'report'],
      schedule: '@daily',
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
    });
    const spec = find(Testing.synth(chart), 'CronJob').spec;
    expect([spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit]).toEqual([1, 5]);
  });

  test('Celery: mingle and gossip on request, extra arguments appended, derived flags not repeated', () => {
    const argv = (options: object) => {
      const chart = testChart();
      const app = new PythonMicroservice(chart, 'svc', baseProps());
      new PythonWorker(chart, 'worker', { app, command: WorkerCommand.celery({ app: 'orders.celery:app', ...options }) });
      return appContainer(find(Testing.synth(chart), 'Deployment', 'worker')).command as string[];
    };
    expect(argv({})).toEqual(expect.arrayContaining(['--without-mingle', '--without-gossip']));
    const kept = argv({ mingleAndGossip: true, extraArgs: ['--prefetch-multiplier', '1'] });
    expect(kept).not.toContain('--without-mingle');
    expect(kept.slice(-2)).toEqual(['--prefetch-multiplier', '1']);
    expect(() => argv({ extraArgs: ['--concurrency', '8'] })).toThrow("'command.extraArgs' must not repeat a flag the library derives");
  });
});

describe('9. the stop signal', () => {
  test('STOPSIGNAL in the generated Dockerfile, stop_signal in compose, and no alpha field in the pod', () => {
    const { svc, objects } = service({ stopSignal: StopSignal.SIGQUIT });
    const files = containerFiles([{ container: svc.container }], BUILD);
    expect(ofKind(parseDockerfile(files.get('svc/Dockerfile')!).final, 'STOPSIGNAL').map((i) => i.getArgumentsContent())).toEqual([
      'SIGQUIT',
    ]);
    expect(parse(files.get('compose.yaml')!).services.svc.stop_signal).toBe('SIGQUIT');
    expect(appContainer(find(objects, 'Deployment')).lifecycle.stopSignal).toBeUndefined();
  });

  test('SIGTERM, the default, writes nothing; a worker of an app may stop with its own signal', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps({ stopSignal: StopSignal.SIGTERM }));
    const worker = new PythonWorker(chart, 'worker', {
      app,
      command: WorkerCommand.rq(),
      liveness: WorkerLiveness.command(['true']),
      stopSignal: StopSignal.SIGINT,
    });
    expect(renderDockerfile(app.container, BUILD)).not.toContain('STOPSIGNAL');
    expect(worker.container.stopSignal).toBe('SIGINT');
    // The image has one STOPSIGNAL: the container files refuse two signals for one image.
    expect(() => containerFiles([{ container: app.container }, { container: worker.container }], BUILD)).toThrow(
      "'workloads[1].container.stopSignal' must equal that of 'svc', which has the same image: an image has one STOPSIGNAL, and the runtime sends it to every container of the image; received \"SIGINT\".",
    );
    // The synth warns that the signal travels in the image.
    const warnings = worker.node.metadata.filter((m) => m.type === 'pyservice:warning').map((m) => String(m.data));
    expect(warnings).toContain(
      "stopSignal SIGINT reaches the process through the image's STOPSIGNAL: the Dockerfile generated here carries it; an image built elsewhere needs 'STOPSIGNAL SIGINT' in its Dockerfile, or the kubelet's stop sends SIGTERM.",
    );
  });
});
