// gpu.js ships its browser build as a UMD script that defines the global `GPU`; this re-exports it as ESM.
import '/vendor/gpu-browser.min.js';

const { GPU } = globalThis;
export default GPU;
export { GPU };
