import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import { selectRunners } from './peers/registry.js';

describe('parseArgs', () => {
  it('reads lists, flags and both value forms', () => {
    expect(
      parseArgs(['--workload', 'a,b', '--backend=cpu,ort-node', '--quick', '--compare', 'old.json']),
    ).toEqual({
      workloads: ['a', 'b'],
      backends: ['cpu', 'ort-node'],
      quick: true,
      compare: 'old.json',
      updateReadme: false,
      help: false,
    });
    expect(() => parseArgs(['--nope'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--compare'])).toThrow(/needs a value/);
  });
});

describe('selectRunners', () => {
  it('matches ids and id prefixes, and rejects unknown names', () => {
    expect(selectRunners(['cpu', 'ort-node-2t']).map((r) => r.id)).toEqual([
      'cpu-1t',
      'cpu-2t',
      'ort-node-2t',
    ]);
    expect(selectRunners(undefined).length).toBeGreaterThan(10);
    expect(() => selectRunners(['gpu'])).toThrow(/unknown backend gpu/);
  });
});
