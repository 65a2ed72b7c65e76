import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClaimUse, appIndex, registerClaimUse } from '../core/app-index';
import { addWarningOnce, formatIssue } from '../core/validation';
import { AccessMode } from '../pod/volumes';
import { PodClaim } from './app-pod';

/** How many pods of a workload may mount its claims at once, and whether a new pod starts before the old one stops. */
export interface PodScale {
  readonly replicas: number;
  readonly surges: boolean;
}

/**
 * Records the claims a workload's pod mounts, and checks them once the whole
 * app exists: a ReadWriteOnce volume attaches to one node, so a claim that
 * pods of several workloads, several replicas, or a rolling update's new pod
 * beside the old one mount hangs the pods placed on another node
 * (`Multi-Attach error`), and a rollout waits for them until its deadline.
 * A claim whose mode the library cannot see (an existing one that does not
 * name it) gets a warning instead of an error.
 */
export function registerClaims(workload: Construct, claims: readonly PodClaim[], scale: () => PodScale): void {
  // Claims of a known mode other than ReadWriteOnce can never hang; only the others are checked.
  const checked = claims.filter((c) => c.accessMode === undefined || c.accessMode === AccessMode.READ_WRITE_ONCE);
  if (checked.length === 0) return;
  const namespace = Chart.of(workload).namespace ?? '';
  const own = checked.map((c) => ({ key: `${namespace}/${c.name}`, claim: c.name, prop: c.prop, accessMode: c.accessMode, scale }));
  own.forEach((use) => registerClaimUse(workload, use));
  workload.node.addValidation({ validate: () => claimProblems(workload, own) });
}

/** Why a ReadWriteOnce claim would hang pods, and the way out. */
interface Hang {
  readonly reason: string;
  readonly fix: string;
}

/** The errors about the workload's ReadWriteOnce claims (warnings for those of unknown mode are recorded, once). */
function claimProblems(workload: Construct, own: ReadonlyArray<Omit<ClaimUse, 'path'>>): string[] {
  const index = appIndex(workload);
  const errors: string[] = [];
  for (const use of own) {
    const found = hangOf(workload.node.path, use, index.claims.get(use.key) ?? []);
    if (!found) continue;
    // A claim the workload takes over from its app: it can also stop taking it over.
    const hang = use.prop.startsWith('app.')
      ? { ...found, fix: `${found.fix} Or keep the workload from taking over the app's mounts: inherit: { mounts: false }.` }
      : found;
    if (use.accessMode === AccessMode.READ_WRITE_ONCE) {
      const rule = `is a ReadWriteOnce claim ('${use.claim}'), a disk that attaches to one node, and ${hang.reason}`;
      errors.push(formatIssue({ prop: use.prop, rule, received: use.claim, fix: hang.fix }));
    } else {
      addWarningOnce(
        workload,
        `'${use.prop}' mounts the existing claim '${use.claim}', whose access mode the synth cannot see. If it is ReadWriteOnce (a disk that attaches to one node), ${hang.reason}. ` +
          `${hang.fix} If it is a file share, say so: Volume.persistentClaim('${use.claim}', { accessMode: AccessMode.READ_WRITE_MANY }).`,
      );
    }
  }
  return errors;
}

/** What hangs when the claim attaches to one node, or undefined when nothing does. */
function hangOf(path: string, own: Omit<ClaimUse, 'path'>, uses: readonly ClaimUse[]): Hang | undefined {
  const others = [...new Set(uses.filter((u) => u.path !== path).map((u) => u.path))];
  if (others.length > 0) {
    return {
      reason: `${others.join(', ')} mount${others.length > 1 ? '' : 's'} it too: their pods placed on another node never start (Multi-Attach error)`,
      fix: 'Share data through a file share (AccessMode.READ_WRITE_MANY: the profile names its shared-file storage class), or give each workload a claim of its own.',
    };
  }
  const scale = own.scale();
  if (scale.replicas > 1) {
    return {
      reason: `up to ${scale.replicas} replicas mount it: the replicas placed on other nodes never start (Multi-Attach error)`,
      fix: 'Give each replica a disk of its own with a PythonStatefulSet and Volume.perReplicaClaim, share the data through a file share (AccessMode.READ_WRITE_MANY), or run one replica.',
    };
  }
  if (scale.surges) {
    return {
      reason:
        'the Deployment starts each new pod before the old one stops (RollingUpdate with maxSurge): a new pod placed on another node cannot attach it, and the rollout hangs until its progress deadline',
      fix: 'Stop the old pod first: strategy: RolloutStrategy.RECREATE on a web service of one replica, a PythonSingleton for a process; or use a file share (AccessMode.READ_WRITE_MANY).',
    };
  }
  return undefined;
}
