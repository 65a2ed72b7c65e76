/**
 * The migration wait's script, as synthesized into its ConfigMap, run by this
 * machine's python3 against a stub of the Kubernetes API server: an HTTPS
 * server in this process with a throwaway self-signed certificate (made with
 * openssl), which answers the Job GET the way the API server does. The stub
 * is not a cluster: it shows what the script does with each answer.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { MigrationCommand, PythonMicroservice, PythonMigration } from './support/internals';
import { baseProps, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

/** The wait as synthesized: its script, and the init container that runs it. */
function synthesizedWait() {
  const chart = testChart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps());
  new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic() });
  const objects = Testing.synth(chart);
  const container = find(objects, 'Deployment').spec.template.spec.initContainers[0];
  const script = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['wait.py']).data['wait.py'] as string;
  return { container, script };
}

/** What the stub answers for the Job, in turn; the last answer repeats. */
type Answer = { readonly code: number; readonly body?: object };

const JOB = 'orders-migrate-1a2b3c4d';
const TOKEN = 'stub-token';
const running = { code: 200, body: { kind: 'Job', status: { active: 1 } } };
const succeeded = { code: 200, body: { kind: 'Job', status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } } };
const failed = {
  code: 200,
  body: {
    kind: 'Job',
    status: {
      failed: 2,
      conditions: [
        { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
      ],
    },
  },
};
const status = (code: number) => ({ code, body: { kind: 'Status', code } });

let dir: string;
let server: https.Server;
let answers: Answer[] = [];
const requests: Array<{ readonly url?: string; readonly auth?: string }> = [];
const { container, script } = synthesizedWait();

beforeAll(async () => {
  // GIVEN a throwaway certificate for 127.0.0.1, the script, a token and the CA, as the pod's volume holds them
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stub-apiserver-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=stub-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'ca.crt'),
    ],
    { stdio: 'ignore' },
  );
  fs.writeFileSync(path.join(dir, 'wait.py'), script);
  fs.writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
  // the script run with time.sleep recording its argument instead of sleeping: how long it would wait
  // the script run on a clock that skips its sleeps: each sleeps a hundredth of its time, and time.monotonic()
  // (which its deadline reads) moves on by the whole of it, so the script behaves as in a pod, in a hundredth of the time
  fs.writeFileSync(
    path.join(dir, 'fast-clock.py'),
    [
      'import runpy, sys, time',
      'real_sleep, real_monotonic, skipped = time.sleep, time.monotonic, [0.0]',
      'def sleep(seconds):',
      '    real_sleep(seconds / 100)',
      '    skipped[0] += seconds - seconds / 100',
      'time.sleep = sleep',
      'time.monotonic = lambda: real_monotonic() + skipped[0]',
      'runpy.run_path(sys.argv[1], run_name="__main__")',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'sleeps.py'),
    'import json, runpy, sys, time\nslept = []\ntime.sleep = slept.append\ntry:\n    runpy.run_path(sys.argv[1], run_name="__main__")\nfinally:\n    print("slept " + json.dumps(slept), flush=True)\n',
  );
  server = https.createServer(
    { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'ca.crt')) },
    (req, res) => {
      requests.push({ url: req.url, auth: req.headers.authorization });
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      res.writeHead(answer.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body ?? {}));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

/**
 * Runs the rendered `wait.py` on the fast clock (or, with `argv`, another wrapper of it) with the container's
 * env and the deadline replaced, against the stub; `onFirstLine` sees the child.
 */
function runWait(
  given: Answer[],
  deadlineSeconds: number,
  onFirstLine?: (child: ChildProcess) => void,
  argv: string[] = [path.join(dir, 'fast-clock.py'), path.join(dir, 'wait.py')],
) {
  answers = given;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: String((server.address() as AddressInfo).port),
    POD_NAMESPACE: 'shop',
  };
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  env.MIGRATION_JOB = JOB;
  env.WAIT_DEADLINE_SECONDS = String(deadlineSeconds);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('python3', argv, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (stdout === '' && onFirstLine) onFirstLine(child);
      stdout += d;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('the migration wait (real python3, stub API server)', () => {
  test("the pod runs the script from the ConfigMap with the Job's name and its deadline", () => {
    expect(container.command).toEqual(['python3', '/var/run/secrets/pyservice.dev/migration-wait/wait.py']);
    expect(container.env).toContainEqual({ name: 'WAIT_DEADLINE_SECONDS', value: '660' });
    expect(container.env.find((e: any) => e.name === 'MIGRATION_JOB').value).toMatch(/^orders-migrate-[0-9a-f]{8}$/);
  });

  test('a pod polls every 5 s', async () => {
    // GIVEN the container's env as rendered WHEN the Job runs for two reads, then succeeds
    const result = await runWait([running, running, succeeded], 660, undefined, [path.join(dir, 'sleeps.py'), path.join(dir, 'wait.py')]);
    // THEN it slept 5 s after each read that was not final
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout.split('\n').slice(-2)).toEqual(['slept [5.0, 5.0]', '']);
    expect(requests).toHaveLength(3);
  });

  test('no sleep passes the deadline', async () => {
    const nearDeadline = await runWait([running, succeeded], 3, undefined, [path.join(dir, 'sleeps.py'), path.join(dir, 'wait.py')]);
    const [slept] = JSON.parse(/^slept (.*)$/m.exec(nearDeadline.stdout)![1]) as number[];
    expect(slept).toBeGreaterThan(2);
    expect(slept).toBeLessThanOrEqual(3);
  });

  test("a Job that succeeded: exit 0, having read it over verified TLS with the pod's token", async () => {
    const result = await runWait([succeeded], 600);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toBe(`migration job ${JOB} succeeded\n`);
    expect(requests).toEqual([{ url: `/apis/batch/v1/namespaces/shop/jobs/${JOB}`, auth: `Bearer ${TOKEN}` }]);
  });

  test('a running Job: waits, says so, and passes once it succeeded', async () => {
    const result = await runWait([running, succeeded], 60);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toBe(`waiting for migration job ${JOB}: job ${JOB} is running\nmigration job ${JOB} succeeded\n`);
    expect(requests).toHaveLength(2);
  });

  test('a failed Job: exit 1 at once, naming the Job, its reason and where its logs are', async () => {
    const result = await runWait([failed], 600);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `migration job ${JOB} failed (BackoffLimitExceeded: Job has reached the specified backoff limit); see: kubectl logs job/${JOB}\n`,
    );
  });

  test.each([
    [403, `HTTP 403: the ServiceAccount may not get job ${JOB} (its Role and RoleBinding ${JOB}-wait are missing or were pruned)`],
    [404, `HTTP 404: job ${JOB} does not exist (not applied yet, or pruned or deleted: re-apply this version)`],
    [500, 'HTTP 500 from the API server'],
  ])('HTTP %d: the cause is logged, and the wait gives up at its deadline (exit 2)', async (code, cause) => {
    const result = await runWait([status(code)], 1);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(`waiting for migration job ${JOB}: ${cause}\ngave up waiting for migration job ${JOB} after 1s: ${cause}\n`);
  });

  test('a Job applied after the pod (404, then succeeded) is waited for', async () => {
    const result = await runWait([status(404), succeeded], 60);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`waiting for migration job ${JOB}: HTTP 404`);
  });

  test('a server whose certificate the CA does not vouch for is never trusted', async () => {
    const good = fs.readFileSync(path.join(dir, 'ca.crt'));
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'stub-apiserver-other-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=other',
          '-keyout',
          path.join(other, 'key.pem'),
          '-out',
          path.join(dir, 'ca.crt'),
        ],
        { stdio: 'ignore' },
      );
      const result = await runWait([succeeded], 1);
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/the API server did not answer: .*CERTIFICATE_VERIFY_FAILED/);
    } finally {
      fs.writeFileSync(path.join(dir, 'ca.crt'), good);
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('SIGTERM ends a waiting pod at once (exit 143 from its handler; as PID 1 it would otherwise be ignored)', async () => {
    const result = await runWait([running], 600, (child) => child.kill('SIGTERM'));
    expect([result.code, result.signal]).toEqual([143, null]);
    expect(result.stdout).toBe(`waiting for migration job ${JOB}: job ${JOB} is running\n`);
  });
});
