import { DTYPES, type DType } from '@convt/core';
import { type ConformanceCase, type OutputCase, outputCase } from './cases.js';
import { invalidCases, unsupportedDtypeCases } from './invalid.js';
import { cornerParams, sweepParams } from './sweep.js';

export interface GenerateOptions {
  /** A smaller sweep (pairwise only, about 70 computing cases) for slow backends. */
  readonly quick?: boolean;
  /** The dtypes the backend declares: others get `DTYPE_UNSUPPORTED` cases. Default: float32 only. */
  readonly dtypes?: readonly DType[];
}

/** Every `STRIDE`-th sweep case is repeated in float64 and through the module. */
const FLOAT64_STRIDE = 5;
const MODULE_STRIDE = 7;

const cache = new Map<string, readonly ConformanceCase[]>();

/** The cases, as plain data, in a fixed order: sweep, corners, dtype, module, invalid. */
export function generateCases(options: GenerateOptions = {}): ConformanceCase[] {
  const quick = options.quick ?? false;
  const dtypes = options.dtypes ?? ['float32'];
  // The covering design takes a few hundred milliseconds; every backend in a run shares it.
  const key = `${quick} ${[...dtypes].sort()}`;
  if (!cache.has(key)) cache.set(key, Object.freeze(build(quick, dtypes)));
  return [...cache.get(key)!];
}

function build(quick: boolean, dtypes: readonly DType[]): ConformanceCase[] {
  const sweep = sweepParams(quick).map((p) => outputCase(p, 'valid'));
  const corners = cornerParams().map((p) => outputCase(p, 'corner'));
  const computing = [...sweep, ...corners];
  const every = (cases: OutputCase[], stride: number) =>
    quick ? cases.filter((_, i) => i % stride === 0).slice(0, 4) : cases.filter((_, i) => i % stride === 0);

  const cases: ConformanceCase[] = [...computing];
  for (const dtype of DTYPES) {
    if (dtype === 'float32') continue;
    if (dtypes.includes(dtype)) {
      cases.push(
        ...[...every(sweep, FLOAT64_STRIDE), ...corners].map((c) => outputCase(c.params, 'dtype', dtype)),
      );
    } else {
      cases.push(...unsupportedDtypeCases(dtype));
    }
  }
  const viaModule = quick ? every(sweep, MODULE_STRIDE) : [...every(sweep, MODULE_STRIDE), ...corners];
  cases.push(...viaModule.map((c) => outputCase(c.params, 'module', 'float32', 'module')));
  if (dtypes.includes('float64')) {
    cases.push(...corners.slice(0, 3).map((c) => outputCase(c.params, 'module', 'float64', 'module')));
  }
  cases.push(...invalidCases());
  return cases;
}
