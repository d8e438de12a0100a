import { expect } from 'chai';
import { ROOM_VERSIONS } from '../core';
import {
  SPEC_CLAUSES,
  clauseClaimedAt,
  describeClauseRange,
  endpointAnchor,
  eventAnchor,
  findSpecClause,
  headingAnchor,
} from './spec-clauses';
import { SpecSource, clauseCheckVersions, normalizeSpecText, specGitDir } from './spec-text';
import { SPEC_VERSIONS, compareSpecVersions, isSpecVersion } from '../core/spec-versions';

describe('spec clause catalogue', () => {
  it('has unique ids, and every clause a title, a level, a quote and a known version range', () => {
    const ids = SPEC_CLAUSES.map((c) => c.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const c of SPEC_CLAUSES) {
      expect(c.title, c.id).to.be.a('string').and.not.empty;
      expect(['MUST', 'SHOULD'], c.id).to.include(c.level);
      expect(c.quote.trim(), c.id).to.not.equal('');
      expect(isSpecVersion(c.since), `${c.id} since`).to.equal(true);
      if (c.until) expect(compareSpecVersions(c.until, c.since), `${c.id} until after since`).to.be.greaterThan(0);
      if (c.writtenIn) expect(compareSpecVersions(c.writtenIn, c.since), `${c.id} writtenIn after since`).to.be.greaterThan(0);
      for (const v of c.appliesTo ?? []) expect(ROOM_VERSIONS, `${c.id} appliesTo`).to.have.property(v);
    }
  });

  it('links every clause to the rendered text of the newest release that has it', () => {
    for (const c of SPEC_CLAUSES) {
      const version = c.until ? SPEC_VERSIONS[SPEC_VERSIONS.indexOf(c.until) - 1] : '1.19';
      expect(c.link, c.id).to.equal(`https://spec.matrix.org/v${version}/${c.source.page}/#${c.source.anchor}`);
      expect(c.source.anchor, c.id).to.match(/^[a-z0-9_-]+$/);
    }
  });

  it('builds anchors the way spec.matrix.org does', () => {
    expect(endpointAnchor('PUT', '/_matrix/federation/v1/send_knock/{roomId}/{eventId}')).to.equal(
      'put_matrixfederationv1send_knockroomideventid',
    );
    expect(endpointAnchor('POST', '/_matrix/client/v3/knock/{roomIdOrAlias}')).to.equal('post_matrixclientv3knockroomidoralias');
    expect(eventAnchor('m.room.join_rules')).to.equal('mroomjoin_rules');
    expect(headingAnchor('Server Access Control Lists (ACLs)')).to.equal('server-access-control-lists-acls');
  });

  it('tells whether a clause is claimed at a spec version', () => {
    const pdus = findSpecClause('send_knock.knock-room-state.pdus')!;
    const stripped = findSpecClause('send_knock.knock-room-state.stripped')!;
    expect(clauseClaimedAt(pdus, '1.15')).to.equal(false);
    expect(clauseClaimedAt(pdus, '1.16')).to.equal(true);
    expect(clauseClaimedAt(stripped, '1.15')).to.equal(true);
    expect(clauseClaimedAt(stripped, '1.16')).to.equal(false);
    expect(describeClauseRange(stripped)).to.equal('v1.1–v1.15');
    expect(describeClauseRange(findSpecClause('send_knock.validation')!)).to.equal('v1.1+ (written down in v1.18)');
  });

  it('normalizes spec text to what a reader sees', () => {
    expect(normalizeSpecText('A [stripped](/x#y) **event**\n   with {{% added-in v="1.16" %}} text')).to.equal(
      'A stripped event with text',
    );
  });

  describe('against the matrix-spec source (KK_MATRIX_SPEC_GIT, or the workplace snapshot)', function () {
    this.timeout(120_000);
    const gitDir = specGitDir();
    const source = gitDir ? new SpecSource(gitDir) : undefined;
    before(function () {
      if (!source) {
        process.stderr.write('spec-clauses: no matrix-spec checkout (set KK_MATRIX_SPEC_GIT); the quote and anchor proofs are skipped\n');
        this.skip();
      }
    });

    it('finds every quote in the releases its clause claims, and not in the release before a new rule or at the one that removed it', () => {
      const problems: string[] = [];
      for (const c of SPEC_CLAUSES) {
        const { first, last, before, after } = clauseCheckVersions(c);
        for (const version of new Set([first, last])) {
          const missing = source!.missingQuoteParts(version, c.source.file, c.quote);
          if (missing.length) problems.push(`${c.id}: not in v${version} ${c.source.file}: ${missing.join(' | ')}`);
        }
        for (const version of [before, after]) {
          if (!version) continue;
          const missing = source!.missingQuoteParts(version, c.source.file, c.quote);
          if (missing.length === 0) problems.push(`${c.id}: the quote stands in v${version} too, outside ${describeClauseRange(c)}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it("finds every link's anchor on its page", () => {
      const problems: string[] = [];
      for (const c of SPEC_CLAUSES) {
        const version = /\/v(1\.\d+)\//.exec(c.link)![1] as (typeof SPEC_VERSIONS)[number];
        const { anchor, page } = c.source;
        const known = source!.headingAnchors(version, page);
        const isEvent = source!.file(version, `data/event-schemas/schema/${anchor.replace(/^mroom/, 'm.room.')}.yaml`) !== undefined;
        if (!known.has(anchor) && !source!.endpointAnchors(version).has(anchor) && !isEvent)
          problems.push(`${c.id}: no #${anchor} on ${page} v${version}`);
      }
      expect(problems).to.deep.equal([]);
    });
  });
});
