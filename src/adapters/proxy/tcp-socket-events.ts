/**
 * Socket listeners of proxied TCP flows. They are module functions with the socket as `this`
 * and the flow hanging off the socket, so a connection allocates no closures; each forwards to
 * the flow (tcp-flow.ts), or does nothing once the flow has let go of the socket.
 */
import type { Socket } from 'node:net';
import type { TcpFlow } from './tcp-flow.js';

export type FlowSocket = Socket & { flow: TcpFlow | null };

/** Registered first on an accepted socket: an error can come before scheduling is done. */
export function watchClientErrors(s: FlowSocket): void {
  s.on('error', onClientError);
}

export function watchClient(s: FlowSocket): void {
  s.on('data', onClientData);
  s.on('end', onClientEnd);
  s.on('drain', onClientDrain);
  s.on('close', onClientClose);
}

export function watchServer(s: FlowSocket): void {
  s.on('connect', onServerConnect);
  s.on('data', onServerData);
  s.on('end', onServerEnd);
  s.on('drain', onServerDrain);
  s.on('error', onServerError);
  s.on('close', onServerClose);
}

function onClientData(this: FlowSocket, chunk: Buffer): void {
  this.flow?.fromClient(chunk);
}
function onClientEnd(this: FlowSocket): void {
  this.flow?.clientEnded();
}
function onClientDrain(this: FlowSocket): void {
  this.flow?.clientDrained();
}
function onClientError(this: FlowSocket): void {
  this.flow?.clientFailed();
}
function onClientClose(this: FlowSocket): void {
  this.flow?.clientClosed();
}
function onServerConnect(this: FlowSocket): void {
  this.flow?.connected();
}
function onServerData(this: FlowSocket, chunk: Buffer): void {
  this.flow?.fromServer(chunk);
}
function onServerEnd(this: FlowSocket): void {
  this.flow?.serverEnded();
}
function onServerDrain(this: FlowSocket): void {
  this.flow?.serverDrained();
}
function onServerError(this: FlowSocket): void {
  this.flow?.serverError();
}
function onServerClose(this: FlowSocket): void {
  this.flow?.serverClosed();
}
