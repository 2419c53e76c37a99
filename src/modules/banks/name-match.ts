// Bank verification by name: do the account holders the bank reports include the person who passed
// KYC? Names are normalised (case, accents, punctuation, honorifics and suffixes, "Last, First"
// order) and compared word by word, tolerating middle names and initials:
//   APPROVED   an owner's first and last names equal the KYC first and last names, and any middle
//              words are the KYC middle name, its initial, or absent from KYC;
//   IN_REVIEW  the last name matches but the first name only by initial or as a prefix ("Alex" /
//              "Alexander"), or the bank reported no owner names: a person decides;
//   DECLINED   no owner comes close (business accounts, someone else's account, joint accounts
//              where the user is not listed).
export type NameMatch = { result: 'APPROVED' | 'IN_REVIEW' | 'DECLINED'; detail: string };

export interface LegalName {
  firstName: string;
  middleName: string | null;
  lastName: string;
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'madam']);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v', 'md', 'phd', 'esq', 'dds', 'cpa']);

/** Lower-case ASCII words: accents stripped, apostrophes dropped, other punctuation splits. */
export function nameWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^a-z]+/)
    .filter(Boolean);
}

/** An owner name as [first, middles, last-words], handling "Last, First Middle" and honorifics/suffixes. */
function ownerParts(owner: string): string[] {
  let text = owner;
  const comma = owner.indexOf(',');
  if (comma > 0) {
    const before = owner.slice(0, comma);
    const after = owner.slice(comma + 1);
    // "Smith, John A" → "John A Smith"; but "John Smith, Jr." keeps its order.
    const afterWords = nameWords(after);
    if (afterWords.length > 0 && !afterWords.every((w) => SUFFIXES.has(w))) text = `${after} ${before}`;
  }
  const words = nameWords(text);
  while (words.length > 0 && HONORIFICS.has(words[0]!)) words.shift();
  while (words.length > 0 && SUFFIXES.has(words.at(-1)!)) words.pop();
  return words;
}

function compareOne(owner: string, legal: LegalName): NameMatch['result'] {
  const words = ownerParts(owner);
  const first = nameWords(legal.firstName);
  const last = nameWords(legal.lastName);
  const middle = legal.middleName ? nameWords(legal.middleName) : [];
  if (words.length < 2 || first.length === 0 || last.length === 0) return 'DECLINED';

  // The last name may be several words (hyphenated or compound): the owner must end with all of them,
  // or (a bank dropping one half of a compound name) with its final word.
  let lastLen = 0;
  if (words.length > last.length && last.every((w, i) => words[words.length - last.length + i] === w))
    lastLen = last.length;
  else if (words.at(-1) === last.at(-1)) lastLen = 1;
  else return 'DECLINED';

  const given = words.slice(0, words.length - lastLen);
  // The KYC first name may itself be several words ("Mary Ann").
  const firstExact = first.every((w, i) => given[i] === w);
  const rest = firstExact ? given.slice(first.length) : given.slice(1);
  const middlesOk = rest.every((w) =>
    middle.length === 0 ? true : middle.some((m) => m === w || (w.length === 1 && m.startsWith(w))),
  );
  if (firstExact && middlesOk) return 'APPROVED';
  const head = given[0] ?? '';
  const firstPartial =
    head.length > 0 &&
    head !== first[0] &&
    (head.length === 1 ? first[0]!.startsWith(head) : first[0]!.startsWith(head) || head.startsWith(first[0]!));
  if (firstExact || firstPartial) return 'IN_REVIEW';
  return 'DECLINED';
}

export function matchAccountHolder(owners: string[], legal: LegalName): NameMatch {
  const names = owners.filter((o) => o.trim() !== '');
  if (names.length === 0) return { result: 'IN_REVIEW', detail: 'the bank reported no account holder name' };
  const results = names.map((o) => compareOne(o, legal));
  if (results.includes('APPROVED'))
    return { result: 'APPROVED', detail: 'an account holder name matches the KYC legal name' };
  if (results.includes('IN_REVIEW'))
    return {
      result: 'IN_REVIEW',
      detail: 'an account holder name matches the KYC legal name only partly (initial or short form)',
    };
  return { result: 'DECLINED', detail: 'no account holder name matches the KYC legal name' };
}
