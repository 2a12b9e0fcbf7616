import type { OidcStore } from './oidcStore';

export interface AuthorizedClient {
  clientId: string;
  clientName: string;
  grantedAt: string;
}

/** An account's grants seen as the Security page shows them: one row per authorized client. */
export class GrantDirectory {
  constructor(private readonly store: OidcStore) {}

  list(accountId: string): AuthorizedClient[] {
    const byClient = new Map<string, AuthorizedClient>();
    for (const grant of this.grantsOf(accountId)) {
      const clientId = String(grant.clientId);
      const grantedAt = new Date((grant.iat ?? 0) * 1000).toISOString();
      const known = byClient.get(clientId);
      if (known && known.grantedAt >= grantedAt) continue;
      const clientName = this.store.client(clientId)?.client_name;
      byClient.set(clientId, {
        clientId,
        clientName: typeof clientName === 'string' ? clientName : clientId,
        grantedAt,
      });
    }
    return [...byClient.values()].sort((a, b) => b.grantedAt.localeCompare(a.grantedAt));
  }

  /** Revokes the account's grants (of one client, or all); returns how many were revoked. */
  revoke(accountId: string, clientId?: string): number {
    const grants = this.grantsOf(accountId).filter(
      (grant) => clientId === undefined || grant.clientId === clientId,
    );
    for (const grant of grants) this.store.revokeGrant(String(grant.jti));
    return grants.length;
  }

  revokeClient(clientId: string): void {
    for (const grant of this.store.grants().filter((grant) => grant.clientId === clientId)) {
      this.store.revokeGrant(String(grant.jti));
    }
  }

  private grantsOf(accountId: string) {
    return this.store.grants().filter((grant) => grant.accountId === accountId);
  }
}
