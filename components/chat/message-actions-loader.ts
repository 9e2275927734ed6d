/**
 * The message menu's code, loaded when a menu is first opened (message-actions.tsx) or ahead of time for offline use
 * (components/offline/warm-offline-parts.ts). One import() for both, so both fetch the same chunk, the one the
 * service worker then keeps.
 */
export const loadMessageActionsMenu = () => import('./message-actions-menu');
