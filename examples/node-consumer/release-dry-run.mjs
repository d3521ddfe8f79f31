// Packs every public @convt package, installs the tarballs into a fresh project outside the
// workspace with npm (as a user would), then type-checks and runs the consumer programs there.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const publicPackages = ['core', 'cpu', 'wasm', 'gpujs', 'auto'].map((name) => join(root, 'packages', name));
publicPackages.push(join(root, 'conformance'));

const run = (cmd, args, cwd) => {
  process.stderr.write(`$ ${cmd} ${args.join(' ')}  (in ${cwd})\n`);
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
};

const work = mkdtempSync(join(tmpdir(), 'convt-release-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
try {
  for (const dir of publicPackages) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  if (files.length !== publicPackages.length)
    throw new Error(`expected ${publicPackages.length} tarballs, got ${files}`);

  const project = join(work, 'project');
  mkdirSync(project);
  const dependencies = Object.fromEntries(
    files.map((f) => {
      const name = `@convt/${f.replace(/^convt-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')}`;
      return [name, `file:${join(tarballs, f)}`];
    }),
  );
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'convt-consumer', private: true, type: 'module', dependencies }, null, 2),
  );
  // Optional native builds (headless-gl) are not what this test is about; gpu.js falls back without them.
  run('npm', ['install', '--no-audit', '--no-fund', '--omit=optional', '--loglevel=error'], project);

  for (const file of ['consumer.ts', 'consumer.mjs', 'tsconfig.json'])
    cpSync(join(here, file), join(project, file));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
  const lines = [
    run(process.execPath, ['consumer.js'], project),
    run(process.execPath, ['consumer.mjs'], project),
  ]
    .join('')
    .trim()
    .split('\n');
  process.stdout.write(`${lines.join('\n')}\n`);
  const installed = JSON.parse(
    readFileSync(join(project, 'node_modules', '@convt', 'core', 'package.json'), 'utf8'),
  );
  process.stdout.write(`release dry run passed with @convt/core ${installed.version} from its tarball\n`);
  process.stdout.write(`release: ${lines.length} passed, 0 failed\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
