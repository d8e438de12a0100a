/** Rooms the fake server hosts, for the outbound path (an HSUT user knocks on them). */
import type { CreateRoomOptions, FakeRoom, FakeServer } from '../fake-server';
import { unique } from './unique';

export interface FakeKnockRoom {
  room: FakeRoom;
  /** The fake's user who created the room (power 100: may invite, kick, ban). */
  host: string;
}

/** Options of a fake knock room: CreateRoomOptions over the defaults; `label` names it `<label> v<version>`. */
export type FakeKnockRoomOptions = Partial<CreateRoomOptions> & { label?: string };

/** A room the fake hosts with join rule knock (or `options.joinRule`), created by a new fake user, its host. */
export function createFakeKnockRoom(fake: FakeServer, roomVersion: string, options: FakeKnockRoomOptions = {}): FakeKnockRoom {
  const { label, ...rest } = options;
  const host = rest.creator ?? fake.userId(unique('doorkeeper'));
  const room = fake.createRoom({
    roomVersion,
    creator: host,
    joinRule: 'knock',
    ...(label === undefined ? {} : { name: `${label} v${roomVersion}` }),
    ...rest,
  });
  return { room, host };
}
