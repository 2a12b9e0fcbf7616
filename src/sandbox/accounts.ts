import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;
const KEY_LENGTH = 32;

export interface Account {
  id: string;
  email: string;
  name: string;
  organization: string;
}

interface StoredAccount extends Account {
  salt: Buffer;
  passwordHash: Buffer;
}

/** The demo accounts the sandbox prints at start; passwords are kept only as scrypt hashes. */
export const DEMO_ACCOUNTS = [
  {
    id: 'acct_demo',
    email: 'demo@splattr.test',
    password: 'demo',
    name: 'Demo User',
    organization: 'Acme',
  },
  {
    id: 'acct_bob',
    email: 'bob@globex.test',
    password: 'demo',
    name: 'Bob Stone',
    organization: 'Globex',
  },
] as const;

export class AccountStore {
  private readonly byId = new Map<string, StoredAccount>();

  static async create(): Promise<AccountStore> {
    const store = new AccountStore();
    for (const { password, ...account } of DEMO_ACCOUNTS) {
      const salt = randomBytes(16);
      const passwordHash = await scryptAsync(password, salt, KEY_LENGTH);
      store.byId.set(account.id, { ...account, salt, passwordHash });
    }
    return store;
  }

  /** Resolves the account when the password matches, else undefined (same work either way). */
  async verify(email: string, password: string): Promise<Account | undefined> {
    const stored = this.findStored(email);
    const salt = stored?.salt ?? randomBytes(16);
    const candidate = await scryptAsync(password, salt, KEY_LENGTH);
    if (!stored || !timingSafeEqual(candidate, stored.passwordHash)) return undefined;
    return publicPart(stored);
  }

  byEmail(email: string): Account | undefined {
    const stored = this.findStored(email);
    return stored && publicPart(stored);
  }

  get(id: string): Account | undefined {
    const stored = this.byId.get(id);
    return stored && publicPart(stored);
  }

  private findStored(email: string): StoredAccount | undefined {
    const wanted = email.trim().toLowerCase();
    return [...this.byId.values()].find((account) => account.email === wanted);
  }
}

function publicPart({ id, email, name, organization }: StoredAccount): Account {
  return { id, email, name, organization };
}
