import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { createBridgedConnection, type BridgedConnection } from '../helpers/bridgedConnection';
import { DEMO } from '../../support/companion';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { toolText } from '../helpers/sandbox';

const BRIDGES = 20;
const ACCESS_TOKEN_TTL_S = 5;
/**
 * The issue asks for 2 minutes; `npm test` runs 30 s so the whole suite stays short, and
 * `npm run test:reliability` sets SPLATTR_STORM_SECONDS=120.
 */
const DURATION_S = Number(process.env.SPLATTR_STORM_SECONDS) || 30;
/** Each bridge calls about this often, like a busy AI client; 20 of them share 2 cores. */
const PAUSE_MS = 200;
/** No single call may take longer than this: beyond it, a call hung. */
const CALL_TIMEOUT_MS = 20_000;

describe(`${BRIDGES} bridges on one connection whose access tokens live ${ACCESS_TOKEN_TTL_S} s`, () => {
  let sandbox: Sandbox;
  let connection: BridgedConnection;
  let bridges: Client[];

  beforeAll(async () => {
    sandbox = await startSandbox({ accessTokenTtl: ACCESS_TOKEN_TTL_S });
    connection = await createBridgedConnection(sandbox);
    bridges = [];
    // Started a few at a time: 20 node processes loading at once would only fight for the CPU.
    for (let i = 0; i < BRIDGES; i += 5) {
      bridges.push(
        ...(await Promise.all(Array.from({ length: 5 }, () => connection.startBridge()))),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await connection?.dispose();
    await sandbox?.close();
  });

  it(
    `call whoami for ${DURATION_S} s: no call fails, and the tokens are refreshed once per expiry`,
    async () => {
      sandbox.controls.resetTokenRequests();
      const started = Date.now();
      const deadline = started + DURATION_S * 1000;
      const failures: string[] = [];
      let calls = 0;

      await Promise.all(
        bridges.map(async (client, index) => {
          while (Date.now() < deadline) {
            try {
              const result = await client.callTool({ name: 'whoami', arguments: {} }, undefined, {
                timeout: CALL_TIMEOUT_MS,
              });
              const text = toolText(result);
              if (result.isError || !text.includes(DEMO.email)) {
                failures.push(`bridge ${index}: ${text}`);
              }
            } catch (error) {
              failures.push(`bridge ${index}: ${(error as Error).message}`);
            }
            calls++;
            await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
          }
        }),
      );
      const elapsedS = (Date.now() - started) / 1000;

      expect(failures).toEqual([]);
      expect(calls).toBeGreaterThan(BRIDGES * 2);
      const refreshes = sandbox.controls.tokenRequests().refresh_token ?? 0;
      // A token is refreshed no earlier than its lifetime minus the token manager's margin
      // (a quarter of the lifetime, at most a minute), so one refresh per expiry means at most
      // this many, and the tokens must have been refreshed at least once per lifetime.
      const earliestRefreshS = ACCESS_TOKEN_TTL_S * 0.75;
      expect(refreshes).toBeLessThanOrEqual(Math.ceil(elapsedS / earliestRefreshS) + 1);
      expect(refreshes).toBeGreaterThanOrEqual(Math.floor(elapsedS / ACCESS_TOKEN_TTL_S));

      const [listed] = await connection.service.listConnections({});
      expect(listed).toMatchObject({ status: 'connected' });
      await expectNoSecretsUnder([connection.home], await connection.fixture.secrets());
    },
    DURATION_S * 1000 + 60_000,
  );
});
