/** What `pyservice-k8s --help` and `pyservice-k8s help <command>` print. */
import { HISTORY_KINDS } from '../history';

/** The exit codes of every command. */
export enum ExitCode {
  /** Success; for diff: no difference, or differences without --exit-code. */
  OK = 0,
  /** diff --exit-code found a difference. */
  DIFFERENCES = 1,
  /** The command line is wrong: an unknown command or option, a missing or bad value; for history, no kubectl List on stdin. */
  USAGE = 2,
  /** The synth failed: the app reported errors (printed above) or crashed. */
  SYNTH_FAILED = 3,
  /** The command could not run: a file init would overwrite, no app in cdk8s.yaml, no cdk8s CLI where needed, git failed, the app wrote nothing. */
  FAILED = 4,
}

const EXIT_CODES = `Exit codes:
  0  success; for diff: no difference, or differences without --exit-code
  1  diff --exit-code: there are differences
  2  usage error: an unknown command or option, a missing or bad value
     (a target, git revision or folder that does not exist); for history,
     no kubectl List on stdin
  3  the synth failed: the app reported errors (printed above) or crashed
  4  the command could not run: init would overwrite a file, cdk8s.yaml
     names no app, the cdk8s CLI is missing for a synth that needs it, git
     failed, or the app wrote nothing
`;

/** One command's help. */
interface CommandHelp {
  /** One line for the command list. */
  readonly summary: string;
  /** The full text of `help <command>`. */
  readonly text: string;
}

/** The commands, in the order the overview lists them. */
export function commandHelp(clouds: readonly string[]): Record<'init' | 'synth' | 'diff' | 'history', CommandHelp> {
  return {
    init: {
      summary: 'write a cdk8s app for one Python service into the current folder',
      text: `Usage: pyservice-k8s init [--cloud ${clouds.join('|')}] [--name <npm name>] [--library <version spec>]

Writes a cdk8s app that deploys one Python service to two environments
(package.json, cdk8s.yaml, tsconfig.json, main.ts, .gitignore, README.md) into
the current folder. It never overwrites a file: when any of them exists, it
writes none. Then: npm install && npm run synth

The new package.json depends on the pyservice-k8s that init runs from: the
tarball of npx ./pyservice-k8s-<version>.tgz init (file:<its absolute path>),
the folder of npx /path/to/pyservice-k8s init (file:<folder>), or ^<version>
when it came from the npm registry.

Options:
  --cloud <cloud>           the cloud profile to start from (default: ${clouds[0]})
  --name <npm name>         the package name (default: the folder's name)
  --library <version spec>  the pyservice-k8s dependency to write instead, e.g.
                            ^0.1.0 or file:../pyservice-k8s-0.1.0.tgz
  -h, --help                show this help
`,
    },
    synth: {
      summary: 'synthesize the app into its output folder (the app of cdk8s.yaml)',
      text: `Usage: pyservice-k8s synth [cdk8s synth options]

Runs the app named in cdk8s.yaml as cdk8s synth runs it: the output folder
(--output, else output: in cdk8s.yaml, else dist) is emptied, then the app
runs with CDK8S_OUTDIR set. When the app rejects its input it has printed
every error with its construct path. --app, --output and --[no-]validate are
understood; other options (--stdout, --format helm, ...), and validation
plugins in cdk8s.yaml, hand the synth to the project's cdk8s CLI (see
npx cdk8s synth --help).

Options:
  -h, --help  show this help
`,
    },
    diff: {
      summary: 'show what a synth would change, object by object, or how two targets differ',
      text: `Usage: pyservice-k8s diff [--base <git rev>] [--dir <folder>] [--ignore <field>]... [--exit-code]
       pyservice-k8s diff --targets <target> <target> [--ignore <field>]... [--exit-code]

Synthesizes the app into a temporary folder (the output folder is not touched)
and compares it with the committed output folder, folder by folder (one per
target: staging, prod/east...). Objects are matched by kind, namespace and name,
whatever their files are called; for each one that changed, the fields that
moved are listed as paths, with list elements named by their name
(containers[app].image). An object whose name holds a content hash (a
ConfigMap, a migration Job and its wait Role) and changed is shown as replaced
(-/+); one of the release history is said to be kept in the cluster (see
pyservice-k8s help history). A label or annotation that moved the same way on
several objects is said once.

With --targets, compares two targets of the fresh synth instead, e.g. what
prod runs that staging does not.

Options:
  --base <git rev>        compare with the output folder at this revision
                          (default: the working tree's)
  --dir <folder>          the committed output folder (default: dist)
  --targets <a> <b>       compare target folder a with target folder b, e.g.
                          --targets staging prod
  --ignore <field>        leave out a field path and what is under it; * is one
                          segment, ** any number, e.g. --ignore 'spec.rules[*].host'
                          or --ignore 'metadata.annotations'; repeatable
  --exit-code             exit 1 when there is a difference (for a pull request check)
  -h, --help              show this help

Output:
  <folder>: counts
    + Kind namespace/name        added
    - Kind namespace/name        removed
    ~ Kind namespace/name        changed, then one line per field: path: old → new
    -/+ Kind ns/old → ns/new     replaced (a new name from a content hash)
`,
    },
    history: {
      summary: 'list the kept release history that nothing needs any more, for kubectl delete',
      text: `Usage: pyservice-k8s history [<target folder>]

  kubectl get ${HISTORY_KINDS} -n <ns> -o json \\
    | pyservice-k8s history dist/prod/east | xargs -r kubectl delete -n <ns>

Reads the namespace's live objects, a kubectl List, on stdin. Of the release
history kept in the cluster (the migration Jobs, their wait Roles and
RoleBindings, the content-hashed ConfigMaps of earlier versions, which no
delivery engine prunes), prints those that no Deployment, ReplicaSet, CronJob,
running Job or pod names any more, one kind/name a line, sorted; nothing when
everything is still needed. A wait Role or RoleBinding goes with its Job.

Arguments:
  <target folder>  the target's synthesized folder, e.g. dist/prod/east; what
                   it holds stays, whatever the cluster runs (a migration Job
                   deleted while git still holds it would be re-created and run
                   again)

Options:
  -h, --help  show this help
`,
    },
  };
}

/** The overview: commands, global options, exit codes. */
export function overview(clouds: readonly string[]): string {
  const commands = commandHelp(clouds);
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return `Usage: pyservice-k8s <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}
  ${'help'.padEnd(width)}  show the help of a command: pyservice-k8s help <command>

Options:
  -h, --help  show this help (pyservice-k8s <command> --help: the command's)
  --version   print the version of pyservice-k8s

${EXIT_CODES}`;
}

/** The help of one command, with the exit codes. */
export function helpOf(command: keyof ReturnType<typeof commandHelp>, clouds: readonly string[]): string {
  return `${commandHelp(clouds)[command].text}\n${EXIT_CODES}`;
}
