/**
 * `tsvs` command dispatcher. Each subcommand lives in its own module and returns an exit code.
 * When invoked as `ipvsadm`, the arguments go to `tsvs adm` unchanged.
 */
export const USAGE = `tsvs — Linux Virtual Server and keepalived in TypeScript

Usage:
  tsvs demo [--loopback]      what npm start runs: the seed-004-ha lab as root, else the loopback demo
  tsvs run -f keepalived.conf [-n] [-l] [-D] [-t] [--config-id ID] [--engine proxy|packet] [--api PATH]
  tsvs adm ARGS...            ipvsadm 1.31 syntax against the running daemon (also as \`ipvsadm\`)
  tsvs lint FILE... [--json] [--config-id ID]
  tsvs realserver start|stop|status --vip VIP [--mode dr|tun]
  tsvs lab list|up|probe|fail|heal|test|down ...   the seeds' clusters in network namespaces
  tsvs status [--json]
  tsvs vrrp status [--json] | watch IFACE [-6] [-c COUNT]

Every command takes --api PATH (default /run/tsvs/tsvs.sock, or $XDG_RUNTIME_DIR/tsvs.sock when
not root) and honours TSVS_API.
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  adm: async () => (await import('./adm.js')).adm,
  demo: async () => (await import('./demo.js')).demo,
  run: async () => (await import('./run.js')).run,
  lint: async () => (await import('./lint.js')).lintCommand,
  vrrp: async () => (await import('./vrrp.js')).vrrpCommand,
  status: async () => (await import('./status.js')).statusCommand,
  realserver: async () => (await import('./realserver.js')).realserverCommand,
  lab: async () => (await import('./lab.js')).labCommand,
};

export async function main(argv: string[], invokedAs = 'tsvs'): Promise<number> {
  if (invokedAs === 'ipvsadm') argv = ['adm', ...argv];
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    process.stderr.write(`tsvs: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}
