import { expect } from 'chai';
import { match, must, should, SpecAssertionError, subscribeWarnings } from './index';
import type { MatchableResponse, SpecWarning } from './index';

const forbidden: MatchableResponse = {
  status: 403,
  headers: { 'content-type': 'application/json' },
  body: { errcode: 'M_FORBIDDEN', error: 'You are not allowed to knock' },
  errcode: 'M_FORBIDDEN',
};

const knockEvent = {
  type: 'm.room.member',
  state_key: '@alice:fake',
  content: { membership: 'knock', 'm.dotted': 1 },
  knock_room_state: [{ type: 'm.room.create', state_key: '' }, { type: 'm.room.join_rules', content: { join_rule: 'knock' } }],
};

describe('match', () => {
  it('jsonKeyEqual walks dotted paths, escaped dots and array indices', () => {
    expect(match.jsonKeyEqual('content.membership', 'knock')(knockEvent)).to.equal(undefined);
    expect(match.jsonKeyEqual('content.m\\.dotted', 1)(knockEvent)).to.equal(undefined);
    expect(match.jsonKeyEqual('knock_room_state.1.content.join_rule', 'knock')(knockEvent)).to.equal(undefined);
    expect(match.jsonKeyEqual('content.membership', 'join')(knockEvent)).to.equal('content.membership: want "join", got "knock"');
    expect(match.jsonKeyEqual('content.reason', 'x')(knockEvent)).to.equal('content.reason: missing (want "x")');
  });

  it('jsonKeyPresent / jsonKeyAbsent / jsonKeyTypeOf report what they saw', () => {
    expect(match.jsonKeyPresent('state_key')(knockEvent)).to.equal(undefined);
    expect(match.jsonKeyPresent('unsigned.age')(knockEvent)).to.match(/first missing key: unsigned/);
    expect(match.jsonKeyAbsent('content.reason')(knockEvent)).to.equal(undefined);
    expect(match.jsonKeyAbsent('content.membership')(knockEvent)).to.equal('content.membership: want absent, got "knock"');
    expect(match.jsonKeyTypeOf('knock_room_state', 'array')(knockEvent)).to.equal(undefined);
    expect(match.jsonKeyTypeOf('content', 'string')(knockEvent)).to.match(/want a string, got object/);
  });

  it('arrayContains with where() names what it looked for', () => {
    const hasCreate = match.atKey('knock_room_state', match.arrayContains(match.where({ type: 'm.room.create' })));
    expect(hasCreate(knockEvent)).to.equal(undefined);
    const hasName = match.atKey('knock_room_state', match.arrayContains(match.where({ type: 'm.room.name' })));
    expect(hasName(knockEvent)).to.match(/^knock_room_state: want an array containing \{"type":"m.room.name"\}, got 2 items/);
  });

  it('status and errcode check the response; errcode falls back to the body', () => {
    expect(match.status(400)(forbidden)).to.equal('status: want 400, got 403');
    expect(match.errcode('M_FORBIDDEN')({ ...forbidden, errcode: undefined })).to.equal(undefined);
    expect(match.header('Content-Type', /json/)(forbidden)).to.equal(undefined);
  });
});

describe('must', () => {
  it('matchResponse throws an AssertionError whose message starts with the spec rule', () => {
    const rule = "make_knock MUST answer 400 M_INCOMPATIBLE_ROOM_VERSION when ver lacks the room's version";
    let thrown: unknown;
    try {
      must.matchResponse(forbidden, { status: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION', body: [match.jsonKeyEqual('room_version', '7')] }, rule);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(SpecAssertionError);
    const error = thrown as SpecAssertionError;
    expect(error.name).to.equal('AssertionError');
    expect(error.code).to.equal('KK_SPEC_VIOLATION');
    expect(error.rule).to.equal(rule);
    expect(error.message.split('\n')[0]).to.equal(
      `${rule}: got 403 M_FORBIDDEN {"errcode":"M_FORBIDDEN","error":"You are not allowed to knock"}`,
    );
    expect(error.message).to.contain('  - status: want 400, got 403');
    expect(error.message).to.contain('  - errcode: want M_INCOMPATIBLE_ROOM_VERSION, got M_FORBIDDEN');
    expect(error.message).to.contain('  - room_version: missing');
  });

  it('matchResponse passes silently on a match', () => {
    must.matchResponse(forbidden, { status: 403, errcode: 'M_FORBIDDEN', body: [match.jsonKeyPresent('error')] }, 'rule');
  });

  it('equal and ok carry the rule; equal gives mocha a diff', () => {
    expect(() => must.equal('leave', 'knock', 'the membership MUST be knock')).to.throw(SpecAssertionError, /^the membership MUST be knock: want "knock", got "leave"/);
    try {
      must.equal(1, 2, 'r');
    } catch (error) {
      expect((error as SpecAssertionError).showDiff).to.equal(true);
    }
    expect(() => must.ok(false, 'send_knock MUST answer knock_room_state', 'it was empty')).to.throw(/^send_knock MUST answer knock_room_state: it was empty$/);
  });
});

describe('should', () => {
  it('records a warning on the diagnostics channel instead of throwing', () => {
    const seen: SpecWarning[] = [];
    const unsubscribe = subscribeWarnings((w) => seen.push(w));
    try {
      expect(should.matchResponse(forbidden, { status: 200 }, 'the server SHOULD accept')).to.equal(false);
      expect(should.matchJson(knockEvent, [match.jsonKeyPresent('content.reason')], 'the reason SHOULD be kept')).to.equal(false);
      expect(should.equal(1, 1, 'same')).to.equal(true);
      expect(should.ok(true, 'fine')).to.equal(true);
    } finally {
      unsubscribe();
    }
    expect(seen.map((w) => w.rule)).to.deep.equal(['the server SHOULD accept', 'the reason SHOULD be kept']);
    expect(seen[0].message).to.match(/^the server SHOULD accept: got 403 M_FORBIDDEN/);
  });
});
