/**
 * Reads the `/*` block of a Netlify/Cloudflare-style `_headers` file (public/_headers): the
 * headers every response of the site carries. The build derives the page's CSP <meta> from it
 * and the browser tests' static server sends it, so the policy is written once.
 */
import { existsSync, readFileSync } from 'node:fs';

export function siteHeaders(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const headers: Record<string, string> = {};
  let inAll = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      inAll = line.trim() === '/*';
      continue;
    }
    const colon = line.indexOf(':');
    if (inAll && colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The policy as a <meta> may carry it: frame-ancestors (and report-uri/sandbox) only work as headers. */
export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !/^(frame-ancestors|report-uri|sandbox)\b/.test(d))
    .join('; ');
}
