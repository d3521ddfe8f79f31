import os from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly date: string;
  /** Whether an X display was available (gpu.js headlessgl needs one). */
  readonly display: boolean;
  /** Node flags every runner's process started with. */
  readonly nodeFlags?: readonly string[];
}

export function describeMachine(nodeFlags: readonly string[] = []): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    display: Boolean(process.env.DISPLAY),
    nodeFlags,
  };
}
