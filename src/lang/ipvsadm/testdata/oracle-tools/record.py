#!/usr/bin/env python3
"""Record ipvsadm 1.31 goldens: random argv and -R inputs run through the shimmed binary.

usage: record.py SHIM_SO OUT_DIR
"""
import collections, json, os, random, re, subprocess, sys

SHIM, OUT = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, LD_PRELOAD=SHIM)
IPVSADM = '/usr/sbin/ipvsadm'

CMDS = ['-A', '-E', '-D', '-C', '-R', '-S', '-a', '-e', '-d', '-L', '-l', '-Z', '--set', '--start-daemon', '--stop-daemon',
        '-h', '-v', '--add-service', '--edit-service', '--delete-service', '--clear', '--restore', '--save', '--add-server',
        '--edit-server', '--delete-server', '--list', '--zero', '--help', '--version', '-Ln', '-Lnc', '-At', '-at', '-Sn',
        '-ln', '-Lt', '-Af', '-ef', '-dt', '-Du']
ADDRS = ['1.2.3.4:80', '10.0.0.1', '[2001:db8::1]:80', '2001:db8::1', '[1.2.3.4]:80', '1234', '1.2.3.4:http', '1.2.3.4:www',
         '1.2.3.4:', 'localhost:80', 'host.invalid:80', '1.2.3.4:65536', '10.1:0', '10.1:8080', ':80', '[::1]',
         '0x01020304:8080', '5.6.7.8:81', '5.6.7.8', '[::2]:80', '1.2.3.4:domain', '1.2.3.4:0', '', '-', '1.2.3.4:-1',
         '1.2.3.4:+7', '[::ffff:1.2.3.4]:80', '::1']
NUMS = ['0', '1', '5', '255', '256', '65535', '65536', '65507', '65508', '2147483647', '2147483648', '-1', 'abc', '', ' 7',
        '+3', '360', '2678400', '2678401', '4294967295', '4294967296', '08']
MASKS = ['255.255.255.0', '24', '64', '129', '0', 'abc', '128', '1', '0xffffff00', '255.255', 'localhost']
SCHEDS = ['rr', 'wlc', 'sh', 'mh', 'abcdefghijklmnopqrstu', '', 'twos', 'shx']
FLAGS = ['sh-port', 'sh-fallback', 'mh-fallback,mh-port', 'flag-1,flag-3', 'flag-2', 'foo', 'sh-port,foo', 'mh-port', ',sh-port', '']
TUNS = ['ipip', 'gue', 'gre', 'vxlan', '']
GROUPS = ['224.0.0.81', '239.1.1.1', '1.2.3.4', 'ff02::1', 'fe80::1', '01.0.0.1', '224.1', 'ff02::1x']
STATES = ['master', 'backup', 'foo', '']
OPTS = [
    ('-t', ADDRS), ('-u', ADDRS), ('--sctp-service', ADDRS), ('--tcp-service', ADDRS), ('--udp-service', ADDRS),
    ('-f', NUMS), ('--fwmark-service', NUMS), ('-s', SCHEDS), ('--scheduler', SCHEDS), ('-p', NUMS + [None] * 6),
    ('--persistent', NUMS + [None] * 6), ('-M', MASKS), ('--netmask', MASKS), ('-r', ADDRS), ('--real-server', ADDRS),
    ('-g', None), ('-i', None), ('-m', None), ('--gatewaying', None), ('--ipip', None), ('--masquerading', None),
    ('-w', NUMS), ('--weight', NUMS), ('-x', NUMS), ('-y', NUMS), ('--u-threshold', NUMS), ('--l-threshold', NUMS),
    ('-n', None), ('-c', None), ('--numeric', None), ('--connection', None),
    ('--mcast-interface', ['eth1', 'abcdefghijklmnopqrs', '']), ('--syncid', NUMS), ('--timeout', None),
    ('--daemon', None), ('--stats', None), ('--rate', None), ('--thresholds', None), ('--persistent-conn', None),
    ('--nosort', None), ('--sort', None), ('--exact', None), ('-X', None), ('-6', None), ('--ipv6', None), ('-o', None),
    ('--ops', None), ('--pe', ['sip', 'x', '']), ('-b', FLAGS), ('--sched-flags', FLAGS), ('--mcast-group', GROUPS),
    ('--mcast-port', NUMS), ('--mcast-ttl', NUMS), ('--sync-maxlen', NUMS), ('--tun-info', None), ('--tun-type', TUNS),
    ('--tun-port', NUMS), ('--tun-nocsum', None), ('--tun-csum', None), ('--tun-remcsum', None), ('--bogus', None),
    ('-q', None), ('-Lq', None), ('--', None), ('-', None), ('foo', None), ('--ops=1', None), ('--weight=3', None),
    ('-w=4', None), ('-n=1', None), ('-nc', None), ('-gw', ['2']), ('-w5', None), ('-p20', None), ('-p=', None),
    ('--persistent=', None), ('-A', None), ('-h', None), ('-v', None), ('--set', None), ('--start-daemon', STATES),
    ('-S', None), ('-6f', ['1']),
]


def any_argv(rnd):
    """Anything: mostly errors, every option in every form."""
    def pick():
        name, vals = rnd.choice(OPTS)
        v = None if vals is None else rnd.choice(vals)
        if v is None:
            return [name]
        form = rnd.random()
        if name.startswith('--') and form < 0.25:
            return [name + '=' + v]
        if len(name) == 2 and form < 0.2 and v != '':
            return [name + v]
        return [name, v]
    argv = pick() if rnd.random() < 0.05 else []
    c = rnd.choice(CMDS)
    argv.append(c)
    if c in ('--start-daemon', '--stop-daemon'):
        argv.append(rnd.choice(STATES))
    if c in ('-At', '-at', '-Lt', '-dt', '-Du'):
        argv.append(rnd.choice(ADDRS))
    if c in ('-Af', '-ef'):
        argv.append(rnd.choice(NUMS))
    if c == '--set':
        argv += [rnd.choice(NUMS) for _ in range(rnd.choice([2, 3, 3, 3, 4]))]
    if c in ('-a', '-e', '-d', '--add-server', '--edit-server', '--delete-server') and rnd.random() < 0.7:
        argv += ['-t', rnd.choice(['1.2.3.4:80', '10.1:8080', '[2001:db8::1]:80'])]
        if rnd.random() < 0.8:
            argv += ['-r', rnd.choice(ADDRS)]
    if c in ('-A', '-E', '-D', '--add-service', '--edit-service') and rnd.random() < 0.6:
        argv += [rnd.choice(['-t', '-u', '--sctp-service', '-f']), rnd.choice(['1.2.3.4:80', '[::1]:53', '7', '10.0.0.1:0'])]
    for _ in range(rnd.choice([0, 1, 1, 2, 2, 3, 4, 5])):
        argv += pick()
    return argv


SVCS = [['-t', '1.2.3.4:80'], ['-u', '1.2.3.4:53'], ['--sctp-service', '1.2.3.4:99'], ['-f', '7'], ['-f', '7', '-6'],
        ['-t', '[2001:db8::1]:80'], ['-t', '1.2.3.4'], ['-u', '10.1:0'], ['-t', '1.2.3.4:http'], ['-u', '1.2.3.4:domain'],
        ['-t', '[1.2.3.4]:80']]
RSS = ['5.6.7.8', '5.6.7.8:8080', '[2001:db8::2]:80', '2001:db8::2', '5.6.7.8:0', '5.6.7.8:http', '5.6.7.8:domain',
       '5.6.7.8:', '0x05060708:81']
SVCOPTS = [['-s', 'rr'], ['-s', 'sh'], ['-s', 'mh'], ['-s', 'wrr'], ['-p'], ['-p', '120'], ['--persistent=30'],
           ['-M', '255.255.255.0'], ['-M', '64'], ['-M', '0.0.0.0'], ['-o'], ['--pe', 'sip'], ['-b', 'sh-port'],
           ['-b', 'mh-fallback,mh-port'], ['-b', 'flag-1,flag-2,flag-3'], ['-b', 'sh-fallback,flag-3'], ['-s', '']]
DSTOPTS = [['-g'], ['-i'], ['-m'], ['-w', '0'], ['-w', '3'], ['-w', '70000'], ['-x', '100'], ['-y', '50'],
           ['--tun-type', 'ipip'], ['--tun-type', 'gue'], ['--tun-type', 'gre'], ['--tun-port', '6080'],
           ['--tun-nocsum'], ['--tun-csum'], ['--tun-remcsum']]


def change_argv(rnd):
    """Plausible service and real-server changes: the paths that succeed."""
    c = rnd.choice(['-A', '-E', '-a', '-e', '-d', '-D', '-Z', '-L'])
    pieces = [rnd.choice(SVCS)]
    if c in ('-a', '-e', '-d') or rnd.random() < 0.1:
        pieces.append(['-r', rnd.choice(RSS)])
    pool = SVCOPTS if c in ('-A', '-E') else DSTOPTS
    if rnd.random() < 0.1:
        pool = SVCOPTS + DSTOPTS
    for _ in range(rnd.choice([0, 1, 2, 2, 3, 3, 4])):
        pieces.append(rnd.choice(pool))
    if c in ('-a', '-e') and rnd.random() < 0.4:
        pieces = [p for p in pieces if p[0] not in ('-g', '-m')] + [['-i']]
    seen, out = [], []
    for p in pieces:
        if p[0] in seen and rnd.random() < 0.85:
            continue
        seen.append(p[0])
        out.append(p)
    if rnd.random() < 0.5:
        rnd.shuffle(out)
    return [c] + [w for p in out for w in p]


def run_argv(argv):
    p = subprocess.run([IPVSADM] + argv, env=ENV, capture_output=True, stdin=subprocess.DEVNULL)
    err = '\n'.join(l for l in p.stderr.decode('latin1').split('\n') if not l.startswith('SHIM set'))
    if err.startswith('SHIM') and p.returncode == 0:
        return 'OK ' + err.strip('\n').replace('\n', ' | ')
    if p.returncode == 0 and not err:
        return 'STDOUT:' + p.stdout.decode('latin1').split('\n')[0]
    return 'ERR %d %s' % (p.returncode, err.replace(IPVSADM, 'ipvsadm').replace('\n', '\\n'))


def restore_text(rnd, pool):
    seps = [' ', ' ', ' ', '\t', '  ', ' \t ']
    lines = []
    for _ in range(rnd.choice([1, 2, 3, 4, 5])):
        r = rnd.random()
        if r < 0.08:
            lines.append('# comment ' + rnd.choice(['-C', 'x']))
        elif r < 0.12:
            lines.append(rnd.choice(['', '  ', '\t', 'ipvsadm']))
        else:
            a = rnd.choice(pool)
            if rnd.random() < 0.2:
                a = ['ipvsadm'] + a
            s = rnd.choice(seps).join(a)
            if rnd.random() < 0.2:
                s = rnd.choice(seps) + s
            if rnd.random() < 0.1:
                s += '\r'
            lines.append(s)
    text = '\n'.join(lines)
    r = rnd.random()
    if r < 0.6:
        text += '\n'
    elif r < 0.75:
        text += rnd.choice([' ', '  ', ' \t', '\t'])
    return text


def run_restore(text):
    p = subprocess.run([IPVSADM, '-R'], env=ENV, capture_output=True, input=text.encode())
    err = '\n'.join(l for l in p.stderr.decode('latin1').split('\n') if not l.startswith('SHIM set'))
    out = p.stdout.decode('latin1').split('\n')
    return {'text': text, 'rc': p.returncode, 'err': err.replace(IPVSADM, 'ipvsadm'),
            'outFirstLines': [l for l in out if l.startswith(('IP Virtual', 'Timeout', 'ipvsadm v'))]}


def outcome_class(out):
    if out.startswith('OK'):
        # One class per shape of change: which structures, scheduler, flags, forwarding method.
        return re.sub(r'(addr|port|fwmark|weight|timeout|netmask|u|l)=[^ ]*', r'\1=*', out)
    k = out if out.startswith('ERR') else out[:14]
    k = re.sub(r"`[^']*'", "`X'", k)
    k = re.sub(r'argument .*', 'argument X', k)
    return re.sub(r'^ERR 255 [^ ]*: ', 'ERR 255 <opt>: ', k)


def write_json(path, items):
    with open(path, 'w') as f:
        f.write('[\n' + ',\n'.join(json.dumps(i, ensure_ascii=False) for i in items) + '\n]\n')


def main():
    rnd = random.Random(1)
    argvs = [any_argv(rnd) for _ in range(15000)] + [change_argv(rnd) for _ in range(8000)]
    results, seen = collections.defaultdict(list), set()
    for argv in argvs:
        key = json.dumps(argv)
        if key in seen:
            continue
        seen.add(key)
        out = run_argv(argv)
        results[outcome_class(out)].append({'argv': argv, 'out': out})
    sample = []
    for k, items in sorted(results.items()):
        rnd.shuffle(items)
        sample += items[:3]
    rnd.shuffle(sample)
    write_json(os.path.join(OUT, 'oracle-argv.json'), sample)
    # Restore inputs are built from single invocations that neither list connections/daemons
    # (absent /proc file, shim crash) nor contain words with blanks.
    pool = [a for a in argvs if not any(w == '' or re.search(r'\s', w) for w in a)
            and not any(w in ('-h', '--help', '-v', '--version', '-c', '--connection', '--daemon')
                        or (w.startswith('-L') and 'c' in w) for w in a)]
    by_rc = collections.defaultdict(list)
    for _ in range(4500):
        r = run_restore(restore_text(rnd, pool))
        by_rc[r['rc']].append(r)
    restore = []
    for rc, items in sorted(by_rc.items()):
        rnd.shuffle(items)
        restore += items[:25]
    write_json(os.path.join(OUT, 'oracle-restore.json'), restore)
    print(f'{len(seen)} command lines ({len(sample)} kept), 4500 -R inputs ({len(restore)} kept)')


main()
