import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { describeServer, describeServerLine, fetchServerVersion, knockknockVersion, redactArguments } from './metadata';

describe('run metadata', () => {
  it('reads the server name and version from /_matrix/federation/v1/version', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/_matrix/federation/v1/version' ? JSON.stringify({ server: { name: 'Synapse', version: '1.160.0' } }) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const described = await describeServer(
        { implementation: 'synapse', serverName: 'localhost:8008', clientUrl: url, federationUrl: url },
        'knockknock-synapse:abc',
      );
      expect(described).to.deep.include({
        implementation: 'synapse',
        name: 'Synapse',
        version: '1.160.0',
        image: 'knockknock-synapse:abc',
        federationUrl: url,
      });
      expect(describeServerLine(described)).to.equal('Synapse 1.160.0 (synapse, image knockknock-synapse:abc)');
    } finally {
      server.close();
    }
  });

  it('says why the version is unknown when the server does not answer', async () => {
    const result = await fetchServerVersion('http://127.0.0.1:9', 2_000);
    expect(result.version).to.equal(undefined);
    expect(result.error).to.match(/^GET \/_matrix\/federation\/v1\/version failed: /);
  });

  it('redacts the shared secret and --env values from the command line, and knows its own version', () => {
    expect(
      redactArguments(['run', '--shared-secret', 's3cret', '--env', 'A=1', '--env=B=2', '--shared-secret=x', '--spec', 'suites/a.test.ts']),
    ).to.deep.equal([
      'run',
      '--shared-secret',
      '<redacted>',
      '--env',
      'A=<redacted>',
      '--env=B=<redacted>',
      '--shared-secret=<redacted>',
      '--spec',
      'suites/a.test.ts',
    ]);
    expect(knockknockVersion()).to.match(/^\d+\.\d+\.\d+/);
  });
});
