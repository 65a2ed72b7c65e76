/**
 * The package as a user gets it: packs the library, checks what the tarball
 * holds, installs it into fresh folders outside the repository, runs every
 * cloud's starter with the README's install commands as written (`npx --yes
 * ../pyservice-k8s/pyservice-k8s-<version>.tgz init --cloud <cloud>`, then
 * `npm install && npm run synth` and `npm test`, no edit), validates the result
 * with the same schema and Pod Security checks as the example, and runs
 * `--version`, `--help`, `diff` and `history` from the installed package. Then
 * the lowest peer versions the package declares, and the Pulumi
 * entry point with and without its optional peers.
 *
 *   node --import tsx scripts/check-package.ts [--keep]
 *
 * Needs the npm registry (the starter installs cdk8s and its CLI). Prints one
 * line per check and ends with `packaging: N passed, M failed`; exits 1 on a failure.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { STARTER_CLOUDS } from '../src/starter';
import { restrictedViolations } from '../test/support/policies';
import { validateAll } from '../test/support/schema';

const ROOT = path.resolve(__dirname, '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PUBLIC_API = fs
  .readFileSync(path.join(ROOT, 'test', 'packaging', 'public-api.txt'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));

let passed = 0;
let failed = 0;

function check(name: string, body: () => string | void): void {
  try {
    const note = body();
    passed++;
    process.stdout.write(`ok      ${name}${note ? ` (${note})` : ''}\n`);
  } catch (e) {
    failed++;
    process.stdout.write(
      `FAILED  ${name}\n${String((e as Error).message ?? e)
        .split('\n')
        .map((l) => `        ${l}`)
        .join('\n')}\n`,
    );
  }
}

/** The shell's environment without the image overrides a CI shell may carry, so every run is the same. */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('IMAGE_')));

function sh(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: CLEAN_ENV });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${(err.stderr || err.stdout || err.message).trim().split('\n').slice(-25).join('\n')}`,
      { cause: e },
    );
  }
}

/**
 * The README's init command for a tarball packed in a clone, as words: the
 * install section's `npx --yes ../pyservice-k8s/pyservice-k8s-<version>.tgz init`,
 * with the version written as it is in the README.
 */
function readmeInitCommand(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const install = readme.slice(
    readme.indexOf('## Install into your repo'),
    readme.indexOf('\n## ', readme.indexOf('## Install into your repo') + 1),
  );
  const line = install.split('\n').find((l) => /^npx (--yes )?\.\.\/pyservice-k8s\/\S+\.tgz init\b/.test(l));
  if (!line) throw new Error("the README's install section has no `npx ../pyservice-k8s/<tarball> init` line");
  const words = line.replace(/#.*$/, '').trim().split(/\s+/);
  const expected = `../pyservice-k8s/${PKG.name}-${PKG.version}.tgz`;
  if (!words.includes(expected)) throw new Error(`the README installs ${words.join(' ')}; npm pack writes ${expected}`);
  return words;
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/** Every object under a synthesized folder, parsed. */
function objectsUnder(dir: string): any[] {
  return walk(dir)
    .filter(
      (f) =>
        f.endsWith('.yaml') &&
        !f.endsWith('kustomization.yaml') &&
        !f.includes(`${path.sep}container${path.sep}`) &&
        !f.includes(`${path.sep}gitops${path.sep}`),
    )
    .flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()));
}

const keep = process.argv.includes('--keep');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-package-'));
try {
  // 1. The tarball, where the README's install section has it: in the clone, beside the user's new folder.
  const clone = path.join(work, 'pyservice-k8s');
  fs.mkdirSync(clone);
  sh('npm', ['pack', '--silent', '--pack-destination', clone], ROOT);
  const tarballName = `${PKG.name}-${PKG.version}.tgz`;
  const tarball = path.join(clone, tarballName);
  const unpacked = path.join(work, 'unpacked');
  fs.mkdirSync(unpacked);
  sh('tar', ['-xzf', tarball, '-C', unpacked], work);
  const pkgDir = path.join(unpacked, 'package');
  const files = walk(pkgDir).map((f) => path.relative(pkgDir, f).split(path.sep).join('/'));

  check('the tarball holds lib/, the README, the license and package.json, and nothing else', () => {
    const stray = files.filter((f) => !/^lib\/.+\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
    if (stray.length > 0) throw new Error(`unexpected files: ${stray.join(', ')}`);
    const tests = files.filter((f) => /(^|\/)(test|bench|examples)\//.test(f) || /\.test\./.test(f));
    if (tests.length > 0) throw new Error(`test, bench or example files shipped: ${tests.join(', ')}`);
    for (const f of ['README.md', 'LICENSE']) if (!files.includes(f)) throw new Error(`${f} is missing`);
    return `${files.length} files, ${(fs.statSync(tarball).size / 1024).toFixed(0)} KiB`;
  });

  check('every entry point named in package.json exists in the tarball', () => {
    const named = [
      PKG.main,
      PKG.types,
      ...Object.values(PKG.bin ?? {}),
      ...Object.values(PKG.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e as object))),
    ].map((p) => String(p).replace(/^\.\//, ''));
    const missing = named.filter((p) => !files.includes(p));
    if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
  });

  check('every relative require() in lib/ resolves to a file in the tarball', () => {
    const missing: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(pkgDir, f), 'utf8');
      for (const m of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
        if (![`${target}.js`, `${target}/index.js`, target].some((t) => files.includes(t))) missing.push(`${f} -> ${m[1]}`);
      }
    }
    if (missing.length > 0) throw new Error(missing.join('\n'));
  });

  check('every package lib/ requires is declared (dependencies, peers; optional peers only in the Pulumi entry)', () => {
    const declared = new Set([...Object.keys(PKG.dependencies ?? {}), ...Object.keys(PKG.peerDependencies ?? {})]);
    const optional = new Set(
      Object.entries(PKG.peerDependenciesMeta ?? {})
        .filter(([, m]) => (m as { optional?: boolean }).optional)
        .map(([n]) => n),
    );
    const problems: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(pkgDir, f), 'utf8');
      for (const m of text.matchAll(/require\("([^."][^"]*)"\)/g)) {
        const spec = m[1];
        if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!declared.has(name)) problems.push(`${f} requires '${name}', which package.json does not declare`);
        else if (optional.has(name) && !f.startsWith('lib/src/pulumi/'))
          problems.push(`${f} requires the optional peer '${name}' outside the Pulumi entry point`);
      }
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  // 2. Every cloud's starter, from the tarball, with the README's commands as written (no --library, no edit).
  const starterDir = (cloud: string) => path.join(work, `starter-${cloud}`);
  const readmeInit = readmeInitCommand();
  for (const cloud of STARTER_CLOUDS) {
    const dir = starterDir(cloud);
    fs.mkdirSync(dir);
    check(`${readmeInit.join(' ')} --cloud ${cloud} (the README's command) writes a starter that depends on the tarball`, () => {
      sh(readmeInit[0], [...readmeInit.slice(1), '--cloud', cloud], dir);
      const written = fs.readdirSync(dir).sort();
      for (const f of ['.gitignore', 'README.md', 'cdk8s.yaml', 'main.ts', 'package.json', 'tsconfig.json']) {
        if (!written.includes(f)) throw new Error(`${f} was not written`);
      }
      if (!fs.readFileSync(path.join(dir, 'main.ts'), 'utf8').includes(`CloudProfile.${cloud}(`))
        throw new Error(`main.ts does not use CloudProfile.${cloud}()`);
      const dependency = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies[PKG.name];
      if (dependency !== `file:${fs.realpathSync(tarball)}`) throw new Error(`package.json depends on ${dependency}, not file:${tarball}`);
      return `${written.join(', ')}; ${PKG.name} ${dependency}`;
    });

    check(`the ${cloud} starter installs, synthesizes and passes its test with no edit (npm install && npm run synth, npm test)`, () => {
      sh('npm', ['install', '--no-audit', '--no-fund'], dir);
      // The synth says where its files went, on stderr, and not the cdk8s CLI's list of its copy.
      const synth = spawnSync('npm', ['run', 'synth'], { cwd: dir, encoding: 'utf8', env: CLEAN_ENV });
      const printed = `${synth.stdout}${synth.stderr}`;
      if (synth.status !== 0) throw new Error(`npm run synth failed:\n${printed}`);
      if (
        !/^Wrote dist\/: 2 targets, \d+ objects; each target's PLAN\.md says what it deploys\.$/m.test(printed) ||
        printed.includes('.cdk8s.out/')
      )
        throw new Error(`npm run synth printed:\n${printed}`);
      for (const env of ['staging', 'prod'])
        if (!fs.existsSync(path.join(dir, 'dist', env, 'PLAN.md'))) throw new Error(`dist/${env}/PLAN.md was not written`);
      sh('npm', ['test'], dir);
      return fs.readdirSync(path.join(dir, 'dist')).sort().join(', ');
    });

    check(`the ${cloud} starter's manifests pass the Kubernetes 1.28 schemas and the restricted Pod Security Standard`, () => {
      const objects = objectsUnder(path.join(dir, 'dist'));
      if (objects.length < 10) throw new Error(`only ${objects.length} objects were synthesized`);
      const errors = [...validateAll(objects), ...restrictedViolations(objects).map((v) => JSON.stringify(v))];
      if (errors.length > 0) throw new Error(errors.slice(0, 20).join('\n'));
      return `${objects.length} objects`;
    });
  }
  // The checks below use the default cloud's starter.
  const app = starterDir(STARTER_CLOUDS[0]);

  check('init refuses to overwrite, and writes nothing', () => {
    const before = fs.readFileSync(path.join(app, 'main.ts'), 'utf8');
    try {
      sh('npx', ['--yes', '--package', tarball, 'pyservice-k8s', 'init'], app);
    } catch (e) {
      if (!/already exist/.test((e as Error).message)) throw e;
      if (fs.readFileSync(path.join(app, 'main.ts'), 'utf8') !== before) throw new Error('main.ts changed', { cause: e });
      return;
    }
    throw new Error('a second init succeeded');
  });

  check('init run from a project that installed the tarball depends on that tarball too (its lock file says where it came from)', () => {
    const next = path.join(work, 'second-service');
    fs.mkdirSync(next);
    sh('node', [path.join(app, 'node_modules', PKG.name, PKG.bin[PKG.name]), 'init'], next);
    const dependency = JSON.parse(fs.readFileSync(path.join(next, 'package.json'), 'utf8')).dependencies[PKG.name];
    if (dependency !== `file:${fs.realpathSync(tarball)}`) throw new Error(`package.json depends on ${dependency}, not file:${tarball}`);
    return dependency;
  });

  check('npx pyservice-k8s --version, --help and help diff, from the installed package', () => {
    const version = sh('npx', ['pyservice-k8s', '--version'], app).trim();
    if (version !== PKG.version) throw new Error(`--version printed "${version}", not ${PKG.version}`);
    const help = sh('npx', ['pyservice-k8s', '--help'], app);
    const missing = ['init', 'synth', 'diff', 'history', 'Exit codes:'].filter((w) => !help.includes(w));
    if (missing.length > 0) throw new Error(`--help does not mention ${missing.join(', ')}:\n${help}`);
    if (!sh('npx', ['pyservice-k8s', 'help', 'diff'], app).includes('--exit-code'))
      throw new Error('help diff does not document --exit-code');
  });

  check('npx pyservice-k8s diff: nothing after a synth; after an edit, the field it moves; dist/ untouched', () => {
    const same = sh('npx', ['pyservice-k8s', 'diff', '--exit-code'], app);
    if (!/^No differences in \d+ folders\.$/m.test(same)) throw new Error(`unexpected output:\n${same}`);
    const main = path.join(app, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    const stamp = fs.statSync(path.join(app, 'dist', 'prod', 'deployment-api.yaml')).mtimeMs;
    fs.writeFileSync(main, good.replace('max: 10 }', 'max: 12 }'));
    try {
      execFileSync('npx', ['pyservice-k8s', 'diff', '--exit-code'], {
        cwd: app,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: CLEAN_ENV,
      });
      throw new Error('diff --exit-code exited 0 after an edit');
    } catch (e) {
      const { status, stdout } = e as { status?: number; stdout?: string };
      if (status !== 1 || !stdout?.includes('  ~ HorizontalPodAutoscaler api/api\n      spec.maxReplicas: 10 → 12\n')) {
        throw new Error(`expected exit 1 and the HPA's maxReplicas; got ${status}:\n${stdout ?? (e as Error).message}`, { cause: e });
      }
    } finally {
      fs.writeFileSync(main, good);
    }
    if (fs.statSync(path.join(app, 'dist', 'prod', 'deployment-api.yaml')).mtimeMs !== stamp) throw new Error('dist/ was rewritten');
  });

  check('kubectl get ... -o json | npx pyservice-k8s history dist/prod: the kept objects nothing needs, from stdin', () => {
    const kept = { 'pyservice.dev/release-history': 'true' };
    const deployment = objectsUnder(path.join(app, 'dist', 'prod')).find((o) => o.kind === 'Deployment');
    if (!deployment) throw new Error('dist/prod holds no Deployment');
    const live = {
      kind: 'List',
      items: [
        { kind: 'Job', metadata: { name: 'migrate-old', labels: kept }, status: { succeeded: 1 } },
        // Kept, but the target's folder holds it: it stays.
        { kind: deployment.kind, metadata: { name: deployment.metadata.name, labels: kept } },
      ],
    };
    const history = (input: string) =>
      execFileSync('npx', ['pyservice-k8s', 'history', 'dist/prod'], {
        cwd: app,
        encoding: 'utf8',
        input,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: CLEAN_ENV,
      });
    const printed = history(JSON.stringify(live));
    if (printed !== 'job/migrate-old\n') throw new Error(`expected job/migrate-old only; got:\n${printed}`);
    try {
      history('');
    } catch (e) {
      const { status, stderr } = e as { status?: number; stderr?: string };
      if (status !== 2 || !stderr?.includes('history reads a List from stdin'))
        throw new Error(`expected exit 2 and what to pipe; got ${status}:\n${stderr}`, { cause: e });
      return;
    }
    throw new Error('history succeeded with nothing on stdin');
  });

  check("a bad prop fails the starter's synth with the construct path, and writes nothing", () => {
    const main = path.join(app, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    const stamp = fs.statSync(path.join(app, 'dist', 'prod', 'deployment-api.yaml')).mtimeMs;
    fs.writeFileSync(main, good.replace("'ghcr.io/acme/api:0.1.0'", "'ghcr.io/acme/api:latest'"));
    try {
      sh('npm', ['run', 'synth'], app);
      throw new Error('the synth succeeded with a :latest image');
    } catch (e) {
      const message = (e as Error).message;
      if (!/\[staging, prod\] \[api\/api\] 'image' must not use the mutable tag ':latest'/.test(message))
        throw new Error(`unexpected output:\n${message}`, { cause: e });
      if (/\n\s+at /.test(message)) throw new Error(`a stack trace was printed:\n${message}`, { cause: e });
    } finally {
      fs.writeFileSync(main, good);
    }
    if (fs.statSync(path.join(app, 'dist', 'prod', 'deployment-api.yaml')).mtimeMs !== stamp) throw new Error('dist/ was rewritten');
  });

  check('the public API at runtime is the documented one (test/packaging/public-api.txt)', () => {
    const script = 'const api = require("pyservice-k8s"); console.log(JSON.stringify(Object.keys(api).sort()))';
    const runtime = JSON.parse(sh('node', ['-e', script], app)) as string[];
    const expected = PUBLIC_API.filter((l) => l.startsWith('value '))
      .map((l) => l.slice(6))
      .sort();
    const missing = expected.filter((n) => !runtime.includes(n));
    const extra = runtime.filter((n) => !expected.includes(n));
    if (missing.length + extra.length > 0)
      throw new Error(`missing: ${missing.join(', ') || '-'}; not documented: ${extra.join(', ') || '-'}`);
    return `${runtime.length} values`;
  });

  check('internal modules cannot be imported (the exports map hides lib/)', () => {
    try {
      sh('node', ['-e', 'require("pyservice-k8s/lib/constructs/core/validation")'], app);
    } catch (e) {
      if (/ERR_PACKAGE_PATH_NOT_EXPORTED/.test((e as Error).message)) return;
      throw e;
    }
    throw new Error('a deep import succeeded');
  });

  check('pyservice-k8s/pulumi without the optional Pulumi peers fails with a clear missing-module error', () => {
    try {
      sh('node', ['-e', 'require("pyservice-k8s/pulumi")'], app);
    } catch (e) {
      if (/Cannot find module '@pulumi\/(pulumi|kubernetes)'/.test((e as Error).message)) return;
      throw e;
    }
    throw new Error('the Pulumi entry point loaded without @pulumi/pulumi installed');
  });

  check('pyservice-k8s/pulumi loads once its peers are installed, and type-checks', () => {
    const peers = ['@pulumi/pulumi', '@pulumi/kubernetes'].map((p) => `${p}@${PKG.devDependencies[p]}`);
    sh('npm', ['install', '--no-audit', '--no-fund', ...peers], app);
    const names = sh('node', ['-e', 'console.log(Object.keys(require("pyservice-k8s/pulumi")).sort().join(","))'], app).trim();
    for (const n of ['Cdk8sComponent', 'PythonMicroserviceComponent'])
      if (!names.split(',').includes(n)) throw new Error(`${n} is not exported: ${names}`);
    fs.writeFileSync(
      path.join(app, 'pulumi-check.ts'),
      "import { Cdk8sComponent, PythonMicroserviceComponent } from 'pyservice-k8s/pulumi';\nexport const types = [Cdk8sComponent, PythonMicroserviceComponent];\n",
    );
    sh('npx', ['tsc', '--noEmit'], app);
    return names;
  });

  // 3. The lowest versions the peer ranges allow.
  check('the starter works with the lowest declared peer versions', () => {
    const low = path.join(work, 'lowest');
    fs.mkdirSync(low);
    for (const f of ['main.ts', 'cdk8s.yaml', 'tsconfig.json', 'package.json']) fs.copyFileSync(path.join(app, f), path.join(low, f));
    const pkg = JSON.parse(fs.readFileSync(path.join(low, 'package.json'), 'utf8'));
    for (const peer of ['cdk8s', 'cdk8s-plus-28', 'constructs'])
      pkg.dependencies[peer] = String(PKG.peerDependencies[peer]).replace(/^\^/, '');
    fs.writeFileSync(path.join(low, 'package.json'), JSON.stringify(pkg, null, 2));
    sh('npm', ['install', '--no-audit', '--no-fund'], low);
    sh('npm', ['test'], low);
    const objects = objectsUnder(path.join(low, 'dist'));
    const errors = validateAll(objects);
    if (errors.length > 0) throw new Error(errors.slice(0, 10).join('\n'));
    return ['cdk8s', 'cdk8s-plus-28', 'constructs'].map((p) => `${p}@${pkg.dependencies[p]}`).join(', ');
  });
} catch (e) {
  failed++;
  process.stdout.write(`FAILED  the packaging check could not run: ${(e as Error).message}\n`);
} finally {
  if (keep) process.stdout.write(`kept ${work}\n`);
  else fs.rmSync(work, { recursive: true, force: true });
}

process.stdout.write(`packaging: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
