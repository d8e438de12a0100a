import { expect } from 'chai';
import { planWorkers } from './run-suites';

describe('planWorkers', () => {
  it('starts one instance per core (up to 4) for the container drivers, and one for --url', () => {
    expect(planWorkers({ driver: 'synapse', files: 22, cores: 1 })).to.deep.equal({ instances: 1, jobs: 4 });
    expect(planWorkers({ driver: 'synapse', files: 22, cores: 2 })).to.deep.equal({ instances: 2, jobs: 4 });
    expect(planWorkers({ driver: 'complement', files: 22, cores: 16 })).to.deep.equal({ instances: 4, jobs: 8 });
    expect(planWorkers({ driver: 'url', files: 22, cores: 16 })).to.deep.equal({ instances: 1, jobs: 4 });
  });

  it('gives each instance the same number of workers by default', () => {
    expect(planWorkers({ driver: 'synapse', files: 22, instances: 2 })).to.deep.equal({ instances: 2, jobs: 4 });
    expect(planWorkers({ driver: 'synapse', files: 22, instances: 3 })).to.deep.equal({ instances: 3, jobs: 6 });
  });

  it('starts no more instances than workers could use (one worker per suite file at most)', () => {
    expect(planWorkers({ driver: 'synapse', files: 1, instances: 2 })).to.deep.equal({ instances: 1, jobs: 4 });
    expect(planWorkers({ driver: 'synapse', files: 22, instances: 2, jobs: 1 })).to.deep.equal({ instances: 1, jobs: 1 });
  });

  it('keeps a chosen --jobs as given', () => {
    expect(planWorkers({ driver: 'synapse', files: 22, instances: 2, jobs: 5 })).to.deep.equal({ instances: 2, jobs: 5 });
  });
});
