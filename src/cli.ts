#!/usr/bin/env node
/**
 * The command line: `pyservice-k8s init`, `synth`, `diff` and `history`, with
 * `--help`, `help <command>`, `--version`, and the exit codes of
 * {@link ExitCode}. The commands' help is in `cli/help.ts`.
 */
import { UsageError, didYouMean } from './cli/args';
import { ExitCode, commandHelp, helpOf, overview } from './cli/help';
import { runSynth } from './cli/synth';
import { STARTER_CLOUDS } from './starter';

type Print = (text: string) => void;
type Command = keyof ReturnType<typeof commandHelp>;

const COMMANDS = Object.keys(commandHelp(STARTER_CLOUDS)) as Command[];
const isCommand = (word: string | undefined): word is Command => COMMANDS.includes(word as Command);
const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

/**
 * Runs the command line; resolves to the exit code. `stdin` reads the standard
 * input for `history` (default: the process's). Each command's module is loaded
 * when it runs, so that a synth loads only what it uses.
 */
export async function run(argv: readonly string[], cwd: string, out: Print, err: Print, stdin?: () => Promise<string>): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--help' || command === '-h') {
      out(overview(STARTER_CLOUDS));
      return ExitCode.OK;
    }
    if (command === '--version') {
      out(`${(await import('./cli/init')).ownPackage().version}\n`);
      return ExitCode.OK;
    }
    if (command === undefined) throw new UsageError('A command is missing.');
    if (command === 'help') {
      const [topic, ...extra] = rest;
      if (topic === undefined) out(overview(STARTER_CLOUDS));
      else if (!isCommand(topic) || extra.length > 0)
        throw new UsageError(
          `"help" takes one command: ${COMMANDS.join(', ')}; received "${rest.join(' ')}".${didYouMean(topic, COMMANDS)}`,
        );
      else out(helpOf(topic, STARTER_CLOUDS));
      return ExitCode.OK;
    }
    if (!isCommand(command)) {
      throw new UsageError(
        command.startsWith('-')
          ? `Unknown option "${command}".${didYouMean(command, ['--help', '--version'])}`
          : `Unknown command "${command}".${didYouMean(command, [...COMMANDS, 'help'])}`,
      );
    }
    // synth passes its options to cdk8s synth, so its own help is only asked for first.
    if (command === 'synth' ? rest[0] === '--help' || rest[0] === '-h' : wantsHelp(rest)) {
      out(helpOf(command, STARTER_CLOUDS));
      return ExitCode.OK;
    }
    switch (command) {
      case 'init':
        return (await import('./cli/init')).init(rest, cwd, out, err);
      case 'synth':
        return await runSynth(cwd, err, { args: rest, out });
      case 'diff':
        return await (await import('./cli/diff')).diff(rest, cwd, out, err);
      case 'history': {
        const { history, readStdin } = await import('./cli/history');
        return await history(rest, cwd, out, stdin ?? readStdin);
      }
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const help = isCommand(command) ? `pyservice-k8s help ${command}` : 'pyservice-k8s --help';
    err(`${e.message}\nSee: ${help}\n`);
    return ExitCode.USAGE;
  }
}

if (require.main === module) {
  void run(
    process.argv.slice(2),
    process.cwd(),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  ).then((code) => {
    process.exitCode = code;
  });
}
