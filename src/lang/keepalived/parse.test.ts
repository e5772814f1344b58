import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configTestExitCode, hasErrors } from './diagnostics.js';
import { memoryFiles } from './memory-files.js';
import { type ParseOptions, type ParseResult, parseKeepalivedConfig } from './parse.js';

const FILE = '/etc/keepalived/keepalived.conf';

function parse(text: string, opts: Partial<ParseOptions> = {}): ParseResult {
  return parseKeepalivedConfig(FILE, { ...memoryFiles({ [FILE]: text }), ...opts });
}

/** "severity code line:col message" for each diagnostic. */
function diags(r: ParseResult): string[] {
  return r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.col} ${d.message}`);
}

const VI = (body: string) => `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  10.0.0.1\n }\n${body}}\n`;
const VS = (body: string, rs = ' real_server 10.0.1.1 80 {\n }\n') => `virtual_server 10.0.0.1 80 {\n${body}${rs}}\n`;

test('state MASTER without priority means priority 255, with a warning; BACKUP means 100', () => {
  const m = parse(VI(' state MASTER\n'));
  assert.equal(m.model.vrrpInstances[0]!.priority, 255);
  assert.deepEqual(diags(m), ['warning master-default-priority 1:1 (VI_1) state MASTER without priority: keepalived uses priority 255 (address owner)']);
  assert.equal(parse(VI(' state BACKUP\n')).model.vrrpInstances[0]!.priority, 100);
  assert.equal(parse(VI(' priority 255\n')).model.vrrpInstances[0]!.state, 'MASTER');
  assert.equal(hasErrors(m.diagnostics), false);
});

test('an instance gets keepalived defaults', () => {
  const i = parse(VI('')).model.vrrpInstances[0]!;
  assert.deepEqual(
    [i.state, i.configuredState, i.priority, i.advertInt, i.version, i.family, i.accept, i.nopreempt, i.mcastDstIp, i.unicastTtl, i.garp, i.downTimerAdverts],
    ['BACKUP', null, 100, 1, 2, 4, true, false, '224.0.0.18', 255, { masterDelay: 5, masterRepeat: 5, masterRefresh: 0, masterRefreshRepeat: 1, lowerPrioDelay: 5, lowerPrioRepeat: 5 }, 3],
  );
});

test('missing protocol, scheduler and forwarding method: UDP, wlc and NAT, each an error', () => {
  const r = parse(VS(''));
  const vs = r.model.virtualServers[0]!;
  assert.deepEqual([vs.protocol, vs.scheduler, vs.forwarding.method], ['udp', 'wlc', 'nat']);
  assert.deepEqual(diags(r), [
    'error default-applied 1:1 Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to UDP',
    "error default-applied 1:1 Virtual server [10.0.0.1]:udp:80: no scheduler set, setting default 'wlc'",
    'error default-applied 1:1 Virtual server [10.0.0.1]:udp:80: no forwarding method set, setting default NAT',
  ]);
  assert.equal(configTestExitCode(r.diagnostics), 5);
});

test('one keyword per line: extra words are ignored with a warning', () => {
  const r = parse(VI(' priority 120 ; advert_int 3\n'));
  assert.deepEqual([r.model.vrrpInstances[0]!.priority, r.model.vrrpInstances[0]!.advertInt], [120, 1]);
  assert.deepEqual(diags(r), ["warning extra-words 7:15 Extra words after 'priority 120' are ignored: '; advert_int 3'"]);
});

test('an unknown keyword followed by a block is not skipped: its } ends the enclosing block', () => {
  const r = parse('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n virtual_ipaddresses {\n  10.0.0.1\n }\n priority 99\n}\n');
  assert.deepEqual(diags(r), [
    "error unknown-keyword 4:2 Unknown keyword 'virtual_ipaddresses'",
    "error unexpected-brace 4:22 Unexpected '{' - ignoring",
    "warning block-not-skipped 4:22 The block after unknown keyword 'virtual_ipaddresses' is not skipped: its lines are read as 'vrrp_instance' keywords and its '}' ends 'vrrp_instance' early",
    "error unknown-keyword 5:3 Unknown keyword '10.0.0.1'",
    "error unknown-keyword 7:2 Unknown keyword 'priority'",
    "error unknown-keyword 8:1 Unknown keyword '}'",
    'error missing-required 1:1 (VI_1) No VIP specified; at least one is sensible',
  ]);
  assert.equal(r.diagnostics[0]!.hint, "did you mean 'virtual_ipaddress'?");
  assert.equal(r.model.vrrpInstances[0]!.priority, 100);
});

test('a block opened on the next line; a missing { is reported and the line still parsed', () => {
  const r = parse('global_defs\n{\n router_id A\n}\nvrrp_script s\n script /bin/true\n}\n');
  assert.equal(r.model.globalDefs.routerId, 'A');
  assert.deepEqual(diags(r).slice(0, 1), ["error missing-brace 6:2 Missing '{' at beginning of configuration block"]);
});

test('unclosed blocks are reported at the first unclosed brace', () => {
  assert.deepEqual(diags(parse('global_defs {\n router_id A\n')), ["error unclosed-block 1:13 There are 1 missing '}'s or extra '{'s"]);
});

test('a missing parameter is keepalived-fatal: exit status 2', () => {
  const r = parse(VI(' priority\n'));
  assert.deepEqual(diags(r), ['error missing-parameter 7:10 *** Configuration line starting `priority` is missing a parameter after keyword `priority` at word position 2']);
  assert.equal(configTestExitCode(r.diagnostics), 2);
});

test('invalid virtual server address is an error; typos inside its block are still reported', () => {
  const r = parse('virtual_server 192.168.200 80 {\n delay_before_retrey 3\n real_server 10.0.0.2 80 {\n }\n}\n');
  assert.deepEqual(diags(r), [
    'error bad-address 1:16 Invalid virtual server IP address/port 192.168.200/80 - skipping',
    "error unknown-keyword 2:2 Unknown keyword 'delay_before_retrey'",
  ]);
  assert.equal(r.diagnostics[0]!.hint, "an IPv4 address needs four numbers (a.b.c.d); '192.168.200' has 3");
  assert.equal(r.diagnostics[1]!.hint, "did you mean 'delay_before_retry'?");
  assert.deepEqual(r.model.virtualServers, []);
});

test('checker defaults: inheritance from real and virtual server, per-type retry and delay', () => {
  const rs = ` real_server 10.0.1.1 80 {
  TCP_CHECK {
  }
  HTTP_GET {
   url {
    path /
   }
  }
  MISC_CHECK {
   misc_path /bin/true
  }
  DNS_CHECK {
  }
 }
`;
  const r = parse(VS(' protocol TCP\n lb_algo rr\n lb_kind DR\n delay_loop 7\n connect_timeout 2\n', rs));
  const checkers = r.model.virtualServers[0]!.realServers[0]!.checkers;
  assert.deepEqual(
    checkers.map((c) => [c.type, c.retry, c.delayBeforeRetry, c.delayLoop, c.warmup]),
    [
      ['TCP_CHECK', 1, 1, 7, 7],
      ['HTTP_GET', 1, 3, 7, 7],
      ['MISC_CHECK', 0, 1, 7, 7],
      ['DNS_CHECK', 3, 7, 7, 7],
    ],
  );
  const tcp = checkers[0]!;
  assert.ok(tcp.type === 'TCP_CHECK');
  assert.deepEqual(tcp.connection, { connectIp: '10.0.1.1', connectPort: 80, bindto: null, bindPort: 0, bindIf: null, connectTimeout: 2, fwmark: 0 });
});

test('nb_get_retry: deprecated (an error) in HTTP_GET, unknown elsewhere', () => {
  const rs = ' real_server 10.0.1.1 80 {\n  HTTP_GET {\n   nb_get_retry 4\n   url {\n    path /\n   }\n  }\n  TCP_CHECK {\n   nb_get_retry 4\n  }\n }\n';
  const r = parse(VS(' protocol TCP\n lb_algo rr\n lb_kind DR\n', rs));
  assert.deepEqual(diags(r), ["error deprecated 7:4 nb_get_retry is deprecated - please use 'retry'", "error unknown-keyword 13:4 Unknown keyword 'nb_get_retry'"]);
  assert.equal(r.model.virtualServers[0]!.realServers[0]!.checkers[0]!.retry, 4);
});

test('interfaces are checked only when the host interfaces are given', () => {
  const text = VI('');
  assert.deepEqual(diags(parse(text)), []);
  assert.deepEqual(diags(parse(text, { interfaces: ['lo', 'ens160'] })), [
    "error unknown-interface 2:12 WARNING - interface eth0 for vrrp_instance VI_1 doesn't exist",
    'error unknown-interface 2:12 Non-existent interface specified in configuration',
  ]);
});

test('script security: existing scripts need enable_script_security (exit 6)', () => {
  const text = VI(' notify_master /usr/bin/true\n');
  const r = parse(text);
  assert.deepEqual(diags(r), ['error script-security 7:16 SECURITY VIOLATION - scripts are being executed but script_security not enabled.']);
  assert.equal(configTestExitCode(r.diagnostics), 6);
  assert.deepEqual(diags(parse(`global_defs {\n enable_script_security\n}\n${text}`)), []);
  assert.deepEqual(diags(parse(text, { scriptExists: () => false })), []);
});

test('persistence: timeout with and without value, granularity, zero port forces persistence', () => {
  const get = (body: string) => parse(VS(` protocol TCP\n lb_algo rr\n lb_kind NAT\n${body}`)).model.virtualServers[0]!;
  assert.deepEqual([get(' persistence_timeout 50\n').persistenceTimeout, get(' persistence_timeout\n').persistenceTimeout], [50, 360]);
  const g = get(' persistence_granularity 255.255.255.0\n');
  assert.deepEqual([g.persistenceTimeout, g.persistenceGranularity], [360, 0xffffff00]);
  const z = parse('virtual_server 10.0.0.1 0 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.1.1 80 {\n }\n}\n');
  assert.equal(z.model.virtualServers[0]!.persistenceTimeout, 360);
});

test('non-NAT real servers take the virtual server port; NAT ones without a port too', () => {
  const r = parse(VS(' protocol TCP\n lb_algo rr\n lb_kind DR\n', ' real_server 10.0.1.1 8080 {\n }\n real_server 10.0.1.2 {\n  lvs_method NAT\n }\n'));
  assert.deepEqual(r.model.virtualServers[0]!.realServers.map((s) => s.port), [80, 80]);
  assert.deepEqual(diags(r), ["error value-adjusted 5:2 WARNING - virtual server [10.0.0.1]:tcp:80 and real server [10.0.1.1]:tcp:8080 ports don't match - resetting"]);
});

test('case-sensitive values get a hint', () => {
  const r = parse(VS(' protocol tcp\n lb_algo RR\n lb_kind dr\n'));
  assert.deepEqual(
    r.diagnostics.slice(0, 2).map((d) => [d.message, d.hint]),
    [
      ["Invalid lvs_scheduler 'RR' - ignoring", "scheduler names are lower case: 'rr'"],
      ['PARSER : unknown [dr] routing method for virtual server.', "keepalived is case-sensitive: write 'DR'"],
    ],
  );
  assert.equal(r.model.virtualServers[0]!.protocol, 'tcp');
});

test('an unreadable main file is an error', () => {
  const r = parseKeepalivedConfig('/nope.conf', memoryFiles({}));
  assert.deepEqual(diags(r), ["error file-not-found 1:1 Config files missing '/nope.conf'."]);
  assert.deepEqual(r.model.files, []);
});

test('the model and the diagnostics are frozen', () => {
  const r = parse(VS(' protocol TCP\n lb_algo rr\n lb_kind DR\n'));
  assert.ok(Object.isFrozen(r.model));
  assert.ok(Object.isFrozen(r.model.virtualServers[0]!.realServers[0]!.forwarding));
  assert.ok(Object.isFrozen(r.diagnostics));
});
