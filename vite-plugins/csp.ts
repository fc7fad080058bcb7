/**
 * Puts the site's Content-Security-Policy (from public/_headers) into the built index.html as
 * a <meta>, first in <head>, so it binds on hosts that ignore _headers. Build only: the dev
 * server's hot reload needs an inline script, which the policy forbids.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { metaPolicy, siteHeaders } from './headersFile';

export function contentSecurityPolicy(): Plugin {
  let headersFile = '';
  return {
    name: 'relevance-viewer-csp',
    apply: 'build',
    configResolved(config) {
      headersFile = resolve(config.publicDir, '_headers');
    },
    transformIndexHtml: {
      order: 'post',
      handler() {
        const policy = siteHeaders(headersFile)['Content-Security-Policy'];
        if (!policy) throw new Error(`${headersFile} has no Content-Security-Policy for /*`);
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaPolicy(policy) }, injectTo: 'head-prepend' }];
      },
    },
  };
}
