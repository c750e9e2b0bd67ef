import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DECIMAL128, MAX_DECIMAL_INPUT_LENGTH, boundedDecimalProblem } from './decimal';
import { isIsoDate } from './fiscal-year';

function decimalText(value: unknown): string {
  const problem = typeof value !== 'string' ? 'is not a string' : boundedDecimalProblem(value);
  if (problem !== null) {
    throw new GraphQLError(
      `Decimal must be a string such as "1234.50" (at most ${MAX_DECIMAL_INPUT_LENGTH} characters and ${DECIMAL128.significantDigits} significant digits, as a Decimal128 holds); ` +
        `${JSON.stringify(value)?.slice(0, 60) ?? String(value)} ${problem}`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  return (value as string).trim();
}

/** Exact decimals travel as strings; a JSON number is refused so no float ever carries money. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  serialize: (value) => String(value),
  parseValue: decimalText,
  parseLiteral: (ast) => decimalText(ast.kind === Kind.STRING ? ast.value : undefined),
});

function dateText(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw new GraphQLError(`Date must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)?.slice(0, 40)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (value) => String(value),
  parseValue: dateText,
  parseLiteral: (ast) => dateText(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const scalarResolvers = { Decimal: DecimalScalar, Date: DateScalar };
