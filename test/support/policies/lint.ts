/** The linters' per-object opt-out annotations and the `lintFindings` entry point. */

import { buildCtx, type Finding, type RawFinding } from './common';
import { kubeScore } from './kube-score';
import { polaris } from './polaris';
import { kubeLinter } from './kube-linter';

// =============================================================================================
// Opt-out annotations and entry point
// =============================================================================================

// kube-score scorecard/scorecard.go (ignoredChecksAnnotation, impliedIgnoreAnnotations)
function kubeScoreIgnores(f: RawFinding): boolean {
  const ids = [f.annotations['kube-score/ignore'], f.templateAnnotations['kube-score/ignore']]
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(',').map((s) => s.trim()));
  if (ids.includes('container-resources')) ids.push('container-ephemeral-storage-request-and-limit');
  return ids.includes(f.check);
}

// Polaris pkg/validator/schema.go hasExemptionAnnotation
function polarisExempts(f: RawFinding): boolean {
  const isTrue = (v: string | undefined): boolean => (v ?? '').toLowerCase() === 'true';
  return isTrue(f.annotations['polaris.fairwinds.com/exempt']) || isTrue(f.annotations[`polaris.fairwinds.com/${f.check}-exempt`]);
}

// kube-linter docs/configuring-kubelinter.md (ignore-check.kube-linter.io/<check>, kube-linter.io/ignore-all)
function kubeLinterIgnores(f: RawFinding): boolean {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(f.annotations, k);
  return has(`ignore-check.kube-linter.io/${f.check}`) || has('kube-linter.io/ignore-all');
}

function isOptedOut(f: RawFinding): boolean {
  switch (f.tool) {
    case 'kube-score':
      return kubeScoreIgnores(f);
    case 'polaris':
      return polarisExempts(f);
    default:
      return kubeLinterIgnores(f);
  }
}

/**
 * Runs the default checks of kube-score, Polaris and kube-linter over a set of objects, the way
 * `kube-score score`, `polaris audit --audit-path` and `kube-linter lint` would on the same
 * manifests with no configuration. Cross-object checks (Service/NetworkPolicy/PDB/HPA/Ingress
 * selecting or targeting workloads, ServiceAccounts existing) look at the whole list.
 *
 * @param objects synthesized objects (plain JSON); non-objects are ignored.
 * @returns one finding per failed check, container or comment; `[]` when everything passes.
 */
export function lintFindings(objects: any[]): Finding[] {
  const ctx = buildCtx(objects);
  return [...kubeScore(ctx), ...polaris(ctx), ...kubeLinter(ctx)]
    .filter((f) => !isOptedOut(f))
    .map(({ tool, check, severity, object, message }) => ({ tool, check, severity, object, message }));
}
