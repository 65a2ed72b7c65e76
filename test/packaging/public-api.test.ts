import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every name src/index.ts exports, as `value <name>` or `type <name>`, sorted. */
function exportedNames(): string[] {
  const file = path.join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker
    .getExportsOfModule(module)
    .map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return `${target.flags & ts.SymbolFlags.Value ? 'value' : 'type'} ${s.name}`;
    })
    .sort();
}

describe('the public API', () => {
  const documented = fs
    .readFileSync(path.join(__dirname, 'public-api.txt'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  const exported = exportedNames();

  test('src/index.ts exports exactly the names listed in test/packaging/public-api.txt', () => {
    expect(exported).toEqual(documented);
  });

  test('exports constructs, value objects and the app kit, but no internal helper', () => {
    for (const name of [
      'PythonMicroservice',
      'PythonWorker',
      'PyserviceApp',
      'Target',
      'CloudProfile',
      'PythonServer',
      'ValidationError',
    ]) {
      expect(exported).toContain(`value ${name}`);
    }
    for (const internal of [
      'buildPodTemplate',
      'resolveHealth',
      'resolvePodSetup',
      'IssueCollector',
      'checkShape',
      'render',
      'publish',
      'RUN_AS_UID',
    ]) {
      expect(exported.some((e) => e.endsWith(` ${internal}`))).toBe(false);
    }
  });

  test("exports the algorithms profiles share, for a profile of one's own cluster", () => {
    for (const name of [
      'neutralOutput',
      'neutralIngress',
      'nodePlacement',
      'secretBackendOf',
      'prometheusOperatorMonitor',
      'foreignScaler',
    ]) {
      expect(exported).toContain(`value ${name}`);
    }
  });

  test('the Pulumi components are not in the main entry point (they need the optional Pulumi peers)', () => {
    expect(exported.some((e) => /Cdk8sComponent|PythonMicroserviceComponent/.test(e))).toBe(false);
    const index = fs.readFileSync(path.join(ROOT, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/from '\.\/pulumi/);
  });
});
