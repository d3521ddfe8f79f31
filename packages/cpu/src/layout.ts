import type { AxisPhase, ConvTranspose2dPlan } from '@convt/core';
import type { Data } from './blocks.js';

/** Output channels one wide tile computes together (a packed block). */
export const CO_BLOCK = 4;

/** Unused table entries after each table: keeps tables and packed blocks off power-of-two strides. */
export const TABLE_GAP = 9;

/**
 * Where each weight goes in the packed form. There is one reduction table per (row phase, column
 * phase) pair, listing products input channel by input channel, then row tap, then column tap;
 * `starts[pair]` is its first entry and `starts[pairs]` the end of the last. A block of `nco <=
 * CO_BLOCK` output channels starting at channel `c` of group `g` holds, from `((g * coutG + c) *
 * tableSize)`, `nco` weights per table entry. None of it depends on the input beyond which taps
 * each phase has, so one packed form serves every unit, thread and call with the same `key`.
 */
export interface Layout {
  readonly tableSize: number;
  readonly starts: Int32Array;
  /** Doubles of the packed form: `outChannels * tableSize`. */
  readonly length: number;
  /** Identifies the layout of a weight tensor: equal keys, equal packed forms. */
  readonly key: string;
}

export function planLayout(plan: ConvTranspose2dPlan): Layout {
  const { inChannelsPerGroup: cin, outChannelsPerGroup: coutG, kernelHeight: KH, kernelWidth: KW } = plan;
  const rowPhases = plan.rows.phases;
  const colPhases = plan.cols.phases;
  const pairs = rowPhases.length * colPhases.length;
  const tableSize = cin * KH * KW + TABLE_GAP * (pairs + 1);
  const starts = new Int32Array(pairs + 1);
  let end = 0;
  for (let rp = 0; rp < rowPhases.length; rp++) {
    for (let cp = 0; cp < colPhases.length; cp++) {
      starts[rp * colPhases.length + cp] = end;
      end += cin * rowPhases[rp]!.taps.length * colPhases[cp]!.taps.length + TABLE_GAP;
    }
  }
  starts[pairs] = end;
  const taps = (phases: readonly AxisPhase[]) =>
    phases.map((p) => p.taps.map((t) => t.k).join(',')).join(';');
  const key = `${plan.groups}x${cin}x${coutG}x${KH}x${KW}|${taps(rowPhases)}|${taps(colPhases)}`;
  return { tableSize, starts, length: plan.outChannels * tableSize, key };
}

/**
 * Packs every weight of the layer into `packed` (see `Layout`) as float64, reading the weight
 * tensor in memory order: each input channel's weights for a group's output channels are one
 * contiguous run. Returns false when a weight is infinite or NaN (those blocks run in exact mode).
 */
export function packLayer(plan: ConvTranspose2dPlan, layout: Layout, w: Data, packed: Float64Array): boolean {
  const { groups, inChannelsPerGroup: cin, outChannelsPerGroup: coutG, kernelWidth: KW } = plan;
  const taps = plan.kernelHeight * KW;
  const { tableSize, starts } = layout;
  // Per kernel tap: its entry for input channel 0 (-1 when no phase uses it) and the entries
  // between consecutive input channels in its table.
  const tapEntry = new Int32Array(taps).fill(-1);
  const tapStride = new Int32Array(taps);
  const colPhases = plan.cols.phases;
  plan.rows.phases.forEach((rowPhase, rp) => {
    colPhases.forEach((colPhase, cp) => {
      const first = starts[rp * colPhases.length + cp]!;
      rowPhase.taps.forEach((rt, ri) => {
        colPhase.taps.forEach((ct, ci) => {
          const t = rt.k * KW + ct.k;
          tapEntry[t] = first + ri * colPhase.taps.length + ci;
          tapStride[t] = rowPhase.taps.length * colPhase.taps.length;
        });
      });
    });
  });
  let check = 0; // 0 * v is 0 for every finite v and NaN otherwise
  const wStep = coutG * taps;
  for (let g = 0; g < groups; g++) {
    const groupBase = g * coutG * tableSize;
    for (let c = 0; c < cin; c++) {
      const src = (g * cin + c) * wStep;
      for (let i = 0; i < coutG; i++) {
        const lane = i % CO_BLOCK;
        const nco = Math.min(CO_BLOCK, coutG - i + lane);
        const base = groupBase + (i - lane) * tableSize + lane;
        const s = src + i * taps;
        for (let t = 0; t < taps; t++) {
          const entry = tapEntry[t]!;
          if (entry < 0) continue;
          const v = w[s + t]!;
          packed[base + (entry + c * tapStride[t]!) * nco] = v;
          check += v * 0;
        }
      }
    }
  }
  return check === 0;
}
