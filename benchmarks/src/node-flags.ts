/**
 * The Node flags every runner's process starts with: those that turn relaxed SIMD on where Node has it
 * behind a flag (Node 20; on by default from Node 22 and in current browsers). Peers get them too, so
 * every contender runs on the same engine.
 */
export async function runnerNodeFlags(): Promise<string[]> {
  try {
    const specifier = '@convt/wasm';
    const wasm = (await import(specifier)) as { relaxedSimdNodeFlags(): string[] };
    return wasm.relaxedSimdNodeFlags();
  } catch {
    return []; // no wasm package built: its runners report that themselves
  }
}
