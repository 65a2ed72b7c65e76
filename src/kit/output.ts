/**
 * The environment variable that makes `PyserviceApp.synth()` write somewhere
 * else than its output folder: `pyservice-k8s diff` points it at a temporary
 * folder, so a comparison never touches the committed output.
 */
export const OUTPUT_REDIRECT_VARIABLE = 'PYSERVICE_DIST';
