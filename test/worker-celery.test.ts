/**
 * The heartbeat liveness of a Celery worker whose broker has no remote control,
 * with a real Celery worker (python3 with Celery and SQLAlchemy): the command and
 * probe as generated, the heartbeat written, the probe passing, then failing once
 * the worker is frozen. Integration: it runs Celery, seconds of real processes.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CeleryBroker, PythonMicroservice, PythonWorker, WorkerCommand } from './support/internals';
import { appContainer, baseProps, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

/** The container of a Celery worker without remote control, as synthesized. */
function celeryWorkerContainer() {
  const chart = testChart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { REDIS_ADDRESS: 'redis:6379' } }));
  new PythonWorker(chart, 'orders-worker', {
    app,
    command: WorkerCommand.celery({ app: 'tasks:app', broker: CeleryBroker.AZURE_SERVICE_BUS, concurrency: 1 }),
  });
  return appContainer(find(Testing.synth(chart), 'Deployment', 'orders-worker'));
}

/** A python3 that has Celery and SQLAlchemy (kombu's sqla transport has no fanout, so no remote control), or why there is none. */
function celeryPython(): { python?: string; reason?: string } {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import celery, sqlalchemy'], { encoding: 'utf8' }).status === 0) return { python };
  }
  return { reason: 'no python3 here imports celery and sqlalchemy (Debian: apt-get install python3-celery python3-sqlalchemy)' };
}

describe('the heartbeat liveness with a real Celery worker on a broker without remote control', () => {
  const { python, reason } = celeryPython();
  if (reason) console.warn(`Celery heartbeat test skipped: ${reason}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'celery-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  (python ? test : test.skip)(
    'the worker writes the heartbeat, the probe passes; inspect ping gets no answer; a frozen worker fails the probe',
    async () => {
      // GIVEN the generated command and probe of a Celery worker without remote control, with the heartbeat
      // in a scratch folder and its interval scaled down from 30 s to 1 s (the probe's age from 90 s to 3 s)
      const c = celeryWorkerContainer();
      const heartbeat = path.join(dir, 'heartbeat');
      const argv = [...c.command];
      argv.splice(3, 2, heartbeat, '1');
      const probe = c.livenessProbe.exec.command[2].replace('/tmp/celery-heartbeat', heartbeat).replace('< 90', '< 3');
      fs.writeFileSync(
        path.join(dir, 'tasks.py'),
        `from celery import Celery\napp = Celery('tasks', broker='sqla+sqlite:///${dir}/broker.db')\n`,
      );
      // The worker is killed at the end, so its pool's temporary folder (pymp-*) stays behind: in the scratch folder.
      const env = { PATH: process.env.PATH!, HOME: dir, TMPDIR: dir };
      // WHEN the worker runs
      const worker = spawn(python!, argv.slice(1), { cwd: dir, env, stdio: 'ignore' });
      try {
        const start = Date.now();
        while (!fs.existsSync(heartbeat) && Date.now() - start < 30_000) await new Promise((r) => setTimeout(r, 250));
        // THEN the heartbeat appears and the liveness probe passes
        expect(fs.existsSync(heartbeat)).toBe(true);
        expect(spawnSync(python!, ['-c', probe], { encoding: 'utf8' }).status).toBe(0);
        // AND `celery inspect ping`, the check for brokers with remote control, gets no answer here
        const ping = spawnSync(python!, ['-m', 'celery', '--app', 'tasks:app', 'inspect', 'ping', '--timeout', '2'], {
          cwd: dir,
          env,
          encoding: 'utf8',
        });
        expect(ping.status).not.toBe(0);
        expect(ping.stdout + ping.stderr).toContain('No nodes replied');
        // AND a wedged worker (stopped) lets the heartbeat age until the probe fails: 2 to 3 s after it
        // stopped; the probe is run until then, within 30 s
        worker.kill('SIGSTOP');
        const stopped = Date.now();
        let status: number | null = 0;
        while (status === 0 && Date.now() - stopped < 30_000) {
          await new Promise((r) => setTimeout(r, 250));
          status = spawnSync(python!, ['-c', probe], { encoding: 'utf8' }).status;
        }
        expect(status).toBe(1);
      } finally {
        worker.kill('SIGKILL');
      }
    },
    60_000,
  );
});
