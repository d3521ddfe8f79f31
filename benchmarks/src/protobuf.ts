/**
 * A minimal protobuf writer: just the wire types an ONNX model needs
 * (varint, length-delimited), so the benchmarks need no protobuf dependency.
 */
export class ProtoWriter {
  private readonly bytes: number[] = [];

  /** Unsigned varint of a non-negative safe integer (int64 fields in ONNX hold small values). */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
    while (value >= 0x80) {
      this.bytes.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.bytes.push(value);
  }

  private tag(field: number, wireType: 0 | 2): void {
    this.varint(field * 8 + wireType);
  }

  /** An int32/int64/enum field. Negative values use the 10-byte two's complement form. */
  int(field: number, value: number): this {
    this.tag(field, 0);
    if (value < 0) {
      const big = BigInt.asUintN(64, BigInt(value));
      let v = big;
      while (v >= 0x80n) {
        this.bytes.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.bytes.push(Number(v));
    } else {
      this.varint(value);
    }
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  /** A nested message, written by `build` into its own writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** One decoded field: a varint as bigint, or the bytes of a length-delimited field. */
export type ProtoField = { field: number; value: bigint } | { field: number; bytes: Uint8Array };

/** Reads the top-level fields of one message (varint and length-delimited only); for tests and checks. */
export function readFields(data: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = data[pos++];
      if (b === undefined) throw new RangeError('truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  };
  while (pos < data.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) {
      fields.push({ field, value: varint() });
    } else if (wireType === 2) {
      const length = Number(varint());
      if (pos + length > data.length) throw new RangeError('truncated field');
      fields.push({ field, bytes: data.subarray(pos, pos + length) });
      pos += length;
    } else {
      throw new RangeError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}
