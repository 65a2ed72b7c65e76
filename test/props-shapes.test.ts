import * as path from 'path';
import * as ts from 'typescript';
import { EXPLAINED_KEYS, PROP_SHAPES, PropShape } from '../constructs/props';
import { AKS_OPTIONS_SHAPE } from '../constructs/profiles/aks';
import { EKS_OPTIONS_SHAPE } from '../constructs/profiles/eks';
import { GKE_OPTIONS_SHAPE } from '../constructs/profiles/gke';

/** Each cloud's options: checked in the profile's own file. */
const PROFILE_SHAPES: Record<string, PropShape> = { EksProfileOptions: EKS_OPTIONS_SHAPE, GkeProfileOptions: GKE_OPTIONS_SHAPE, AksProfileOptions: AKS_OPTIONS_SHAPE };

const ROOT = path.resolve(__dirname, '..');
const file = path.join(ROOT, 'src', 'index.ts');
const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
const checker = program.getTypeChecker();
const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((s) => [s.name, s]));

/** The property names of an exported interface, and of its nested props interfaces by property. */
function keysOf(type: ts.Type): { keys: string[]; nested: Map<string, ts.Type> } {
  const nested = new Map<string, ts.Type>();
  const keys = checker.getPropertiesOfType(type).map((p) => {
    const t = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration!));
    if (t.isClassOrInterface() || (t.flags & ts.TypeFlags.Object && checker.getPropertiesOfType(t).length > 0 && !checker.isArrayType(t))) nested.set(p.name, t);
    return p.name;
  });
  return { keys: keys.sort(), nested };
}

function compare(name: string, shape: PropShape, type: ts.Type, extra: readonly string[] = []): void {
  const { keys, nested } = keysOf(type);
  expect({ name, keys: Object.keys(shape).filter((k) => !extra.includes(k)).sort() }).toEqual({ name, keys });
  for (const [key, spec] of Object.entries(shape)) {
    if (typeof spec !== 'string' && nested.has(key)) compare(`${name}.${key}`, spec, nested.get(key)!);
  }
}

describe('the runtime shapes of the props match their TypeScript interfaces', () => {
  const all: Record<string, PropShape> = { ...PROP_SHAPES, ...PROFILE_SHAPES };
  test.each(Object.keys(all))('%s', (name) => {
    const symbol = exported.get(name)!;
    expect(symbol).toBeDefined();
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    compare(name, all[name], checker.getDeclaredTypeOfSymbol(target), EXPLAINED_KEYS[name]);
  });
});
