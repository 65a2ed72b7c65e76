/**
 * The plan as Markdown, written beside each target's manifests as `PLAN.md`:
 * an overview table, the Mermaid picture, then one table per workload. One
 * fact per line where it can be, so a change reads as a short diff.
 */
import { Exposure } from '../../constructs/traffic/exposure';
import { planFlowchart } from './mermaid';
import { Caller, Plan, PlanWorkload } from './model';

/** The file name of a target's plan, in the target's folder. */
export const PLAN_FILE = 'PLAN.md';

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code, for names and values a reviewer may search for. */
function code(text: string): string {
  const clean = text.replace(/`/g, "'");
  return `\`${clean}\``;
}

const EXPOSURE: Record<Exposure, string> = {
  [Exposure.PUBLIC]: 'public, from the internet',
  [Exposure.INTERNAL]: 'internal, from the private network',
  [Exposure.CLUSTER]: 'cluster only',
};

function exposureOf(w: PlanWorkload): string {
  const routes = w.routes.flatMap((r) => r.addresses.map((a) => (a.startsWith('port ') ? `${r.via} ${a}` : a)));
  const base = w.exposure !== undefined ? EXPOSURE[w.exposure] : routes.length > 0 ? 'through a route' : '';
  if (routes.length === 0) return base || (w.services.length > 0 ? 'cluster only' : '—');
  return `${base}: ${routes.join(', ')}`.replace(/^: /, '');
}

function callersText(callers: readonly Caller[] | undefined): string {
  if (callers === undefined) return 'anyone: no NetworkPolicy selects its pods';
  if (callers.length === 0) return 'no one: its NetworkPolicies admit no traffic';
  // Address ranges with the same ports are said once.
  const groups = new Map<string, string[]>();
  for (const c of callers) {
    const who =
      c.kind === 'workload'
        ? c.name
        : c.kind === 'pods'
          ? `any pod in ${c.name}`
          : c.kind === 'namespace'
            ? `namespace ${c.name}`
            : c.kind === 'cidr'
              ? c.name
              : 'anyone';
    const ports = c.ports.join(', ');
    const key = JSON.stringify([c.kind === 'cidr' ? 'cidr' : who, ports]);
    groups.set(key, [...(groups.get(key) ?? []), who]);
  }
  return [...groups]
    .map(([key, who]) => {
      const ports = (JSON.parse(key) as string[])[1];
      return `${who.join(', ')}${ports ? ` (${ports})` : ''}`;
    })
    .join('<br>');
}

function workloadTable(w: PlanWorkload): string[] {
  const rows: Array<[string, string]> = [
    ['kind', `${w.kind} ${code(w.namespace ? `${w.namespace}/${w.objectName}` : w.objectName)}${w.role ? `, ${w.role}` : ''}`],
    ['image', w.images.map(code).join('<br>') || '—'],
    [w.kind === 'CronJob' ? 'schedule' : 'replicas', `${w.replicas.text}${w.replicas.detail ? `: ${w.replicas.detail}` : ''}`],
    ['resources', w.resources],
  ];
  if (w.services.length > 0 || w.routes.length > 0 || w.exposure !== undefined) {
    rows.push(['exposure', exposureOf(w)]);
    for (const r of w.routes) rows.push(['route', `${r.via}${r.through ? ` (${r.through})` : ''}: ${r.addresses.join(', ')}`]);
    rows.push(['services', w.services.map(code).join(', ') || '—']);
  }
  rows.push(['callers', callersText(w.callers)]);
  const identity = w.identity
    ? `${w.identity.mechanism}: ${code(w.identity.principal)}${Object.entries(w.identity.details)
        .map(([k, v]) => `, ${k} ${code(v)}`)
        .join('')}`
    : 'none';
  rows.push(['identity', `${identity}${w.serviceAccount ? ` (ServiceAccount ${code(w.serviceAccount)})` : ''}`]);
  // One line per store: what it is said once, then what the workload reads from it.
  const stores = [...new Map(w.secrets.map((s) => [s.store.id, s.store])).values()];
  const secrets = stores.map(
    (store) =>
      `${store.label}: ${w.secrets
        .filter((s) => s.store.id === store.id)
        .map((s) => `${s.as} ← ${code(s.name)}`)
        .join(', ')}`,
  );
  rows.push(['secrets', secrets.join('<br>') || 'none']);
  if (w.noLiveness !== undefined) rows.push(['liveness', `none: ${w.noLiveness}`]);
  if (w.queues.length > 0) rows.push(['queues', w.queues.map((q) => `${q.type}${q.name ? ` ${code(q.name)}` : ''}`).join(', ')]);
  if (w.waitsFor.length > 0) rows.push(['waits for', `${w.waitsFor.map((j) => `Job ${code(j)}`).join(', ')} to succeed before it starts`]);
  if (w.awaitedBy.length > 0) rows.push(['runs before', `${w.awaitedBy.join(', ')}: their pods wait until it succeeds`]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)];
}

/** The Markdown of a plan. */
export function planMarkdown(plan: Plan): string {
  const folder = `${plan.outdir}/${plan.target}`;
  const n = plan.workloads.length;
  const ns =
    plan.namespaces.length === 0 ? '' : ` in namespace${plan.namespaces.length > 1 ? 's' : ''} ${plan.namespaces.map(code).join(', ')}`;
  const out: string[] = [
    `# Plan of ${plan.target}`,
    '',
    `What \`${folder}/\` deploys: ${plan.objectCount} objects${ns}, ${n} workload${n === 1 ? '' : 's'}. ` +
      'Written by `pyservice-k8s synth` beside the manifests, which it summarizes: review both, edit neither. ' +
      'Secrets appear by name and store, never by value.',
    '',
  ];
  if (n > 0) {
    out.push('| workload | kind | image | replicas | exposure |', '|---|---|---|---|---|');
    for (const w of plan.workloads) {
      out.push(
        `| ${cell(w.name)} | ${w.kind} | ${cell(w.images.map(code).join(', '))} | ${cell(w.replicas.text)} | ${cell(exposureOf(w))} |`,
      );
    }
    out.push('', '```mermaid', planFlowchart(plan), '```', '');
  }
  for (const w of plan.workloads) out.push(`## ${w.name}`, '', ...workloadTable(w), '');
  if (plan.warnings.length > 0) out.push('## Warnings', '', ...plan.warnings.map((w) => `- ${w.replace(/\r?\n/g, ' ')}`), '');
  out.push('## Objects', '', plan.kinds.map(([kind, count]) => `${kind} ${count}`).join(', '), '');
  return `${out.join('\n').trimEnd()}\n`;
}
