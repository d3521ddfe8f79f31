// The multiply-add every kernel is built from. With relaxed SIMD it is one fused multiply-add where
// the CPU has one (twice the throughput of a multiply and an add, and one rounding instead of two);
// the engine picks one form per machine, so results still do not depend on the thread count.

/** `c + a * b`, lane by lane. */
@inline export function madd(c: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
