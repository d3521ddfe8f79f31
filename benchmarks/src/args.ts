export interface CliArgs {
  readonly workloads?: string[];
  readonly backends?: string[];
  readonly quick: boolean;
  readonly compare?: string;
  readonly from?: string;
  readonly out?: string;
  readonly updateReadme: boolean;
  readonly help: boolean;
}

export const USAGE = `Usage: pnpm bench [options]
  --workload a,b    only these workloads (names from workloads.json)
  --backend x,y     only these backends/peers (an id, or a prefix: cpu, wasm, gpujs, ort-node, tfjs)
  --quick           a few runs per cell on a subset of workloads (about 2 minutes)
  --compare FILE    print the change per cell against an earlier results JSON
  --from FILE       run nothing: write the markdown and chart (and README) from a results JSON
  --out DIR         where to write latest.json, latest.md, chart.svg (default benchmarks/results)
  --update-readme   also put the overview and backend tables into benchmarks/README.md
  --help            this text`;

/** Parses `--name value`, `--name=value` and flags; unknown options throw. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: { -readonly [K in keyof CliArgs]?: CliArgs[K] } = {
    quick: false,
    updateReadme: false,
    help: false,
  };
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--workload':
      case '--workloads':
        args.workloads = list(value());
        break;
      case '--backend':
      case '--backends':
        args.backends = list(value());
        break;
      case '--quick':
        args.quick = true;
        break;
      case '--compare':
        args.compare = value();
        break;
      case '--from':
        args.from = value();
        break;
      case '--out':
        args.out = value();
        break;
      case '--update-readme':
        args.updateReadme = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${name}\n${USAGE}`);
    }
  }
  return args as CliArgs;
}
