/**
 * Where the control API is: the unix socket path (`--api PATH`, else `TSVS_API`, else
 * `/run/tsvs/tsvs.sock` for root and `$XDG_RUNTIME_DIR/tsvs.sock` otherwise), or for clients a TCP
 * listener written `http://HOST:PORT` with a bearer token (`--api-token-file FILE` or
 * `TSVS_API_TOKEN`). Pure: the caller passes the environment, uid and file reader.
 */
export type ApiEndpoint =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly token: string | null };

export interface EndpointEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly uid: number;
  /** Fallback directory for non-root users without XDG_RUNTIME_DIR (the OS temp dir). */
  readonly tmpdir: string;
  readonly readFile?: (path: string) => string;
}

export const ROOT_SOCKET_PATH = '/run/tsvs/tsvs.sock';

/** The default unix socket path for this user. */
export function defaultSocketPath(e: EndpointEnv): string {
  if (e.uid === 0) return ROOT_SOCKET_PATH;
  const xdg = e.env['XDG_RUNTIME_DIR'];
  if (xdg) return `${xdg.replace(/\/+$/, '')}/tsvs.sock`;
  return `${e.tmpdir.replace(/\/+$/, '')}/tsvs-${e.uid}/tsvs.sock`;
}

/** Parse `HOST:PORT` (IPv6 as `[addr]:port`); null when malformed. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}

export type EndpointResult = { readonly ok: true; readonly endpoint: ApiEndpoint } | { readonly ok: false; readonly message: string };

/** Resolve the endpoint a command talks to. */
export function resolveEndpoint(flag: string | undefined, tokenFile: string | undefined, e: EndpointEnv): EndpointResult {
  // An empty TSVS_API counts as unset.
  const spec = flag ?? (e.env['TSVS_API'] || undefined) ?? defaultSocketPath(e);
  const tcp = /^(?:https?|tcp):\/\/(.+?)\/?$/.exec(spec);
  if (!tcp) return { ok: true, endpoint: { kind: 'unix', path: spec } };
  const hp = parseHostPort(tcp[1]!);
  if (!hp) return { ok: false, message: `invalid API address '${spec}' (expected http://HOST:PORT)` };
  let token = e.env['TSVS_API_TOKEN'] ?? null;
  if (tokenFile !== undefined) {
    try {
      token = (e.readFile ?? missingReader)(tokenFile).trim();
    } catch (err) {
      return { ok: false, message: `cannot read API token file ${tokenFile}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ok: true, endpoint: { kind: 'tcp', host: hp.host, port: hp.port, token } };
}

function missingReader(): string {
  throw new Error('no file reader');
}

export function describeEndpoint(ep: ApiEndpoint): string {
  return ep.kind === 'unix' ? ep.path : `http://${ep.host.includes(':') ? `[${ep.host}]` : ep.host}:${ep.port}`;
}

export interface ApiArgs {
  /** argv without the API options. */
  readonly rest: string[];
  readonly api: string | undefined;
  readonly tokenFile: string | undefined;
  /** A flag given without its value. */
  readonly error?: string;
}

/**
 * Take `--api PATH`, `--api=PATH`, `--api-token-file FILE` and `--api-token-file=FILE` out of an
 * argument list (every command accepts them, wherever they appear).
 */
export function takeApiArgs(argv: readonly string[]): ApiArgs {
  const rest: string[] = [];
  let api: string | undefined;
  let tokenFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(api|api-token-file)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) return { rest, api, tokenFile, error: `option --${m[1]} needs a value` };
    }
    if (m[1] === 'api') api = value;
    else tokenFile = value;
  }
  return { rest, api, tokenFile };
}
