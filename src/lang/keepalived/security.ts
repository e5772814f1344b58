/**
 * Script security (keepalived 2.2.7 vrrp.c check_vrrp_script_security, check_data.c
 * check_check_script_security, main.c start/shutdown scripts): configured scripts whose program
 * exists make `keepalived -t` exit 6 unless global_defs has enable_script_security; a vrrp_script
 * whose program is missing is disabled with an error. Whether a program exists is asked of the
 * injected `scriptExists` (assumed true when not given).
 */
import type { DiagnosticSink } from './diagnostics.js';
import type { KeepalivedConfig, NotifyScripts, Script } from './model.js';
import type { ScriptDraft } from './state.js';

const HINT = "add 'enable_script_security' to global_defs (and run scripts as a non-root script_user)";

function notifyList(n: NotifyScripts): Script[] {
  return [n.backup, n.master, n.fault, n.stop, n.deleted, n.any, n.masterRxLowerPri].filter((x): x is Script => x !== null);
}

export function checkScriptSecurity(
  m: Omit<KeepalivedConfig, 'files'>,
  allScripts: readonly ScriptDraft[],
  hadInstances: boolean,
  hadServers: boolean,
  sink: DiagnosticSink,
  exists: ((program: string) => boolean) | null,
): void {
  const present = (sc: Script): boolean => (exists ? exists(sc.args[0] ?? '') : true);
  const secure = m.globalDefs.enableScriptSecurity;
  const violation = (what: string, first: Script | undefined) => {
    if (!secure && first) sink.error('script-security', `SECURITY VIOLATION - ${what} are being executed but script_security not enabled.`, first.loc, HINT);
  };
  const startStop = [m.globalDefs.startupScript, m.globalDefs.shutdownScript].filter((x): x is Script => x !== null && present(x));
  violation('start/shutdown scripts', startStop[0]);
  if (hadInstances) {
    const vrrp: Script[] = [];
    for (const v of allScripts) {
      if (!v.script) continue;
      if (present(v.script)) vrrp.push(v.script);
      else sink.error('not-found', `Disabling track script ${v.name} since not found/accessible`, v.script.loc, 'the program does not exist or is not executable');
    }
    for (const i of m.vrrpInstances) vrrp.push(...notifyList(i.notify).filter(present));
    for (const g of m.vrrpSyncGroups) vrrp.push(...notifyList(g.notify).filter(present));
    violation('scripts', vrrp[0]);
  }
  if (hadServers) {
    const check: Script[] = [];
    for (const vs of m.virtualServers) {
      for (const rs of vs.realServers) {
        for (const c of rs.checkers) if (c.type === 'MISC_CHECK' && present(c.script)) check.push(c.script);
      }
      check.push(...[vs.quorumUp, vs.quorumDown].filter((x): x is Script => x !== null && present(x)));
      for (const rs of vs.realServers) check.push(...[rs.notifyUp, rs.notifyDown].filter((x): x is Script => x !== null && present(x)));
    }
    violation('check scripts', check[0]);
  }
}
