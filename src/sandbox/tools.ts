import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { Account, AccountStore } from './accounts';
import type { CallerExtra } from './mcpAuth';
import type { Contact, OrganizationStore } from './organizations';

export const NO_USER = 'No authenticated user in context';

export interface ToolContext {
  accounts: AccountStore;
  organizations: OrganizationStore;
}

/** The account behind the request's token; tools throw (a tool error) when there is none. */
export function callerOf(accounts: AccountStore, authInfo: AuthInfo | undefined): Account {
  const accountId = (authInfo?.extra as Partial<CallerExtra> | undefined)?.accountId;
  const account = accountId ? accounts.get(accountId) : undefined;
  if (!account) throw new Error(NO_USER);
  return account;
}

export function json(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

/** Splattr's tools. Every one acts within the caller's own organization only. */
export function registerTools(server: McpServer, { accounts, organizations }: ToolContext): void {
  const context = (authInfo: AuthInfo | undefined) => {
    const account = callerOf(accounts, authInfo);
    return { account, organization: organizations.get(account.organization) };
  };
  const findContact = (contacts: Contact[], email: string) => {
    const contact = contacts.find((c) => c.email === email.trim().toLowerCase());
    if (!contact) throw new Error(`No contact with the email ${email} in your organization.`);
    return contact;
  };

  server.registerTool(
    'whoami',
    { description: 'Who you are signed in as: email, name, organization and credit balance.' },
    async ({ authInfo }) => {
      const { account, organization } = context(authInfo);
      return json({
        email: account.email,
        name: account.name,
        organization: organization.name,
        credits: organization.credits,
      });
    },
  );

  server.registerTool(
    'search_contacts',
    {
      description: "Search your organization's contacts by name, email or company.",
      inputSchema: { query: z.string().max(200).describe('Words to look for; empty lists all') },
    },
    async ({ query }, { authInfo }) => {
      const { organization } = context(authInfo);
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      const matches = organization.contacts.filter((contact) => {
        const text = `${contact.name} ${contact.email} ${contact.company}`.toLowerCase();
        return words.every((word) => text.includes(word));
      });
      return json({ count: matches.length, contacts: matches });
    },
  );

  server.registerTool(
    'add_contact',
    {
      description: "Add a contact to your organization's list.",
      inputSchema: {
        name: z.string().trim().min(1).max(200),
        email: z.email(),
        company: z.string().trim().min(1).max(200),
        title: z.string().trim().max(200).optional(),
      },
    },
    async ({ name, email, company, title }, { authInfo }) => {
      const { organization } = context(authInfo);
      const normalized = email.toLowerCase();
      if (organization.contacts.some((c) => c.email === normalized)) {
        throw new Error(`A contact with the email ${normalized} already exists.`);
      }
      const contact: Contact = {
        id: `ct_${randomUUID().slice(0, 8)}`,
        name,
        email: normalized,
        company,
        title,
      };
      organization.contacts.push(contact);
      return json({ added: contact });
    },
  );

  server.registerTool(
    'enrich_contact',
    {
      description: 'Add phone, LinkedIn and seniority to a contact. Costs one credit.',
      inputSchema: { email: z.string().min(1).max(320).describe("The contact's email") },
    },
    async ({ email }, { authInfo }) => {
      const { organization } = context(authInfo);
      const contact = findContact(organization.contacts, email);
      if (organization.credits <= 0) {
        throw new Error(
          `${organization.name} has no enrichment credits left, so ${contact.name} was not enriched. Buy more credits in Splattr → Billing.`,
        );
      }
      organization.credits -= 1;
      contact.enrichment = {
        phone: `+1 555 01${String(organization.contacts.indexOf(contact)).padStart(2, '0')}`,
        linkedin: `https://www.linkedin.example/in/${contact.name.toLowerCase().replace(/\W+/g, '-')}`,
        seniority: contact.title ? 'Executive' : 'Unknown',
      };
      return json({ contact, creditsLeft: organization.credits });
    },
  );

  server.registerTool(
    'push_to_crm',
    {
      description: "Send a contact to your organization's connected CRM.",
      inputSchema: { email: z.string().min(1).max(320).describe("The contact's email") },
    },
    async ({ email }, { authInfo }) => {
      const { account, organization } = context(authInfo);
      const contact = findContact(organization.contacts, email);
      const push = {
        id: `push_${randomUUID().slice(0, 8)}`,
        contactId: contact.id,
        crm: organization.crm,
        pushedBy: account.email,
        pushedAt: new Date().toISOString(),
      };
      organization.crmPushes.push(push);
      return json({ pushed: contact.name, crm: organization.crm, push });
    },
  );
}
