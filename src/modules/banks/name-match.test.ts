import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchAccountHolder, type LegalName } from './name-match.ts';

const ada: LegalName = { firstName: 'Ada', middleName: 'King', lastName: 'Lovelace' };
const result = (owners: string[], legal: LegalName = ada) => matchAccountHolder(owners, legal).result;

describe('account holder name match', () => {
  it('approves the same name whatever the case, accents, punctuation, honorific or suffix', () => {
    assert.equal(result(['Ada King Lovelace']), 'APPROVED');
    assert.equal(result(['ADA LOVELACE']), 'APPROVED');
    assert.equal(result(['Dr. Ada K. Lovelace, Jr.']), 'APPROVED');
    assert.equal(result(['Lovelace, Ada K']), 'APPROVED');
    assert.equal(result(['José Núñez'], { firstName: 'Jose', middleName: null, lastName: 'Nunez' }), 'APPROVED');
    assert.equal(result(["Sean O'Brien"], { firstName: 'Sean', middleName: null, lastName: 'OBrien' }), 'APPROVED');
  });

  it('tolerates middle names the KYC lacks, initials of the KYC middle name, and compound names', () => {
    assert.equal(
      result(['Dylan Thomas Smith'], { firstName: 'Dylan', middleName: null, lastName: 'Smith' }),
      'APPROVED',
    );
    assert.equal(
      result(['Mary Ann Garcia-Lopez'], { firstName: 'Mary Ann', middleName: null, lastName: 'Garcia-Lopez' }),
      'APPROVED',
    );
    assert.equal(
      result(['Maria Lopez'], { firstName: 'Maria', middleName: null, lastName: 'Garcia Lopez' }),
      'APPROVED',
    );
  });

  it('sends partial matches (first initial, short form, other middle name) to review', () => {
    assert.equal(result(['A. Lovelace']), 'IN_REVIEW');
    assert.equal(result(['Alex Smith'], { firstName: 'Alexander', middleName: null, lastName: 'Smith' }), 'IN_REVIEW');
    assert.equal(result(['Ada Byron Lovelace']), 'IN_REVIEW');
    assert.equal(result([]), 'IN_REVIEW');
  });

  it('declines other people, single words and businesses; one matching joint owner is enough', () => {
    assert.equal(result(['Jordan Q. Mismatch']), 'DECLINED');
    assert.equal(result(['Ada Smith']), 'DECLINED');
    assert.equal(result(['Lovelace']), 'DECLINED');
    assert.equal(result(['Lovelace Analytical Engines LLC']), 'DECLINED');
    assert.equal(result(['Charles Babbage', 'Ada Lovelace']), 'APPROVED');
  });
});
