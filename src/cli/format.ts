import { CLIENT_NAMES, type ClientInfo } from '../shared/clients';
import { accountLine, STATUS_LABELS, type Connection } from '../shared/connection';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths?.[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatClients(clients: ClientInfo[]): string {
  return table([
    ['CLIENT', 'NAME', 'INSTALLED', 'CONFIG'],
    // Those on this computer first, as in the app.
    ...[...clients]
      .sort((a, b) => Number(b.installed) - Number(a.installed))
      .map((c) => [c.id, c.name, c.installed ? 'yes' : 'no', c.configPath]),
  ]);
}

export function formatConnections(connections: Connection[]): string {
  if (connections.length === 0) {
    return 'No connections yet. Add one with: splattr-companion add <client> (see: splattr-companion clients)';
  }
  return table([
    ['ID', 'CLIENT', 'STATUS', 'ACCOUNT', 'LAST USED'],
    ...connections.map((c) => [
      c.id,
      CLIENT_NAMES[c.client],
      STATUS_LABELS[c.status],
      accountLine(c),
      c.lastUsedAt ?? 'never',
    ]),
  ]);
}
