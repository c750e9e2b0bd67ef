/**
 * The federation scenario's data: users, products, their stock and reviews, the same on every run
 * (no randomness; every value follows from an index). Each user writes REVIEWS_PER_USER reviews,
 * spread over the products so that every product has about as many.
 */
export const USER_COUNT = 60;
export const PRODUCT_COUNT = 60;
export const REVIEWS_PER_USER = 3;

export interface UserRow {
  id: string;
  name: string;
  username: string;
  birthday: number;
}

export interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
}

export interface ReviewRow {
  id: string;
  body: string;
  authorId: string;
  upc: string;
}

const ADJECTIVES = ['Sturdy', 'Compact', 'Classic', 'Bright', 'Quiet', 'Modular', 'Foldable', 'Recycled'];
const NOUNS = ['Table', 'Chair', 'Lamp', 'Shelf', 'Desk', 'Couch', 'Stool', 'Cabinet', 'Bench', 'Rack'];
const VERDICTS = ['Does what it says on the box', 'Arrived late but works well', 'Better than the one I had before', 'Too expensive for what it is', 'Would buy again for the office'];

export const USERS: readonly UserRow[] = Array.from({ length: USER_COUNT }, (_, index) => ({
  id: `u${index + 1}`,
  name: `User Number ${index + 1}`,
  username: `user_${String(index + 1).padStart(3, '0')}`,
  birthday: 1_000_000_000 + index * 86_400,
}));

export const PRODUCTS: readonly ProductRow[] = Array.from({ length: PRODUCT_COUNT }, (_, index) => ({
  upc: `p${index + 1}`,
  name: `${ADJECTIVES[index % ADJECTIVES.length]} ${NOUNS[index % NOUNS.length]} ${index + 1}`,
  price: 100 + ((index * 37) % 1_400),
  weight: 10 + ((index * 53) % 990),
}));

export const REVIEWS: readonly ReviewRow[] = USERS.flatMap((user, userIndex) =>
  Array.from({ length: REVIEWS_PER_USER }, (_, nth) => {
    const index = userIndex * REVIEWS_PER_USER + nth;
    return {
      id: `r${index + 1}`,
      body: `${VERDICTS[index % VERDICTS.length]} (review ${index + 1}).`,
      authorId: user.id,
      upc: PRODUCTS[(index * 7) % PRODUCT_COUNT]!.upc,
    };
  }),
);

/** `count` rows from `offset` on, wrapping around: any offset is a full page. */
export function page<T>(rows: readonly T[], first: number, offset: number): T[] {
  const start = ((offset % rows.length) + rows.length) % rows.length;
  return Array.from({ length: Math.min(first, rows.length) }, (_, index) => rows[(start + index) % rows.length]!);
}

export function inStock(upc: string): boolean {
  return Number(upc.slice(1)) % 4 !== 0;
}

function indexBy<T, K extends keyof T>(rows: readonly T[], key: K): Map<T[K], T> {
  return new Map(rows.map((row) => [row[key], row]));
}

export const USER_BY_ID = indexBy(USERS, 'id');
export const PRODUCT_BY_UPC = indexBy(PRODUCTS, 'upc');
export const REVIEW_BY_ID = indexBy(REVIEWS, 'id');

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

export const REVIEWS_BY_AUTHOR = groupBy(REVIEWS, (review) => review.authorId);
export const REVIEWS_BY_PRODUCT = groupBy(REVIEWS, (review) => review.upc);
