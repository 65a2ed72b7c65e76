/**
 * Container registries the workflow pushes to, each reached with GitHub's OIDC
 * token (keyless): the cloud trusts tokens from this repository, so no
 * long-lived key is stored anywhere.
 */
import { defaultRegistryOf } from '../../constructs/profiles';
import { PropIssue } from '../../constructs/core/validation';
import { ActionRefs } from './actions';

/** A workflow step, as GitHub Actions reads it. */
export type Step = Record<string, unknown>;

/** What a registry contributes to the jobs that push to it or copy from it. */
export interface RegistryBinding {
  /** Steps that obtain cloud credentials and log in to the registry (the Docker config, which crane reads too). */
  readonly loginSteps: Step[];
  /** Image repository of a service, without tag or digest; may contain `${{ }}` expressions. */
  imageRepository(service: string): string;
  /** Broken rules in the registry's options. */
  readonly issues: PropIssue[];
}

/** Options of {@link ContainerRegistry.ecr}. */
export interface EcrOptions {
  /**
   * IAM role the workflow assumes through GitHub's OIDC provider; it needs ECR push rights.
   * @default '${{ vars.AWS_ROLE_TO_ASSUME }}'
   */
  readonly roleToAssume?: string;
  /**
   * AWS region of the registry.
   * @default '${{ vars.AWS_REGION }}'
   */
  readonly region?: string;
  /**
   * Prefix of every repository name, e.g. `shop/` for `shop/orders-api`.
   * @default '' (the repository is named after the service)
   */
  readonly repositoryPrefix?: string;
}

/** Options of {@link ContainerRegistry.artifactRegistry}. */
export interface ArtifactRegistryOptions {
  /**
   * Full name of the Workload Identity Provider trusted by the service account,
   * `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`.
   * @default '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}'
   */
  readonly workloadIdentityProvider?: string;
  /**
   * Service account the workflow impersonates; it needs `roles/artifactregistry.writer`.
   * @default '${{ vars.GCP_SERVICE_ACCOUNT }}'
   */
  readonly serviceAccount?: string;
  /**
   * Location of the repository, e.g. `europe-west1`.
   * @default '${{ vars.GAR_LOCATION }}'
   */
  readonly location?: string;
  /**
   * Project that holds the repository.
   * @default '${{ vars.GCP_PROJECT_ID }}'
   */
  readonly projectId?: string;
  /**
   * Name of the Docker-format repository.
   * @default '${{ vars.GAR_REPOSITORY }}'
   */
  readonly repository?: string;
}

/** Options of {@link ContainerRegistry.acr}. */
export interface AcrOptions {
  /**
   * Client id of the Entra application (or user-assigned identity) with a federated
   * credential for this repository; it needs `AcrPush` on the registry.
   * @default '${{ vars.AZURE_CLIENT_ID }}'
   */
  readonly clientId?: string;
  /**
   * Entra tenant of that identity.
   * @default '${{ vars.AZURE_TENANT_ID }}'
   */
  readonly tenantId?: string;
  /**
   * Subscription `az` works in after signing in.
   * @default '${{ vars.AZURE_SUBSCRIPTION_ID }}'
   */
  readonly subscriptionId?: string;
  /**
   * Registry name, the `<name>` of `<name>.azurecr.io`.
   * @default '${{ vars.ACR_NAME }}'
   */
  readonly registryName?: string;
  /**
   * Prefix of every repository name, e.g. `shop/`.
   * @default ''
   */
  readonly repositoryPrefix?: string;
}

const CONTEXT_EXPRESSION = /^\$\{\{\s*(vars|secrets)\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;
const NAME_OR_EXPRESSION = /^(?:[a-z0-9][a-z0-9-]*|\$\{\{\s*(vars|secrets)\.[A-Za-z_][A-Za-z0-9_]*\s*\}\})$/;
const PREFIX = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*$/;

/**
 * Identities (role, provider, client ids) must come from the `vars` or
 * `secrets` context: the workflow is committed, and which identity may push
 * images is the repository owner's setting, not the generator's.
 */
function identityIssue(prop: string, value: string, variable: string): PropIssue | undefined {
  if (typeof value === 'string' && CONTEXT_EXPRESSION.test(value)) return undefined;
  return {
    prop,
    rule: "must be read from the 'vars' or 'secrets' context, not written into the workflow",
    received: value,
    fix: `Store it as the repository variable ${variable} and pass '\${{ vars.${variable} }}' (the default).`,
  };
}

function nameIssue(prop: string, value: string, example: string): PropIssue | undefined {
  if (typeof value === 'string' && NAME_OR_EXPRESSION.test(value)) return undefined;
  return { prop, rule: "must be a lowercase name or a '${{ vars.NAME }}' expression", received: value, fix: `Use e.g. '${example}'.` };
}

function prefixIssue(prop: string, value: string): PropIssue | undefined {
  if (typeof value === 'string' && PREFIX.test(value)) return undefined;
  return { prop, rule: "must be empty or lowercase path segments each ending in '/'", received: value, fix: "Use e.g. 'shop/'." };
}

const defined = (issues: Array<PropIssue | undefined>): PropIssue[] => issues.filter((i): i is PropIssue => i !== undefined);

/** Where a cloud's images are pushed, and how the workflow signs in there. */
export class ContainerRegistry {
  /**
   * Amazon ECR in the account of `roleToAssume`, signed in with
   * `aws-actions/configure-aws-credentials` (OIDC `role-to-assume`) and
   * `aws-actions/amazon-ecr-login`. The repositories must exist.
   */
  public static ecr(options: EcrOptions = {}): ContainerRegistry {
    const role = options.roleToAssume ?? '${{ vars.AWS_ROLE_TO_ASSUME }}';
    const region = options.region ?? '${{ vars.AWS_REGION }}';
    const prefix = options.repositoryPrefix ?? '';
    return new ContainerRegistry('ecr', (actions, suffix) => ({
      issues: defined([
        identityIssue('registry.roleToAssume', role, 'AWS_ROLE_TO_ASSUME'),
        nameIssue('registry.region', region, 'eu-west-1'),
        prefixIssue('registry.repositoryPrefix', prefix),
      ]),
      loginSteps: [
        {
          name: 'Sign in to AWS (OIDC)',
          uses: actions.awsCredentials,
          // The registry host carries the account id and becomes a job output; GitHub
          // drops outputs that contain masked values, so the id must not be masked.
          with: { 'role-to-assume': role, 'aws-region': region, 'mask-aws-account-id': false },
        },
        { name: 'Sign in to Amazon ECR', id: `ecr${suffix}`, uses: actions.ecrLogin },
      ],
      imageRepository: (service) => `\${{ steps.ecr${suffix}.outputs.registry }}/${prefix}${service}`,
    }));
  }

  /**
   * Google Artifact Registry, signed in with `google-github-actions/auth`
   * (Workload Identity Federation, impersonating `serviceAccount`) and
   * `docker/login-action` with the short-lived access token.
   */
  public static artifactRegistry(options: ArtifactRegistryOptions = {}): ContainerRegistry {
    const provider = options.workloadIdentityProvider ?? '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}';
    const account = options.serviceAccount ?? '${{ vars.GCP_SERVICE_ACCOUNT }}';
    const location = options.location ?? '${{ vars.GAR_LOCATION }}';
    const project = options.projectId ?? '${{ vars.GCP_PROJECT_ID }}';
    const repository = options.repository ?? '${{ vars.GAR_REPOSITORY }}';
    const host = `${location}-docker.pkg.dev`;
    return new ContainerRegistry('artifact-registry', (actions, suffix) => ({
      issues: defined([
        identityIssue('registry.workloadIdentityProvider', provider, 'GCP_WORKLOAD_IDENTITY_PROVIDER'),
        identityIssue('registry.serviceAccount', account, 'GCP_SERVICE_ACCOUNT'),
        nameIssue('registry.location', location, 'europe-west1'),
        nameIssue('registry.projectId', project, 'acme-shop-prod'),
        nameIssue('registry.repository', repository, 'shop'),
      ]),
      loginSteps: [
        {
          name: 'Sign in to Google Cloud (Workload Identity Federation)',
          id: `gcp${suffix}`,
          uses: actions.googleAuth,
          with: { workload_identity_provider: provider, service_account: account, token_format: 'access_token' },
        },
        {
          name: 'Sign in to Artifact Registry',
          uses: actions.dockerLogin,
          // 'oauth2accesstoken' is the fixed user name Artifact Registry expects with an access token.
          with: { registry: host, username: 'oauth2accesstoken', password: `\${{ steps.gcp${suffix}.outputs.access_token }}` },
        },
      ],
      imageRepository: (service) => `${host}/${project}/${repository}/${service}`,
    }));
  }

  /**
   * Azure Container Registry, signed in with `azure/login` (OIDC federated
   * credential: client, tenant and subscription ids, no secret) and `az acr login`.
   */
  public static acr(options: AcrOptions = {}): ContainerRegistry {
    const clientId = options.clientId ?? '${{ vars.AZURE_CLIENT_ID }}';
    const tenantId = options.tenantId ?? '${{ vars.AZURE_TENANT_ID }}';
    const subscriptionId = options.subscriptionId ?? '${{ vars.AZURE_SUBSCRIPTION_ID }}';
    const name = options.registryName ?? '${{ vars.ACR_NAME }}';
    const prefix = options.repositoryPrefix ?? '';
    return new ContainerRegistry('acr', (actions) => ({
      issues: defined([
        identityIssue('registry.clientId', clientId, 'AZURE_CLIENT_ID'),
        identityIssue('registry.tenantId', tenantId, 'AZURE_TENANT_ID'),
        identityIssue('registry.subscriptionId', subscriptionId, 'AZURE_SUBSCRIPTION_ID'),
        nameIssue('registry.registryName', name, 'acmeshop'),
        prefixIssue('registry.repositoryPrefix', prefix),
      ]),
      loginSteps: [
        {
          name: 'Sign in to Azure (OIDC)',
          uses: actions.azureLogin,
          with: { 'client-id': clientId, 'tenant-id': tenantId, 'subscription-id': subscriptionId },
        },
        // The name goes through env, never into the script text, so a variable cannot inject shell.
        { name: 'Sign in to Azure Container Registry', run: 'az acr login --name "$ACR_NAME"', env: { ACR_NAME: name } },
      ],
      imageRepository: (service) => `${name}.azurecr.io/${prefix}${service}`,
    }));
  }

  /** The registry of a cloud's own platform, as its profile names it (the profile's `registry`). */
  public static forCloud(cloud: string): ContainerRegistry | undefined {
    const kind = defaultRegistryOf(cloud);
    return kind === undefined ? undefined : ContainerRegistry.ofKind(kind);
  }

  /** The registry of a kind, with its repository-variable defaults: `ecr`, `artifact-registry` or `acr`. */
  public static ofKind(kind: string): ContainerRegistry | undefined {
    const byKind: Record<string, () => ContainerRegistry> = {
      ecr: () => ContainerRegistry.ecr(),
      'artifact-registry': () => ContainerRegistry.artifactRegistry(),
      acr: () => ContainerRegistry.acr(),
    };
    return Object.hasOwn(byKind, kind) ? byKind[kind]() : undefined;
  }

  private constructor(
    /** Which registry service this is: `ecr`, `artifact-registry` or `acr`. */
    public readonly kind: string,
    private readonly binder: (actions: ActionRefs, suffix: string) => RegistryBinding,
  ) {}

  /**
   * The login steps, image repositories and option issues, for the given action references.
   * @param stepSuffix appended to the ids of the login steps, so that one job can sign in to two registries
   */
  public bind(actions: ActionRefs, stepSuffix = ''): RegistryBinding {
    return this.binder(actions, stepSuffix);
  }
}
