/**
 * A small hostile stand-in for a homeserver, for the harness's own fault tests: it answers each path in a
 * chosen bad way. Binds to 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Misbehaviour = 'garbage-json' | 'wrong-content-type' | 'huge-body' | 'never-answer' | 'close-mid-response' | 'ok-versions';

const HUGE_BODY_BYTES = 10 * 1024 * 1024;

export interface HostileServer {
  url: string;
  /** Stops listening and drops every connection (the "crash"). */
  crash(): Promise<void>;
}

function misbehave(mode: Misbehaviour, res: ServerResponse): void {
  switch (mode) {
    case 'garbage-json':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"rooms": [unterminated');
      return;
    case 'wrong-content-type':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
      return;
    case 'huge-body': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < HUGE_BODY_BYTES) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = HUGE_BODY_BYTES));
      pump();
      return;
    }
    case 'never-answer':
      return;
    case 'close-mid-response':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial": ');
      res.socket?.destroy();
      return;
    case 'ok-versions':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ versions: ['v1.11'] }));
  }
}

/** `routes` maps a path prefix to a misbehaviour; anything else gets `fallback`. */
export async function startHostileServer(routes: Record<string, Misbehaviour>, fallback: Misbehaviour): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = Object.keys(routes).find((prefix) => path.startsWith(prefix));
    misbehave(match ? routes[match]! : fallback, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('hostile server: no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async crash() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
