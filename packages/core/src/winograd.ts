/**
 * The 1-D Winograd (Toom-Cook) matrices of F(m, r): `m` outputs of an `r`-tap correlation
 * `y[i] = sum_k g[k] d[i + k]` from `n = m + r - 1` inputs with `n` multiplies,
 * `y = AT [(G g) ⊙ (BT d)]`.
 *
 * Correlation is the transpose of polynomial multiplication: with `E_c` evaluating a polynomial of
 * `c` coefficients at `n - 1` finite points and infinity (its leading coefficient) and `C` the inverse
 * of `E_n` (interpolation), `AT = E_m^T`, `G = E_r` and `BT = C^T`. Row `i` of `C^T` for a finite
 * point `a_i` holds the coefficients of `prod_{j != i} (x - a_j) / D_i`, `D_i = prod_{j != i} (a_i - a_j)`;
 * the infinity row those of `prod_j (x - a_j)`. The divisions by `D_i` go into `G` instead (applied
 * once per weight), so `AT` and `BT`, applied per tile, hold only products of the points: exact for
 * the dyadic points used here.
 */
export interface Transform1d {
  /** Outputs per tile. */
  readonly m: number;
  /** Filter taps. */
  readonly r: number;
  /** Inputs per tile and multiplies per output tile: `m + r - 1`. */
  readonly n: number;
  /** `m x n`, row major: transformed products to outputs. */
  readonly AT: Float64Array;
  /** `n x r`: filter to transformed filter. */
  readonly G: Float64Array;
  /** `n x n`: input tile to transformed input. */
  readonly BT: Float64Array;
}

/** Finite interpolation points in order of preference: small, and dyadic so transforms stay exact. */
const POINTS = [0, 1, -1, 2, -2, 0.5, -0.5, 4, -4, 0.25, -0.25];

/** F(m, r) for `m >= 1`, `r >= 1`, `m + r - 2 <= POINTS.length`. */
export function toomCook(m: number, r: number): Transform1d {
  const n = m + r - 1;
  const finite = n - 1;
  if (m < 1 || r < 1 || finite > POINTS.length) throw new RangeError(`F(${m}, ${r}) is not supported`);
  const points = POINTS.slice(0, finite);
  const AT = new Float64Array(m * n);
  const G = new Float64Array(n * r);
  const BT = new Float64Array(n * n);
  for (let i = 0; i < finite; i++) {
    const a = points[i]!;
    let D = 1;
    let others = [1]; // coefficients of prod_{j != i} (x - a_j), lowest first
    for (let j = 0; j < finite; j++) {
      if (j === i) continue;
      D *= a - points[j]!;
      others = timesLinear(others, points[j]!);
    }
    for (let k = 0; k < m; k++) AT[k * n + i] = a ** k;
    for (let k = 0; k < r; k++) G[i * r + k] = a ** k / D;
    for (let k = 0; k < n; k++) BT[i * n + k] = others[k] ?? 0;
  }
  // Infinity: the leading coefficients.
  AT[(m - 1) * n + finite] = 1;
  G[finite * r + r - 1] = 1;
  let all = [1];
  for (const a of points) all = timesLinear(all, a);
  for (let k = 0; k < n; k++) BT[finite * n + k] = all[k]!;
  return { m, r, n, AT, G, BT };
}

/** `p(x) * (x - a)`, coefficients lowest first. */
function timesLinear(p: readonly number[], a: number): number[] {
  const q = new Array<number>(p.length + 1).fill(0);
  for (let k = 0; k < p.length; k++) {
    q[k + 1]! += p[k]!;
    q[k]! -= a * p[k]!;
  }
  return q;
}
