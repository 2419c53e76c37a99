import { Type } from '@sinclair/typebox';
import { named, Obj, StringEnum } from '../../lib/schema.ts';

const str = (max: number, description: string) => Type.String({ maxLength: max, description });

export const SubmitKycRequest = Obj(
  {
    dateOfBirth: str(20, 'The date of birth (YYYY-MM-DD); the user must be 18 or older'),
    idType: StringEnum(['SSN'] as const, { description: 'The type of ID' }),
    idNumber: str(
      20,
      'The SSN: nine digits, with or without dashes. Stored encrypted; only its last four digits are ever shown',
    ),
    line1: str(200, 'The first address line'),
    line2: Type.Optional(str(200, 'The second address line')),
    city: str(200, 'The city'),
    state: str(10, 'The two-letter abbreviation of a US state, DC or territory, e.g. CA'),
    postalCode: str(20, 'The ZIP code (12345) or ZIP+4 (12345-6789)'),
    nationality: Type.Optional(str(100, 'The nationality of the user (a country code such as US, or a name)')),
    occupation: Type.Optional(str(200, 'The occupation of the user')),
  },
  {
    description: 'SubmitKycRequest',
    examples: [
      {
        dateOfBirth: '1990-04-21',
        idType: 'SSN',
        idNumber: '234-56-7890',
        line1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
        nationality: 'US',
        occupation: 'Engineer',
      },
    ],
  },
);

// ---- responses (named components) ----

export const IdvResponseSchema = named(
  'IdvResponse',
  Type.Object(
    {
      status: StringEnum(['UNKNOWN', 'NOT_STARTED', 'SUBMITTED', 'IN_REVIEW', 'APPROVED', 'DECLINED'] as const, {
        description:
          "The status of the user's identity verification: IN_REVIEW while documents are asked for or reviewed, SUBMITTED while the checks run, otherwise the KYC's idvResult",
      }),
      url: Type.Optional(
        Type.String({
          format: 'uri',
          description:
            'The URL to give the user to complete identity verification (upload an ID document); present only while documents are asked for',
        }),
      ),
    },
    {
      description: 'IdvResponse',
      examples: [{ status: 'IN_REVIEW', url: 'https://onramp.example/sandbox/idv/idv_52xR9LKo77r1Np' }],
    },
  ),
);

/** POST /v1/users/{userId}/idv takes no fields; an empty or missing body is fine. */
export const StartIdvRequest = Type.Object(
  {},
  { additionalProperties: false, description: 'No fields', examples: [{}] },
);

export const kycSchemas = [IdvResponseSchema];
