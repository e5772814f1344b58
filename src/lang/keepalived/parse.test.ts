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

test('invalid virtual server address is an error; typos inside its block are still reported, as warnings', () => {
  const r = parse('virtual_server 192.168.200 80 {\n delay_before_retrey 3\n real_server 10.0.0.2 80 {\n }\n}\n');
  assert.deepEqual(diags(r), [
    'error bad-address 1:16 Invalid virtual server IP address/port 192.168.200/80 - skipping',
    "warning unknown-keyword 2:2 Unknown keyword 'delay_before_retrey'",
  ]);
  assert.equal(r.diagnostics[0]!.hint, "an IPv4 address needs four numbers (a.b.c.d); '192.168.200' has 3");
  assert.equal(r.diagnostics[1]!.hint, "keepalived skips the whole virtual_server block at line 1 (its address is invalid) and does not report this; did you mean 'delay_before_retry'?");
  assert.deepEqual(r.model.virtualServers, []);
  assert.equal(configTestExitCode(r.diagnostics), 5);
});

test('in a skipped block, a stray block is brace-counted as keepalived does and line-level errors stay errors', () => {
  const text = 'virtual_server 10.0.0.1 99999 {\n foo {\n  real_server x\n }\n real_server 10.0.0.x 80 {\n  weight -1\n }\n notes "open\n}\nbogus\n';
  const r = parse(text);
  assert.deepEqual(diags(r), [
    "error bad-address 1:25 Invalid virtual server IP address/port 10.0.0.1/99999 - skipping",
    "warning unknown-keyword 2:2 Unknown keyword 'foo'",
    "warning unexpected-brace 2:6 Unexpected '{' - ignoring",
    'warning bad-address 5:14 Invalid real server ip address/port 10.0.0.x/80 - skipping',
    "warning invalid-number 6:10 Real server weight -1 is outside range 0-2147483647",
    // keepalived reports these too: reading and splitting a line happen even in a skipped block.
    "error unterminated-quote 8:8 Unterminated quote 'notes \"open'",
    "error unmatched-quote 8:8 Unmatched quote: 'notes \"open'",
    "warning unknown-keyword 8:2 Unknown keyword 'notes'",
    "error unknown-keyword 10:1 Unknown keyword 'bogus'",
  ]);
  // The outermost skipped block is the one named.
  assert.match(r.diagnostics[3]!.hint ?? '', /^keepalived skips the whole virtual_server block at line 1 \(its port is invalid\)/);
  assert.match(r.diagnostics[4]!.hint ?? '', /^keepalived skips the whole virtual_server block at line 1 \(its port is invalid\)/);
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

test('smtp_server: an address in any inet_aton form, an IPv6 address or a host name; 10.0.0.300 is none', () => {
  const g = (line: string) => parse(`global_defs {\n ${line}\n}\n`);
  assert.deepEqual(g('smtp_server 10.1 2525').model.globalDefs.smtpServer, { host: '10.0.0.1', port: 2525 });
  assert.deepEqual(g('smtp_server fe80::1%eth0').model.globalDefs.smtpServer, { host: 'fe80::1%eth0', port: 25 });
  assert.deepEqual(g('smtp_server mail.example.com').model.globalDefs.smtpServer, { host: 'mail.example.com', port: 25 });
  const bad = g('smtp_server 10.0.0.300');
  assert.deepEqual(diags(bad), ['error bad-address 2:14 Invalid smtp server 10.0.0.300 25']);
  assert.equal(bad.diagnostics[0]!.hint, "'10.0.0.300' is not an IPv4 address (four numbers 0-255) and cannot be a host name");
  assert.equal(bad.model.globalDefs.smtpServer, null);
  assert.deepEqual(diags(g('smtp_server example.com 70000')), [
    "error out-of-range 2:26 number '70000' outside range [1, 65535]",
    'error bad-address 2:14 Invalid smtp server example.com 70000',
  ]);
});

test('lvs_sync_daemon group: like every keepalived address, what follows - or / is ignored', () => {
  const r = parse('global_defs {\n lvs_sync_daemon eth0 VI_1 group 224.0.0.81/24\n}\n');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.model.globalDefs.lvsSyncDaemon?.group, '224.0.0.81');
});

test('track_group NAME { group { ... } }: a value block; a name is required, once', () => {
  const ok = parse('track_group TG1 {\n group {\n  VI_1 VI_2\n }\n}\n');
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(ok.model.otherBlocks, [{ keyword: 'track_group', name: 'TG1', loc: { file: FILE, line: 1, col: 1 } }]);
  // As keepalived 2.2.7 -t reports it: an empty group leaves the list unset, so the next is taken.
  const bad = parse('track_group {\n group {\n }\n}\ntrack_group TG1 {\n group {\n }\n group {\n  VI_1\n }\n}\ntrack_group TG1 {\n}\n');
  assert.deepEqual(diags(bad), [
    'error missing-required 1:1 track_group must have a name - skipping',
    'error missing-required 6:2 Warning - track group TG1 has empty group block',
    'error duplicate 12:13 track_group TG1 already defined',
  ]);
  // A second non-empty group is skipped, and (as in keepalived) its block's '}' then closes track_group.
  assert.deepEqual(diags(parse('track_group TG2 {\n group {\n  VI_1\n }\n group {\n  VI_2\n }\n}\n')), [
    'error duplicate 5:2 Group list already specified for sync group TG2',
    "error unknown-keyword 8:1 Unknown keyword '}'",
  ]);
});

test('each instance records where its keywords were written (version: its own, else vrrp_version)', () => {
  const text = 'global_defs {\n vrrp_version 3\n}\n' + VI(' state BACKUP\n priority 90\n advert_int 2\n nopreempt\n authentication {\n  auth_type PASS\n  auth_pass x\n }\n');
  const at = (line: number, col: number) => ({ file: FILE, line, col });
  const k = parse(text).model.vrrpInstances[0]!.keywordLocs;
  assert.deepEqual(k, {
    state: at(10, 2), interface: at(5, 2), virtualRouterId: at(6, 2), priority: at(11, 2), advertInt: at(12, 2), version: at(2, 2),
    authentication: at(14, 2), authType: at(15, 3), authPass: at(16, 3), nopreempt: at(13, 2), virtualIpAddress: at(7, 2),
  });
  const own = parse(VI(' version 2\n state MASTER\n state BACKUP\n preempt\n')).model.vrrpInstances[0]!.keywordLocs;
  // BACKUP after MASTER is ignored (keepalived's error), so state stays where MASTER was written.
  assert.deepEqual([own.version, own.state, own.nopreempt, own.priority, own.authentication], [at(7, 2), at(8, 2), at(10, 2), null, null]);
});
