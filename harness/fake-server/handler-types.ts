/**
 * What a handler of the fake server is: a route plus a function. Handlers are opt-in (Complement style) and
 * can be wrapped or replaced per test.
 */
import type { FakeServerContext } from './context';

export interface InboundRequest {
  method: string;
  /** Raw request target (path + query) as received; what X-Matrix signs. */
  uri: string;
  path: string;
  query: URLSearchParams;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body; the text when it is not JSON; undefined when empty. */
  body: unknown;
  /** Origin server from the verified X-Matrix header ('' for unauthenticated routes). */
  origin: string;
}

export type HandlerResponse =
  | { status: number; body?: unknown; headers?: Record<string, string>; rawBody?: string }
  /** Close the connection without answering (as a crashed or misbehaving server would). */
  | { hangUp: true }
  /** Never answer; the connection stays open until the fake server closes. Recorded at once with status 0. */
  | { stall: true };

export type HandlerFunction = (request: InboundRequest, fake: FakeServerContext) => Promise<HandlerResponse> | HandlerResponse;

export interface FederationHandler {
  /** Route name, e.g. 'make_knock'; a later handler with the same name replaces an earlier one. */
  name: string;
  method: string;
  /** Path pattern with `{param}` segments, e.g. '/_matrix/federation/v1/make_knock/{roomId}/{userId}'. */
  path: string;
  /** Check X-Matrix before the handler runs (false only for the key server). */
  authenticated: boolean;
  handle: HandlerFunction;
}

export type HandlerWrapper = (
  request: InboundRequest,
  next: () => Promise<HandlerResponse>,
  fake: FakeServerContext,
) => Promise<HandlerResponse> | HandlerResponse;

/** Every built-in handler factory takes these. */
export interface HandlerOptions {
  /** Runs around the built-in behaviour: call `next()` for the default answer, alter it, or answer yourself. */
  wrap?: HandlerWrapper;
  /**
   * The spec version whose formats the answer follows (send_knock's knock_room_state: stripped events before
   * v1.16, PDUs since). Default: the judged spec version of the run, read when the request comes in.
   */
  specVersion?: string;
}

export function jsonResponse(status: number, body: unknown): HandlerResponse {
  return { status, body };
}

export function matrixError(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}): HandlerResponse {
  return { status, body: { errcode, error, ...extra } };
}

/** An answer that never comes (until the fake server closes): for timeout tests. */
export function stall(): HandlerResponse {
  return { stall: true };
}

export function hangUp(): HandlerResponse {
  return { hangUp: true };
}

/** A built-in handler: its route (authenticated unless it says otherwise), its behaviour, and the test's `wrap`. */
export function builtInHandler(
  route: { name: string; method: string; path: string; authenticated?: boolean },
  handle: HandlerFunction,
  options: HandlerOptions,
): FederationHandler {
  return applyWrapper(
    { name: route.name, method: route.method, path: route.path, authenticated: route.authenticated ?? true, handle },
    options.wrap,
  );
}

export function applyWrapper(handler: FederationHandler, wrap: HandlerWrapper | undefined): FederationHandler {
  if (!wrap) return handler;
  return {
    ...handler,
    handle: (request, fake) => wrap(request, async () => handler.handle(request, fake), fake),
  };
}

/** Match `path` (raw, percent-encoded) against a pattern; returns decoded params or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}
