/**
 * A small Dockerfile linter for the rules platform teams gate images on, with
 * hadolint's rule ids where hadolint has the rule. The Dockerfile is parsed by
 * `dockerfile-ast` (the parser of the Docker language server); RUN commands are
 * split into simple commands on `&&`, `||`, `;` and `|`.
 *
 * Each DL rule follows hadolint's own check (github.com/hadolint/hadolint,
 * src/Hadolint/Rule/<id>.hs, and the rule table of its README):
 * - DL3002 "Last USER should not be root": a stage whose last USER is `root`, `0`, `root:*` or `0:*`.
 * - DL3004 "Do not use sudo".
 * - DL3006 "Always tag the version of an image explicitly": FROM without tag or digest, unless
 *   it names `scratch` or an earlier stage.
 * - DL3007 "Using latest is prone to errors": FROM with the tag `latest`.
 * - DL3009 "Delete the apt-get lists after installing something": a RUN with `apt-get update`
 *   but no `rm -rf /var/lib/apt/lists/*`, in the final stage or a stage a later FROM builds on.
 * - DL3014 "Use the -y switch": `apt-get install` without `-y`, `--yes`, `-q` or `--assume-yes`.
 * - DL3015 "Avoid additional packages by specifying --no-install-recommends" (or
 *   `APT::Install-Recommends=false`).
 * - DL3020 "Use COPY instead of ADD for files and folders": ADD of a source that is neither
 *   an archive nor a URL.
 * - DL3025 "Use arguments JSON notation for CMD and ENTRYPOINT arguments".
 * - DL3042 "Avoid use of cache directory with pip": `pip install` (or `python -m pip install`)
 *   without `--no-cache-dir`, unless the stage sets `PIP_NO_CACHE_DIR` to a true value; pipx
 *   and pipenv are exempt.
 * - DL3046 "useradd without flag -l and high UID will result in excessively large Image": a
 *   UID of more than five digits without `-l`/`--no-log-init`.
 *
 * Rules of this project, where hadolint deliberately has none:
 * - PSK001 the final stage must end with a numeric, non-root `USER uid:gid`: the kubelet can only
 *   enforce `runAsNonRoot` for a numeric user, and hadolint's DL3002 passes a file with no USER.
 * - PSK002 no ADD of a remote URL: hadolint's DL3020 exempts URLs, but a download at build time
 *   is unpinned and unchecked content in a layer.
 */
import { Add, DockerfileParser, From, Instruction, JSONInstruction } from 'dockerfile-ast';

/** One broken rule at one line (1-based). */
export interface LintFinding {
  readonly rule: string;
  readonly line: number;
  readonly message: string;
}

/** The rules this linter checks, by id. */
export const RULES: Record<string, string> = {
  DL3002: 'Last USER should not be root',
  DL3004: 'Do not use sudo',
  DL3006: 'Always tag the version of an image explicitly',
  DL3007: 'Using latest is prone to errors if the image will ever update',
  DL3009: 'Delete the apt-get lists after installing something',
  DL3014: 'Use the -y switch to avoid manual input',
  DL3015: 'Avoid additional packages by specifying --no-install-recommends',
  DL3020: 'Use COPY instead of ADD for files and folders',
  DL3025: 'Use arguments JSON notation for CMD and ENTRYPOINT arguments',
  DL3042: 'Avoid use of cache directory with pip; use pip install --no-cache-dir',
  DL3046: 'useradd without flag -l and high UID will result in excessively large image',
  PSK001: 'The final stage must end with a numeric, non-root USER uid:gid',
  PSK002: 'Do not ADD remote URLs; download in a RUN with a checksum, or COPY a vendored file',
};

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz|zst)$/;
const URL = /^https?:\/\//;
const TRUTHY = new Set(['1', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'yes', 'Yes', 'YES']);

interface Stage {
  readonly from: From;
  readonly alias?: string;
  readonly instructions: Instruction[];
}

/** Lints a Dockerfile; an empty list means it passes every rule. */
export function lintDockerfile(text: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (rule: string, instruction: Instruction) =>
    findings.push({ rule, line: instruction.getRange().start.line + 1, message: RULES[rule] });
  const stages = splitStages(DockerfileParser.parse(text).getInstructions());
  const aliases = new Set<string>();
  const usedAsBase = new Set<string>();

  for (const stage of stages) {
    const image = stage.from.getImageName() ?? '';
    const tag = stage.from.getImageTag();
    const isStage = aliases.has(image);
    if (isStage) usedAsBase.add(image);
    if (image !== 'scratch' && !isStage && !tag && !stage.from.getImageDigest()) add('DL3006', stage.from);
    if (tag === 'latest') add('DL3007', stage.from);
    if (stage.alias) aliases.add(stage.alias);
  }

  stages.forEach((stage, index) => {
    const final = index === stages.length - 1;
    let lastUser: Instruction | undefined;
    let noPipCache = false;
    for (const ins of stage.instructions) {
      const keyword = ins.getKeyword();
      if (keyword === 'USER') lastUser = ins;
      if (keyword === 'ENV') {
        const value = envValue(ins, 'PIP_NO_CACHE_DIR');
        if (value !== undefined) noPipCache = TRUTHY.has(value);
      }
      if ((keyword === 'CMD' || keyword === 'ENTRYPOINT') && !isJsonForm(ins)) add('DL3025', ins);
      if (keyword === 'ADD' && ins instanceof Add) {
        const sources = addSources(ins);
        if (sources.some((s) => URL.test(s))) add('PSK002', ins);
        if (sources.some((s) => !URL.test(s) && !ARCHIVE.test(s))) add('DL3020', ins);
      }
      if (keyword === 'RUN') {
        const commands = shellCommands(ins.getArgumentsContent() ?? '');
        const apt = commands.filter((c) => c[0] === 'apt-get');
        const aptInstalls = apt.filter((c) => c.includes('install'));
        if (commands.some((c) => c[0] === 'sudo')) add('DL3004', ins);
        if (aptInstalls.some((c) => !c.some((a) => ['-y', '--yes', '-q', '--assume-yes'].includes(a) || /^-[a-z]*y[a-z]*$/.test(a))))
          add('DL3014', ins);
        if (aptInstalls.some((c) => !c.includes('--no-install-recommends') && !c.some((a) => /APT::Install-Recommends=false/.test(a))))
          add('DL3015', ins);
        const cleans = commands.some((c) => c[0] === 'rm' && c.some((a) => /^-[a-zA-Z]*r/.test(a)) && c.includes('/var/lib/apt/lists/*'));
        const reused = stage.alias !== undefined && usedAsBase.has(stage.alias);
        if (apt.some((c) => c.includes('update')) && !cleans && (final || reused)) add('DL3009', ins);
        if (!noPipCache && commands.some(forgotNoCacheDir)) add('DL3042', ins);
        if (commands.some(forgotNoLogInit)) add('DL3046', ins);
      }
    }
    if (lastUser && isRoot(lastUser.getArgumentsContent() ?? '')) add('DL3002', lastUser);
    if (final) {
      const user = lastUser?.getArgumentsContent() ?? '';
      const m = /^(\d+):(\d+)$/.exec(user);
      if (!m || Number(m[1]) === 0) add('PSK001', lastUser ?? stage.from);
    }
  });
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: { from: From; alias?: string; instructions: Instruction[] }[] = [];
  for (const ins of instructions) {
    if (ins instanceof From) stages.push({ from: ins, alias: ins.getBuildStage() ?? undefined, instructions: [] });
    else stages[stages.length - 1]?.instructions.push(ins);
  }
  return stages;
}

function isJsonForm(ins: Instruction): boolean {
  return ins instanceof JSONInstruction && ins.getOpeningBracket() !== null && ins.getClosingBracket() !== null;
}

function isRoot(user: string): boolean {
  return user === 'root' || user === '0' || user.startsWith('root:') || user.startsWith('0:');
}

function envValue(ins: Instruction, name: string): string | undefined {
  for (const arg of ins.getArguments()) {
    const [key, ...rest] = arg.getValue().split('=');
    if (key === name) return rest.join('=').replace(/^["']|["']$/g, '');
  }
  return undefined;
}

/** ADD arguments without flags, minus the destination. */
function addSources(ins: Add): string[] {
  const args = ins
    .getArguments()
    .map((a) => a.getValue())
    .filter((a) => !a.startsWith('--'));
  return args.slice(0, -1);
}

/** Simple commands of a shell line, as argv lists (quotes removed, no expansion). */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let current: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  const endWord = () => {
    if (inWord) current.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (current.length > 0) commands.push(current);
    current = [];
  };
  const s = script.replace(/\\\r?\n/g, ' ');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      endWord();
    } else if (ch === ';' || ch === '|' || ch === '&') {
      endCommand();
      if (s[i + 1] === ch) i++;
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

function forgotNoCacheDir(cmd: string[]): boolean {
  const name = cmd[0].split('/').pop() ?? '';
  const viaPython = /^python[0-9.]*$/.test(name) && cmd[1] === '-m' && cmd[2] === 'pip';
  const isPip = /^pip[0-9.]*$/.test(name) || viaPython;
  return isPip && cmd.includes('install') && !cmd.includes('--no-cache-dir');
}

function forgotNoLogInit(cmd: string[]): boolean {
  if (cmd[0] !== 'useradd') return false;
  const hasL = cmd.some((a) => a === '--no-log-init' || /^-[a-zA-Z]*l[a-zA-Z]*$/.test(a));
  const uidAt = cmd.findIndex((a) => a === '-u' || a === '--uid');
  const uid = uidAt >= 0 ? (cmd[uidAt + 1] ?? '') : (cmd.find((a) => a.startsWith('--uid='))?.slice('--uid='.length) ?? '');
  return !hasL && uid.length > 5;
}
