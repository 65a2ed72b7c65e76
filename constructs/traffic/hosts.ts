import { Construct } from 'constructs';
import { appIndex } from '../core/app-index';
import { formatIssue } from '../core/validation';

/**
 * The problems of the service at `scope` with the other services of the app
 * that route `host` through an Ingress: the same path twice, or one host on two
 * load balancers where the cloud gives each Ingress its own.
 */
export function hostSharingProblems(scope: Construct, host: string): string[] {
  const path = scope.node.path;
  const routes = appIndex(scope).hosts.get(host) ?? [];
  const mine = routes.find((r) => r.path === path)!;
  const earlier = routes.filter((o) => o.path < path);
  const problems: string[] = [];
  const clash = earlier.find((o) => o.routePath === mine.routePath);
  if (clash) {
    problems.push(
      formatIssue({
        prop: 'ingress.path',
        rule: `must differ from the path of ${clash.path}, which routes the same host`,
        received: mine.routePath,
        fix: "Give each service its own path prefix, e.g. '/api' and '/ws'.",
      }),
    );
  }
  if (earlier.length > 0 && !mine.sharesHost) {
    problems.push(
      formatIssue({
        prop: 'ingress.host',
        rule: `is also routed by ${earlier[0].path}, and on this cloud each Ingress gets its own load balancer and certificate`,
        received: mine.host,
        fix: mine.fix ?? 'Route both through one Gateway.',
      }),
    );
  }
  return problems;
}
