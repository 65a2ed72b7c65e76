/**
 * Synthesizes the example shop into dist/: one folder per target
 * (dist/staging/eks, dist/prod/eks, dist/prod/gke, dist/prod/aks), the
 * container files under dist/container and the delivery files under
 * dist/gitops and dist/ci. `cdk8s synth` runs this file (see cdk8s.yaml).
 */
import { shopApp } from './shop';

// PYSERVICE_DIST redirects the output, e.g. to diff a change against the committed dist/ (npm run diff).
shopApp().synth({ directory: process.env.PYSERVICE_DIST });
