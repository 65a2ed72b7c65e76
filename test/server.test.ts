import { Duration } from 'cdk8s';
import { PythonServer, ServerContext } from './support/internals';

const MiB = 2 ** 20;
const ctx = (cpuMillis: number, memoryMiB: number, port = 8000): ServerContext => ({ port, cpuMillis, memoryBytes: memoryMiB * MiB });

describe('worker count follows the container, never the node', () => {
  // [server, cpu millis, memory MiB, expected workers, expected warning?]
  const table: Array<[string, PythonServer, number, number, number, boolean]> = [
    ['gunicorn sync at 250m', PythonServer.gunicorn({ app: 'app:app' }), 250, 512, 1, false],
    ['gunicorn sync at 500m', PythonServer.gunicorn({ app: 'app:app' }), 500, 512, 2, false],
    ['gunicorn sync at 1 CPU', PythonServer.gunicorn({ app: 'app:app' }), 1000, 1024, 3, false],
    ['gunicorn sync at 2 CPU', PythonServer.gunicorn({ app: 'app:app' }), 2000, 2048, 5, false],
    ['gunicorn sync at 2 CPU, memory caps it', PythonServer.gunicorn({ app: 'app:app' }), 2000, 512, 3, true],
    ['gunicorn + uvicorn at 500m', PythonServer.gunicornUvicorn({ app: 'app:app' }), 500, 512, 1, false],
    ['gunicorn + uvicorn at 2 CPU', PythonServer.gunicornUvicorn({ app: 'app:app' }), 2000, 1024, 2, false],
    ['uvicorn at 4 CPU', PythonServer.uvicorn({ app: 'app:app' }), 4000, 2048, 4, false],
    ['uvicorn at 4 CPU, memory caps it', PythonServer.uvicorn({ app: 'app:app' }), 4000, 512, 2, true],
    ['django at 1 CPU', PythonServer.django({ project: 'mysite' }), 1000, 1024, 3, false],
    ['memory below one worker', PythonServer.gunicorn({ app: 'app:app' }), 1000, 128, 1, true],
    ['custom per-worker memory', PythonServer.gunicorn({ app: 'app:app', memoryPerWorker: '300Mi' }), 2000, 1024, 3, true],
    ['explicit workers win', PythonServer.gunicorn({ app: 'app:app', workers: 7 }), 250, 256, 7, false],
  ];

  test.each(table)('%s', (_name, server, cpu, mem, workers, warns) => {
    const config = server.bind(ctx(cpu, mem));
    expect(config.issues).toEqual([]);
    expect(config.workers).toBe(workers);
    expect(config.env.WEB_CONCURRENCY).toBe(String(workers));
    expect(config.warnings.length > 0).toBe(warns);
  });
});

describe('server commands', () => {
  test('behind a layer-7 load balancer the server trusts X-Forwarded-* headers', () => {
    expect(PythonServer.gunicorn({ app: 'a:app' }).bind({ ...ctx(500, 512), behindProxy: true }).env.FORWARDED_ALLOW_IPS).toBe('*');
    expect(PythonServer.uvicorn({ app: 'a:app' }).bind({ ...ctx(500, 512), behindProxy: true }).env.FORWARDED_ALLOW_IPS).toBe('*');
    expect(PythonServer.gunicorn({ app: 'a:app' }).bind(ctx(500, 512)).env.FORWARDED_ALLOW_IPS).toBeUndefined();
  });

  test('gunicorn binds the port, drains for the graceful timeout, keeps its heartbeat in memory', () => {
    const c = PythonServer.gunicorn({ app: 'shop.wsgi:application', threads: 4, gracefulTimeout: Duration.seconds(20) }).bind(
      ctx(1000, 1024, 9000),
    );
    expect(c.command).toEqual([
      'gunicorn',
      'shop.wsgi:application',
      '--bind',
      '0.0.0.0:9000',
      '--worker-tmp-dir',
      '/dev/shm',
      '--graceful-timeout',
      '20',
      '--access-logfile',
      '-',
      '--worker-class',
      'gthread',
      '--threads',
      '4',
    ]);
    expect(c.gracefulTimeoutSeconds).toBe(20);
    expect(c.scratchDirs).toEqual([{ name: 'shm', path: '/dev/shm', sizeLimit: '64Mi' }]);
  });

  test('uvicorn gets an explicit graceful-shutdown timeout (its default waits forever)', () => {
    const c = PythonServer.uvicorn({ app: 'api.main:app' }).bind(ctx(500, 512));
    expect(c.command).toEqual(['uvicorn', 'api.main:app', '--host', '0.0.0.0', '--port', '8000', '--timeout-graceful-shutdown', '30']);
  });

  test('django serves <project>.wsgi:application and sets DJANGO_SETTINGS_MODULE', () => {
    const c = PythonServer.django({ project: 'mysite', settingsModule: 'mysite.settings.prod' }).bind(ctx(500, 512));
    expect(c.command[1]).toBe('mysite.wsgi:application');
    expect(c.env.DJANGO_SETTINGS_MODULE).toBe('mysite.settings.prod');
  });

  test('a command keeps its argv; WEB_CONCURRENCY only when its concurrency model is named', () => {
    const plain = PythonServer.command({ command: ['python', '-m', 'myapp'] }).bind(ctx(1000, 1024));
    expect(plain.command).toEqual(['python', '-m', 'myapp']);
    expect(plain.env).toEqual({});
    const wsgi = PythonServer.command({ command: ['python', '-m', 'myapp'], concurrency: 'wsgi' }).bind(ctx(1000, 1024));
    expect(wsgi.env).toEqual({ WEB_CONCURRENCY: '3' });
  });

  test.each([
    [PythonServer.gunicorn({ app: 'app:app', workers: 0 }), 'server.workers'],
    [PythonServer.gunicorn({ app: 'app:app', gracefulTimeout: Duration.millis(1500) }), 'server.gracefulTimeout'],
    [PythonServer.gunicorn({ app: 'app:app', memoryPerWorker: 'big' }), 'server.memoryPerWorker'],
    [PythonServer.gunicorn({ app: 'app:app', threads: 0 }), 'server.threads'],
    [PythonServer.command({ command: [] }), 'server.command'],
    [PythonServer.django({ project: 'my site' }), 'server.project'],
  ])('rejects bad options (%#: %s)', (server, prop) => {
    expect(server.bind(ctx(500, 512)).issues.map((i) => i.prop)).toContain(prop);
  });
});
