import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { roomVersionsToRun } from './room-versions';

describe('the room versions a mutant runs with', () => {
  it('are the ones asked for when they include a version the bug shows in, or when none were asked for', () => {
    expect(roomVersionsToRun('7,12', ['10', '11', '12'])).to.equal('7,12');
    expect(roomVersionsToRun(undefined, ['1', '2'])).to.equal(undefined);
    expect(roomVersionsToRun('7,12', undefined)).to.equal('7,12');
  });

  it('gain the first version the bug shows in when the selection has none of them', () => {
    expect(roomVersionsToRun('7,12', ['1', '2', '3', '4', '5', '6'])).to.equal('7,12,1');
    expect(roomVersionsToRun('10, 12', ['7', '8', '9'])).to.equal('10,12,7');
  });

  it('name only room versions 1–12 in mutants.json', () => {
    const { mutants } = JSON.parse(readFileSync(path.join(__dirname, 'mutants.json'), 'utf8')) as {
      mutants: Array<{ id: string; roomVersions?: string[] }>;
    };
    const known = Array.from({ length: 12 }, (_, i) => String(i + 1));
    for (const m of mutants) for (const v of m.roomVersions ?? []) expect(known, m.id).to.include(v);
  });
});
