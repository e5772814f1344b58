/**
 * `tsvs adm -R`: run standard input as ipvsadm invocations, one per line (ipvs.md §6.10).
 * Consecutive changes travel to the daemon as one `continue` batch (each applied on its own, as
 * separate ipvsadm runs would be); messages still come out in line order, and the exit status is
 * the last line's.
 */
import type { ApiClient } from '../api/client.js';
import type { Op } from '../core/ops.js';
import type { CommandName } from '../lang/ipvsadm/command.js';
import { kernelErrorMessage } from '../lang/ipvsadm/errors.js';
import { parseRestoreInput } from '../lang/ipvsadm/restore.js';
import { execute, PROGRAM, report, type AdmIo } from './adm.js';

interface PendingOp {
  readonly name: CommandName;
  readonly op: Op;
}

export async function runRestore(text: string, client: ApiClient, io: AdmIo): Promise<number> {
  const input = parseRestoreInput(text, { resolver: io.resolver, program: PROGRAM });
  let status = 0;
  let batch: PendingOp[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const res = await client.ops(batch.map((p) => p.op), 'continue');
    res.results.forEach((r, i) => {
      status = r.status === 'failed' ? report(io, kernelErrorMessage(r.errno, batch[i]!.name)) : 0;
    });
    batch = [];
  };
  for (const entry of input.entries) {
    if (entry.ok && entry.command.kind === 'op') {
      batch.push({ name: entry.command.name, op: entry.command.op });
      continue;
    }
    await flush();
    if (!entry.ok) {
      status = report(io, entry.error);
      if (entry.error.exits) return status;
      continue;
    }
    status = await execute(entry.command, client, io);
  }
  await flush();
  return status;
}
