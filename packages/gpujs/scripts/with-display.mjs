// Runs a command with an X display, which headless-gl needs: as is when DISPLAY is set, otherwise
// under `xvfb-run -a`. Without either the headlessgl tests fail, saying why; they are never skipped.
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const hasXvfb = spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error === undefined;
if (!process.env.DISPLAY && !hasXvfb) {
  console.error('with-display: no DISPLAY and no xvfb-run (apt: xvfb); the headlessgl tests will fail.');
}
const result =
  process.env.DISPLAY || !hasXvfb
    ? spawnSync(command, args, { stdio: 'inherit' })
    : spawnSync('xvfb-run', ['-a', command, ...args], { stdio: 'inherit' });
if (result.error) console.error(`with-display: ${result.error.message}`);
process.exit(result.status ?? 1);
