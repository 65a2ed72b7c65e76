import * as path from 'path';
import { BackingService, PythonBuild, WorkloadRole, containerFiles } from '../../constructs/image';
import { DNS1123_LABEL, dnsLabelProblem, imagePinProblem } from '../../constructs/core/names';
import { PropIssue, ValidationError, formatIssue } from '../../constructs/core/validation';
import { DeliveryOptions, DeliveryTarget, deliveryFiles } from '../gitops';
import { imageOverrideProblems, resolveImage } from '../images';
import { PLAN_FILE, targetPlan } from '../plan';
import { FileMap, FileSink, Rendering, StagedFolders, foldClouds, render } from '../synth';
import { OUTPUT_REDIRECT_VARIABLE, synthSummary } from './output';
import { Target, TargetProps } from './target';
import { containerWorkloads, profileCloud, releaseTimeout, targetScope } from './tree';

/** An image the app deploys. */
export interface ImageProps {
  /**
   * The image to deploy when CI does not override it, pinned by tag or digest,
   * e.g. `ghcr.io/acme/orders-api:1.4.2`. CI overrides it with the digest it
   * pushed, through `IMAGE_<SERVICE>`.
   */
  readonly image: string;
  /**
   * How this repository builds the image: the synth writes its Dockerfile, and
   * the CI workflow builds, scans and pushes it.
   * @default - built elsewhere: no Dockerfile, not built by CI
   */
  readonly build?: PythonBuild;
}

/** Options of the container files (Dockerfiles and a compose file). */
export interface ContainerFilesProps {
  /**
   * Databases and caches the compose file starts beside the workloads.
   * @default - none
   */
  readonly backingServices?: BackingService[];
  /**
   * Environment whose workloads the compose file mirrors.
   * @default - the first target's
   */
  readonly environment?: string;
}

/** Options of {@link PyserviceApp.synth}. */
export interface SynthOptions {
  /**
   * Folder to write instead of the output folder, e.g. a temporary one to compare
   * with the committed output. Paths inside the files still name the output folder.
   * @default - the folder in the `PYSERVICE_DIST` environment variable when it is set
   * (`pyservice-k8s diff` sets it to synthesize into a temporary folder), else the output folder
   */
  readonly directory?: string;
}

/** Props of {@link PyserviceApp}. */
export interface PyserviceAppProps {
  /**
   * Folder the synth replaces with its output, relative to the working directory
   * (where `cdk8s synth` runs) and, for the delivery files, to the repository root.
   * @default 'dist'
   */
  readonly outdir?: string;
  /**
   * The images the services run, by service name (`orders-api`); targets resolve
   * them with `target.image('orders-api')`.
   * @default - none: services name their images themselves
   */
  readonly images?: { readonly [service: string]: ImageProps };
  /**
   * Dockerfiles and a compose file for the images this repository builds, under `<outdir>/container/`.
   * @default - written when any image has a `build`
   */
  readonly containers?: ContainerFilesProps;
  /**
   * Argo CD, Flux and CI files per target, under `<outdir>/gitops/` and `<outdir>/ci/`.
   * @default - no delivery files
   */
  readonly delivery?: DeliveryOptions;
  /**
   * Environment variables to read: `IMAGE_<SERVICE>` overrides from CI, and
   * `CDK8S_OUTDIR`, the cdk8s CLI's own output folder, which gets the same
   * files (hard links where the file system allows, not a second copy).
   * @default process.env
   */
  readonly env?: { readonly [name: string]: string | undefined };
}

/**
 * The app kit: a repository's services, rendered for every target (environment ×
 * cloud) into one folder each, with a kustomization per folder, container files,
 * and Argo CD, Flux and CI wiring per target. Nothing is written unless every
 * target is valid.
 *
 * @example
 *   const app = new PyserviceApp({ images: { api: { image: 'ghcr.io/acme/api:1.0.0', build: PythonBuild.uv({ pythonVersion: '3.12.7' }) } } });
 *   for (const env of ['staging', 'prod']) {
 *     const target = app.addTarget({ environment: env });
 *     const chart = new Chart(target, 'api', { namespace: 'api' });
 *     new PythonMicroservice(chart, 'api', { image: target.image('api'), ... });
 *   }
 *   app.synth();
 */
export class PyserviceApp {
  /** The targets, in the order they were added: the promotion order within each cloud. */
  public readonly targets: Target[] = [];
  /** The output folder. */
  public readonly outdir: string;
  private readonly props: PyserviceAppProps;
  private readonly env: { readonly [name: string]: string | undefined };
  private readonly issues: string[] = [];
  private badBuilds = false;

  public constructor(props: PyserviceAppProps = {}) {
    this.props = props;
    this.outdir = (props.outdir ?? 'dist').replace(/\/+$/, '');
    this.env = props.env ?? process.env;
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(this.outdir) || this.outdir.split('/').includes('..')) {
      // The delivery files name this folder inside the repository, so it cannot be absolute.
      this.report(
        'outdir',
        "must be a folder relative to the repository root, without '..'",
        props.outdir,
        "Use 'dist'; to write elsewhere, pass synth({ directory }).",
      );
    }
    for (const [service, image] of Object.entries(props.images ?? {})) {
      if (!DNS1123_LABEL.test(service)) {
        this.report(
          `images.${service}`,
          'must be keyed by a service name (a DNS-1123 label)',
          service,
          "Use the name the service is deployed under, e.g. 'orders-api'.",
        );
      }
      const pin =
        typeof image?.image === 'string'
          ? imagePinProblem(image.image)
          : { rule: 'is required', fix: "Pass e.g. { image: 'ghcr.io/acme/orders-api:1.4.2' }." };
      if (pin) this.report(`images.${service}.image`, pin.rule, image?.image, pin.fix);
      // Checked here, where the prop has the user's name; the container files are then not rendered.
      for (const issue of image?.build?.validate(`images.${service}.build`) ?? []) {
        this.issues.push(formatIssue(issue));
        this.badBuilds = true;
      }
    }
  }

  /** Adds a target: an environment, optionally on one cloud. Define its charts under the returned `Target`. */
  public addTarget(props: TargetProps): Target {
    const target = new Target(props, (service) => this.image(service));
    const prop = `targets[${this.targets.length}]`;
    for (const [key, value] of [
      ['environment', props.environment],
      ['cloud', props.cloud],
    ] as const) {
      if (value === undefined && key === 'cloud') continue;
      const problem = dnsLabelProblem(value as string);
      if (problem)
        this.report(
          `${prop}.${key}`,
          problem.rule,
          value,
          key === 'environment' ? "Use e.g. 'staging' or 'prod'." : "Use e.g. the cloud's short name, as its profile's `cloud` says.",
        );
    }
    if (props.kubernetesVersion !== undefined && !/^1\.(2[4-9]|[3-9]\d)$/.test(props.kubernetesVersion)) {
      this.report(
        `${prop}.kubernetesVersion`,
        "must be a Kubernetes minor version from 1.24, like '1.29'",
        props.kubernetesVersion,
        "Use the version of the target's clusters, e.g. '1.29'.",
      );
    }
    this.targets.forEach((earlier, i) => {
      if (earlier.folder === target.folder) {
        this.report(
          `${prop}`,
          `must differ from an earlier target: both are '${target.folder}'`,
          props,
          'Give each environment and cloud pair one target.',
        );
      } else if (nests(earlier.folder, target.folder)) {
        const [outer, inner] = earlier.folder.length < target.folder.length ? [earlier, target] : [target, earlier];
        this.report(
          `${prop}`,
          `must not nest with targets[${i}]: folder '${outer.folder}' would hold '${inner.folder}', and git cannot hold both branches '${outer.deployBranch}' and '${inner.deployBranch}' (a branch is a file under refs/heads/, so one cannot be the folder of the other: "cannot lock ref")`,
          props,
          `Give the target of environment '${outer.environment}' a cloud too, e.g. app.addTarget({ environment: '${outer.environment}', cloud: '<cloud>' }), or use another environment name.`,
        );
      } else if (nests(earlier.deployBranch, target.deployBranch)) {
        this.report(
          `${prop}.deployBranch`,
          `must not nest with the branch '${earlier.deployBranch}' of targets[${i}]: git cannot hold both '${earlier.deployBranch}' and '${target.deployBranch}' (a branch is a file under refs/heads/: "cannot lock ref")`,
          target.deployBranch,
          `Use a sibling name, e.g. '${target.deployBranch.replace(/\/([^/]*)$/, '-$1')}'.`,
        );
      }
    });
    this.targets.push(target);
    return target;
  }

  /**
   * The image of a service declared in `images`: `IMAGE_<SERVICE>` when CI set it
   * (the digest it pushed), else the image written in code. A service that is
   * not declared is reported at synth, with the declared ones.
   */
  public image(service: string): string {
    const images = this.props.images ?? {};
    if (!Object.prototype.hasOwnProperty.call(images, service)) {
      const known = Object.keys(images);
      const issue = formatIssue({
        prop: 'image',
        rule: `must name a service declared in the app's images (${known.length > 0 ? known.join(', ') : 'none declared'})`,
        received: service,
        fix: `Declare it: new PyserviceApp({ images: { '${service}': { image: '<registry>/<repository>:<tag>' } } }).`,
      });
      if (!this.issues.includes(issue)) this.issues.push(issue);
      // A well-formed stand-in keeps the tree buildable; the synth fails on the issue above.
      return 'undeclared.invalid/pyservice/undeclared:0';
    }
    const resolution = resolveImage(service, images[service].image, this.env);
    if (resolution.issue) {
      const issue = formatIssue(resolution.issue);
      if (!this.issues.includes(issue)) this.issues.push(issue);
    }
    return resolution.image;
  }

  /**
   * Validates and renders every target in memory, with the container and
   * delivery files; paths are relative to the output folder. Nothing is written.
   */
  public render(): Rendering {
    const files = new FileMap();
    const result = this.renderInto(files);
    return { ...result, files: result.errors.length > 0 ? new Map() : files.files };
  }

  /**
   * Renders every target and, only if all of them are valid, replaces the output
   * folder with the result (and the cdk8s CLI's folder, when it runs the app).
   * Files are written beside the folders as they are rendered, so the text of the
   * whole output is never held in memory, and swapped in at the end.
   * Prints warnings and errors to stderr without a stack trace and sets
   * `process.exitCode` to 1 on failure, which `cdk8s synth` reports.
   *
   * @returns true when the files were written
   */
  public synth(options: SynthOptions = {}): boolean {
    // Read from the process, not `env`: it tells where this run writes, whatever the app's inputs are.
    const redirect = options.directory ?? process.env[OUTPUT_REDIRECT_VARIABLE];
    const dest = path.resolve(redirect ?? this.outdir);
    const staging = this.env.CDK8S_OUTDIR;
    const folders = new StagedFolders(staging ? [path.resolve(staging), dest] : [dest]);
    let result: Rendering;
    try {
      result = this.renderInto(folders);
    } catch (e) {
      folders.discard();
      throw e;
    }
    const stderr = (text: string) => process.stderr.write(text);
    for (const w of foldClouds(result.warnings)) stderr(`warning: ${w}\n`);
    if (result.errors.length > 0) {
      folders.discard();
      const errors = foldClouds(result.errors);
      stderr(`\nSynthesis failed with ${errors.length} error(s); ${this.outdir}/ was not changed:\n`);
      for (const e of errors) stderr(`  ${e}\n`);
      process.exitCode = 1;
      return false;
    }
    folders.commit();
    // Where the files went, instead of the cdk8s CLI's list of its own copy; a redirected synth (diff) stays quiet.
    const folderNames = this.targets.map((t) => t.folder);
    if (redirect === undefined) stderr(synthSummary(this.outdir, folderNames, folders.written));
    return true;
  }

  /** Validates every target, then renders it and the container and delivery files into `sink`; `files` stays empty. */
  private renderInto(sink: FileSink): Rendering {
    const errors = [...this.issues];
    const services = Object.keys(this.props.images ?? {});
    if (services.length > 0) errors.push(...imageOverrideProblems(services, this.env));
    if (this.targets.length === 0) {
      errors.push(
        formatIssue({
          prop: 'targets',
          rule: 'must hold at least one target',
          received: [],
          fix: "Call app.addTarget({ environment: 'prod' }) and define your charts under it.",
        }),
      );
    }
    const files = new Map<string, string>();
    const byFolder = new Map(this.targets.map((t) => [t.folder, t]));
    // render() validates every target before rendering any; the app's own problems found above stop the output too.
    const out: FileSink = errors.length > 0 ? { write: () => undefined } : sink;
    const manifests = render(
      this.targets.map((t) => ({ cloud: t.folder, app: t })),
      {
        sink: out,
        // The plan beside each target's files, from its objects while they are at hand.
        onTarget: (folder, objects, warnings) =>
          out.write(`${folder}/${PLAN_FILE}`, targetPlan(byFolder.get(folder)!, folder, this.outdir, objects, warnings)),
      },
    );
    errors.push(...manifests.errors);
    if (errors.length > 0) return { files, errors, warnings: manifests.warnings, objectCount: 0 };
    try {
      const container = this.containerFiles();
      for (const [file, text] of container) sink.write(file, text);
      for (const [file, text] of this.deliveryFiles(container)) sink.write(file, text);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors.push(...e.errors);
    }
    return { files, errors, warnings: manifests.warnings, objectCount: errors.length > 0 ? 0 : manifests.objectCount };
  }

  private report(prop: string, rule: string, received: unknown, fix: string): void {
    this.issues.push(formatIssue({ prop, rule, received, fix } satisfies PropIssue));
  }

  /** The workloads of the environment compose mirrors, with the build of their image. */
  private containerFiles(): Map<string, string> {
    const built = Object.entries(this.props.images ?? {}).filter(([, i]) => i.build !== undefined);
    if (built.length === 0 || this.badBuilds) return new Map();
    const environment = this.props.containers?.environment;
    const source = environment === undefined ? this.targets[0] : this.targets.find((t) => t.environment === environment);
    if (!source) {
      throw new ValidationError('The container files cannot be written:', [
        formatIssue({
          prop: 'containers.environment',
          rule: 'must name the environment of a target',
          received: environment,
          fix: `Use one of ${[...new Set(this.targets.map((t) => t.environment))].join(', ')}.`,
        }),
      ]);
    }
    const buildOf = new Map(built.map(([service, i]) => [this.image(service), i.build!]));
    const workloads = containerWorkloads(source)
      .filter((w) => buildOf.has(w.container.image))
      .map((w) => ({ ...w, build: buildOf.get(w.container.image) }));
    if (workloads.length === 0) return new Map();
    const outDir = `${this.outdir}/container`;
    let files: Map<string, string>;
    try {
      files = containerFiles(workloads, workloads[0].build!, { outDir, backingServices: this.props.containers?.backingServices });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      throw new ValidationError(
        e.message,
        e.errors.map((line) => `[${outDir}] ${line}`),
      );
    }
    return new Map([...files].map(([file, text]) => [`container/${file}`, text]));
  }

  private deliveryFiles(container: Map<string, string>): Map<string, string> {
    const delivery = this.props.delivery;
    if (!delivery) return new Map();
    const targets: DeliveryTarget[] = this.targets.map((t) => ({
      name: t.targetName,
      environment: t.environment,
      group: t.cloud,
      cloud: profileCloud(t),
      folder: t.folder,
      manifests: `${this.outdir}/${t.folder}`,
      deployBranch: t.deployBranch,
      scope: targetScope(t, delivery.namespace),
      releaseTimeout: releaseTimeout(t),
    }));
    // The Dockerfile of each built image sits in the folder of its first web workload.
    const containerDirs = new Map<string, string>();
    for (const [file] of container) {
      const m = /^container\/([^/]+)\/Dockerfile$/.exec(file);
      if (m) containerDirs.set(m[1], `${this.outdir}/container/${m[1]}/Dockerfile`);
    }
    const services = Object.entries(this.props.images ?? {})
      .filter(([, i]) => i.build !== undefined)
      .map(([name, i]) => ({ name, dockerfile: this.dockerfileOf(name, containerDirs), context: i.build!.context }));
    return deliveryFiles(targets, services, delivery);
  }

  private dockerfileOf(service: string, dirs: Map<string, string>): string {
    const source = this.targets[0];
    const image = this.image(service);
    const owner =
      containerWorkloads(source).find((w) => w.container.image === image && w.role === WorkloadRole.WEB) ??
      containerWorkloads(source).find((w) => w.container.image === image);
    return (owner && dirs.get(owner.container.name)) ?? `${this.outdir}/container/${service}/Dockerfile`;
  }
}

/** Whether one of two different slash-separated paths is a folder of the other (`prod` and `prod/east`). */
function nests(a: string, b: string): boolean {
  return a !== b && (b.startsWith(`${a}/`) || a.startsWith(`${b}/`));
}
