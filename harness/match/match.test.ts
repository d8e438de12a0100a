import { expect } from 'chai';
import { RUN_CONTEXT_ENV, publishRunContext } from '../core/run-context';
import { match, must, should, SpecAssertionError, subscribeWarnings, spec, setup, NotClaimedError } from './index';
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
  knock_room_state: [
    { type: 'm.room.create', state_key: '' },
    { type: 'm.room.join_rules', content: { join_rule: 'knock' } },
  ],
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
    const text = "make_knock MUST answer 400 M_INCOMPATIBLE_ROOM_VERSION when ver lacks the room's version";
    const rule = spec('make_knock.incompatible-version', text);
    let thrown: unknown;
    try {
      must.matchResponse(
        forbidden,
        { status: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION', body: [match.jsonKeyEqual('room_version', '7')] },
        rule,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(SpecAssertionError);
    const error = thrown as SpecAssertionError;
    expect(error.name).to.equal('AssertionError');
    expect(error.code).to.equal('KK_SPEC_VIOLATION');
    expect(error.rule).to.equal(text);
    expect(error.clause).to.equal('make_knock.incompatible-version');
    expect(error.message.split('\n')[0]).to.equal(
      `${text}: got 403 M_FORBIDDEN {"errcode":"M_FORBIDDEN","error":"You are not allowed to knock"}`,
    );
    expect(error.message).to.contain('  - status: want 400, got 403');
    expect(error.message).to.contain('  - errcode: want M_INCOMPATIBLE_ROOM_VERSION, got M_FORBIDDEN');
    expect(error.message).to.contain('  - room_version: missing');
    expect(error.message).to.contain('  spec make_knock.incompatible-version (MUST, v1.1+): "The request is invalid');
    expect(error.message).to.contain('https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1make_knockroomiduserid');
  });

  it('matchResponse passes silently on a match', () => {
    must.matchResponse(forbidden, { status: 403, errcode: 'M_FORBIDDEN', body: [match.jsonKeyPresent('error')] }, setup('rule'));
  });

  it('equal and ok carry the rule; equal gives mocha a diff', () => {
    expect(() => must.equal('leave', 'knock', spec('membership.knock', 'the membership MUST be knock'))).to.throw(
      SpecAssertionError,
      /^the membership MUST be knock: want "knock", got "leave"/,
    );
    try {
      must.equal(1, 2, setup('r'));
    } catch (error) {
      expect((error as SpecAssertionError).showDiff).to.equal(true);
    }
    expect(() => must.ok(false, setup('send_knock answers knock_room_state'), 'it was empty')).to.throw(
      /^setup: send_knock answers knock_room_state: it was empty$/,
    );
  });

  it('a failed check of a clause the judged spec version does not have is not claimed: a note, never a failure', () => {
    const seen: SpecWarning[] = [];
    const unsubscribe = subscribeWarnings((w) => seen.push(w));
    const saved = process.env[RUN_CONTEXT_ENV];
    publishRunContext({ specVersion: '1.15' });
    try {
      const rule = spec('send_knock.knock-room-state.pdus', 'knock_room_state MUST contain m.room.create');
      expect(() => must.ok(false, rule, 'it has none')).to.throw(
        NotClaimedError,
        /send_knock.knock-room-state.pdus is v1.16\+, not part of the judged spec v1.15/,
      );
      expect(() => must.ok(true, rule)).to.not.throw();
      expect(() => must.ok(false, spec('send_knock.knock-room-state.stripped', 'stripped'))).to.throw(SpecAssertionError);
      expect(should.ok(false, spec('sync.knock-state-pruned', 'pruned'))).to.equal(false);
    } finally {
      if (saved === undefined) delete process.env[RUN_CONTEXT_ENV];
      else process.env[RUN_CONTEXT_ENV] = saved;
      unsubscribe();
    }
    expect(seen.map((w) => [w.rule, Boolean(w.notClaimed)])).to.deep.equal([['not claimed', true]]);
  });

  it('spec() refuses a clause the catalogue does not have', () => {
    expect(() => spec('no.such-clause' as 'membership.knock', 'x')).to.throw(/no clause no.such-clause/);
  });
});

describe('should', () => {
  it('records a warning on the diagnostics channel instead of throwing', () => {
    const seen: SpecWarning[] = [];
    const unsubscribe = subscribeWarnings((w) => seen.push(w));
    try {
      expect(should.matchResponse(forbidden, { status: 200 }, spec('client.knock-forbidden', 'the server SHOULD accept'))).to.equal(false);
      expect(
        should.matchJson(
          knockEvent,
          [match.jsonKeyPresent('content.reason')],
          spec('membership.knock-reason', 'the reason SHOULD be kept'),
        ),
      ).to.equal(false);
      expect(should.equal(1, 1, spec('membership.knock-reason', 'same'))).to.equal(true);
      expect(should.ok(true, spec('membership.knock-reason', 'fine'))).to.equal(true);
    } finally {
      unsubscribe();
    }
    expect(seen.map((w) => w.rule)).to.deep.equal(['the server SHOULD accept', 'the reason SHOULD be kept']);
    expect(seen[0].message).to.match(/^the server SHOULD accept: got 403 M_FORBIDDEN/);
  });
});
