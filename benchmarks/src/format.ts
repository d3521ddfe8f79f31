/** Number formatting shared by the markdown table, the chart and the comparison. */

/** Three significant digits, without exponent for the ranges we print. */
export function sig(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

export const ms = (value: number | undefined): string => (value === undefined ? '' : sig(value));

export const ratio = (value: number | undefined): string => (value === undefined ? '' : `${sig(value)}×`);
