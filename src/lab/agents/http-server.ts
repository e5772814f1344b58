/**
 * The built-in real server for machines without nginx: answers every request with a file's text
 * (the seed's index.html). Runs inside a real server's namespace.
 * Usage: http-server PORT FILE
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file] = process.argv.slice(2);
const body = readFileSync(file!, 'utf8');
const server = createServer((_, res) => {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(body);
});
server.listen(Number(port), '0.0.0.0', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
