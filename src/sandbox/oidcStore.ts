import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt?: number;
}

/**
 * oidc-provider's storage, in memory. Written here rather than using the provider's built-in
 * memory adapter because the Security page and the test controls must list an account's grants
 * and drop a grant with all its tokens, which that LRU cache cannot enumerate.
 */
export class OidcStore {
  private readonly models = new Map<string, Map<string, Entry>>();

  /**
   * @param resolveClient finds a client this store does not hold (a client metadata document
   * URL), when the authorization server supports that.
   */
  constructor(
    private readonly resolveClient?: (clientId: string) => Promise<AdapterPayload | undefined>,
  ) {}

  /** The adapter factory oidc-provider is configured with. */
  readonly adapter = (name: string): Adapter => {
    const entries = this.model(name);
    const live = (id: string): Entry | undefined => {
      const entry = entries.get(id);
      if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        entries.delete(id);
        return undefined;
      }
      return entry;
    };
    const findBy = (key: 'uid' | 'userCode', value: string) =>
      [...entries.keys()].map(live).find((entry) => entry?.payload[key] === value)?.payload;
    return {
      async upsert(id, payload, expiresIn) {
        entries.set(id, {
          payload,
          expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
        });
      },
      find: async (id) => {
        const found = live(id)?.payload;
        if (found || name !== 'Client' || !this.resolveClient) return found;
        return this.resolveClient(id);
      },
      async findByUid(uid) {
        return findBy('uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy('userCode', userCode);
      },
      async consume(id) {
        const entry = live(id);
        if (entry) entry.payload = { ...entry.payload, consumed: Math.floor(Date.now() / 1000) };
      },
      async destroy(id) {
        entries.delete(id);
      },
      revokeByGrantId: async (grantId) => {
        this.revokeGrant(grantId);
      },
    };
  };

  /** Every live grant, for listing an account's authorized clients. */
  grants(): AdapterPayload[] {
    const grants = this.model('Grant');
    const now = Date.now();
    return [...grants.values()]
      .filter((entry) => entry.expiresAt === undefined || entry.expiresAt > now)
      .map((entry) => entry.payload);
  }

  client(clientId: string): AdapterPayload | undefined {
    return this.model('Client').get(clientId)?.payload;
  }

  deleteClient(clientId: string): void {
    this.model('Client').delete(clientId);
  }

  /** Drops the grant and every code and token issued under it, so they stop working at once. */
  revokeGrant(grantId: string): void {
    this.model('Grant').delete(grantId);
    for (const entries of this.models.values()) {
      for (const [id, entry] of entries) {
        if (entry.payload.grantId === grantId) entries.delete(id);
      }
    }
  }

  private model(name: string): Map<string, Entry> {
    let entries = this.models.get(name);
    if (!entries) {
      entries = new Map();
      this.models.set(name, entries);
    }
    return entries;
  }
}
