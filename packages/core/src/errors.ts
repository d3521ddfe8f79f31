/** Stable identifiers of every rule `@convt/core` enforces; tests and callers match on these. */
export type ConvTransposeErrorCode =
  | 'INVALID_TENSOR'
  | 'INVALID_DTYPE'
  | 'INVALID_SHAPE'
  | 'DATA_LENGTH_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'DTYPE_UNSUPPORTED'
  | 'UNKNOWN_OPTION'
  | 'INVALID_OPTION_TYPE'
  | 'INPUT_RANK'
  | 'INPUT_EMPTY'
  | 'WEIGHT_RANK'
  | 'KERNEL_SIZE_RANGE'
  | 'STRIDE_RANGE'
  | 'PADDING_RANGE'
  | 'OUTPUT_PADDING_RANGE'
  | 'DILATION_RANGE'
  | 'GROUPS_RANGE'
  | 'CHANNELS_RANGE'
  | 'INPUT_CHANNELS_MISMATCH'
  | 'IN_CHANNELS_GROUPS'
  | 'OUT_CHANNELS_GROUPS'
  | 'BIAS_SHAPE'
  | 'OUTPUT_PADDING_RULE'
  | 'OUTPUT_SIZE_LENGTH'
  | 'OUTPUT_SIZE_RANGE'
  | 'OUTPUT_EMPTY'
  | 'PADDING_MODE'
  | 'PARAMETER_ASSIGNMENT'
  | 'NOT_SUPPORTED';

export interface ConvTransposeErrorDetails {
  readonly code: ConvTransposeErrorCode;
  /** The argument the error is about, e.g. `outputPadding[1]` or `input.shape`. */
  readonly parameter: string;
  /** The value received. */
  readonly value: unknown;
  /** The rule that was broken, in words, e.g. `must be smaller than stride[1]=2 or dilation[1]=1`. */
  readonly rule: string;
}

/** Every invalid argument to convt throws this: it names the parameter, the value and the rule. */
export class ConvTransposeError extends Error implements ConvTransposeErrorDetails {
  readonly code: ConvTransposeErrorCode;
  readonly parameter: string;
  readonly value: unknown;
  readonly rule: string;

  constructor(details: ConvTransposeErrorDetails) {
    super(`${details.parameter}=${formatValue(details.value)} ${details.rule} [${details.code}]`);
    this.name = 'ConvTransposeError';
    this.code = details.code;
    this.parameter = details.parameter;
    this.value = details.value;
    this.rule = details.rule;
  }
}

/** Shorthand used by the validation steps. */
export function fail(code: ConvTransposeErrorCode, parameter: string, value: unknown, rule: string): never {
  throw new ConvTransposeError({ code, parameter, value, rule });
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
