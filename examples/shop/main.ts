/**
 * Synthesizes the example shop into dist/: one folder per target
 * (dist/staging/eks, dist/prod/eks, dist/prod/gke, dist/prod/aks), the
 * container files under dist/container and the delivery files under
 * dist/gitops and dist/ci. `cdk8s synth` runs this file (see cdk8s.yaml);
 * `pyservice-k8s diff` runs it too, writing into a temporary folder.
 */
import { shopApp } from './shop';

shopApp().synth();
