/**
 * Offline use: registers the service worker (src/worker/serviceWorker.ts, built as sw.js next to index.html) in
 * production builds, and tells the page once the app is cached, for the "available offline" mark.
 * The dev server has no sw.js (and must not cache its hot-reloaded modules).
 */
import { create } from 'zustand';

export const useOffline = create<{ ready: boolean }>(() => ({ ready: false }));

export async function registerOffline(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  try {
    // Relative to the page: the site may be deployed in any folder.
    await navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: './' });
    // ready resolves once a worker is active, i.e. after its install cached every file.
    await navigator.serviceWorker.ready;
    useOffline.setState({ ready: true });
  } catch {
    // Not fatal: without a service worker the app simply needs the network on each visit
    // (e.g. private windows that refuse storage).
  }
}
