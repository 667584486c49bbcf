// Tracks which client sockets have a request in flight, so shutdown can drop the idle ones at once.
// Node's closeIdleConnections() misses sockets that were opened but never sent a request (HTTP
// clients open spares), and those would hold a graceful shutdown up until their keep-alive ends.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function trackIdleSockets(server: Server): { destroyIdle: () => void } {
  const inFlight = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on(
    'request',
    (request: { socket: Socket }, response: { once: (event: 'close', fn: () => void) => void }) => {
      const socket = request.socket;
      inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
      response.once('close', () => {
        if (inFlight.has(socket)) inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
      });
    },
  );
  return {
    destroyIdle: () => {
      for (const [socket, count] of inFlight) if (count === 0) socket.destroy();
    },
  };
}
