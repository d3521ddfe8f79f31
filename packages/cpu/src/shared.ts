import type { Data } from './blocks.js';

export type { Data };

/** The array itself when it already lives in shared memory, else a shared copy workers can read. */
export function toShared(data: Data): Data {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const copy =
    data instanceof Float64Array
      ? new Float64Array(new SharedArrayBuffer(data.byteLength))
      : new Float32Array(new SharedArrayBuffer(data.byteLength));
  copy.set(data);
  return copy;
}
