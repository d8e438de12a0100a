/**
 * The room state the auth rules look at, indexed by (type, state_key). Callers may hand it over as a Map or a
 * record under any keys, or as a plain list of events: the index is rebuilt from each event's own
 * `type`/`state_key`, so no key format has to be agreed on.
 */

export interface StateEventLike {
  type: string;
  state_key?: string;
  sender?: string;
  content?: Record<string, unknown>;
  [key: string]: unknown;
}

export type AuthStateInput = ReadonlyMap<unknown, StateEventLike> | Readonly<Record<string, StateEventLike>> | readonly StateEventLike[];

/** A collision-free map key for (type, state_key), for callers who keep state in a Map. */
export function stateMapKey(type: string, stateKey: string): string {
  return JSON.stringify([type, stateKey]);
}

export class AuthState {
  private readonly byKey = new Map<string, StateEventLike>();

  constructor(input: AuthStateInput) {
    const events: Iterable<StateEventLike> = input instanceof Map ? input.values() : Array.isArray(input) ? input : Object.values(input);
    for (const event of events) {
      if (typeof event?.type === 'string' && typeof event.state_key === 'string') {
        this.byKey.set(stateMapKey(event.type, event.state_key), event);
      }
    }
  }

  get(type: string, stateKey = ''): StateEventLike | undefined {
    return this.byKey.get(stateMapKey(type, stateKey));
  }

  has(type: string, stateKey = ''): boolean {
    return this.byKey.has(stateMapKey(type, stateKey));
  }

  /** The user's current membership, or undefined when there is no member event (treated like `leave`). */
  membership(userId: string): string | undefined {
    const membership = this.get('m.room.member', userId)?.content?.membership;
    return typeof membership === 'string' ? membership : undefined;
  }

  joinRule(): string | undefined {
    const rule = this.get('m.room.join_rules')?.content?.join_rule;
    return typeof rule === 'string' ? rule : undefined;
  }
}
