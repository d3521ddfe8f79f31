// Byte offsets of the job struct and of the records it points to. Mirrored in src/layout.ts.

// Job struct: i32 fields, byte offsets.
export const J_UNITS: usize = 0;
export const J_CHUNK: usize = 4;
export const J_COUNTER: usize = 8;
export const J_GROUPS: usize = 12;
export const J_UNITS_PER_IMAGE_GROUP: usize = 16;
export const J_PHASE_COUNT: usize = 20;
export const J_PHASES: usize = 24;
export const J_INPUT: usize = 28;
export const J_IN_IMAGE_STRIDE: usize = 32; // bytes
export const J_IN_GROUP_STRIDE: usize = 36; // bytes
export const J_IN_ROW_STRIDE: usize = 40; // bytes (padded width * 4)
export const J_OUTPUT: usize = 44;
export const J_OUT_IMAGE_STRIDE: usize = 48; // bytes
export const J_OUT_ROW_STRIDE: usize = 52; // bytes
export const J_OUT_PLANE: usize = 56; // bytes
export const J_COUT_G: usize = 60;
export const J_MR: usize = 64;
export const J_BIAS: usize = 68; // packed per group and block, zero padded; 0 when absent
export const J_ROW_STEP: usize = 72; // bytes between consecutive outputs of one phase in a column: stride * outW * 4
export const J_COL_STEP: usize = 76; // bytes between consecutive outputs of one phase in a row: stride * 4
export const J_CO_BLOCKS: usize = 80;
// Padding job: raw input -> padded input.
export const J_RAW: usize = 84;
export const J_PLANES: usize = 88; // N * Cin
export const J_IN_H: usize = 92;
export const J_IN_W: usize = 96;
export const J_PAD_H: usize = 100; // padded height
export const J_PAD_TOP: usize = 104;
export const J_PAD_LEFT: usize = 108;
export const J_IN_PLANE_STRIDE: usize = 112; // bytes between padded input planes
export const J_ROW_MAJOR: usize = 116; // 1: units run over blocks within a row (input row reused from L1)
export const J_PADDED: usize = 120; // set to 1 once the input is padded

// Phase record: i32 fields.
export const P_UNIT_START: usize = 0;
export const P_ROW_COUNT: usize = 4;
export const P_COL_COUNT: usize = 8;
export const P_K: usize = 12;
export const P_OFFSETS: usize = 16; // K byte offsets into one group's padded input
export const P_WEIGHTS: usize = 20; // packed [group][block][K][MR]
export const P_WEIGHTS_GROUP_STRIDE: usize = 24; // bytes
export const P_OUT_OFFSET: usize = 28; // bytes of (rowFirst * outW + colFirst) * 4
export const P_ROW_UNITS: usize = 32; // units per block: ceil(rows / rows per unit)
export const P_ROWS_PER_UNIT: usize = 36; // 2 pairs the rows of narrow phases into one 8-pixel step
export const P_PARTNER: usize = 40; // record of the odd column phase computed with this one (stride 2), or 0
export const P_SIZE: usize = 48;

// Col2im jobs (small output channel counts): the job fields below, the same padding fields, and phase
// records with P_ROW_COUNT, P_COL_COUNT, P_K (tap pairs), P_OFFSETS (their workspace offsets), P_OUT_OFFSET.
export const J_MODE: usize = 124; // 0: gather kernels, 1: GEMM into a workspace, then col2im
export const J_SLOTS: usize = 128; // counter handing each thread its own workspace
export const J_WORKSPACE: usize = 132;
export const J_WS_BYTES: usize = 136; // bytes of one thread's workspace
export const J_WS_ROW: usize = 140; // bytes of one workspace row (padded input width * 4)
export const J_GEMM_STEPS: usize = 144; // 8-pixel GEMM steps per row, from the left padding on
export const J_CIN_G: usize = 148;
export const J_ROW_GROUPS: usize = 152;
export const J_ROW_GROUP_COUNT: usize = 156;
export const J_WS_CHANNEL: usize = 160; // bytes between output channels' rows in the workspace (kW rows)

// Row group record: the kernel rows that read one input row offset, as one GEMM.
export const G_ROW: usize = 0; // bytes from the group's padded input to input row jr + d, column padLeft
export const G_WEIGHTS: usize = 4; // packed [group][block][Cin_g][4]
export const G_WEIGHTS_GROUP_STRIDE: usize = 8;
export const G_BLOCKS: usize = 12;
export const G_WS: usize = 16; // bytes from the workspace to the group's first row, column padLeft
export const G_ROWS: usize = 20; // kernel rows (kh, co, kw) of the group: the last block may hold fewer than 4
export const G_SIZE: usize = 32;
