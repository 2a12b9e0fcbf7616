import { randomUUID } from 'node:crypto';

export interface Contact {
  id: string;
  name: string;
  email: string;
  company: string;
  title?: string;
  enrichment?: { phone: string; linkedin: string; seniority: string };
}

export interface CrmPush {
  id: string;
  contactId: string;
  crm: string;
  pushedBy: string;
  pushedAt: string;
}

export interface Organization {
  name: string;
  crm: string;
  credits: number;
  contacts: Contact[];
  crmPushes: CrmPush[];
}

const SEED: Record<string, { crm: string; credits: number; contacts: Omit<Contact, 'id'>[] }> = {
  Acme: {
    crm: 'HubSpot',
    credits: 25,
    contacts: [
      {
        name: 'Ada Lovelace',
        email: 'ada@analytical.example',
        company: 'Analytical Engines',
        title: 'CTO',
      },
      {
        name: 'Grace Hopper',
        email: 'grace@cobol.example',
        company: 'Cobol Systems',
        title: 'Head of Engineering',
      },
      { name: 'Alan Turing', email: 'alan@enigma.example', company: 'Enigma Labs' },
    ],
  },
  Globex: {
    crm: 'Salesforce',
    credits: 2,
    contacts: [
      {
        name: 'Hank Scorpio',
        email: 'hank@globex.example',
        company: 'Globex Corporation',
        title: 'CEO',
      },
      { name: 'Marge Bouvier', email: 'marge@springfield.example', company: 'Springfield Bakery' },
    ],
  },
};

/** Each organization's data, in memory; tools only ever reach the caller's own organization. */
export class OrganizationStore {
  private readonly byName = new Map<string, Organization>(
    Object.entries(SEED).map(([name, seed]) => [
      name,
      {
        name,
        crm: seed.crm,
        credits: seed.credits,
        contacts: seed.contacts.map((contact) => ({
          id: `ct_${randomUUID().slice(0, 8)}`,
          ...contact,
        })),
        crmPushes: [],
      },
    ]),
  );

  get(name: string): Organization {
    const organization = this.byName.get(name);
    if (!organization) throw new Error(`Unknown organization ${name}`);
    return organization;
  }
}
