/**
 * Image promotion without hand edits: the pipeline that built an image tells
 * the synth which image to deploy, and the code keeps a pinned fallback for
 * local synths.
 *
 * For a service `orders-api` the pipeline sets
 *
 *     IMAGE_ORDERS_API=123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders-api@sha256:<64 hex>
 *
 * before `npm run synth`; the variable name is `IMAGE_` plus the service name in
 * upper snake case. A program can instead set the context value
 * `pyservice:images` (`{ 'orders-api': '<image>' }`) on the App, e.g. from a
 * release file. The environment wins over the context, and both over the
 * fallback, because the environment is the one input that changes per pipeline run.
 *
 * An override must be as pinned as an image written in code: a digest, or a
 * tag other than `latest`. Anything else fails the synth with the variable's
 * name, since a silently ignored override would deploy the old build.
 */
import { Construct } from 'constructs';
import { DNS1123_LABEL, imagePinProblem } from '../constructs/core/names';
import { PropIssue, ValidationError, formatIssue } from '../constructs/core/validation';

/** Context key holding a map from service name to image. */
export const IMAGE_CONTEXT_KEY = 'pyservice:images';

/** Prefix of every image override variable. */
const IMAGE_VARIABLE_PREFIX = 'IMAGE_';

/** Where the image of a service came from. */
export type ImageSource = 'env' | 'context' | 'fallback';

/** The image chosen for a service, or why the override was refused. */
export interface ImageResolution {
  /** The image to deploy: the override when valid, else the fallback. */
  readonly image: string;
  /** Which input supplied `image` (`fallback` also when an override was refused). */
  readonly source: ImageSource;
  /** The variable that overrides this service, e.g. `IMAGE_ORDERS_API`. */
  readonly variable: string;
  /** Set when an override was given but is not a pinned image reference. */
  readonly issue?: PropIssue;
}

/**
 * The environment variable that overrides the image of `service`:
 * `orders-api` → `IMAGE_ORDERS_API`. One-to-one for DNS-1123 labels, the only
 * service names the library accepts.
 *
 * @throws Error when `service` is not a DNS-1123 label
 */
export function imageVariable(service: string): string {
  if (typeof service !== 'string' || !DNS1123_LABEL.test(service)) {
    throw new ValidationError('No IMAGE_ variable can be derived:', [
      formatIssue({
        prop: 'service',
        rule: 'must be a service name (a DNS-1123 label) to derive its IMAGE_ variable',
        received: service,
        fix: "Pass the name the service is deployed under, e.g. 'orders-api'.",
      }),
    ]);
  }
  return IMAGE_VARIABLE_PREFIX + service.toUpperCase().replace(/-/g, '_');
}

/**
 * Resolves the image of `service` without throwing: the override from `env`
 * (or from the `pyservice:images` context of `scope`) when it is a pinned
 * reference, else `fallback`, with the refused override described in `issue`.
 */
export function resolveImage(service: string, fallback: string, env: NodeJS.ProcessEnv = process.env, scope?: Construct): ImageResolution {
  const variable = imageVariable(service);
  const fromEnv = env[variable];
  if (fromEnv !== undefined) return checked(variable, fromEnv, 'env', fallback, variable);
  const fromContext = contextImages(scope)[service];
  if (fromContext !== undefined) return checked(`${IMAGE_CONTEXT_KEY}.${service}`, fromContext, 'context', fallback, variable);
  return { image: fallback, source: 'fallback', variable };
}

function checked(prop: string, value: unknown, source: ImageSource, fallback: string, variable: string): ImageResolution {
  // An empty value is a pipeline that meant to promote and produced nothing
  // (a missing step output): deploying the fallback then would hide it.
  const problem = typeof value === 'string' ? imagePinProblem(value) : imagePinProblem('');
  if (!problem) return { image: value as string, source, variable };
  const unset =
    source === 'env' ? `Unset ${variable} to deploy the image written in code.` : `Remove it to deploy the image written in code.`;
  return {
    image: fallback,
    source: 'fallback',
    variable,
    issue: { prop, rule: problem.rule, received: value, fix: `${problem.fix} ${unset}` },
  };
}

function contextImages(scope: Construct | undefined): Record<string, unknown> {
  const value: unknown = scope?.node.tryGetContext(IMAGE_CONTEXT_KEY);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The image to deploy for `service`: `IMAGE_<SERVICE>` from `env` when set (or
 * the `pyservice:images` context of `scope`), else `fallback`.
 *
 * @example
 *   image: imageFor('orders-api', 'ghcr.io/acme/orders-api:1.4.2'),
 * @throws ValidationError when the override is unpinned or malformed, e.g.
 *   `'IMAGE_ORDERS_API' must not use the mutable tag ':latest'; received "ghcr.io/acme/orders-api:latest". ...`
 */
export function imageFor(service: string, fallback: string, env: NodeJS.ProcessEnv = process.env, scope?: Construct): string {
  const resolution = resolveImage(service, fallback, env, scope);
  if (resolution.issue) throw new ValidationError('The image override is refused:', [formatIssue(resolution.issue)]);
  return resolution.image;
}

/**
 * Every problem with the image overrides in `env`, formatted in the project's
 * error shape, for a program to report all at once before synthesizing:
 * overrides that are not pinned, and `IMAGE_*` variables that name no known
 * service (a typo there would otherwise deploy the old image without a word).
 *
 * @param services every service the app deploys
 * @param ignore `IMAGE_*` variables that belong to something else in the environment
 */
export function imageOverrideProblems(
  services: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  ignore: readonly string[] = [],
): string[] {
  const known = new Map(services.map((s) => [imageVariable(s), s]));
  const problems: string[] = [];
  for (const [variable, service] of known) {
    const resolution = resolveImage(service, 'unused:0', { [variable]: env[variable] });
    if (env[variable] !== undefined && resolution.issue) problems.push(formatIssue(resolution.issue));
  }
  const stray = Object.keys(env)
    .filter((name) => name.startsWith(IMAGE_VARIABLE_PREFIX) && !known.has(name) && !ignore.includes(name))
    .sort();
  for (const variable of stray) {
    problems.push(
      formatIssue({
        prop: variable,
        rule: `must name a service of the app (${[...known.keys()].join(', ')})`,
        received: env[variable],
        fix: 'Fix the service name in the variable, or unset it.',
      }),
    );
  }
  return problems;
}
