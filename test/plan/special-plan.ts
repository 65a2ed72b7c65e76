/** A plan whose names hold Mermaid's special characters: quotes, hashes, angle brackets, brackets and a pipe. */
import { Plan } from '../../src/plan/model';

export const SPECIAL_CHARACTERS: Plan = {
  target: 'x',
  outdir: 'dist',
  objectCount: 1,
  kinds: [['CronJob', 1]],
  namespaces: ['ns'],
  stores: [],
  warnings: [],
  workloads: [
    {
      name: 'say "hi" #1 <b>',
      namespace: 'ns',
      kind: 'CronJob',
      objectName: 'x',
      images: ['img:1'],
      replicas: { text: '*/5 * * * * (a|b)' },
      resources: 'none set',
      services: [],
      storage: [],
      routes: [{ via: 'Ingress x', addresses: ['http://h/a"b'] }],
      callers: [],
      secrets: [],
      queues: [{ type: 'redis', name: 'q]"[' }],
      waitsFor: [],
      awaitedBy: [],
    },
  ],
};
