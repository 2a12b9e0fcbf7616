import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, toolText, withSandbox } from '../../helpers/sandbox';

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
  const result = await client.callTool({ name, arguments: args });
  return { isError: result.isError === true, text: toolText(result) };
};

describe('Splattr tools act within the caller organization only', () => {
  const sandbox = withSandbox();
  let demo: Client;
  let bob: Client;

  beforeAll(async () => {
    const { mcpUrl, controls } = sandbox();
    demo = await connectMcp(
      mcpUrl,
      (await controls.issueTokens({ email: 'demo@splattr.test' })).accessToken,
    );
    bob = await connectMcp(
      mcpUrl,
      (await controls.issueTokens({ email: 'bob@globex.test' })).accessToken,
    );
  });
  afterAll(async () => {
    await demo?.close();
    await bob?.close();
  });

  it('lists the Splattr tools, and no test tools unless asked for', async () => {
    const names = (await demo.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      'add_contact',
      'enrich_contact',
      'push_to_crm',
      'search_contacts',
      'whoami',
    ]);
  });

  it('whoami names each caller with their own organization', async () => {
    expect(JSON.parse((await call(bob, 'whoami')).text)).toMatchObject({
      email: 'bob@globex.test',
      organization: 'Globex',
      credits: expect.any(Number),
    });
    expect(JSON.parse((await call(demo, 'whoami')).text)).toMatchObject({
      email: 'demo@splattr.test',
      name: 'Demo User',
      organization: 'Acme',
    });
  });

  it('Bob never sees Acme contacts, not even one Acme just added', async () => {
    const added = await call(demo, 'add_contact', {
      name: 'Katherine Johnson',
      email: 'katherine@orbit.example',
      company: 'Orbit Analytics',
    });
    expect(added.isError).toBe(false);

    const acme = JSON.parse((await call(demo, 'search_contacts', { query: '' })).text);
    const globex = JSON.parse((await call(bob, 'search_contacts', { query: '' })).text);
    const acmeEmails: string[] = acme.contacts.map((c: { email: string }) => c.email);
    const globexEmails: string[] = globex.contacts.map((c: { email: string }) => c.email);
    expect(acmeEmails).toContain('katherine@orbit.example');
    expect(globexEmails.length).toBeGreaterThan(0);
    expect(globexEmails.filter((email) => acmeEmails.includes(email))).toEqual([]);

    expect(
      JSON.parse((await call(bob, 'search_contacts', { query: 'katherine' })).text).count,
    ).toBe(0);
    const reach = await call(bob, 'enrich_contact', { email: 'katherine@orbit.example' });
    expect(reach.isError).toBe(true);
    expect(reach.text).toContain('No contact');
    expect((await call(bob, 'push_to_crm', { email: 'katherine@orbit.example' })).isError).toBe(
      true,
    );
  });

  it('refuses a duplicate contact and a malformed email', async () => {
    const duplicate = await call(demo, 'add_contact', {
      name: 'Ada again',
      email: 'ada@analytical.example',
      company: 'Analytical Engines',
    });
    expect(duplicate).toMatchObject({
      isError: true,
      text: expect.stringContaining('already exists'),
    });
    const malformed = await call(demo, 'add_contact', {
      name: 'X',
      email: 'not-an-email',
      company: 'Y',
    });
    expect(malformed.isError).toBe(true);
  });

  it('enrich_contact charges one credit each time and fails clearly at zero', async () => {
    const before = JSON.parse((await call(bob, 'whoami')).text).credits as number;
    expect(before).toBeGreaterThan(0);
    const { contacts } = JSON.parse((await call(bob, 'search_contacts', { query: '' })).text);
    const email = contacts[0].email as string;
    for (let left = before - 1; left >= 0; left--) {
      const enriched = await call(bob, 'enrich_contact', { email });
      expect(enriched.isError).toBe(false);
      expect(JSON.parse(enriched.text).creditsLeft).toBe(left);
    }
    const broke = await call(bob, 'enrich_contact', { email });
    expect(broke.isError).toBe(true);
    expect(broke.text).toContain('no enrichment credits left');
    expect(JSON.parse((await call(bob, 'whoami')).text).credits).toBe(0);
    expect(JSON.parse((await call(demo, 'whoami')).text).credits).toBeGreaterThan(0);
  });

  it("push_to_crm records the push in the caller's own CRM", async () => {
    const pushed = await call(demo, 'push_to_crm', { email: 'grace@cobol.example' });
    expect(pushed.isError).toBe(false);
    expect(JSON.parse(pushed.text)).toMatchObject({
      pushed: 'Grace Hopper',
      crm: 'HubSpot',
      push: { pushedBy: 'demo@splattr.test', crm: 'HubSpot' },
    });
    const bobs = await call(bob, 'push_to_crm', { email: 'hank@globex.example' });
    expect(JSON.parse(bobs.text).crm).toBe('Salesforce');
  });
});

describe('--tool-auth-errors mode', () => {
  const sandbox = withSandbox({ toolAuthErrors: true });

  it('a revoked token reaches the tools, which answer "No authenticated user in context"', async () => {
    const { mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: 'demo@splattr.test' });
    const client = await connectMcp(mcpUrl, tokens.accessToken);
    expect((await call(client, 'whoami')).isError).toBe(false);

    expect(await controls.revokeAccount('demo@splattr.test')).toBe(1);
    expect(await call(client, 'whoami')).toEqual({
      isError: true,
      text: 'No authenticated user in context',
    });
    expect(await call(client, 'search_contacts', { query: '' })).toEqual({
      isError: true,
      text: 'No authenticated user in context',
    });
    await client.close();

    const unknown = await connectMcp(mcpUrl, 'not-a-token-the-sandbox-issued');
    expect((await call(unknown, 'whoami')).text).toBe('No authenticated user in context');
    await unknown.close();
  });

  it('a request without any token still gets the 401 challenge', async () => {
    const response = await fetch(sandbox().mcpUrl, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
  });
});
