/**
 * Synthesis stays linear in the number of services: every check across services
 * reads one index built in one walk per validation pass. Guarded by counting the
 * constructs that tree walks (`node.findAll()`) visit, not by a clock: at twice
 * the services a synth must visit about twice the constructs, where a check that
 * walks the whole app once per service would visit four times as many.
 */
import { App, Chart } from 'cdk8s';
import { Node } from 'constructs';
import { render } from '../src/synth';
import { CloudProfile, Exposure, PythonMicroservice, PythonServer, RestrictedNamespace, Volume } from './support/internals';

interface Walks {
  /** Calls of `node.findAll()`. */
  readonly calls: number;
  /** Constructs those calls returned, in all. */
  readonly visited: number;
}

/** Counts the tree walks `f` makes. */
function countWalks(f: () => void): Walks {
  const original = Node.prototype.findAll;
  let calls = 0;
  let visited = 0;
  const spy = jest.spyOn(Node.prototype, 'findAll').mockImplementation(function (this: Node, ...args: Parameters<Node['findAll']>) {
    const found = original.apply(this, args);
    calls++;
    visited += found.length;
    return found;
  });
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return { calls, visited };
}

/**
 * `n` services on EKS (whose exposed services label their Namespace) behind one
 * shared host, each in its own chart or all in one, each mounting a claim of its
 * own, so that every check across services and charts runs.
 */
function defineApp(n: number, chartPerService: boolean): App {
  const app = new App({ outdir: '/nonexistent' });
  const shared = new Chart(app, 'shop', { namespace: 'shop' });
  new RestrictedNamespace(shared, 'ns', { name: 'shop' });
  for (let i = 0; i < n; i++) {
    const chart = chartPerService ? new Chart(app, `chart-${i}`, { namespace: 'shop' }) : shared;
    new PythonMicroservice(chart, `svc-${i}`, {
      image: `ghcr.io/acme/svc-${i}:1.0.${i}`,
      server: PythonServer.uvicorn({ app: 'app.main:app' }),
      health: { readiness: '/readyz', liveness: '/livez' },
      exposure: Exposure.PUBLIC,
      ingress: { host: 'api.example.com', path: `/svc-${i}` },
      profile: CloudProfile.eks({ roleArn: `arn:aws:iam::111122223333:role/svc-${i}`, albGroup: 'shop' }),
      mounts: [{ path: '/data', volume: Volume.persistentClaim(`data-${i}`) }],
    });
  }
  return app;
}

type Synth = 'render' | 'validation pass' | 'validation pass, a chart per service';

/**
 * What one synth of `n` services visits. A validation pass is what cdk8s's
 * `app.synth()` runs once (every construct's validations, in pre-order from the
 * app), with the charts' checks of each other on. cdk8s itself then validates the
 * whole app again per chart in `chart.toJson()`, which no library can change.
 */
function walksAt(n: number, synth: Synth): Walks {
  const app = defineApp(n, synth === 'validation pass, a chart per service');
  const walks = countWalks(() => {
    if (synth === 'render') {
      expect(render([{ cloud: 'eks', app }]).errors).toEqual([]);
    } else {
      const errors = app.node.findAll().flatMap((c) => c.node.validate());
      expect(errors).toEqual([]);
    }
  });
  return walks;
}

describe('synthesis is linear in the number of services', () => {
  test.each<Synth>(['render', 'validation pass', 'validation pass, a chart per service'])(
    '%s: twice the services visit about twice the constructs',
    (synth) => {
      // GIVEN / WHEN
      const small = walksAt(10, synth);
      const large = walksAt(20, synth);

      // THEN: the number of walks does not grow with the services...
      expect(large.calls).toBe(small.calls);
      // ...and what they visit grows in proportion (a walk per service would give about 4x).
      expect(large.visited / small.visited).toBeLessThan(2.2);
    },
  );

  test('a routed host shared by an earlier service is still found through the index', () => {
    // GIVEN: two services on one path of one host, in two charts
    const app = defineApp(2, true);
    const second = app.node.findAll().find((c) => c instanceof PythonMicroservice && c.node.id === 'svc-1') as PythonMicroservice;
    new PythonMicroservice(second.node.scope as Chart, 'svc-clash', {
      image: 'ghcr.io/acme/svc-clash:1.0.0',
      server: PythonServer.uvicorn({ app: 'app.main:app' }),
      health: { readiness: '/readyz', liveness: '/livez' },
      exposure: Exposure.PUBLIC,
      ingress: { host: 'api.example.com', path: '/svc-0' },
      profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/svc-clash', albGroup: 'shop' }),
    });

    // WHEN
    const errors = render([{ cloud: 'eks', app }]).errors;

    // THEN
    expect(errors).toEqual([
      expect.stringContaining(
        "[eks] [chart-1/svc-clash] 'ingress.path' must differ from the path of chart-0/svc-0, which routes the same host",
      ),
    ]);
  });
});
