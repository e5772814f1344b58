/**
 * What the socket proxy counts under its own names. A socket proxy sees read and write
 * operations, not packets, so these are reported beside (not instead of) the IPVS statistics.
 * Plain numeric fields: they are bumped on the data path.
 */
export class ProxyCounters {
  /** TCP connections accepted on virtual-service listeners. */
  tcpAccepted = 0;
  /** Accepted connections reset at once: no destination, entry refused (drop/ICMP verdicts). */
  tcpRejected = 0;
  /** Read operations (`data` events) on client and real-server sockets. */
  clientReads = 0;
  serverReads = 0;
  /** Write operations towards real servers and clients. */
  serverWrites = 0;
  clientWrites = 0;
  /** A real server refused (or did not answer) and the next scheduled one was tried. */
  refusedRetried = 0;
  /** Every destination refused: the client was reset. */
  refusedGaveUp = 0;
  /** Connects to real servers that failed (refused, unreachable, timed out). */
  connectFailures = 0;
  /** Flows closed because their connection entry expired in the table (idle, flushed). */
  expiredClosed = 0;
  /** Client data held because its destination is gone and expire_nodest_conn is 0. */
  stalls = 0;
  /** Flows torn down because their entry was gone when traffic arrived. */
  flowsLost = 0;
  /** UDP datagrams from clients and from real servers; sessions opened. */
  udpFromClients = 0;
  udpFromServers = 0;
  udpSessions = 0;
  /** UDP datagrams not relayed (drop / ICMP verdicts, no session). */
  udpDropped = 0;

  snapshot(): Record<string, number> {
    return { ...(this as unknown as Record<string, number>) };
  }
}
