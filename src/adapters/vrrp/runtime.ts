/**
 * VRRP for the daemon: the vrrp_instances of a keepalived.conf model run by the VrrpEngine on the
 * real adapters (native raw sockets, iproute2, child-process scripts, the node clock). When VRRP
 * cannot run (no native addon, a socket refused) the daemon carries on without it and the status
 * says why.
 */
import type { Clock, Logger, Timers } from '../../core/ports.js';
import { vrrpSetup } from '../../engine/vrrp/config.js';
import { idleVrrpStatus, VrrpEngine, type VrrpStatusReport } from '../../engine/vrrp/engine.js';
import type { TransitionListener } from '../../engine/vrrp/transitions.js';
import type { KeepalivedConfig } from '../../lang/keepalived/model.js';
import { IpRouteNetControl } from './iproute2.js';
import { requireNative } from './native.js';
import { NetlinkAddressWriter } from './netlink-addresses.js';
import { RawVrrpIo } from './raw-io.js';
import { ChildScriptRunner } from './script-runner.js';

export interface VrrpRuntime {
  status(): VrrpStatusReport;
  /** SIGHUP: carry the running instances over to the new model (keepalived.md §4.11). */
  reload(model: KeepalivedConfig): Promise<void>;
  /** SIGTERM: priority 0 from masters, VIPs removed, STOP notifies, sockets closed. */
  stop(): Promise<void>;
}

function idle(reason: string | null, log: Logger): VrrpRuntime {
  return {
    status: () => idleVrrpStatus(reason),
    reload: async (model) => {
      // COMPAT(keepalived): VRRP that could not start, or instances added to a configuration that had none, start only with a restart.
      if (model.vrrpInstances.length > 0) log.warn('VRRP is not running: vrrp_instance changes take effect when tsvs restarts');
    },
    stop: async () => {},
  };
}

/** Start VRRP for the model's instances (none: an idle runtime). Never throws. `onTransition` hears every state change. */
export async function startVrrpRuntime(model: KeepalivedConfig, clock: Clock & Timers, log: Logger, onTransition?: TransitionListener): Promise<VrrpRuntime> {
  if (model.vrrpInstances.length === 0) return idle(null, log);
  let io: RawVrrpIo;
  try {
    io = new RawVrrpIo({ onError: (m) => log.warn(m) });
  } catch (e) {
    const reason = `VRRP not started: ${e instanceof Error ? e.message : String(e)}`;
    log.error(reason);
    return idle(reason, log);
  }
  const writer = new NetlinkAddressWriter(requireNative());
  const net = new IpRouteNetControl(undefined, writer);
  const engine = new VrrpEngine({ setup: vrrpSetup(model), clock, timers: clock, io, net, scripts: new ChildScriptRunner(), logger: log, ...(onTransition ? { onTransition } : {}) });
  try {
    await engine.start();
  } catch (e) {
    io.close();
    writer.close();
    const reason = `VRRP not started: ${e instanceof Error ? e.message : String(e)}`;
    log.error(reason);
    return idle(reason, log);
  }
  return {
    status: () => engine.status(),
    reload: async (next) => {
      try {
        await engine.reload(vrrpSetup(next));
      } catch (e) {
        log.error(`VRRP reload refused, the running instances are kept: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    stop: async () => {
      await engine.stop();
      writer.close();
    },
  };
}
