/** Command-line options: parsing, and the usage errors a user can act on ("did you mean"). */
import { closest } from '../../constructs/core/spelling';

/** A mistake in the command line: an unknown command or option, a missing or bad value. */
export class UsageError extends Error {}

/** How an option is written. */
export interface OptionSpec {
  /** How many values follow it: 0 for a switch. */
  readonly values: 0 | 1 | 2;
  /** Whether it may be given more than once. */
  readonly repeatable?: boolean;
}

/** The options given, by name without dashes; each occurrence's values, in order. */
export type ParsedOptions = ReadonlyMap<string, ReadonlyArray<readonly string[]>>;

/** The operands a command takes besides its options, e.g. history's target folder. */
export interface OperandSpec {
  /** How the help writes it, e.g. `<target folder>`. */
  readonly name: string;
  /** How many may be given. */
  readonly max: number;
}

/** A command line: the options given, and the operands in order. */
export interface ParsedArguments {
  readonly options: ParsedOptions;
  readonly operands: readonly string[];
}

/** "Did you mean" for `word` among `known`, or ''. */
export function didYouMean(word: string, known: readonly string[]): string {
  const near = closest(word, known);
  return near === undefined ? '' : ` Did you mean "${near}"?`;
}

/**
 * Parses `--name value`, `--name=value` (one value) and `--name a b` (two
 * values) against `spec`; anything else is a {@link UsageError} naming the
 * closest option.
 */
export function parseOptions(command: string, argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedOptions {
  return parseArguments(command, argv, spec).options;
}

/**
 * Parses options as {@link parseOptions} does; a word that does not start with
 * `-` is an operand when the command takes `operands`, up to their `max`.
 */
export function parseArguments(
  command: string,
  argv: readonly string[],
  spec: Readonly<Record<string, OptionSpec>>,
  operands?: OperandSpec,
): ParsedArguments {
  const parsed = new Map<string, string[][]>();
  const given: string[] = [];
  const known = Object.keys(spec).map((n) => `--${n}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m && operands && !arg.startsWith('-')) {
      given.push(arg);
      continue;
    }
    if (!m) {
      throw new UsageError(
        arg.startsWith('-')
          ? `Unknown option "${arg}" for ${command}.${didYouMean(arg, known)}`
          : `Unexpected argument "${arg}" for ${command}: options start with --.${didYouMean(`--${arg}`, known)}`,
      );
    }
    const [, name, inline] = m;
    const option = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!option) throw new UsageError(`Unknown option "--${name}" for ${command}.${didYouMean(`--${name}`, known)}`);
    if (parsed.has(name) && !option.repeatable) throw new UsageError(`"--${name}" is given twice; give it once.`);
    let values: string[];
    if (option.values === 0) {
      if (inline !== undefined) throw new UsageError(`"--${name}" takes no value; received "${inline}".`);
      values = [];
    } else if (inline !== undefined && option.values === 1) {
      values = [inline];
    } else {
      values = argv.slice(i + 1, i + 1 + option.values);
      if (inline !== undefined || values.length < option.values || values.some((v) => v.startsWith('--'))) {
        throw new UsageError(
          `"--${name}" needs ${option.values === 1 ? 'a value' : `${option.values} values`}, e.g. ${EXAMPLE_VALUES[option.values](name)}.`,
        );
      }
      i += option.values;
    }
    parsed.set(name, [...(parsed.get(name) ?? []), values]);
  }
  if (operands && given.length > operands.max) {
    throw new UsageError(
      `${command} takes at most ${operands.max === 1 ? 'one' : operands.max} ${operands.name}; received ${given.map((g) => `"${g}"`).join(', ')}.`,
    );
  }
  return { options: parsed, operands: given };
}

const EXAMPLE_VALUES: Record<1 | 2, (name: string) => string> = {
  1: (name) => `--${name} <value>`,
  2: (name) => `--${name} <first> <second>`,
};
