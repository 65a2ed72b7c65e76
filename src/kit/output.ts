/**
 * The environment variable that makes `PyserviceApp.synth()` write somewhere
 * else than its output folder: `pyservice-k8s diff` points it at a temporary
 * folder, so a comparison never touches the committed output.
 */
export const OUTPUT_REDIRECT_VARIABLE = 'PYSERVICE_DIST';

/** The first line of what `PyserviceApp.synth()` prints once it wrote the output folder. */
export const SUMMARY_HEADER = 'Wrote ';

/**
 * What a synth wrote, for people: each target's folder with its object count,
 * then the other folders with their file counts.
 *
 *   Wrote dist/: 2 targets, 18 objects; each target's PLAN.md says what it deploys.
 *     dist/staging  9 objects
 *     dist/prod     9 objects
 *     dist/gitops   4 files
 */
export function synthSummary(outdir: string, folders: readonly string[], files: readonly string[]): string {
  const targetFolders = new Set(folders);
  // One object per YAML file of a target's folder, beside its kustomization.
  const targets = folders.map(
    (folder) =>
      [folder, files.filter((f) => f.startsWith(`${folder}/`) && /^[^/]+\.yaml$/.test(f.slice(folder.length + 1))).length - 1] as const,
  );
  const others = new Map<string, number>();
  for (const file of files) {
    if (targetFolders.has(file.slice(0, file.lastIndexOf('/')))) continue;
    const top = file.includes('/') ? file.slice(0, file.indexOf('/')) : '.';
    others.set(top, (others.get(top) ?? 0) + 1);
  }
  const rows: Array<[string, string]> = [
    ...targets.map(([folder, n]): [string, string] => [`${outdir}/${folder}`, `${n} object${n === 1 ? '' : 's'}`]),
    ...[...others].map(([folder, n]): [string, string] => [
      folder === '.' ? `${outdir}/` : `${outdir}/${folder}`,
      `${n} file${n === 1 ? '' : 's'}`,
    ]),
  ];
  const width = Math.max(0, ...rows.map(([f]) => f.length));
  const total = targets.reduce((sum, [, n]) => sum + n, 0);
  return [
    `${SUMMARY_HEADER}${outdir}/: ${targets.length} target${targets.length === 1 ? '' : 's'}, ${total} objects; each target's PLAN.md says what it deploys.`,
    ...rows.map(([f, what]) => `  ${f.padEnd(width)}  ${what}`),
    '',
  ].join('\n');
}
