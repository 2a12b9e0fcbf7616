import type { ClientId } from '../../shared/clients';
import type { SVGProps } from 'react';

/** Small line icons drawn inline, so the page loads nothing from outside. Decorative only. */
function Icon({ children, ...props }: SVGProps<SVGSVGElement>) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {children}
    </svg>
  );
}

export const SettingsIcon = () => (
  <Icon>
    <path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" />
    <circle cx="16" cy="6" r="2" />
    <circle cx="10" cy="12" r="2" />
    <circle cx="18" cy="18" r="2" />
  </Icon>
);
export const PlusIcon = () => (
  <Icon>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);
export const RefreshIcon = () => (
  <Icon>
    <path d="M20 11a8 8 0 0 0-14.9-3.5M4 4v4h4M4 13a8 8 0 0 0 14.9 3.5M20 20v-4h-4" />
  </Icon>
);
export const PulseIcon = () => (
  <Icon>
    <path d="M3 12h4l3-7 4 14 3-7h4" />
  </Icon>
);
export const WrenchIcon = () => (
  <Icon>
    <path d="M14.7 6.3a4 4 0 0 0 5 5L21 13l-8 8-3-3 8-8-1.3-1.3a4 4 0 0 1-5-5L9.4 6l3 3-2 2-3-3-2.3 2.3" />
  </Icon>
);
export const TrashIcon = () => (
  <Icon>
    <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" />
  </Icon>
);
export const CopyIcon = () => (
  <Icon>
    <rect x="8" y="8" width="12" height="12" rx="2" />
    <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
  </Icon>
);
export const ExternalIcon = () => (
  <Icon>
    <path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
  </Icon>
);
export const CloseIcon = () => (
  <Icon>
    <path d="M6 6l12 12M18 6L6 18" />
  </Icon>
);
export const AlertIcon = () => (
  <Icon>
    <path d="M12 3l10 18H2L12 3z" />
    <path d="M12 10v4M12 17.5v.01" />
  </Icon>
);
export const CheckIcon = () => (
  <Icon>
    <path d="M5 12l5 5 9-10" />
  </Icon>
);
export const InfoIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v5M12 8v.01" />
  </Icon>
);
export const LinkIcon = () => (
  <Icon>
    <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
    <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
  </Icon>
);

/** The Splattr mark: a splash. */
export const SplattrMark = ({ size = 28 }: { size?: number }) => (
  <svg viewBox="0 0 32 32" width={size} height={size} aria-hidden="true" focusable="false">
    <rect width="32" height="32" rx="8" className="mark-bg" />
    <path
      className="mark-fg"
      d="M23.40 16.50 L23.86 17.23 L23.92 17.98 L23.54 18.65 L22.82 19.16 L21.96 19.51 L21.18 19.78 L20.64 20.10 L20.36 20.58 L20.25 21.25 L20.15 22.04 L19.91 22.79 L19.44 23.32 L18.77 23.52 L18.00 23.37 L17.24 23.00 L16.58 22.63 L16.02 22.47 L15.50 22.62 L14.93 23.07 L14.24 23.66 L13.45 24.15 L12.65 24.34 L11.95 24.12 L11.44 23.53 L11.15 22.71 L11.00 21.87 L10.83 21.17 L10.51 20.69 L9.96 20.38 L9.23 20.12 L8.48 19.77 L7.91 19.26 L7.69 18.59 L7.88 17.84 L8.38 17.12 L9.00 16.50 L9.51 15.98 L9.74 15.48 L9.63 14.93 L9.29 14.24 L8.91 13.43 L8.71 12.58 L8.84 11.84 L9.33 11.32 L10.07 11.07 L10.89 11.01 L11.65 11.00 L12.24 10.85 L12.69 10.47 L13.07 9.83 L13.51 9.09 L14.08 8.45 L14.77 8.12 L15.50 8.22 L16.18 8.73 L16.74 9.48 L17.18 10.24 L17.57 10.81 L18.03 11.07 L18.64 11.06 L19.41 10.91 L20.25 10.84 L21.01 10.99 L21.54 11.43 L21.76 12.12 L21.70 12.92 L21.54 13.69 L21.45 14.34 L21.60 14.86 L22.06 15.34 L22.72 15.87Z"
    />
    <circle className="mark-fg" cx="25.2" cy="7.6" r="1.7" />
    <circle className="mark-fg" cx="6.6" cy="25" r="1.2" />
  </svg>
);

/** Neutral tiles for each client; not their logos, which are their makers' marks. */
/** Short letters for the apps without a drawn mark. */
const MONOGRAMS: Record<Exclude<ClientId, 'claude-desktop' | 'cursor'>, string> = {
  'claude-code': '>_',
  vscode: 'VS',
  'vscode-insiders': 'VSi',
  windsurf: 'W',
  'gemini-cli': 'G',
  codex: 'Cx',
  zed: 'Z',
  'lm-studio': 'LM',
};

export const ClientGlyph = ({ client }: { client: ClientId }) => (
  <span className={`client-glyph client-glyph--${client}`} aria-hidden="true">
    {client === 'claude-desktop' ? (
      <svg
        viewBox="0 0 24 24"
        width="20"
        height="20"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
        strokeLinecap="round"
      >
        <path d="M12 4v16M4 12h16M6.3 6.3l11.4 11.4M17.7 6.3L6.3 17.7" />
      </svg>
    ) : client === 'cursor' ? (
      <svg viewBox="0 0 24 24" width="20" height="20" fill="currentColor">
        <path d="M6 3.5l12.5 8-5.6 1.3 3.2 6.1-2.3 1.2-3.2-6.1L6 17.9z" />
      </svg>
    ) : (
      <span className="client-glyph-letters">{MONOGRAMS[client]}</span>
    )}
  </span>
);
