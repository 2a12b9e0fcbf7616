/** Server-rendered pages of the sandbox: plain HTML, every value escaped. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** A piece of markup that is already safe, so `html` does not escape it twice. */
class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = string | number | SafeHtml | SafeHtml[] | undefined | false;

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  const render = (value: Interpolation): string => {
    if (value === undefined || value === false) return '';
    if (value instanceof SafeHtml) return value.value;
    if (Array.isArray(value)) return value.map(render).join('');
    return escapeHtml(String(value));
  };
  return new SafeHtml(strings.reduce((out, part, i) => out + render(values[i - 1]) + part, ''));
}

const STYLE = `
:root { color-scheme: light dark; --accent: #5b3fd6; --muted: #6b6880; --border: #dcd8ea; --bg: #f6f5fb; --card: #fff; --danger: #b42318; }
@media (prefers-color-scheme: dark) { :root { --muted: #a9a6bb; --border: #39364a; --bg: #15141c; --card: #1f1d29; --accent: #9d87ff; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); }
main { max-width: 28rem; margin: 4rem auto; padding: 2rem; background: var(--card); border: 1px solid var(--border); border-radius: 12px; }
main.wide { max-width: 44rem; }
.brand { font-weight: 700; color: var(--accent); letter-spacing: .02em; margin: 0 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p { margin: 0 0 1rem; }
.muted { color: var(--muted); font-size: .9rem; }
label { display: block; font-weight: 600; margin: 0 0 .25rem; }
input[type=email], input[type=password] { width: 100%; padding: .6rem .7rem; margin: 0 0 1rem; font: inherit; border: 1px solid var(--border); border-radius: 8px; background: transparent; color: inherit; }
button { font: inherit; font-weight: 600; padding: .55rem 1.1rem; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
button.danger { background: transparent; border-color: var(--danger); color: var(--danger); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.actions { display: flex; gap: .75rem; justify-content: flex-end; margin-top: 1.5rem; }
.error { color: var(--danger); font-weight: 600; }
ul.scopes { padding-left: 1.2rem; margin: 0 0 1rem; }
table { width: 100%; border-collapse: collapse; margin: 0 0 1rem; }
th, td { text-align: left; padding: .6rem .4rem; border-bottom: 1px solid var(--border); vertical-align: middle; }
td.action { text-align: right; }
td time { white-space: nowrap; }
form.inline { display: inline; }
`;

export function page(title: string, body: SafeHtml, options: { wide?: boolean } = {}): string {
  return `<!doctype html>${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · Splattr</title>
      <style>
        ${new SafeHtml(STYLE)}
      </style>
    </head>
    <body>
      <main class="${options.wide ? 'wide' : ''}">
        <p class="brand">Splattr</p>
        ${body}
      </main>
    </body>
  </html>`}`;
}

export function signInPage(input: {
  action: string;
  error?: string;
  email?: string;
  intro: string;
  hidden?: Record<string, string>;
}): string {
  const hidden = Object.entries(input.hidden ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return page(
    'Sign in',
    html`<h1>Sign in to Splattr</h1>
      <p class="muted">${input.intro}</p>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : undefined}
      <form method="post" action="${input.action}">
        ${hidden}
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          autofocus
          value="${input.email ?? ''}"
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <div class="actions"><button type="submit">Sign in</button></div>
      </form>`,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Confirm who you are',
  email: 'See your email address',
  profile: 'See your name and organization',
};

export function consentPage(input: {
  clientName: string;
  email: string;
  scopes: string[];
  allowAction: string;
  denyAction: string;
}): string {
  const scopes = input.scopes.map(
    (scope) => html`<li>${SCOPE_TEXT[scope] ?? scope} <span class="muted">(${scope})</span></li>`,
  );
  return page(
    'Allow access',
    html`<h1>${input.clientName} wants to use your Splattr account</h1>
      <p>Signed in as <strong>${input.email}</strong>. If you allow it, ${input.clientName} can:</p>
      <ul class="scopes">
        ${scopes}
        <li>Use Splattr tools on your behalf</li>
      </ul>
      <p class="muted">You can take this back at any time in Settings → Security.</p>
      <div class="actions">
        <form class="inline" method="post" action="${input.denyAction}">
          <button class="secondary" type="submit">Deny</button>
        </form>
        <form class="inline" method="post" action="${input.allowAction}">
          <button type="submit">Allow</button>
        </form>
      </div>`,
  );
}

export function securityPage(input: {
  email: string;
  csrf: string;
  notice?: string;
  clients: Array<{ clientId: string; clientName: string; grantedAt: string }>;
}): string {
  const csrf = html`<input type="hidden" name="csrf" value="${input.csrf}" />`;
  const rows = input.clients.map(
    (client) =>
      html`<tr>
        <td>${client.clientName}</td>
        <td><time datetime="${client.grantedAt}">${formatDate(client.grantedAt)}</time></td>
        <td class="action">
          <form class="inline" method="post" action="/settings/security/revoke">
            ${csrf}<input type="hidden" name="client_id" value="${client.clientId}" /><button
              class="danger"
              type="submit"
              aria-label="Revoke ${client.clientName}"
            >
              Revoke
            </button>
          </form>
        </td>
      </tr>`,
  );
  const list =
    input.clients.length === 0
      ? html`<p>No application has access to your account.</p>`
      : html`<table>
            <thead>
              <tr>
                <th scope="col">Application</th>
                <th scope="col">Authorized</th>
                <th scope="col"><span class="muted">Action</span></th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>
          <form method="post" action="/settings/security/revoke-all">
            ${csrf}<button class="danger" type="submit">Revoke all</button>
          </form>`;
  return page(
    'Security',
    html`<h1>Settings → Security</h1>
      <p class="muted">Signed in as ${input.email}.</p>
      ${input.notice ? html`<p role="status">${input.notice}</p>` : undefined}
      <h2>Active MCP sessions</h2>
      ${list}
      <form method="post" action="/settings/sign-out">
        ${csrf}
        <div class="actions"><button class="secondary" type="submit">Sign out</button></div>
      </form>`,
    { wide: true },
  );
}

export function messagePage(title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>`,
  );
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

function formatDate(iso: string): string {
  return `${DATE_FORMAT.format(new Date(iso))} UTC`;
}

export function homePage(mcpUrl: string): string {
  return page(
    'Splattr sandbox',
    html`<h1>Splattr sandbox</h1>
      <p>A stand-in for Splattr, for development and tests.</p>
      <p>MCP endpoint: <code>${mcpUrl}</code></p>
      <p><a href="/settings/security">Settings → Security</a></p>`,
  );
}
