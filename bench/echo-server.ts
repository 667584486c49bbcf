// Bare node:http servers for the baselines, doing the least the real server's path must do:
//   GET /events   holds a Server-Sent Events stream open; POST /send writes the body to every stream
//                 (edit-to-device's baseline).
//   POST /push    reads and parses a JSON body and answers a push response with nothing in it
//                 (push-throughput's HTTP ceiling: no authentication, validation, storage).
// Started as its own process (like the sync server); prints its port on stdout.
import http from 'node:http';

const streams = new Set<http.ServerResponse>();
const EMPTY_PUSH_RESULT = JSON.stringify({ conflicts: [], rejections: [] });

function readBody(request: http.IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    done(Buffer.concat(chunks).toString('utf8'));
  });
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/events') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write('data: "RESYNC"\n\n');
    streams.add(response);
    request.on('close', () => streams.delete(response));
    return;
  }
  if (request.method === 'POST' && request.url === '/send') {
    readBody(request, (body) => {
      for (const stream of streams) stream.write(`data: ${body}\n\n`);
      response.writeHead(204).end();
    });
    return;
  }
  if (request.method === 'POST' && request.url === '/push') {
    readBody(request, (body) => {
      JSON.parse(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end(EMPTY_PUSH_RESULT);
    });
    return;
  }
  response.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`${address.port}\n`);
});
process.on('SIGTERM', () => {
  for (const stream of streams) stream.destroy();
  server.close(() => process.exit(0));
});
