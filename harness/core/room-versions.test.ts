import { expect } from 'chai';
import { getRoomVersion, ROOM_VERSIONS, versionsWhere } from './room-versions';

describe('ROOM_VERSIONS', () => {
  it('lists versions 1 to 12 in order', () => {
    expect(Object.keys(ROOM_VERSIONS)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  });

  it('selects versions by flag', () => {
    expect(versionsWhere((v) => v.knockAllowed)).to.deep.equal(['7', '8', '9', '10', '11', '12']);
    expect(versionsWhere((v) => v.restrictedAllowed)).to.deep.equal(['8', '9', '10', '11', '12']);
    expect(versionsWhere((v) => v.knockRestrictedAllowed)).to.deep.equal(['10', '11', '12']);
    expect(versionsWhere((v) => v.integerPowerLevels)).to.deep.equal(['10', '11', '12']);
    expect(versionsWhere((v) => v.creatorInContent)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(versionsWhere((v) => v.roomIdFromCreateHash)).to.deep.equal(['12']);
    expect(versionsWhere((v) => !v.createInAuthEvents)).to.deep.equal(['12']);
    expect(versionsWhere((v) => v.prevEventsFormat === 'tuples')).to.deep.equal(['1', '2']);
    expect(versionsWhere((v) => v.eventIdFormat === 'v3')).to.deep.equal(['3']);
  });

  it('names the redaction rules of each version', () => {
    expect(Object.values(ROOM_VERSIONS).map((v) => v.redaction)).to.deep.equal([
      'v1',
      'v1',
      'v1',
      'v1',
      'v1',
      'v6',
      'v6',
      'v8',
      'v9',
      'v9',
      'v11',
      'v11',
    ]);
  });

  it('getRoomVersion throws listing the known ids', () => {
    expect(getRoomVersion('7').knockAllowed).to.equal(true);
    expect(() => getRoomVersion('13')).to.throw(/unknown room version "13"; known: 1, 2, .*, 12/);
    expect(() => getRoomVersion('constructor')).to.throw(/unknown/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ROOM_VERSIONS)).to.equal(true);
    expect(Object.isFrozen(ROOM_VERSIONS['10'])).to.equal(true);
  });
});
