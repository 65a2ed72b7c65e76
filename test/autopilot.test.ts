import { autopilotResources } from '../constructs/profiles/gke-autopilot';
import { resolveResources } from '../constructs/pod/resources';
import { CloudProfile, PythonServer } from 'pyservice-k8s';
import { appContainer, envMap, find, synthService } from './support/synth';

const MiB = 1024 * 1024;

describe('GKE Autopilot resource rules', () => {
  const cpus = ['10m', '50m', '250m', '500m', '1', '2', '4', '30', '64'];
  const memories = ['16Mi', '52Mi', '128Mi', '512Mi', '1Gi', '4Gi', '64Gi', '200Gi'];
  const cases = cpus.flatMap((cpu) => memories.flatMap((memory) => [true, false].map((bursting) => [cpu, memory, bursting] as const)));

  test.each(cases)(
    'cpu %s, memory %s, bursting %s: limits never below requests, within the per-pod maximum and the memory:CPU ratio',
    (cpu, memory, bursting) => {
      const spec = resolveResources({ cpu, memory }).spec;
      const out = autopilotResources(spec, bursting, []);
      expect(out.memoryLimitBytes).toBeGreaterThanOrEqual(out.memoryRequestBytes);
      if (out.cpuLimitMillis !== undefined) expect(out.cpuLimitMillis).toBeGreaterThanOrEqual(out.cpuRequestMillis);
      expect(out.cpuLimitMillis ?? 0).toBeLessThanOrEqual(30_000);
      expect(out.memoryLimitBytes).toBeLessThanOrEqual(110 * 1024 * MiB);
      const gibPerCpu = out.memoryRequestBytes / (1024 * MiB) / (out.cpuRequestMillis / 1000);
      expect(gibPerCpu).toBeGreaterThanOrEqual(1 - 1e-9);
      expect(gibPerCpu).toBeLessThanOrEqual(6.5 + 1e-9);
    },
  );

  test('a 64-CPU request is capped at the maximum, named as such, and the limit and worker count follow', () => {
    const warnings: string[] = [];
    const out = autopilotResources(resolveResources({ cpu: '64', memory: '100Gi' }).spec, true, warnings);
    expect(out.cpuRequestMillis).toBe(30_000);
    expect(out.cpuLimitMillis).toBe(30_000);
    expect(warnings).toContain('Autopilot: CPU request 64 -> 30 (maximum 30 per pod)');
    expect(warnings).toContain('Autopilot: CPU limit 64 -> 30 (maximum 30 per pod)');
    const { objects } = synthService({
      resources: { cpu: '64', memory: '100Gi' },
      server: PythonServer.gunicorn({ app: 'a:app' }),
      profile: CloudProfile.gke({ autopilot: true }),
    });
    // 2 x 30 + 1, from the capped limit, not 2 x 64 + 1
    expect(envMap(appContainer(find(objects, 'Deployment'))).WEB_CONCURRENCY).toBe('61');
  });
});
