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
export const P_OFFSETS: usize = 16; // byte offset of each tap pair into one group's padded input (channel 0)
export const P_WEIGHTS: usize = 20; // packed [group][block][K][MR]
export const P_WEIGHTS_GROUP_STRIDE: usize = 24; // bytes
export const P_OUT_OFFSET: usize = 28; // bytes of (rowFirst * outW + colFirst) * 4
export const P_ROW_UNITS: usize = 32; // units per block: ceil(rows / rows per unit)
export const P_ROWS_PER_UNIT: usize = 36; // 2 pairs the rows of narrow phases into one 8-pixel step
export const P_PARTNER: usize = 40; // record of the odd column phase computed with this one (stride 2), or 0
export const P_TAPS: usize = 44; // (row tap, column tap) pairs: entries of P_OFFSETS
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
export const G_START: usize = 0; // d: the group's taps read input row jr + d
export const G_WEIGHTS: usize = 4; // packed [group][block][Cin_g][4]
export const G_WEIGHTS_GROUP_STRIDE: usize = 8;
export const G_BLOCKS: usize = 12;
export const G_WS: usize = 16; // bytes from the workspace to the group's first row, column padLeft
export const G_ROWS: usize = 20; // kernel rows (kh, co, kw) of the group: the last block may hold fewer than 4
export const G_SIZE: usize = 32;

// Winograd jobs (mode 2, see asm/winograd.ts): the fields above that say so, and these.
export const J_W_PAIRS: usize = 164; // pair records (WP_*)
export const J_W_PAIR_COUNT: usize = 168;
export const J_W_TILE_BLOCK: usize = 172; // tiles per unit, a multiple of 4
export const J_W_CIN_PAD: usize = 176; // input channels per group, padded to a multiple of 4
export const J_W_CHUNKS: usize = 180; // output-channel chunks per tile block
export const J_W_CHUNK_BLOCKS: usize = 184; // 8-channel blocks per chunk
export const J_W_CO_BLOCKS: usize = 188; // 8-channel blocks per group
export const J_W_PIXEL: usize = 192; // bytes between pixels of the padded channels-last input
export const J_W_PAD_W: usize = 196; // padded width, pixels
export const J_W_IMAGE: usize = 200; // bytes of one padded image
export const J_W_M_OFFSET: usize = 204; // bytes from a workspace to its GEMM products
export const J_W_TMP_OFFSET: usize = 208; // bytes from a workspace to its transform scratch
export const J_W_PADDED_BYTES: usize = 212; // bytes of the whole padded input
export const J_W_BATCH: usize = 216;
export const J_ROWS_READY: usize = 220; // col2im: input rows (image-major) copied in so far

// Winograd pair record: one (row phase, column phase) pair, tiles of mh x mw outputs from nh x nw inputs.
export const WP_UNIT_START: usize = 0; // first unit of the pair within a group
export const WP_NH: usize = 4;
export const WP_NW: usize = 8;
export const WP_MH: usize = 12;
export const WP_MW: usize = 16;
export const WP_ROW0: usize = 20; // padded input row of tile row 0's first input
export const WP_COL0: usize = 24; // padded input column of tile column 0's first input
export const WP_TILES_H: usize = 28; // tile rows per image
export const WP_TILES_W: usize = 32; // tile columns per image
export const WP_ROWS: usize = 36; // outputs of the row phase
export const WP_COLS: usize = 40; // outputs of the column phase
export const WP_OUT_OFFSET: usize = 44; // bytes of (row phase first * outW + column phase first) * 4
export const WP_U: usize = 48; // transformed weights of group 0: [xi][co block][ci][8]
export const WP_U_GROUP: usize = 52; // bytes per group
export const WP_BT_H: usize = 56; // sparse matrices (SP_*): input transforms, output transforms
export const WP_BT_W: usize = 60;
export const WP_AT_H: usize = 64;
export const WP_AT_W: usize = 68;
export const WP_TILES: usize = 72; // tiles of the pair over the batch
export const WP_SIZE: usize = 80;

// Sparse matrix row: i32 count, then count (i32 column, f32 coefficient) pairs; rows SP_ROW bytes apart.
export const SP_ROW: usize = 68;
