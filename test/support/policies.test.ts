import * as fs from 'fs';
import * as path from 'path';
import { Finding, lintFindings, podSecurityViolations, restrictedViolations, Severity, Tool } from './policies';

const LABELS = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

/** A Deployment hardened to pass PSS restricted and every default check of the three linters. */
function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'shop',
      labels: { ...LABELS },
      // Polaris wants spec.replicas >= 2, kube-score forbids spec.replicas under an HPA.
      annotations: { 'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true' },
    },
    spec: {
      strategy: { type: 'RollingUpdate' },
      selector: { matchLabels: { ...LABELS } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          serviceAccountName: 'api',
          automountServiceAccountToken: false,
          priorityClassName: 'service-standard',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...LABELS } } },
                },
              ],
            },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { ...LABELS } },
            },
          ],
          containers: [container()],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function container(): any {
  return {
    name: 'app',
    image: 'registry.example.com/shop/api:1.4.2',
    imagePullPolicy: 'Always',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    livenessProbe: { httpGet: { path: '/live', port: 'http' } },
    startupProbe: { httpGet: { path: '/live', port: 'http' }, failureThreshold: 30 },
    resources: {
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '256Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

function meta(name = 'api'): any {
  return { name, namespace: 'shop', labels: { ...LABELS } };
}

/** The full hardened set: Deployment, Service, HPA, PDB, NetworkPolicy, ServiceAccount. */
function hardenedSet(): any[] {
  return [
    deployment(),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: { type: 'ClusterIP', selector: { ...LABELS }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { ...LABELS } } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
            ports: [{ port: 8080, protocol: 'TCP' }],
          },
        ],
        egress: [
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: false },
  ];
}

/** A hardened Job wrapped in a CronJob (its pod template sits at spec.jobTemplate.spec.template). */
function cronJob(): any {
  const pod = deployment().spec.template;
  delete pod.spec.topologySpreadConstraints;
  delete pod.spec.affinity;
  pod.spec.restartPolicy = 'OnFailure';
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'report' } },
    spec: { schedule: '0 3 * * *', startingDeadlineSeconds: 300, jobTemplate: { spec: { template: pod } } },
  };
}

/** A StatefulSet with the hardened pod, and no headless Service or PodDisruptionBudget of its own. */
function statefulSet(): any {
  const labels = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };
  const pod = deployment().spec.template;
  pod.metadata.labels = { ...labels };
  pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels = {
    ...labels,
  };
  pod.spec.topologySpreadConstraints[0].labelSelector.matchLabels = { ...labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop', labels: { ...labels } },
    spec: { serviceName: 'db', replicas: 3, selector: { matchLabels: { ...labels } }, template: pod },
  };
}

/** An Ingress routing / to the named Service's http port. */
function ingressTo(service: string): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(),
    spec: {
      tls: [{ hosts: ['api.example.com'] }],
      rules: [
        {
          host: 'api.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { name: 'http' } } } }] },
        },
      ],
    },
  };
}

/**
 * The rule ids the policy modules can report, read from their source: kube-score
 * and kube-linter ids are the kebab-case literals passed to their finding helpers,
 * Polaris ids the keys of its severity table.
 */
function implementedRules(): string[] {
  const read = (f: string) => fs.readFileSync(path.join(__dirname, 'policies', `${f}.ts`), 'utf8');
  const ids = (tool: string, src: string, pattern: RegExp) => [...src.matchAll(pattern)].map((m) => `${tool} ${m[1]}`);
  const polaris = /^const POLARIS_SEVERITY[^{]*\{([\s\S]*?)^\};/m.exec(read('polaris'))![1];
  return [
    ...ids('kube-score', read('kube-score') + read('kube-score-pod'), /(?:ksScore|ksObj)\('([a-z0-9-]+)'/g),
    ...ids('kube-score', read('kube-score'), /\? '((?:deployment|statefulset)-[a-z-]+)' : '((?:deployment|statefulset)-[a-z-]+)'/g),
    ...ids('kube-score', read('kube-score'), /: '(statefulset-[a-z-]+)'/g),
    ...['deployment', 'statefulset'].flatMap((kind) =>
      ids('kube-score', read('kube-score'), /`\$\{prefix\}-([a-z-]+)`/g).map((id) => id.replace('kube-score ', `kube-score ${kind}-`)),
    ),
    ...ids('polaris', polaris, /(\w+): '(?:warning|danger)'/g),
    ...ids('kube-linter', read('kube-linter'), /(?:kl|klContainers\(w|klHostMounts\(w)\(?,? ?'([a-z0-9-]+)'/g),
  ]
    .filter((id, i, all) => all.indexOf(id) === i)
    .sort();
}

function podOf(obj: any): any {
  return obj.spec.template.spec;
}

function appContainer(obj: any): any {
  return podOf(obj).containers[0];
}

function checkIds(violations: string[]): string[] {
  return violations.map((v) => /\((?:baseline|restricted): (\w+)\)$/.exec(v)?.[1] ?? v);
}

describe('restrictedViolations: checks modelled on pod-security-admission (policy 1.28), not the admission controller itself', () => {
  test('a hardened Deployment has no violations', () => {
    // GIVEN
    const obj = deployment();
    // WHEN
    const violations = restrictedViolations(obj);
    // THEN
    expect(violations).toEqual([]);
  });

  test('objects without a pod template are not checked', () => {
    // GIVEN
    const objects = hardenedSet().slice(1);
    // WHEN
    const violations = objects.flatMap(restrictedViolations);
    // THEN
    expect(violations).toEqual([]);
  });

  test('messages name the object, the container and the check id', () => {
    // GIVEN
    const obj = deployment();
    delete obj.metadata.namespace;
    delete appContainer(obj).securityContext.allowPrivilegeEscalation;
    // WHEN
    const violations = restrictedViolations(obj);
    // THEN
    expect(violations).toEqual(['Deployment/api container app: allowPrivilegeEscalation != false (restricted: allowPrivilegeEscalation)']);
  });

  const families: Array<[string, (obj: any) => void]> = [
    [
      'hostNamespaces',
      (o) => {
        podOf(o).hostPID = true;
      },
    ],
    [
      'privileged',
      (o) => {
        appContainer(o).securityContext.privileged = true;
      },
    ],
    [
      'capabilities_restricted',
      (o) => {
        appContainer(o).securityContext.capabilities = { drop: ['NET_RAW'] };
      },
    ],
    [
      'hostPathVolumes',
      (o) => {
        podOf(o).volumes.push({ name: 'host', hostPath: { path: '/var/log' } });
      },
    ],
    [
      'hostPorts',
      (o) => {
        appContainer(o).ports[0].hostPort = 8080;
      },
    ],
    [
      'appArmorProfile',
      (o) => {
        o.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
      },
    ],
    [
      'seLinuxOptions',
      (o) => {
        appContainer(o).securityContext.seLinuxOptions = { type: 'spc_t' };
      },
    ],
    [
      'procMount',
      (o) => {
        appContainer(o).securityContext.procMount = 'Unmasked';
      },
    ],
    [
      'seccompProfile_restricted',
      (o) => {
        delete podOf(o).securityContext.seccompProfile;
        delete appContainer(o).securityContext.seccompProfile;
      },
    ],
    [
      'sysctls',
      (o) => {
        podOf(o).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
      },
    ],
    [
      'restrictedVolumes',
      (o) => {
        podOf(o).volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/x' } });
      },
    ],
    [
      'allowPrivilegeEscalation',
      (o) => {
        appContainer(o).securityContext.allowPrivilegeEscalation = true;
      },
    ],
    [
      'runAsNonRoot',
      (o) => {
        delete podOf(o).securityContext.runAsNonRoot;
        delete appContainer(o).securityContext.runAsNonRoot;
      },
    ],
    [
      'runAsUser',
      (o) => {
        appContainer(o).securityContext.runAsUser = 0;
      },
    ],
    [
      'windowsHostProcess',
      (o) => {
        appContainer(o).securityContext.windowsOptions = { hostProcess: true };
      },
    ],
  ];

  test.each(families)('reports %s', (id, mutate) => {
    // GIVEN
    const obj = deployment();
    mutate(obj);
    // WHEN
    const ids = checkIds(restrictedViolations(obj));
    // THEN
    expect(ids).toContain(id);
  });

  test('baseline allows what restricted forbids, and restricted checks replace their baseline twins', () => {
    // GIVEN
    const obj = deployment();
    appContainer(obj).securityContext.capabilities = { add: ['SYS_ADMIN'] };
    appContainer(obj).securityContext.seccompProfile = { type: 'Unconfined' };
    delete appContainer(obj).securityContext.allowPrivilegeEscalation;
    // WHEN
    const baseline = checkIds(podSecurityViolations(obj, 'baseline'));
    const restricted = checkIds(restrictedViolations(obj));
    // THEN
    expect(baseline.sort()).toEqual(['capabilities_baseline', 'seccompProfile_baseline']);
    expect(restricted.sort()).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
  });

  test('allows the documented safe values', () => {
    // GIVEN
    const obj = deployment();
    podOf(obj).securityContext.sysctls = [{ name: 'net.ipv4.ip_local_reserved_ports', value: '8080' }];
    appContainer(obj).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    appContainer(obj).securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' };
    obj.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' };
    delete podOf(obj).securityContext.seccompProfile;
    appContainer(obj).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    // WHEN
    const violations = restrictedViolations(obj);
    // THEN
    expect(violations).toEqual([]);
  });

  test('a sysctl first allowed by policy 1.29 is still forbidden at 1.28', () => {
    // GIVEN
    const obj = deployment();
    podOf(obj).securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }];
    // WHEN
    const ids = checkIds(restrictedViolations(obj));
    // THEN
    expect(ids).toEqual(['sysctls']);
  });

  test('checks init and ephemeral containers too', () => {
    // GIVEN
    const obj = deployment();
    podOf(obj).initContainers = [{ name: 'migrate', image: 'x:1' }];
    podOf(obj).ephemeralContainers = [{ name: 'debug', image: 'busybox:1', securityContext: { runAsUser: 0 } }];
    // WHEN
    const violations = restrictedViolations(obj);
    // THEN
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment\/shop\/api container migrate: .*\(restricted: allowPrivilegeEscalation\)$/),
        expect.stringMatching(/^Deployment\/shop\/api container debug: runAsUser=0 \(restricted: runAsUser\)$/),
      ]),
    );
  });

  test('reads the pod template of a CronJob from spec.jobTemplate.spec.template', () => {
    // GIVEN
    const obj = cronJob();
    obj.spec.jobTemplate.spec.template.spec.hostNetwork = true;
    // WHEN
    const violations = restrictedViolations(obj);
    // THEN
    expect(violations).toEqual(['CronJob/shop/report: host namespaces (hostNetwork=true) (baseline: hostNamespaces)']);
  });

  test('Windows pods are exempt from the Linux-only restricted checks', () => {
    // GIVEN
    const obj = deployment();
    podOf(obj).os = { name: 'windows' };
    delete podOf(obj).securityContext.seccompProfile;
    appContainer(obj).securityContext = { runAsNonRoot: true };
    // WHEN
    const violations = restrictedViolations(obj);
    // THEN
    expect(violations).toEqual([]);
  });
});

function has(findings: Finding[], tool: Tool, check: string, severity?: Severity): boolean {
  return findings.some((f) => f.tool === tool && f.check === check && (severity === undefined || f.severity === severity));
}

function byKind(objects: any[], kind: string): any {
  return objects.find((o) => o.kind === kind);
}

describe('lintFindings: rules modelled on the default checks of kube-score v1.20, Polaris 10 and kube-linter, not the tools themselves', () => {
  test('the hardened Deployment, Service, HPA, PDB, NetworkPolicy and ServiceAccount are clean', () => {
    // GIVEN
    const objects = hardenedSet();
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(findings).toEqual([]);
  });

  test('a hardened CronJob is clean as well', () => {
    // GIVEN
    const objects = [cronJob(), ...hardenedSet()];
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(findings).toEqual([]);
  });

  test('findings name the object and carry the tool severity', () => {
    // GIVEN
    const objects = hardenedSet();
    appContainer(objects[0]).image = 'registry.example.com/shop/api:latest';
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(findings).toEqual(
      expect.arrayContaining([
        {
          tool: 'kube-score',
          check: 'container-image-tag',
          severity: 'critical',
          object: 'Deployment/shop/api',
          message: 'app: Image with latest tag',
        },
        {
          tool: 'polaris',
          check: 'tagNotSpecified',
          severity: 'danger',
          object: 'Deployment/shop/api',
          message: 'container app: Image tag should be specified',
        },
        expect.objectContaining({ tool: 'kube-linter', check: 'latest-tag', severity: 'critical', object: 'Deployment/shop/api' }),
      ]),
    );
  });

  type Case = [Tool, string, Severity, (objects: any[]) => void];
  const cases: Case[] = [
    // kube-score
    [
      'kube-score',
      'container-resources',
      'critical',
      (o) => {
        delete appContainer(o[0]).resources.limits.memory;
      },
    ],
    [
      'kube-score',
      'container-resources',
      'warning',
      (o) => {
        delete appContainer(o[0]).resources.requests.cpu;
      },
    ],
    [
      'kube-score',
      'container-image-pull-policy',
      'critical',
      (o) => {
        appContainer(o[0]).imagePullPolicy = 'IfNotPresent';
      },
    ],
    [
      'kube-score',
      'container-ephemeral-storage-request-and-limit',
      'critical',
      (o) => {
        delete appContainer(o[0]).resources.limits['ephemeral-storage'];
      },
    ],
    [
      'kube-score',
      'container-security-context-user-group-id',
      'critical',
      (o) => {
        appContainer(o[0]).securityContext.runAsUser = 1000;
      },
    ],
    [
      'kube-score',
      'container-security-context-readonlyrootfilesystem',
      'critical',
      (o) => {
        appContainer(o[0]).securityContext.readOnlyRootFilesystem = false;
      },
    ],
    [
      'kube-score',
      'container-security-context-privileged',
      'critical',
      (o) => {
        appContainer(o[0]).securityContext.privileged = true;
      },
    ],
    [
      'kube-score',
      'environment-variable-key-duplication',
      'critical',
      (o) => {
        appContainer(o[0]).env = [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ];
      },
    ],
    [
      'kube-score',
      'pod-probes',
      'critical',
      (o) => {
        delete appContainer(o[0]).readinessProbe;
      },
    ],
    [
      'kube-score',
      'pod-probes',
      'warning',
      (o) => {
        delete appContainer(o[0]).livenessProbe;
      },
    ],
    [
      'kube-score',
      'pod-probes-identical',
      'critical',
      (o) => {
        appContainer(o[0]).livenessProbe = { httpGet: { path: '/ready', port: 'http' } };
      },
    ],
    [
      'kube-score',
      'pod-networkpolicy',
      'warning',
      (o) => {
        byKind(o, 'NetworkPolicy').spec.policyTypes = ['Ingress'];
      },
    ],
    [
      'kube-score',
      'networkpolicy-targets-pod',
      'critical',
      (o) => {
        byKind(o, 'NetworkPolicy').spec.podSelector.matchLabels = { app: 'other' };
      },
    ],
    [
      'kube-score',
      'pod-topology-spread-constraints',
      'critical',
      (o) => {
        delete podOf(o[0]).topologySpreadConstraints[0].labelSelector;
      },
    ],
    [
      'kube-score',
      'deployment-has-poddisruptionbudget',
      'critical',
      (o) => {
        o.splice(o.indexOf(byKind(o, 'PodDisruptionBudget')), 1);
      },
    ],
    [
      'kube-score',
      'deployment-has-host-podantiaffinity',
      'warning',
      (o) => {
        delete podOf(o[0]).affinity;
      },
    ],
    [
      'kube-score',
      'deployment-targeted-by-hpa-does-not-have-replicas-configured',
      'critical',
      (o) => {
        o[0].spec.replicas = 3;
      },
    ],
    [
      'kube-score',
      'deployment-strategy',
      'warning',
      (o) => {
        o[0].spec.strategy = { type: 'Recreate' };
      },
    ],
    [
      'kube-score',
      'horizontalpodautoscaler-has-target',
      'critical',
      (o) => {
        byKind(o, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'gone';
      },
    ],
    [
      'kube-score',
      'horizontalpodautoscaler-replicas',
      'warning',
      (o) => {
        byKind(o, 'HorizontalPodAutoscaler').spec.minReplicas = 1;
      },
    ],
    [
      'kube-score',
      'service-targets-pod',
      'critical',
      (o) => {
        byKind(o, 'Service').spec.selector = { app: 'other' };
      },
    ],
    [
      'kube-score',
      'service-type',
      'warning',
      (o) => {
        byKind(o, 'Service').spec.type = 'NodePort';
      },
    ],
    [
      'kube-score',
      'poddisruptionbudget-has-policy',
      'critical',
      (o) => {
        delete byKind(o, 'PodDisruptionBudget').spec.maxUnavailable;
      },
    ],
    [
      'kube-score',
      'label-values',
      'critical',
      (o) => {
        byKind(o, 'Service').metadata.labels.team = 'a b';
      },
    ],
    [
      'kube-score',
      'stable-version',
      'warning',
      (o) => {
        o[0].apiVersion = 'apps/v1beta2';
      },
    ],
    [
      'kube-score',
      'cronjob-has-deadline',
      'critical',
      (o) => {
        const c = cronJob();
        delete c.spec.startingDeadlineSeconds;
        o.push(c);
      },
    ],
    // Polaris
    [
      'polaris',
      'deploymentMissingReplicas',
      'warning',
      (o) => {
        o[0].metadata.annotations = {};
      },
    ],
    [
      'polaris',
      'priorityClassNotSet',
      'warning',
      (o) => {
        delete podOf(o[0]).priorityClassName;
      },
    ],
    [
      'polaris',
      'runAsRootAllowed',
      'danger',
      (o) => {
        for (const sc of [podOf(o[0]).securityContext, appContainer(o[0]).securityContext]) {
          delete sc.runAsUser;
          delete sc.runAsNonRoot;
        }
      },
    ],
    [
      'polaris',
      'notReadOnlyRootFilesystem',
      'warning',
      (o) => {
        delete appContainer(o[0]).securityContext.readOnlyRootFilesystem;
      },
    ],
    [
      'polaris',
      'privilegeEscalationAllowed',
      'danger',
      (o) => {
        delete appContainer(o[0]).securityContext.allowPrivilegeEscalation;
      },
    ],
    [
      'polaris',
      'insecureCapabilities',
      'warning',
      (o) => {
        appContainer(o[0]).securityContext.capabilities = { drop: ['NET_RAW'] };
      },
    ],
    [
      'polaris',
      'dangerousCapabilities',
      'danger',
      (o) => {
        appContainer(o[0]).securityContext.capabilities.add = ['SYS_ADMIN'];
      },
    ],
    [
      'polaris',
      'automountServiceAccountToken',
      'warning',
      (o) => {
        delete podOf(o[0]).automountServiceAccountToken;
        byKind(o, 'ServiceAccount').automountServiceAccountToken = true;
      },
    ],
    [
      'polaris',
      'missingNetworkPolicy',
      'warning',
      (o) => {
        byKind(o, 'NetworkPolicy').spec.podSelector.matchLabels = { ...LABELS };
      },
    ],
    [
      'polaris',
      'missingNetworkPolicy',
      'warning',
      (o) => {
        byKind(o, 'NetworkPolicy').spec.egress = [];
      },
    ],
    [
      'polaris',
      'missingPodDisruptionBudget',
      'warning',
      (o) => {
        byKind(o, 'PodDisruptionBudget').spec.selector.matchLabels = { app: 'x' };
      },
    ],
    [
      'polaris',
      'metadataAndInstanceMismatched',
      'warning',
      (o) => {
        delete o[0].metadata.labels['app.kubernetes.io/instance'];
      },
    ],
    [
      'polaris',
      'topologySpreadConstraint',
      'warning',
      (o) => {
        delete podOf(o[0]).topologySpreadConstraints;
      },
    ],
    [
      'polaris',
      'hpaMinAvailability',
      'warning',
      (o) => {
        byKind(o, 'HorizontalPodAutoscaler').spec.minReplicas = 1;
      },
    ],
    [
      'polaris',
      'hpaMaxAvailability',
      'warning',
      (o) => {
        byKind(o, 'HorizontalPodAutoscaler').spec.maxReplicas = 3;
      },
    ],
    [
      'polaris',
      'pdbDisruptionsIsZero',
      'warning',
      (o) => {
        byKind(o, 'PodDisruptionBudget').spec.maxUnavailable = 0;
      },
    ],
    [
      'polaris',
      'pdbMinAvailableGreaterThanHPAMinReplicas',
      'warning',
      (o) => {
        const s = byKind(o, 'PodDisruptionBudget').spec;
        delete s.maxUnavailable;
        s.minAvailable = 4;
      },
    ],
    [
      'polaris',
      'sensitiveContainerEnvVar',
      'danger',
      (o) => {
        appContainer(o[0]).env = [{ name: 'DB_PASSWORD', value: 'hunter2' }];
      },
    ],
    [
      'polaris',
      'linuxHardening',
      'warning',
      (o) => {
        delete podOf(o[0]).securityContext.seccompProfile;
        delete appContainer(o[0]).securityContext.seccompProfile;
        appContainer(o[0]).securityContext.capabilities = {};
      },
    ],
    [
      'polaris',
      'hostNetworkSet',
      'danger',
      (o) => {
        podOf(o[0]).hostNetwork = true;
      },
    ],
    [
      'polaris',
      'tlsSettingsMissing',
      'warning',
      (o) => {
        o.push({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: meta(),
          spec: {
            rules: [
              { http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } }] } },
            ],
          },
        });
      },
    ],
    // kube-linter
    [
      'kube-linter',
      'latest-tag',
      'critical',
      (o) => {
        appContainer(o[0]).image = 'registry.example.com/shop/api';
      },
    ],
    [
      'kube-linter',
      'run-as-non-root',
      'critical',
      (o) => {
        for (const sc of [podOf(o[0]).securityContext, appContainer(o[0]).securityContext]) {
          delete sc.runAsUser;
          delete sc.runAsNonRoot;
        }
      },
    ],
    [
      'kube-linter',
      'no-read-only-root-fs',
      'critical',
      (o) => {
        delete appContainer(o[0]).securityContext.readOnlyRootFilesystem;
      },
    ],
    [
      'kube-linter',
      'unset-cpu-requirements',
      'critical',
      (o) => {
        delete appContainer(o[0]).resources.requests.cpu;
      },
    ],
    [
      'kube-linter',
      'unset-memory-requirements',
      'critical',
      (o) => {
        delete appContainer(o[0]).resources.limits.memory;
      },
    ],
    [
      'kube-linter',
      'dangling-service',
      'critical',
      (o) => {
        byKind(o, 'Service').spec.selector = { app: 'other' };
      },
    ],
    [
      'kube-linter',
      'non-existent-service-account',
      'critical',
      (o) => {
        o.splice(o.indexOf(byKind(o, 'ServiceAccount')), 1);
      },
    ],
    [
      'kube-linter',
      'mismatching-selector',
      'critical',
      (o) => {
        o[0].spec.selector.matchLabels = { app: 'other' };
      },
    ],
    [
      'kube-linter',
      'no-anti-affinity',
      'critical',
      (o) => {
        o[0].spec.replicas = 3;
        delete podOf(o[0]).affinity;
      },
    ],
    [
      'kube-linter',
      'pdb-max-unavailable',
      'critical',
      (o) => {
        byKind(o, 'PodDisruptionBudget').spec.maxUnavailable = '0%';
      },
    ],
    [
      'kube-linter',
      'pdb-min-available',
      'critical',
      (o) => {
        const s = byKind(o, 'PodDisruptionBudget').spec;
        delete s.maxUnavailable;
        s.minAvailable = 3;
      },
    ],
    [
      'kube-linter',
      'pdb-unhealthy-pod-eviction-policy',
      'critical',
      (o) => {
        delete byKind(o, 'PodDisruptionBudget').spec.unhealthyPodEvictionPolicy;
      },
    ],
    [
      'kube-linter',
      'env-var-secret',
      'critical',
      (o) => {
        appContainer(o[0]).env = [{ name: 'CLIENT_SECRET', value: 's3cr3t' }];
      },
    ],
    [
      'kube-linter',
      'duplicate-env-var',
      'critical',
      (o) => {
        appContainer(o[0]).env = [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ];
      },
    ],
    [
      'kube-linter',
      'ssh-port',
      'critical',
      (o) => {
        appContainer(o[0]).ports.push({ name: 'ssh', containerPort: 22 });
      },
    ],
    [
      'kube-linter',
      'unsafe-sysctls',
      'critical',
      (o) => {
        podOf(o[0]).securityContext.sysctls = [{ name: 'kernel.shm_rmid_forced', value: '1' }];
      },
    ],
    [
      'kube-linter',
      'readiness-port',
      'critical',
      (o) => {
        appContainer(o[0]).readinessProbe.httpGet.port = 9090;
      },
    ],
    [
      'kube-linter',
      'invalid-target-ports',
      'critical',
      (o) => {
        byKind(o, 'Service').spec.ports[0].targetPort = 'http_port';
      },
    ],
    [
      'kube-linter',
      'drop-net-raw-capability',
      'critical',
      (o) => {
        appContainer(o[0]).securityContext.capabilities = { drop: ['CHOWN'] };
      },
    ],
    [
      'kube-linter',
      'privilege-escalation-container',
      'critical',
      (o) => {
        appContainer(o[0]).securityContext.allowPrivilegeEscalation = true;
      },
    ],
    [
      'kube-linter',
      'host-network',
      'critical',
      (o) => {
        podOf(o[0]).hostNetwork = true;
      },
    ],
    [
      'kube-linter',
      'deprecated-service-account-field',
      'critical',
      (o) => {
        podOf(o[0]).serviceAccount = 'api';
      },
    ],
    [
      'kube-linter',
      'sensitive-host-mounts',
      'critical',
      (o) => {
        podOf(o[0]).volumes.push({ name: 'etc', hostPath: { path: '/etc' } });
        appContainer(o[0]).volumeMounts.push({ name: 'etc', mountPath: '/host/etc' });
      },
    ],
    [
      'kube-linter',
      'docker-sock',
      'critical',
      (o) => {
        podOf(o[0]).volumes.push({ name: 'sock', hostPath: { path: '/var/run/docker.sock' } });
        appContainer(o[0]).volumeMounts.push({ name: 'sock', mountPath: '/var/run/docker.sock' });
      },
    ],
    [
      'kube-linter',
      'job-ttl-seconds-after-finished',
      'critical',
      (o) => {
        const c = cronJob();
        o.push({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { ...c.metadata, name: 'once', labels: { 'app.kubernetes.io/instance': 'once' } },
          spec: c.spec.jobTemplate.spec,
        });
      },
    ],
    // Fixtures for the rules the hardened set does not otherwise exercise.
    [
      'kube-score',
      'container-image-tag',
      'critical',
      (o) => {
        appContainer(o[0]).image = 'registry.example.com/shop/api:latest';
      },
    ],
    [
      'kube-score',
      'cronjob-restartpolicy',
      'critical',
      (o) => {
        const c = cronJob();
        c.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
        o.push(c);
      },
    ],
    [
      'kube-score',
      'deployment-replicas',
      'warning',
      (o) => {
        o.splice(o.indexOf(byKind(o, 'HorizontalPodAutoscaler')), 1);
        o[0].spec.replicas = 1;
      },
    ],
    [
      'kube-score',
      'ingress-targets-service',
      'critical',
      (o) => {
        o.push(ingressTo('gone'));
      },
    ],
    [
      'kube-score',
      'statefulset-has-servicename',
      'critical',
      (o) => {
        o.push(statefulSet());
      },
    ],
    [
      'kube-score',
      'statefulset-has-host-podantiaffinity',
      'warning',
      (o) => {
        const s = statefulSet();
        delete podOf(s).affinity;
        o.push(s);
      },
    ],
    [
      'kube-score',
      'statefulset-has-poddisruptionbudget',
      'critical',
      (o) => {
        o.push(statefulSet());
      },
    ],
    [
      'kube-score',
      'deployment-pod-selector-labels-match-template-metadata-labels',
      'critical',
      (o) => {
        o[0].spec.template.metadata.labels = { ...LABELS, extra: 'x' };
        o[0].spec.selector.matchLabels = { ...LABELS, tier: 'web' };
      },
    ],
    [
      'kube-score',
      'statefulset-pod-selector-labels-match-template-metadata-labels',
      'critical',
      (o) => {
        const st = statefulSet();
        st.spec.selector.matchLabels = { tier: 'db' };
        o.push(st);
      },
    ],
    [
      'polaris',
      'tagNotSpecified',
      'danger',
      (o) => {
        appContainer(o[0]).image = 'registry.example.com/shop/api';
      },
    ],
    [
      'polaris',
      'pullPolicyNotAlways',
      'warning',
      (o) => {
        appContainer(o[0]).imagePullPolicy = 'IfNotPresent';
      },
    ],
    [
      'polaris',
      'readinessProbeMissing',
      'warning',
      (o) => {
        delete appContainer(o[0]).readinessProbe;
      },
    ],
    [
      'polaris',
      'livenessProbeMissing',
      'warning',
      (o) => {
        delete appContainer(o[0]).livenessProbe;
      },
    ],
    [
      'polaris',
      'cpuRequestsMissing',
      'warning',
      (o) => {
        delete appContainer(o[0]).resources.requests.cpu;
      },
    ],
    [
      'polaris',
      'cpuLimitsMissing',
      'warning',
      (o) => {
        delete appContainer(o[0]).resources.limits.cpu;
      },
    ],
    [
      'polaris',
      'memoryRequestsMissing',
      'warning',
      (o) => {
        delete appContainer(o[0]).resources.requests.memory;
      },
    ],
    [
      'polaris',
      'memoryLimitsMissing',
      'warning',
      (o) => {
        delete appContainer(o[0]).resources.limits.memory;
      },
    ],
    [
      'polaris',
      'hostIPCSet',
      'danger',
      (o) => {
        podOf(o[0]).hostIPC = true;
      },
    ],
    [
      'polaris',
      'hostPIDSet',
      'danger',
      (o) => {
        podOf(o[0]).hostPID = true;
      },
    ],
    [
      'polaris',
      'hostPathSet',
      'warning',
      (o) => {
        podOf(o[0]).volumes.push({ name: 'data', hostPath: { path: '/data' } });
      },
    ],
    [
      'polaris',
      'hostPortSet',
      'warning',
      (o) => {
        appContainer(o[0]).ports[0].hostPort = 8080;
      },
    ],
    [
      'polaris',
      'hostProcess',
      'warning',
      (o) => {
        appContainer(o[0]).securityContext.windowsOptions = { hostProcess: true };
      },
    ],
    [
      'polaris',
      'procMount',
      'warning',
      (o) => {
        appContainer(o[0]).securityContext.procMount = 'Unmasked';
      },
    ],
    [
      'polaris',
      'runAsPrivileged',
      'danger',
      (o) => {
        appContainer(o[0]).securityContext.privileged = true;
      },
    ],
    [
      'polaris',
      'sensitiveConfigmapContent',
      'danger',
      (o) => {
        o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { DB_PASSWORD: 'hunter2' } });
      },
    ],
    [
      'kube-linter',
      'host-ipc',
      'critical',
      (o) => {
        podOf(o[0]).hostIPC = true;
      },
    ],
    [
      'kube-linter',
      'host-pid',
      'critical',
      (o) => {
        podOf(o[0]).hostPID = true;
      },
    ],
    [
      'kube-linter',
      'privileged-container',
      'critical',
      (o) => {
        appContainer(o[0]).securityContext.privileged = true;
      },
    ],
    [
      'kube-linter',
      'liveness-port',
      'critical',
      (o) => {
        appContainer(o[0]).livenessProbe.httpGet.port = 9090;
      },
    ],
    [
      'kube-linter',
      'startup-port',
      'critical',
      (o) => {
        appContainer(o[0]).startupProbe.httpGet.port = 9090;
      },
    ],
    [
      'kube-linter',
      'no-extensions-v1beta',
      'critical',
      (o) => {
        o.push({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: meta('old'), spec: {} });
      },
    ],
  ];

  test.each(cases)('%s reports %s (%s)', (tool, check, severity, mutate) => {
    // GIVEN
    const objects = hardenedSet();
    mutate(objects);
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(has(findings, tool, check, severity)).toBe(true);
  });

  test('every rule the modules implement has a fixture above that makes it fire', () => {
    const fired = new Set(cases.map(([tool, check]) => `${tool} ${check}`));
    const implemented = implementedRules();
    expect(implemented.length).toBeGreaterThan(80);
    expect(implemented.filter((id) => !fired.has(id))).toEqual([]);
  });

  test('Polaris requires the NetworkPolicy matchLabels to hit exactly one pod label', () => {
    // GIVEN: a NetworkPolicy that selects the pod through both of its labels
    const objects = hardenedSet();
    byKind(objects, 'NetworkPolicy').spec.podSelector.matchLabels = { ...LABELS };
    // WHEN
    const findings = lintFindings(objects);
    // THEN: kube-score (a real label selector) is satisfied, Polaris (oneOf) is not
    expect(findings.map((f) => `${f.tool}:${f.check}`)).toEqual(['polaris:missingNetworkPolicy']);
  });

  test('the three tools disagree on replicas under an HPA: only the Polaris exemption reconciles them', () => {
    // GIVEN
    const withReplicas = hardenedSet();
    withReplicas[0].spec.replicas = 3;
    const withoutExemption = hardenedSet();
    withoutExemption[0].metadata.annotations = {};
    // WHEN
    const a = lintFindings(withReplicas).map((f) => `${f.tool}:${f.check}`);
    const b = lintFindings(withoutExemption).map((f) => `${f.tool}:${f.check}`);
    // THEN
    expect(a).toEqual(['kube-score:deployment-targeted-by-hpa-does-not-have-replicas-configured']);
    expect(b).toEqual(['polaris:deploymentMissingReplicas']);
  });

  test('kube-linter drop-net-raw-capability only looks at containers that set capabilities', () => {
    // GIVEN
    const objects = hardenedSet();
    delete appContainer(objects[0]).securityContext.capabilities;
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(has(findings, 'kube-linter', 'drop-net-raw-capability')).toBe(false);
    expect(has(findings, 'polaris', 'insecureCapabilities')).toBe(true);
  });

  test('honours the per-object opt-out annotations of each tool', () => {
    // GIVEN
    const objects = hardenedSet();
    appContainer(objects[0]).image = 'registry.example.com/shop/api:latest';
    objects[0].metadata.annotations = {
      'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true',
      'polaris.fairwinds.com/tagNotSpecified-exempt': 'true',
      'kube-score/ignore': 'container-image-tag, container-image-pull-policy',
      'ignore-check.kube-linter.io/latest-tag': 'pinned by digest in production',
    };
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(findings).toEqual([]);
  });

  test('kube-score/ignore of container-resources also silences ephemeral storage', () => {
    // GIVEN
    const objects = hardenedSet();
    delete appContainer(objects[0]).resources.limits['ephemeral-storage'];
    objects[0].spec.template.metadata.annotations = { 'kube-score/ignore': 'container-resources' };
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(findings).toEqual([]);
  });

  test('non-objects are ignored', () => {
    // GIVEN
    const objects: any[] = [null, 42, 'x', [], ...hardenedSet()];
    // WHEN
    const findings = lintFindings(objects);
    // THEN
    expect(findings).toEqual([]);
  });
});
