/**
 * Name lookups ipvsadm does while parsing: `gethostbyname` for hosts (IPv4 only, in
 * `-t www.example.com:80`, `-r`, `-M`) and `getservbyname` for ports (`-t 10.0.0.1:http`). The
 * parser is pure, so these arrive through a {@link Resolver} the caller injects.
 */
import type { Family } from '../../core/addr.js';
import type { Protocol } from '../../core/model.js';

export interface Resolver {
  /** Address text of `name` in `family`, or null when it does not resolve. */
  host(name: string, family: Family): string | null;
  /** Port number of the service `name` for `protocol`, or null when unknown. */
  service(name: string, protocol: Protocol): number | null;
}

/**
 * Well-known services as Debian's netbase /etc/services lists them (names and aliases per
 * protocol). Only the common ones: enough for rules written by hand.
 */
const WELL_KNOWN: ReadonlyArray<readonly [names: readonly string[], port: number, protocols: readonly Protocol[]]> = [
  [['ftp-data'], 20, ['tcp']],
  [['ftp'], 21, ['tcp']],
  [['ssh'], 22, ['tcp']],
  [['telnet'], 23, ['tcp']],
  [['smtp', 'mail'], 25, ['tcp']],
  [['domain'], 53, ['tcp', 'udp']],
  [['tftp'], 69, ['udp']],
  [['http', 'www'], 80, ['tcp']],
  [['kerberos', 'kerberos5', 'krb5', 'kerberos-sec'], 88, ['tcp', 'udp']],
  [['pop3', 'pop-3'], 110, ['tcp']],
  [['ntp'], 123, ['udp']],
  [['imap2', 'imap'], 143, ['tcp']],
  [['snmp'], 161, ['tcp', 'udp']],
  [['bgp'], 179, ['tcp']],
  [['ldap'], 389, ['tcp', 'udp']],
  [['https'], 443, ['tcp', 'udp']],
  [['syslog'], 514, ['udp']],
  [['rtsp'], 554, ['tcp', 'udp']],
  [['submission'], 587, ['tcp']],
  [['ldaps'], 636, ['tcp', 'udp']],
  [['rsync'], 873, ['tcp']],
  [['ftps'], 990, ['tcp']],
  [['imaps'], 993, ['tcp']],
  [['pop3s'], 995, ['tcp']],
  [['ms-sql-s'], 1433, ['tcp']],
  [['nfs'], 2049, ['tcp', 'udp']],
  [['mysql'], 3306, ['tcp']],
  [['sip'], 5060, ['tcp', 'udp']],
  [['postgresql', 'postgres'], 5432, ['tcp']],
  [['redis'], 6379, ['tcp']],
  [['http-alt', 'webcache'], 8080, ['tcp']],
];

const SERVICE_INDEX: ReadonlyMap<string, number> = new Map(
  WELL_KNOWN.flatMap(([names, port, protocols]) => names.flatMap((n) => protocols.map((p) => [`${n}/${p}`, port] as const))),
);

/**
 * The resolver used when the caller injects none.
 * COMPAT(ipvsadm): ipvsadm asks the system resolver (/etc/hosts, DNS, /etc/services). Without an
 * injected resolver tsvs knows no host names at all (only address literals parse) and only the
 * well-known service names above.
 */
export const BUILTIN_RESOLVER: Resolver = {
  host: () => null,
  service: (name, protocol) => SERVICE_INDEX.get(`${name}/${protocol}`) ?? null,
};
