/**
 * A federation client that signs its requests with X-Matrix as one server name and returns the raw answer
 * (status, body, errcode) instead of throwing: conformance tests assert on refusals as much as on successes.
 * Every exchange is published on the HTTP transcript channel.
 */
import { Agent } from 'undici';
import { signRequest, type SigningKey } from '../core';
import { queryString, send, type RawResponse } from '../http';

export type { RawResponse } from '../http';

export interface FederationClientOptions {
  serverName: string;
  key: SigningKey;
  timeoutMs?: number;
  /** PEM of a CA to trust for https destinations (the fake server's CA); otherwise certificates are not checked. */
  caPem?: string;
}

export interface FederationRequest {
  /** Server name of the receiver, as it goes into the X-Matrix `destination`. */
  destination: string;
  /** Where to send it: scheme://host:port, no trailing slash. */
  baseUrl: string;
  method: string;
  /** Path, already percent-encoded where needed (e.g. `/_matrix/federation/v1/make_knock/${encodeURIComponent(roomId)}/...`). */
  path: string;
  /** Query parameters; arrays repeat the key (`ver=7&ver=8`). */
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** false: send without an Authorization header. */
  sign?: boolean;
  /** Sign with this key instead of the client's (e.g. a forged key under the same key id). */
  keyOverride?: SigningKey;
  /** Sign as this origin instead of the client's server name. */
  originOverride?: string;
  /** Replace the Authorization header entirely (garbage headers). */
  authorizationOverride?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class FederationClient {
  readonly serverName: string;
  readonly key: SigningKey;
  private readonly timeoutMs: number;
  private readonly dispatcher: Agent;

  constructor(options: FederationClientOptions) {
    this.serverName = options.serverName;
    this.key = options.key;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = new Agent({
      connect: options.caPem ? { ca: options.caPem } : { rejectUnauthorized: false },
    });
  }

  async request(req: FederationRequest): Promise<RawResponse> {
    const uri = req.path + queryString(req.query);
    const headers: Record<string, string> = {};
    const hasBody = req.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    if (req.authorizationOverride !== undefined) {
      headers.authorization = req.authorizationOverride;
    } else if (req.sign !== false) {
      headers.authorization = signRequest(
        {
          method: req.method,
          uri,
          origin: req.originOverride ?? this.serverName,
          destination: req.destination,
          ...(hasBody ? { content: req.body } : {}),
        },
        req.keyOverride ?? this.key,
      );
    }

    return send({
      method: req.method,
      url: req.baseUrl.replace(/\/$/, '') + uri,
      headers,
      body: req.body,
      timeoutMs: req.timeoutMs ?? this.timeoutMs,
      dispatcher: this.dispatcher,
      exchange: {
        actor: 'federation-client',
        from: `fake ${req.originOverride ?? this.serverName}`,
        to: `${req.destination} (${req.baseUrl})`,
      },
    });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
