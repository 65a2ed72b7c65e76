/**
 * The diff on a real change: the same app in two versions, rendered in memory
 * by the app kit, differing by one image tag, one replica count and one added
 * worker. The report must name exactly those changes and what follows from
 * them, and nothing else.
 */
import { parse } from 'yaml';
import { formatReport } from '../../src/diff/report';
import { diffTrees } from '../../src/diff/tree';
import { V1, V2, releaseApp } from './release-app';

const OLD_IMAGE = 'ghcr.io/acme/orders:1.4.2';
const NEW_IMAGE = 'ghcr.io/acme/orders:1.4.3';

/** A report, parsed back: per folder, its header and each item line with its field lines. */
function parseReport(report: string) {
  const folders = new Map<string, { header: string; shared: string[]; items: Array<{ line: string; fields: string[] }> }>();
  let folder: { header: string; shared: string[]; items: Array<{ line: string; fields: string[] }> } | undefined;
  for (const line of report.trimEnd().split('\n')) {
    const top = /^(dist\/\S+): (.*)$/.exec(line);
    if (top) {
      folder = { header: top[2], shared: [], items: [] };
      folders.set(top[1], folder);
    } else if (/^ {2}~ (label|annotation) /.test(line) || /^ {4}\(for \d+ of them, the only change\)$/.test(line)) {
      folder!.shared.push(line.trim());
    } else if (/^ {2}\S/.test(line)) {
      folder!.items.push({ line: line.trim(), fields: [] });
    } else if (/^ {6}\S/.test(line)) {
      folder!.items[folder!.items.length - 1].fields.push(line.trim());
    } else {
      expect(line).toMatch(/^Differences: /);
    }
  }
  return folders;
}

describe('pyservice-k8s diff on a release: one image tag, one replica count, one added worker', () => {
  // GIVEN two versions of one app
  const before = releaseApp(V1).render();
  const after = releaseApp(V2).render();
  // WHEN they are compared
  const report = formatReport(diffTrees(before.files, after.files), { prefix: 'dist/' });
  const folders = parseReport(report);
  /** The migration Job's name in a rendering (it ends in a hash of its pod template). */
  const jobName = (files: Map<string, string>, env: string) =>
    [...files.keys()].find((f) => f.startsWith(`${env}/job-orders-migrate-`))!.replace(/^.*\/job-|\.yaml$/g, '');
  /** The objects of the added worker, as the report labels them. */
  const mailerObjects = (env: string) =>
    [...after.files]
      .filter(([f]) => f.startsWith(`${env}/`) && f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))
      .map(([f, text]) => [f, parse(text)] as const)
      .filter(([, o]) => o.metadata.name === 'orders-mailer')
      .map(([f, o]) => `+ ${o.kind} shop/orders-mailer  (${f.slice(env.length + 1)})`)
      .sort();

  test('both renderings are valid, and only the two target folders are compared', () => {
    expect([before.errors, after.errors]).toEqual([[], []]);
    expect([...folders.keys()]).toEqual(['dist/prod', 'dist/staging']);
    const added = mailerObjects('staging').length + mailerObjects('prod').length;
    // The migration Job, its wait Role and RoleBinding (named after the Job), in each folder.
    expect(report.trimEnd().split('\n').pop()).toMatch(
      new RegExp(`^Differences: ${added} added, 6 replaced, \\d+ changed, in 2 of 2 folders\\.$`),
    );
  });

  test.each(['staging', 'prod'])("%s: the added worker's objects are added, and nothing is removed", (env) => {
    const items = folders.get(`dist/${env}`)!.items;
    expect(mailerObjects(env).length).toBeGreaterThanOrEqual(1);
    expect(items.filter((i) => i.line.startsWith('+ ')).map((i) => i.line)).toEqual(mailerObjects(env));
    expect(items.filter((i) => i.line.startsWith('- '))).toEqual([]);
  });

  test.each(['staging', 'prod'])(
    '%s: the migration Job and its wait Role and RoleBinding are replaced under new names, the old ones kept, and it says so',
    (env) => {
      const [oldJob, newJob] = [jobName(before.files, env), jobName(after.files, env)];
      expect(oldJob).not.toBe(newJob);
      const replaced = folders.get(`dist/${env}`)!.items.filter((i) => i.line.startsWith('-/+ '));
      const kept = (kind: string) =>
        `(replaced: the name holds a hash of the content, so a new ${kind} is created and the old one kept as release history)`;
      expect(replaced.map((i) => i.line)).toEqual([
        `-/+ Job shop/${oldJob} → shop/${newJob} ${kept('Job')}`,
        `-/+ Role shop/${oldJob}-wait → shop/${newJob}-wait ${kept('Role')}`,
        `-/+ RoleBinding shop/${oldJob}-wait → shop/${newJob}-wait ${kept('RoleBinding')}`,
      ]);
      expect(replaced[0].fields).toEqual([`spec.template.spec.containers[app].image: ${OLD_IMAGE} → ${NEW_IMAGE}`]);
    },
  );

  test.each(['staging', 'prod'])('%s: every workload of the image shows the image field, matched by container name', (env) => {
    const items = folders.get(`dist/${env}`)!.items;
    for (const workload of ['Deployment shop/orders-api', 'Deployment shop/orders-worker']) {
      const item = items.find((i) => i.line === `~ ${workload}`);
      expect(item?.fields).toContain(`spec.template.spec.containers[app].image: ${OLD_IMAGE} → ${NEW_IMAGE}`);
    }
  });

  test('the replica count moves in prod only', () => {
    const api = (env: string) => folders.get(`dist/${env}`)!.items.find((i) => i.line === '~ Deployment shop/orders-api')!.fields;
    expect(api('prod').filter((f) => f.startsWith('spec.replicas'))).toEqual(['spec.replicas: 2 → 3']);
    expect(api('staging').filter((f) => f.startsWith('spec.replicas'))).toEqual([]);
  });

  test('the version label that follows the tag is said once per folder, not once per object', () => {
    for (const env of ['staging', 'prod']) {
      const { shared } = folders.get(`dist/${env}`)!;
      expect(shared[0]).toMatch(/^~ label app\.kubernetes\.io\/version: 1\.4\.2 → 1\.4\.3, on \d+ objects$/);
      expect(report).not.toMatch(/^ {6}\S*labels\["app\.kubernetes\.io\/version"\]/m);
    }
  });

  test.each(['staging', 'prod'])(
    '%s: nothing else moved: every other field line is the image, the replicas, or a reference to the new Job or files',
    (env) => {
      const [oldJob, newJob] = [jobName(before.files, env), jobName(after.files, env)];
      const added = mailerObjects(env).map((l) => l.replace(/^.*\((.*)\)$/, '$1'));
      const allowed = (field: string) =>
        (field === `${field.split(': ')[0]}: ${OLD_IMAGE} → ${NEW_IMAGE}` && field.split(': ')[0].endsWith('.image')) ||
        (env === 'prod' && field === 'spec.replicas: 2 → 3') ||
        // References to the Job by name: the pods wait for it, the Role lets them read it, the RoleBinding names the Role.
        field.endsWith(`: ${oldJob} → ${newJob}`) ||
        field.endsWith(`: [ ${oldJob} ] → [ ${newJob} ]`) ||
        field.endsWith(`: ${oldJob}-wait → ${newJob}-wait`) ||
        // The kustomization lists the files: the worker's, and the new ones of the Job and its wait Role and RoleBinding.
        ['job', 'role', 'rolebinding'].some((k) =>
          field.endsWith(`: ${k}-${oldJob}${k === 'job' ? '' : '-wait'}.yaml → ${k}-${newJob}${k === 'job' ? '' : '-wait'}.yaml`),
        ) ||
        added.some((file) => field.endsWith(`: (absent) → ${file}`));
      const items = folders.get(`dist/${env}`)!.items;
      const unexpected = items.flatMap((i) => i.fields.filter((f) => !allowed(f)).map((f) => `${i.line}: ${f}`));
      expect(unexpected).toEqual([]);
      // Each changed item has a reason to be there (the others, e.g. the Role the pods read the Job with, only reference the Job).
      expect(items.filter((i) => i.line.startsWith('~ ') && i.fields.length === 0)).toEqual([]);
      expect(items.filter((i) => i.line.startsWith('~ ')).map((i) => i.line)).toEqual(
        expect.arrayContaining(['~ Deployment shop/orders-api', '~ Deployment shop/orders-worker', '~ kustomization.yaml']),
      );
    },
  );
});
