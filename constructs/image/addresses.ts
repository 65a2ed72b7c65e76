/**
 * In-cluster addresses in settings, as compose reaches the same services: a
 * Service's DNS name becomes the compose service's name, and the Service port
 * the container port it maps to.
 */

/** A service compose runs that the cluster reaches by a Service name. */
export interface ComposeTarget {
  /** Name of the Kubernetes Service (for backing services: the name the cluster calls it by). */
  readonly serviceName: string;
  /** Namespace of the Service; undefined when any namespace may hold it (a backing service). */
  readonly namespace?: string;
  /** Name of the compose service. */
  readonly composeName: string;
  /** Service port and the container port it maps to; undefined when compose listens on the same port. */
  readonly ports?: { readonly service: number; readonly container: number };
}

/** Ports a URL scheme implies when it names none. */
const SCHEME_PORTS: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443 };

/**
 * A host (optionally `scheme://` and `user@` before it and `:port` after it),
 * standing alone: not part of a longer name, nor followed by more of one.
 */
const ADDRESS =
  /(?<![\w.-])(?:([a-z][a-z0-9+.-]*):\/\/([^\s/@,;]*@)?)?([a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)(?::(\d{1,5}))?(?![\w.-]|:\d)/gi;

/**
 * Rewrites the in-cluster addresses of `targets` in a setting's value: exact host
 * matches only (`<svc>.<ns>.svc.cluster.local`, `<svc>.<ns>.svc`, `<svc>.<ns>` for a
 * namespace of the app, and a bare `<svc>`), keeping schemes, credentials and paths;
 * unknown hosts are left alone.
 * @param namespaces the namespaces of the app's services, where `<svc>.<ns>` is taken for a Service name
 */
export function composeAddresses(value: string, targets: readonly ComposeTarget[], namespaces: ReadonlySet<string>): string {
  if (targets.length === 0) return value;
  return value.replace(
    ADDRESS,
    (match, scheme: string | undefined, userinfo: string | undefined, host: string, port: string | undefined) => {
      const target = resolve(host.toLowerCase(), targets, namespaces);
      if (!target) return match;
      const prefix = scheme === undefined ? '' : `${scheme}://${userinfo ?? ''}`;
      const implied = port !== undefined ? Number(port) : SCHEME_PORTS[scheme?.toLowerCase() ?? ''];
      const mapped = target.ports !== undefined && implied === target.ports.service ? target.ports.container : undefined;
      const outPort = mapped ?? (port !== undefined ? Number(port) : undefined);
      return `${prefix}${target.composeName}${outPort === undefined ? '' : `:${outPort}`}`;
    },
  );
}

/** The target a host names, by the cluster DNS forms of a Service. */
function resolve(host: string, targets: readonly ComposeTarget[], namespaces: ReadonlySet<string>): ComposeTarget | undefined {
  const labels = host.split('.');
  let name: string;
  let namespace: string | undefined;
  if (labels.length === 5 && labels.slice(2).join('.') === 'svc.cluster.local') [name, namespace] = labels;
  else if (labels.length === 3 && labels[2] === 'svc') [name, namespace] = labels;
  // `<a>.<b>` is also how public names look (redis.io): only a namespace of the app makes it a Service.
  else if (labels.length === 2 && namespaces.has(labels[1])) [name, namespace] = labels;
  else if (labels.length === 1) name = labels[0];
  else return undefined;
  return targets.find((t) => t.serviceName === name && (namespace === undefined || t.namespace === undefined || t.namespace === namespace));
}
