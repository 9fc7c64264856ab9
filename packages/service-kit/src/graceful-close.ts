import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import net, { type Socket } from "node:net";

/**
 * Graceful close of an HTTP/1.1 server with keep-alive clients: stop accepting connections, let every
 * request in flight finish, and empty the keep-alive sockets without cutting a request a client may be
 * sending on them right now.
 *
 * Node's own server.close() destroys every idle keep-alive socket at once; a client that reused one a
 * moment earlier sees a reset for a request it already sent. Here, while draining, each response asks
 * the client to close ("Connection: close"): clients still sending use up their pooled sockets that
 * way, one response each. Idle sockets are closed by the server only once no request has come in on
 * any socket for QUIET_MS, when nobody is using them. After the grace period whatever is left is cut.
 */
const QUIET_MS = 250;
const SWEEP_MS = 50;

export interface ConnectionDrain {
  /** Wraps the request handler so the drain sees every request. */
  handler: RequestListener;
  close(graceMs: number): Promise<void>;
}

export function drainOnClose(server: Server, handler: RequestListener): ConnectionDrain {
  /** Requests in progress per open socket. */
  const sockets = new Map<Socket, number>();
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let lastActivity = Date.now();

  server.on("connection", (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once("close", () => sockets.delete(socket));
  });

  const askToClose = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader("connection", "close");
  };

  const tracked: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (sockets.has(socket)) sockets.set(socket, sockets.get(socket)! + 1);
    lastActivity = Date.now();
    inFlight.add(res);
    if (draining) askToClose(res);
    res.once("close", () => {
      inFlight.delete(res);
      lastActivity = Date.now();
      if (sockets.has(socket)) sockets.set(socket, sockets.get(socket)! - 1);
    });
    handler(req, res);
  };

  return {
    handler: tracked,
    close(graceMs) {
      return new Promise<void>((resolve) => {
        draining = true;
        for (const res of inFlight) askToClose(res);
        const sweep = setInterval(() => {
          if (Date.now() - lastActivity < QUIET_MS) return;
          for (const [socket, active] of sockets) if (active === 0) socket.destroy();
        }, SWEEP_MS);
        const force = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of sockets.keys()) socket.destroy();
        }, graceMs);
        // net.Server's close stops accepting and waits for the open connections, without http.Server's
        // immediate closeIdleConnections(); the callback runs once the last connection is gone.
        net.Server.prototype.close.call(server, () => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
