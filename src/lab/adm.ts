/**
 * ipvsadm commands against a lab director's daemon: the same code as `tsvs adm ARGS --api SOCK`,
 * run in this process (a child per command would cost a second of start-up each) with the output
 * captured.
 */
import { existsSync } from 'node:fs';
import { ApiClient } from '../api/client.js';
import { processIo as admProcessIo, runAdm, type AdmIo } from '../cli/adm.js';
import { join } from 'node:path';

export interface AdmResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export const apiSocket = (dir: string, node: string): string => join(dir, `${node}.sock`);

export async function adm(dir: string, node: string, argv: readonly string[], stdin = ''): Promise<AdmResult> {
  let out = '';
  let err = '';
  const io: AdmIo = { ...admProcessIo, out: (t) => void (out += t), err: (t) => void (err += t), readStdin: async () => stdin };
  const code = await runAdm([...argv, '--api', apiSocket(dir, node)], io);
  return { code, out, err };
}

/** Whether the director's daemon answers on its socket. */
export async function daemonUp(dir: string, node: string): Promise<boolean> {
  const sock = apiSocket(dir, node);
  if (!existsSync(sock)) return false;
  return new ApiClient({ kind: 'unix', path: sock }, { timeoutMs: 1_000 }).health().then(() => true, () => false);
}

/** Real-server addresses (`addr:port`) in the director's `-L -n` table. */
export async function tableDests(dir: string, node: string): Promise<string[] | null> {
  const r = await adm(dir, node, ['-L', '-n']);
  if (r.code !== 0) return null;
  return [...r.out.matchAll(/^ {2}-> (\S+)/gm)].map((m) => m[1]!).filter((a) => a !== 'RemoteAddress:Port');
}
