import { CLIENT_IDS } from '../shared/clients';

export const USAGE = `Usage: splattr-companion <command> [options]

Commands:
  clients                         the AI clients this computer has
  list [--json]                   your Splattr connections
  add <client>                    sign in and add Splattr to a client
      [--server URL] [--client-id ID] [--no-open] [--replace]
  reconnect <id|client>           sign in again after access was revoked
  test <id|client>                start the bridge and list Splattr's tools
  repair <id|client> | --all      put a dropped entry back in the client's config, or point
                                  it at this copy of Splattr Companion after a move or update
  remove <id|client> [--yes]      remove the entry, the tokens, and revoke access
  status                          one line per connection, and what needs you

Options:
  --no-open   print the sign-in link instead of opening a browser
  --replace   overwrite a "splattr" entry that Splattr Companion did not write
  --yes       do not ask before removing
  --all       repair every connection that needs it
  --json      machine-readable output

Clients: ${CLIENT_IDS.join(', ')}`;
