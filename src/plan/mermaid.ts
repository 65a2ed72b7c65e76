/**
 * The plan as a Mermaid flowchart, which GitHub renders in Markdown: callers,
 * the load balancers and routes they come through, the workloads of each
 * namespace, the queues workers follow, the secret stores and the cloud
 * identity each workload runs as. Node ids are numbered in plan order, so the
 * text is the same for the same plan.
 */
import { Exposure } from '../../constructs/traffic/exposure';
import { Plan, PlanWorkload } from './model';

/** A label inside `"..."`: Mermaid's entity codes for the characters that would end or mark it up. */
export function mermaidText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** `text` lines joined with line breaks, each escaped. */
const label = (...lines: Array<string | undefined>) =>
  `"${lines
    .filter((l): l is string => l !== undefined && l !== '')
    .map(mermaidText)
    .join('<br/>')}"`;

/** The flowchart of a plan, without the code fence. */
export function planFlowchart(plan: Plan): string {
  const lines: string[] = ['flowchart LR'];
  const edges: string[] = [];
  const ids = new Map<PlanWorkload, string>();
  plan.workloads.forEach((w, i) => ids.set(w, `w${i + 1}`));
  const byName = (ns: string | undefined, name: string) => plan.workloads.find((w) => w.namespace === ns && w.name === name);

  // Callers outside the cluster, by the exposure their service asked for.
  const outside = new Map<string, string>();
  const callerOf = (w: PlanWorkload): string => {
    const [id, text] =
      w.exposure === Exposure.PUBLIC
        ? ['internet', 'internet']
        : w.exposure === Exposure.INTERNAL
          ? ['private', 'private network']
          : ['clients', 'clients'];
    if (!outside.has(id)) outside.set(id, `  ${id}((${label(text)}))`);
    return id;
  };

  // Workloads, one subgraph per namespace.
  const namespaces = [...new Set(plan.workloads.map((w) => w.namespace ?? ''))];
  namespaces.forEach((ns, i) => {
    const members = plan.workloads.filter((w) => (w.namespace ?? '') === ns);
    lines.push(`  subgraph ns${i + 1}[${label(ns ? `namespace ${ns}` : 'no namespace')}]`);
    for (const w of members) lines.push(`    ${ids.get(w)}[${label(w.name, `${w.kind} · ${w.replicas.text}`)}]`);
    lines.push('  end');
  });

  let routes = 0;
  let queues = 0;
  const peers = new Map<string, string>();
  const peerId = (key: string, text: string) => {
    if (!peers.has(key)) peers.set(key, `p${peers.size + 1}`);
    const id = peers.get(key)!;
    if (!lines.includes(`  ${id}([${label(text)}])`)) lines.push(`  ${id}([${label(text)}])`);
    return id;
  };
  for (const w of plan.workloads) {
    const id = ids.get(w)!;
    for (const r of w.routes) {
      const rid = `r${++routes}`;
      lines.push(`  ${rid}[/${label(`${r.via}${r.through ? ` (${r.through})` : ''}`, ...r.addresses)}/]`);
      edges.push(`  ${callerOf(w)} --> ${rid} --> ${id}`);
    }
    for (const q of w.queues) {
      const qid = `q${++queues}`;
      lines.push(`  ${qid}[[${label(`queue: ${q.type}`, q.name)}]]`);
      edges.push(`  ${qid} -->|${label('scales')}| ${id}`);
    }
    for (const c of w.callers ?? []) {
      if (c.kind === 'workload') {
        const from = byName(w.namespace, c.name);
        if (from) edges.push(`  ${ids.get(from)} -->|${label(c.ports.join(', ') || 'calls')}| ${id}`);
      } else if (c.kind === 'pods') {
        edges.push(`  ${peerId(`pods ${c.name}`, `pods in ${c.name}`)} -->|${label(c.ports.join(', ') || 'calls')}| ${id}`);
      } else if (c.kind === 'namespace') {
        edges.push(`  ${peerId(`namespace ${c.name}`, `namespace ${c.name}`)} -->|${label(c.ports.join(', ') || 'calls')}| ${id}`);
      }
    }
  }
  lines.push(...outside.values());

  // Secret stores, and the identities workloads run as.
  plan.stores.forEach((s, i) => {
    lines.push(`  s${i + 1}[(${label(s.label)})]`);
    for (const w of plan.workloads.filter((x) => x.secrets.some((u) => u.store.id === s.id)))
      edges.push(`  s${i + 1} -.->|${label('secrets')}| ${ids.get(w)}`);
  });
  const identities = new Map<string, string>();
  for (const w of plan.workloads) {
    if (!w.identity) continue;
    const key = `${w.identity.mechanism} ${w.identity.principal}`;
    if (!identities.has(key)) {
      identities.set(key, `id${identities.size + 1}`);
      lines.push(`  ${identities.get(key)}{{${label(`identity: ${w.identity.mechanism}`, w.identity.principal)}}}`);
    }
    edges.push(`  ${ids.get(w)} -.-|${label('runs as')}| ${identities.get(key)}`);
  }
  return [...lines, ...edges].join('\n');
}
