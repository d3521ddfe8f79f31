export { type CliArgs, parseArgs, USAGE } from './args.js';
export { formatMatrix } from './format.js';
export { buildMatrix, type Cell, type Column, type Matrix, type Row } from './matrix.js';
export { type Started, selectTargets, startTarget, TARGETS, type Target } from './targets.js';
