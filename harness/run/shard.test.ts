import { expect } from 'chai';
import { exactTitlesGrep, parseShard, shardOfTitle } from './shard';

describe('shards', () => {
  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard('1/1')).to.deep.equal({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2', '2/0', 'a/b', '1/65', '-1/2']) expect(parseShard(bad), bad).to.equal(undefined);
  });

  it('puts every title in exactly one shard, the same one every time, spread over all shards', () => {
    const titles = Array.from({ length: 400 }, (_, i) => `Suite A test number ${i} [spec:x] [v${7 + (i % 6)}]`);
    const counts = [0, 0, 0, 0];
    for (const title of titles) {
      const shard = shardOfTitle(title, 4);
      expect(shard).to.be.within(1, 4);
      expect(shardOfTitle(title, 4)).to.equal(shard);
      counts[shard - 1] += 1;
    }
    for (const n of counts) expect(n).to.be.within(70, 130);
    expect(shardOfTitle('Suite A test number 0 [spec:x] [v7]', 4)).to.equal(shardOfTitle('Suite A test number 0 [spec:x] [v7]', 4));
  });

  it('matches exactly the titles given, however many regex characters they hold', () => {
    const titles = ['A (b) [spec:make-knock.unsupported-version] [v7]', 'C: D? E* F+ | G / H $1 ^', 'plain'];
    const grep = new RegExp(exactTitlesGrep(titles));
    for (const title of titles) expect(grep.test(title), title).to.equal(true);
    for (const other of ['plai', 'plain ', 'x plain', 'A (b) [spec:make-knock.unsupported-version] [v8]'])
      expect(grep.test(other), other).to.equal(false);
    expect(new RegExp(exactTitlesGrep([])).test('anything')).to.equal(false);
  });
});
