import * as pulumi from '@pulumi/pulumi';

/** One resource the program registered, as the engine saw it. */
export interface Registration {
  /** Type token, e.g. `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Inputs, deserialized (undefined fields dropped, as the engine receives them). */
  readonly inputs: any;
  /** URN of the parent resource. */
  readonly parent: string;
  /** URNs of the resources it depends on (dependsOn and input dependencies). */
  readonly dependencies: string[];
  /** Provider reference (`<urn>::<id>`), when one applies. */
  readonly provider: string;
  /** Its own URN. */
  readonly urn: string;
}

/** What the mocked engine recorded. */
export interface Recorder {
  /** Every registration so far, in order. */
  readonly registrations: Registration[];
  /** The registration of the resource named `name`. */
  named(name: string): Registration;
  /** Registrations of custom (non-component) resources whose name starts with `prefix`. */
  under(prefix: string): Registration[];
  /** Forgets everything recorded. */
  clear(): void;
}

/**
 * Mocked state of a registered resource: its inputs, plus a load balancer
 * status for LoadBalancer Services, as a cloud controller would report it.
 */
export type StateFor = (type: string, inputs: any) => Record<string, any>;

/** A Service of type LoadBalancer, or an Ingress, gets `lb-<kind>-<name>.example.com` in its status. */
export const defaultState: StateFor = (type, inputs) =>
  (type === 'kubernetes:core/v1:Service' && inputs.spec?.type === 'LoadBalancer') || type === 'kubernetes:networking.k8s.io/v1:Ingress'
    ? {
        ...inputs,
        status: { loadBalancer: { ingress: [{ hostname: `lb-${inputs.kind.toLowerCase()}-${inputs.metadata.name}.example.com` }] } },
      }
    : inputs;

/**
 * Replaces the Pulumi engine with mocks (call before importing the program)
 * and records each registration with its parent, dependencies and provider,
 * which the mocks' `newResource` does not show.
 */
export function installMocks(state: StateFor = defaultState, project = 'pyservice'): Recorder {
  const registrations: Registration[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: state(args.type, args.inputs) }),
      call: (args) => args.inputs,
    },
    project,
    'test',
    false,
  );

  const monitor = (pulumi.runtime as any).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
    register(req, (err: any, res: any) => {
      if (!err) {
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject()),
          parent: req.getParent(),
          dependencies: req.getDependenciesList(),
          provider: req.getProvider(),
          urn: res.getUrn(),
        });
      }
      callback(err, res);
    });

  return {
    registrations,
    named(name) {
      const found = registrations.filter((r) => r.name === name);
      if (found.length !== 1)
        throw new Error(`expected one resource named ${name}, found ${found.length}: ${registrations.map((r) => r.name).join(', ')}`);
      return found[0];
    },
    under(prefix) {
      return registrations.filter((r) => r.name.startsWith(prefix) && r.type.startsWith('kubernetes:'));
    },
    clear() {
      registrations.length = 0;
    },
  };
}

/** Resolves when `output` does; an unknown value (during preview) resolves to undefined. */
export function settle<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Resolves when every resource has been registered with the mocked engine. */
export async function registered(resources: Iterable<pulumi.Resource>): Promise<void> {
  await settle(pulumi.all([...resources].map((r) => r.urn)));
}

/**
 * Resolves when every registration started so far has completed (the wait the
 * Pulumi runtime itself does before a program exits).
 */
export async function drained(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
