/**
 * Replaces the Pulumi engine with mocks that echo inputs as state, and counts
 * registrations by type. Imported for its side effect before
 * @pulumi/kubernetes, as the project's Pulumi tests do.
 */
import * as pulumi from '@pulumi/pulumi';

const counts = new Map<string, number>();

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      counts.set(args.type, (counts.get(args.type) ?? 0) + 1);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'pyservice-bench',
  'bench',
  false,
);

/** Waits until every registration started so far has completed, then returns and resets the counts of Kubernetes kinds. */
export async function drain(): Promise<Record<string, number>> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const kinds: Record<string, number> = {};
  for (const [type, count] of counts) {
    // kubernetes:apps/v1:Deployment -> Deployment; components are not objects.
    if (type.startsWith('kubernetes:')) kinds[type.slice(type.lastIndexOf(':') + 1)] = count;
  }
  counts.clear();
  return kinds;
}
