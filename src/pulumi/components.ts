import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PythonMicroservice, PythonMicroserviceProps } from '../../constructs/workloads/python-microservice';
import { PythonWorkload } from '../../constructs/workloads/workload';
import { WorkloadIdentity } from '../../constructs/profiles/profile';
import { HostOptions, HostedTree, LoadBalancerAddress, ReportedIdentity, ServiceInfo, hostTree } from './host';
import { CloudIdentityBinding, ClusterIdentityInputs } from './identity';
import { SynthesizedTree, TreeObject, synthesizeTree } from './tree';

/** Args of {@link Cdk8sComponent}. */
export interface Cdk8sComponentArgs {
  /**
   * Defines the construct tree: charts and constructs under the given scope
   * (a fresh cdk8s `App`), e.g. `(app) => defineShop(app, profile)`.
   */
  readonly define: (scope: Construct) => void;
  /**
   * Prefix of validation messages and warnings, like the cloud folder name in
   * `npm run synth` (`[prod/east] [shop/orders-api] ...`).
   * @default - the component's name
   */
  readonly label?: string;
  /**
   * Facts about the cluster for the identity bindings.
   * @default - none: bindings have no issuer, and Google workload pools come from service account emails
   */
  readonly cluster?: ClusterIdentityInputs;
}

/**
 * Deploys any cdk8s construct tree through @pulumi/kubernetes: the tree is
 * built and validated in memory exactly as `cdk8s synth` does it, and every
 * object it synthesizes becomes a child resource, named
 * `<component>/<namespace>/<Kind>/<name>`, created after what it depends on.
 *
 * Pass a Kubernetes provider (`provider` or `providers`) to target a cluster.
 *
 * @throws ValidationError when any construct reports validation errors, listing them all
 */
export class Cdk8sComponent extends pulumi.ComponentResource {
  /** The cdk8s app holding the construct tree. */
  public readonly app: App;
  /** Every synthesized object, in creation order. */
  public readonly objects: readonly TreeObject[];
  /** Every registered resource, by object id (`<namespace>/<Kind>/<name>`). */
  public readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /** Every Service, by `<namespace>/<name>`: its namespace, ServiceAccount and load balancer address. */
  public readonly services: pulumi.Output<Record<string, ServiceInfo>>;
  /**
   * What each cloud identity must trust, per ServiceAccount bound to one, by
   * `<namespace>/<name>`; the keys are known while the program runs.
   */
  public readonly identities: Readonly<Record<string, pulumi.Output<CloudIdentityBinding>>>;
  /** The same bindings as one output, for stack outputs. */
  public readonly identityBindings: pulumi.Output<CloudIdentityBinding[]>;

  public constructor(name: string, args: Cdk8sComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    // Synthesize before registering anything, so a bad prop fails with nothing half-registered.
    const tree = synthesizeTree(args.define, args.label ?? name);
    super('pyservice:index:Cdk8sComponent', name, {}, opts);
    const hosted = host(this, name, tree, { cluster: args.cluster, identities: exposedIdentities(tree.app) });
    this.app = tree.app;
    this.objects = tree.objects;
    this.resources = hosted.resources;
    this.services = hosted.services;
    this.identities = hosted.identities;
    this.identityBindings = hosted.identityBindings;
    this.registerOutputs({ services: this.services, identityBindings: this.identityBindings });
  }
}

/** Args of {@link PythonMicroserviceComponent}. */
export interface PythonMicroserviceComponentArgs {
  /** The service, exactly as for the `PythonMicroservice` construct. */
  readonly service: PythonMicroserviceProps;
  /**
   * Namespace of every object. It must exist (create it first and pass it in `dependsOn`).
   * @default - the provider's default namespace
   */
  readonly namespace?: string;
  /**
   * Facts about the cluster for the identity binding.
   * @default - none: no issuer, and a Google workload pool comes from the service account email
   */
  readonly cluster?: ClusterIdentityInputs;
}

/**
 * One `PythonMicroservice` deployed through @pulumi/kubernetes. The
 * component's name is the construct id, so the service is named after the
 * component unless `service.name` says otherwise; errors name the construct
 * `<namespace>/<component>`, as the example's `shop/orders-api`.
 *
 * @throws ValidationError when the props are invalid, with the messages `cdk8s synth` prints
 */
export class PythonMicroserviceComponent extends pulumi.ComponentResource {
  /** The construct, for its resolved settings (workers, drain time, ...). */
  public readonly microservice: PythonMicroservice;
  /** Every synthesized object, in creation order. */
  public readonly objects: readonly TreeObject[];
  /** Every registered resource, by object id (`<namespace>/<Kind>/<name>`). */
  public readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /** Name of the Service (and of every other object of the service). */
  public readonly serviceName: pulumi.Output<string>;
  /** Namespace the service runs in. */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the ServiceAccount the pods run as: the subject of identity bindings. */
  public readonly serviceAccountName: pulumi.Output<string>;
  /**
   * Address of the cloud load balancer in front of the service: the Service's
   * own when it is of type LoadBalancer, else that of the Ingress routing to it.
   */
  public readonly loadBalancer: pulumi.Output<LoadBalancerAddress | undefined>;
  /** The Service as deployed, with its Ingress (hosts and address) when it has one. */
  public readonly service: pulumi.Output<ServiceInfo>;
  /** What the cloud identity must trust, when the profile binds one. */
  public readonly identityBinding: pulumi.Output<CloudIdentityBinding | undefined>;

  public constructor(name: string, args: PythonMicroserviceComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    let microservice: PythonMicroservice | undefined;
    const cloud = args.service.profile.cloud;
    const tree = synthesizeTree((app) => {
      const chart = new Chart(app, args.namespace ?? 'default', { namespace: args.namespace });
      microservice = new PythonMicroservice(chart, name, args.service);
    }, cloud);
    super('pyservice:index:PythonMicroservice', name, {}, opts);
    this.microservice = microservice!;
    const hosted = host(this, name, tree, { cluster: args.cluster, cloud, identities: exposedIdentities(tree.app) });
    this.objects = tree.objects;
    this.resources = hosted.resources;
    const serviceName = this.microservice.name;
    const info = hosted.services.apply((all) => Object.values(all).find((s) => s.name === serviceName)!);
    this.serviceName = info.name;
    this.namespace = info.namespace;
    this.serviceAccountName = pulumi.output(this.microservice.serviceAccount.name);
    this.loadBalancer = info.apply((s) => s.loadBalancer ?? s.ingresses?.find((i) => i.loadBalancer)?.loadBalancer);
    this.service = info;
    const binding = Object.values(hosted.identities)[0];
    this.identityBinding = binding ?? pulumi.output(undefined);
    this.registerOutputs({
      serviceName: this.serviceName,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      loadBalancer: this.loadBalancer,
      service: this.service,
      identityBinding: this.identityBinding,
    });
  }
}

function host(component: pulumi.ComponentResource, name: string, tree: SynthesizedTree, options: HostOptions): HostedTree {
  for (const w of tree.warnings) pulumi.log.warn(w, component);
  return hostTree(component, name, tree.objects, options);
}

/**
 * What the constructs report about each ServiceAccount's cloud identity, by the
 * ServiceAccount's construct path: the runtime of every application of this
 * library (its identity, and the subjects it must also trust, such as KEDA's
 * operator), and any other construct that exposes both `serviceAccount` (an
 * ApiObject) and `identity` (a WorkloadIdentity). The profile's report is what
 * counts: some mechanisms (AWS Pod Identity, for one) leave no trace in the manifests.
 */
function exposedIdentities(app: App): Map<string, ReportedIdentity> {
  const found = new Map<string, ReportedIdentity>();
  for (const c of app.node.findAll()) {
    if (c instanceof PythonWorkload) {
      const { serviceAccount, identity, alsoTrustedSubjects } = c.runtime;
      if (serviceAccount) found.set(serviceAccount.node.path, { identity, alsoTrustedSubjects });
      // A worker or job with a ServiceAccount of its own, and its own identity.
      const own = c.ownServiceAccount;
      if (own) found.set(own.serviceAccount.node.path, { identity: own.identity, alsoTrustedSubjects: own.alsoTrustedSubjects });
      continue;
    }
    const { serviceAccount, identity } = c as { serviceAccount?: unknown; identity?: unknown };
    const reported = asWorkloadIdentity(identity);
    if (reported && ApiObject.isApiObject(serviceAccount) && !found.has(serviceAccount.node.path))
      found.set(serviceAccount.node.path, { identity: reported, alsoTrustedSubjects: [] });
  }
  return found;
}

function asWorkloadIdentity(value: unknown): WorkloadIdentity | undefined {
  const v = value as Partial<WorkloadIdentity> | undefined;
  return typeof v?.mechanism === 'string' && typeof v.principal === 'string'
    ? { mechanism: v.mechanism, principal: v.principal, details: v.details ?? {} }
    : undefined;
}
