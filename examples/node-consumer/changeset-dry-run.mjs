// Applies the pending changesets to a throwaway copy of the repository and checks the result:
// every public package moves to one new version (the fixed group) with a CHANGELOG entry, and the
// private workspace packages are left alone.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const publicDirs = [
  'packages/core',
  'packages/cpu',
  'packages/wasm',
  'packages/gpujs',
  'packages/auto',
  'conformance',
];
const privateDirs = ['benchmarks', 'conformance/matrix', 'examples/browser', 'examples/node-consumer'];
const pending = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');

const copy = mkdtempSync(join(tmpdir(), 'convt-changeset-'));
const version = (dir, base) => JSON.parse(readFileSync(join(base, dir, 'package.json'), 'utf8')).version;
let checks = 0;
const expect = (ok, message) => {
  if (!ok) throw new Error(message);
  checks++;
};
try {
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  for (const file of tracked) if (existsSync(join(root, file))) cpSync(join(root, file), join(copy, file));
  for (const file of pending) cpSync(join(root, '.changeset', file), join(copy, '.changeset', file));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const changeset = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
  execFileSync(process.execPath, [changeset, 'version'], {
    cwd: copy,
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const versions = new Set(publicDirs.map((dir) => version(dir, copy)));
  if (pending.length === 0) {
    expect(versions.size === 1, `public packages disagree on their version: ${[...versions]}`);
  } else {
    expect(versions.size === 1, `the fixed group split into versions ${[...versions]}`);
    const [next] = versions;
    const declaresMajor = pending.some((f) =>
      /:\s*major\s*$/m.test(readFileSync(join(root, '.changeset', f), 'utf8')),
    );
    const major = (v) => Number(v.split('.')[0]);
    expect(
      declaresMajor || major(next) === major(version('packages/core', root)),
      `no changeset asks for a major release, yet the group moved to ${next}`,
    );
    for (const dir of publicDirs) {
      expect(next !== version(dir, root), `${dir} was not bumped from ${version(dir, root)}`);
      const log = readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8');
      expect(log.includes(`## ${next}`), `${dir}/CHANGELOG.md has no ${next} entry`);
    }
  }
  for (const dir of privateDirs)
    expect(version(dir, copy) === version(dir, root), `private ${dir} was versioned`);
  console.log(`changesets: ${pending.length} pending -> @convt/* ${[...versions][0]}`);
  console.log(`changesets: ${checks} passed, 0 failed`);
} finally {
  rmSync(copy, { recursive: true, force: true });
}
