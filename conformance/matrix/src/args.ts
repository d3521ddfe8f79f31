export interface CliArgs {
  readonly backends: readonly string[];
  readonly json: boolean;
  readonly quick: boolean;
  readonly filter: string | RegExp | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: convt-conformance [--backend NAME[,NAME...]]... [--filter TEXT|/REGEX/] [--quick] [--json]

Runs the @convt/conformance suite over every backend that starts here and prints a matrix:
one row per swept parameter value, one column per backend, each cell passed/total.

  --backend NAME   a column (reference, cpu:1, cpu:auto, wasm:1, wasm:auto, wasm:1:simd128,
                   wasm:auto:simd128, gpujs:headlessgl, gpujs:webasm, gpujs:cpu) or a package
                   (cpu, wasm, gpujs); repeatable
  --filter TEXT    only cases whose name contains TEXT; /REGEX/ for a pattern
  --quick          the quick sweep (about 60 valid cases) for every backend
  --json           the matrix and every failure as JSON on stdout
Exit status: 0 when every case of every available backend passed, 1 otherwise, 2 on bad usage.`;

/** Parses the command line; throws with a message on anything it does not understand. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const backends: string[] = [];
  let json = false;
  let quick = false;
  let help = false;
  let filter: string | RegExp | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--backend')
      backends.push(
        ...value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    else if (flag === '--filter') filter = toFilter(value());
    else if (flag === '--json') json = true;
    else if (flag === '--quick') quick = true;
    else if (flag === '--help' || flag === '-h') help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return { backends, json, quick, filter, help };
}

function toFilter(text: string): string | RegExp {
  const match = /^\/(.*)\/([a-z]*)$/.exec(text);
  return match ? new RegExp(match[1]!, match[2]) : text;
}
