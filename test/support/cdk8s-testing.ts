/**
 * cdk8s's `Testing.app()` and `Testing.chart()` without their temporary folder. cdk8s makes one
 * with `mkdtemp` for every test app and never removes it (cdk8s lib/testing.js), which left some
 * 660 empty folders in the system's temporary folder on every run of the unit tests. These apps
 * write nothing: their output folder cannot be created, so a test that calls `app.synth()` on one
 * fails at once instead of writing somewhere; such a test makes its own temporary folder, passes
 * it as `outdir`, and removes it. ESLint refuses `Testing.app` and `Testing.chart` under test/.
 */
import { App, AppProps, Chart } from 'cdk8s';

/** An output folder no test writes: a folder under a file cannot be made (ENOTDIR). */
const NO_OUTPUT = '/dev/null/test-apps-write-nothing--pass-an-outdir-to-synth';

/** A cdk8s App for a test, as `testApp()` but making no folder. */
export function testApp(props: AppProps = {}): App {
  return new App({ outdir: NO_OUTPUT, ...props });
}

/** A Chart `test` in a fresh {@link testApp}, as `testChart()`. */
export function testChart(): Chart {
  return new Chart(testApp(), 'test');
}
