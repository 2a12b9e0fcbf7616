// One sample for bench/netTrust.ts: a TLS server in this process, then one timed request.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTransports } from '../src/core/net/transports';

const [variant, serverFile] = process.argv.slice(2);
const server = JSON.parse(readFileSync(serverFile ?? '', 'utf8')) as {
  certPem: string;
  keyPem: string;
};
const tlsServer = https.createServer({ key: server.keyPem, cert: server.certPem }, (_, response) =>
  response.end('ok'),
);
await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
const url = new URL(`https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/`);

const cpu = process.cpuUsage();
const start = performance.now();
const { request, agent } =
  variant === 'companion'
    ? await createTransports({ env: {} })(url)
    : { request: https.request, agent: new https.Agent() };
await new Promise<void>((resolve, reject) => {
  request(url, { agent }, (response) => response.resume().on('end', resolve))
    .on('error', reject)
    .end();
});
const used = process.cpuUsage(cpu);
process.stdout.write(
  JSON.stringify({ ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }),
);
agent.destroy();
tlsServer.close();
