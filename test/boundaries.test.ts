/**
 * Rules at their exact boundary: one step past the limit is refused, the limit
 * itself is accepted, so a rule loosened or tightened by one fails here.
 */
import { Duration, Testing } from 'cdk8s';
import { PythonMicroservice, PythonWorker, QueueScaler, WorkerCommand, WorkerLiveness } from './support/internals';
import { baseProps, chartError, find, synthError, synthService } from './support/synth';
import { testChart } from './support/cdk8s-testing';

describe('the grace period must cover the drain delay plus the graceful timeout', () => {
  // baseProps: in-cluster on EKS (drain 5 s) with gunicorn+uvicorn (graceful timeout 30 s): 35 s needed.
  const NEEDED = 35;

  test('the default grace period is the sum plus 5 s of slack', () => {
    const { service, objects } = synthService();
    expect(service.drainSeconds + service.container.gracefulTimeoutSeconds).toBe(NEEDED);
    expect(find(objects, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(NEEDED + 5);
  });

  test('one second below the sum is refused', () => {
    // GIVEN / WHEN
    const message = synthError({ terminationGracePeriod: Duration.seconds(NEEDED - 1) });
    // THEN
    expect(message).toContain(
      "[test/orders-api] 'terminationGracePeriod' must cover the drain delay (5s) plus the server's graceful timeout (30s), or pods are killed mid-request; received 34. Set it to Duration.seconds(40) or more, or leave it unset.",
    );
  });

  test('exactly the sum is accepted and written as it is', () => {
    // GIVEN / WHEN
    const { objects } = synthService({ terminationGracePeriod: Duration.seconds(NEEDED) });
    // THEN
    expect(find(objects, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(NEEDED);
  });

  test('the sum follows a drain delay given by the user', () => {
    expect(synthError({ drainDelay: Duration.seconds(10), terminationGracePeriod: Duration.seconds(39) })).toContain(
      "'terminationGracePeriod' must cover the drain delay (10s) plus the server's graceful timeout (30s)",
    );
    const { objects } = synthService({ drainDelay: Duration.seconds(10), terminationGracePeriod: Duration.seconds(40) });
    expect(find(objects, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(40);
  });
});

describe('a HorizontalPodAutoscaler never scales to 0; KEDA may', () => {
  const HPA_MIN =
    "'autoscaling.minReplicas' must be a whole number of at least 1 (a HorizontalPodAutoscaler scales to 0 only behind the HPAScaleToZero alpha feature gate, and only on Object or External metrics); received 0.";

  test('a web service with autoscaling.minReplicas 0 is refused, naming the feature gate', () => {
    expect(synthError({ autoscaling: { minReplicas: 0, maxReplicas: 4 } })).toContain(`[test/orders-api] ${HPA_MIN}`);
  });

  test('autoscaling.minReplicas 1 is accepted and written to the HPA', () => {
    const { objects } = synthService({ autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    expect(find(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 1, maxReplicas: 4 });
  });

  test('a worker with CPU autoscaling from 0 is refused the same way', () => {
    const message = chartError((chart) => {
      const app = new PythonMicroservice(chart, 'orders-api', baseProps());
      new PythonWorker(chart, 'worker', {
        app,
        command: WorkerCommand.celery({ app: 'orders.celery:app' }),
        autoscaling: { minReplicas: 0, maxReplicas: 4 },
      });
    });
    expect(message).toContain(`[test/worker] ${HPA_MIN}`);
  });

  test('a worker scaled by KEDA on its queue may stop at 0 (its ScaledObject, not an HPA, owns the replicas)', () => {
    // GIVEN
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { REDIS_ADDRESS: 'redis:6379' } }));
    new PythonWorker(chart, 'events', {
      app,
      command: WorkerCommand.command(['python', '-m', 'events']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      queueAutoscaling: {
        queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', listName: 'events' }),
        minReplicas: 0,
        maxReplicas: 5,
      },
    });
    // WHEN
    const objects = Testing.synth(chart);
    // THEN
    expect(find(objects, 'ScaledObject', 'events').spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 5 });
    expect(find(objects, 'Deployment', 'events').spec.replicas).toBeUndefined();
  });
});
