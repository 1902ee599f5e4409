/** CLI argument parsing (pure). Unknown flags are errors that print the usage. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `Usage: aava <command> [options]

Commands:
  serve                     run the engine and the dashboard (http://127.0.0.1:15000/)
  sync --once [--json]      sync FreePBX call recordings once and exit
  check-config <file>       validate a config file and exit (0 = valid)
  doctor --ssh user@host    check a FreePBX/Asterisk server over SSH (see aava doctor --help)

Options (all commands):
  --config <file>           config file (default: $AI_AGENT_CONFIG or config/ai-agent.yaml)
  --data-dir <dir>          data directory (default: $AI_ENGINE_DATA_DIR or ./data)
  -h, --help                this help

serve options:
  --host <addr>             HTTP bind address (overrides health.host)
  --port <n>                HTTP port (overrides health.port)
  --build-dashboard         build the dashboard first when its sources changed
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const common = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const byCommand = {
  serve: { ...common, host: { type: 'string' }, port: { type: 'string' }, 'build-dashboard': { type: 'boolean' } },
  sync: { ...common, once: { type: 'boolean' }, json: { type: 'boolean' } },
  'check-config': { ...common },
} as const;

export type Command = keyof typeof byCommand | 'doctor' | 'help';

export interface ParsedCli {
  command: Command;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Raw arguments after the command (doctor parses its own). */
  rest: string[];
}

export function parseCli(argv: string[]): ParsedCli {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') return { command: 'help', values: {}, positionals: [], rest };
  if (command === 'doctor') return { command, values: {}, positionals: [], rest };
  if (!(command in byCommand)) throw new UsageError(`unknown command "${command}"`);
  const options = byCommand[command as keyof typeof byCommand];
  try {
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: command === 'check-config', strict: true });
    return { command: command as Command, values: values as ParsedCli['values'], positionals, rest };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
}

export function configPathFrom(values: ParsedCli['values'], env: NodeJS.ProcessEnv): string {
  const v = values.config;
  return typeof v === 'string' ? v : env.AI_AGENT_CONFIG ?? 'config/ai-agent.yaml';
}
