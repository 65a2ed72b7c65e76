/**
 * Preloaded into every Node process of a command (`NODE_OPTIONS=--require ...`,
 * as Node refuses `--cpu-prof` there): profiles the process from this point to
 * its exit and writes the profile into BENCH_PROFILE_DIR, named as `--cpu-prof`
 * names its files (CPU.<date>.<time>.<pid>.0.<seq>.cpuprofile). Node's own start-up
 * before the preload is not in it.
 */
const fs = require('fs');
const inspector = require('inspector');
const path = require('path');

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-process session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      fs.mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15);
      fs.writeFileSync(path.join(dir, `CPU.${stamp}.${process.pid}.0.001.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
