/**
 * Built-in handlers. A test opts into what it needs (`handlers: [handleKeyRequests(), handleMakeKnock()]`),
 * or into everything with standardHandlers(); any handler can be wrapped (`{ wrap }`) or replaced by one of
 * the same name (`customHandler('make_knock', …)`).
 */
import type { FederationHandler, HandlerFunction } from '../handler-types';
import { handleMakeJoin, handleMakeKnock, handleMakeLeave, handleSendJoin, handleSendKnock, handleSendLeave } from './membership';
import { handleBackfill, handleEvent, handleGetMissingEvents, handleState, handleStateIds } from './room-queries';
import { handleDeviceQueries, handleDirectoryQuery, handleKeyRequests, handleProfileQuery, handleVersion } from './server-queries';
import { handleInvites, handleTransactions } from './transactions';

export * from './membership';
export * from './room-queries';
export * from './server-queries';
export * from './transactions';

/** Every built-in handler: what a well-behaved homeserver answers. */
export function standardHandlers(): FederationHandler[] {
  return [
    ...handleKeyRequests(),
    handleVersion(),
    handleMakeJoin(),
    handleSendJoin(),
    handleMakeKnock(),
    handleSendKnock(),
    handleMakeLeave(),
    handleSendLeave(),
    handleInvites(),
    handleTransactions(),
    handleState(),
    handleStateIds(),
    handleEvent(),
    handleGetMissingEvents(),
    handleBackfill(),
    handleDirectoryQuery(),
    handleProfileQuery(),
    ...handleDeviceQueries(),
  ];
}

const ROUTES: Record<string, { method: string; path: string; authenticated: boolean }> = Object.fromEntries(
  standardHandlers().map((h) => [h.name, { method: h.method, path: h.path, authenticated: h.authenticated }]),
);

/** Names of the built-in routes ('make_knock', 'send_knock', 'send', 'invite', …). */
export function routeNames(): string[] {
  return Object.keys(ROUTES);
}

/** A handler for a built-in route with behaviour of the test's choosing (X-Matrix is still checked first). */
export function customHandler(name: string, handle: HandlerFunction): FederationHandler {
  const route = ROUTES[name];
  if (!route) throw new Error(`customHandler: unknown route ${name}; known: ${routeNames().join(', ')}`);
  return { name, ...route, handle };
}
