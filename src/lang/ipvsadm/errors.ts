/**
 * What ipvsadm prints when the kernel refuses an operation (ipvs.md §6.4, §6.5): libipvs words
 * chosen by the failing call and errno, else the C library's strerror text; exit 255 for changes,
 * 1 for listings. Also the usage hint and the initialisation failure.
 */
import type { Errno } from '../../core/ops.js';
import type { CommandName, IpvsadmError } from './command.js';

/** Errnos a backend can report: the core reducer's plus those only a real kernel produces. */
export type IpvsadmErrno = Errno | 'EPERM' | 'EACCES' | 'EBUSY' | 'ENODEV' | 'ENOPROTOOPT' | 'EOPNOTSUPP' | 'EAFNOSUPPORT' | 'EMSGSIZE';

/** glibc strerror texts. */
export const STRERROR: Readonly<Record<IpvsadmErrno, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
  EMSGSIZE: 'Message too long',
  ENOPROTOOPT: 'Protocol not available',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
};

/** libipvs words that depend on the call that failed. */
const BY_COMMAND: Partial<Record<CommandName, Partial<Record<IpvsadmErrno, string>>>> = {
  'add-service': { EEXIST: 'Service already exists', ENOENT: 'Scheduler or persistence engine not found' },
  'edit-service': { ESRCH: 'No such service', ENOENT: 'Scheduler or persistence engine not found' },
  'delete-service': { ESRCH: 'No such service' },
  zero: { ESRCH: 'No such service' },
  'add-server': { ESRCH: 'Service not defined', EEXIST: 'Destination already exists' },
  'edit-server': { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
  'delete-server': { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
  'start-daemon': { EEXIST: 'Daemon has already run' },
  'stop-daemon': { ESRCH: 'No daemon is running' },
  list: { ESRCH: 'No such service' },
  save: { ESRCH: 'No such service' },
};

/** libipvs words whatever the call. */
const ANY_COMMAND: Partial<Record<IpvsadmErrno, string>> = {
  EPERM: 'Permission denied (you must be root)',
  EINVAL: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
  ENOPROTOOPT: 'Protocol not available',
  ENOMEM: 'Memory allocation problem',
  EOPNOTSUPP: 'Operation not supported with IPv6',
  EAFNOSUPPORT: 'Operation not supported with specified address family',
  EMSGSIZE: 'Module is wrong version',
};

/**
 * The message and exit status for a kernel failure of `command`.
 * COMPAT(ipvsadm): libipvs picks its words by the last library call it made; `-C` does not record
 * itself, so inside `-R` a failing flush would borrow the previous line's words. Flush failures
 * here always get the generic words (what a single `ipvsadm -C` prints).
 */
export function kernelErrorMessage(errno: IpvsadmErrno, command: CommandName): IpvsadmError {
  const message = BY_COMMAND[command]?.[errno] ?? ANY_COMMAND[errno] ?? STRERROR[errno];
  const listing = command === 'list' || command === 'save';
  return { message, exitCode: listing ? 1 : 255, exits: false };
}

/** The hint printed when the first option is not a command (or is unusable); exit 255. */
export function tryHelpMessage(program: string): string {
  return `Try \`${program} -h' or '${program} --help' for more information.`;
}

export function tryHelpError(program: string): IpvsadmError {
  return { message: tryHelpMessage(program), exitCode: 255, exits: true };
}

/** When the IPVS control interface cannot be opened (not even after modprobe); exit 2. */
export function initFailureError(reason: string): IpvsadmError {
  return {
    message: `Can't initialize ipvs: ${reason}\nAre you sure that IP Virtual Server is built in the kernel or as module?`,
    exitCode: 2,
    exits: true,
  };
}
