export {
  type CaseKind,
  type ConformanceCase,
  type ConvParams,
  type ErrorCall,
  type ErrorCase,
  nameOf,
  type OutputCase,
  outputCase,
  type Route,
  type TensorSpec,
} from './cases.js';
export { checkAgainstReference, checkOutput, type Verdict } from './check.js';
export { type Constraint, type CoveringSpec, coveringArray, type Factor } from './covering.js';
export { type LayerSpec, layerTensors, randomTensor } from './data.js';
export { type GenerateOptions, generateCases } from './generate.js';
export {
  type CaseResult,
  type ConformanceOptions,
  type ConformanceReport,
  runCase,
  runConformance,
  summarize,
  type Tally,
} from './runner.js';
export { errorBounds } from './tolerance.js';
