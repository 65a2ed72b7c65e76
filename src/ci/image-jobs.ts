/**
 * The jobs that make the images: one build, one scan of what was built, one
 * push of what was scanned, and a copy into each other registry. The digest
 * (the sha256 of the image manifest, which names every layer by its own hash)
 * is fixed by the build and checked at every hand-over, so the bytes that run
 * in any cluster are the bytes the scanner read.
 *
 * | job | runs | holds |
 * |---|---|---|
 * | build | every event | contents: read; no credentials (the Dockerfile's RUN steps and every package they install run here) |
 * | scan | every event | contents: read; no credentials (the scanner runs here) |
 * | publish | pushes to the branch | id-token: write; runs no build and no scanner, only crane |
 * | copy-<group> | pushes to the branch | id-token: write; the same |
 */
import {
  IMAGES_ARTIFACT,
  LAYOUTS,
  Resolved,
  ResolvedService,
  RegistryJob,
  checkout,
  digestOutput,
  onBranch,
  repositoryOutput,
} from './model';
import { RegistryBinding, Step } from './registry';

/**
 * Shell that sets `digest` to the one image of a service's OCI layout, after
 * checking that the manifest file's sha256 is its name. Expects `SERVICE`.
 */
const READ_LAYOUT = [
  'set -euo pipefail',
  `layout="${LAYOUTS.shell}/\${SERVICE}"`,
  // One image manifest (provenance is off, so no attestation index wraps it).
  'digest="$(jq -r \'if (.manifests | length) == 1 and (.manifests[0].mediaType | test("manifest\\\\.v[12]\\\\+json$")) then .manifests[0].digest else "" end\' "${layout}/index.json")"',
  'if [ -z "${digest}" ]; then echo "::error::${layout} must hold exactly one image manifest: $(jq -c .manifests "${layout}/index.json")"; exit 1; fi',
  'echo "${digest#sha256:}  ${layout}/blobs/sha256/${digest#sha256:}" | sha256sum --check --strict --quiet',
];

/** Shell that fails unless the layout's digest is `DIGEST`, the one the previous job handed over. */
const SAME_DIGEST = 'if [ "${digest}" != "${DIGEST}" ]; then echo "::error::${SERVICE} is ${digest} here, not ${DIGEST}"; exit 1; fi';

const downloadImages = (r: Resolved): Step => ({
  name: 'Receive the built images',
  uses: r.actions.downloadArtifact,
  with: { name: IMAGES_ARTIFACT, path: LAYOUTS.with },
});

/**
 * Builds every image once, into an OCI layout on disk (nothing is pushed),
 * and hands the layouts on as an artifact, with their digests as outputs.
 */
export function buildJob(r: Resolved): object {
  return {
    name: 'Build images',
    'runs-on': 'ubuntu-latest',
    permissions: { contents: 'read' },
    outputs: Object.fromEntries(r.services.map((s) => [digestOutput(s), `\${{ steps.${digestOutput(s)}.outputs.digest }}`])),
    steps: [
      checkout(r),
      { uses: r.actions.setupBuildx },
      ...r.services.flatMap((s) => [
        {
          name: `Build ${s.name}`,
          uses: r.actions.buildPush,
          with: {
            context: s.context,
            file: s.dockerfile,
            platforms: r.platform,
            // An OCI image layout folder (docs.docker.com/build/exporters/oci-docker: tar=false).
            outputs: `type=oci,dest=${LAYOUTS.with}/${s.name},tar=false`,
            provenance: false,
            sbom: false,
            labels:
              'org.opencontainers.image.revision=${{ github.sha }}\norg.opencontainers.image.source=${{ github.server_url }}/${{ github.repository }}',
            'cache-from': `type=gha,scope=${s.name}`,
            'cache-to': `type=gha,mode=max,scope=${s.name}`,
          },
        },
        {
          name: `Digest of ${s.name}`,
          id: digestOutput(s),
          env: { SERVICE: s.name },
          run: [...READ_LAYOUT, 'echo "digest=${digest}" >> "${GITHUB_OUTPUT}"'].join('\n'),
        },
      ]),
      {
        name: 'Hand the images to the scan and push jobs',
        uses: r.actions.uploadArtifact,
        with: { name: IMAGES_ARTIFACT, path: LAYOUTS.with, 'retention-days': 1, 'if-no-files-found': 'error' },
      },
    ],
  };
}

/**
 * Scans each built image by its digest (`trivy image --input <layout>@<digest>`
 * reads that manifest and no other) and fails on a fixable HIGH or CRITICAL
 * finding. Its outputs are the only digests the later jobs deliver.
 */
export function scanJob(r: Resolved): object {
  return {
    name: 'Scan images',
    needs: 'build',
    'runs-on': 'ubuntu-latest',
    permissions: { contents: 'read' },
    outputs: Object.fromEntries(r.services.map((s) => [digestOutput(s), `\${{ steps.scan_${s.key}.outputs.digest }}`])),
    steps: [
      downloadImages(r),
      { name: 'Install Trivy', uses: r.actions.setupTrivy, with: { version: r.trivyVersion } },
      ...r.services.map((s) => ({
        name: `Scan ${s.name}`,
        id: `scan_${s.key}`,
        env: { SERVICE: s.name, DIGEST: `\${{ needs.build.outputs.${digestOutput(s)} }}` },
        run: [
          ...READ_LAYOUT,
          SAME_DIGEST,
          // Unfixed findings have no upgrade to apply; failing on them would block every deploy.
          'trivy image --input "${layout}@${DIGEST}" --severity HIGH,CRITICAL --ignore-unfixed --exit-code 1 --no-progress',
          'echo "digest=${DIGEST}" >> "${GITHUB_OUTPUT}"',
        ].join('\n'),
      })),
    ],
  };
}

/** Go, then crane from its module at an exact version, checked against the Go checksum database. */
function installCrane(r: Resolved): Step[] {
  return [
    { uses: r.actions.setupGo, with: { 'go-version': '1.25', cache: false } },
    {
      name: 'Install crane',
      env: { CRANE_VERSION: r.craneVersion },
      run: 'go install "github.com/google/go-containerregistry/cmd/crane@${CRANE_VERSION}"',
    },
  ];
}

/** A job that fills a registry: it may get an OIDC token, runs only for the branch, and names each service's repository there. */
function registryJob(r: Resolved, name: string, needs: string[], binding: RegistryBinding, steps: Step[]): object {
  return {
    name: name,
    needs: needs,
    if: onBranch(r),
    'runs-on': 'ubuntu-latest',
    permissions: { contents: 'read', 'id-token': 'write' },
    outputs: Object.fromEntries(r.services.map((s) => [repositoryOutput(s), binding.imageRepository(s.name)])),
    steps: steps,
  };
}

/**
 * Pushes each scanned layout to the first target's registry. crane pushes the
 * manifest bytes as they are, so the registry holds the scanned digest; the
 * step asks the registry for the pushed tag's digest and checks it.
 */
export function publishJob(r: Resolved): object {
  const binding = r.primary.binding;
  return registryJob(r, 'Push the scanned images', ['test', 'scan'], binding, [
    downloadImages(r),
    ...installCrane(r),
    ...binding.loginSteps,
    ...r.services.map((s: ResolvedService) => ({
      name: `Push ${s.name}`,
      // Repository names may hold ${{ vars.* }}: they reach the script through env, never its text.
      env: { SERVICE: s.name, DIGEST: `\${{ needs.scan.outputs.${digestOutput(s)} }}`, REPOSITORY: binding.imageRepository(s.name) },
      run: [
        ...READ_LAYOUT,
        SAME_DIGEST,
        'crane push "${layout}" "${REPOSITORY}:sha-${GITHUB_SHA}"',
        // What the registry answers for the tag, not what crane computed locally.
        'pushed="$(crane digest "${REPOSITORY}:sha-${GITHUB_SHA}")"',
        'if [ "${pushed}" != "${DIGEST}" ]; then echo "::error::${REPOSITORY}:sha-${GITHUB_SHA} is ${pushed}, not ${DIGEST}"; exit 1; fi',
      ].join('\n'),
    })),
  ]);
}

/**
 * Copies each pushed image by digest into another registry: `crane copy` does so
 * "while retaining the digest value" (go-containerregistry, cmd/crane/doc/crane_copy.md);
 * the step checks it.
 */
export function copyJob(r: Resolved, copy: RegistryJob, source: RegistryBinding): object {
  return registryJob(r, `Copy the scanned images to ${copy.job.replace(/^copy-/, '')}'s registry`, ['scan', 'publish'], copy.binding, [
    ...installCrane(r),
    ...source.loginSteps,
    ...copy.binding.loginSteps,
    ...r.services.map((s: ResolvedService) => ({
      name: `Copy ${s.name}`,
      env: {
        DIGEST: `\${{ needs.scan.outputs.${digestOutput(s)} }}`,
        SOURCE: `\${{ needs.publish.outputs.${repositoryOutput(s)} }}`,
        TARGET: copy.binding.imageRepository(s.name),
      },
      run: [
        'set -euo pipefail',
        'crane copy "${SOURCE}@${DIGEST}" "${TARGET}:sha-${GITHUB_SHA}"',
        'copied="$(crane digest "${TARGET}:sha-${GITHUB_SHA}")"',
        'if [ "${copied}" != "${DIGEST}" ]; then echo "::error::${TARGET} holds ${copied}, not ${DIGEST}"; exit 1; fi',
      ].join('\n'),
    })),
  ]);
}
