/**
 * The shared response cache's names in Redis, used by the gateway (which reads, stores and
 * invalidates answers) and by every subgraph (which invalidates what its own writes changed,
 * also when the write did not come through a gateway). One definition, so both sides agree.
 *
 * An answer is tagged with the subgraphs its plan called (`subgraphTag`). In Redis, under PREFIX:
 * - `epoch`: changes when everything is invalidated and when Redis lost its data (a restart); it is
 *   part of every entry's key, so older entries are unreachable and stores begun before it refused;
 * - `seq`: bumped by every invalidation; `inv:<tag>`: the `seq` of the tag's last invalidation;
 * - `entry:<epoch>:<key>`: a stored answer, with a TTL of its max-age;
 * - `tag:<tag>`, `untagged`: sorted sets of entry keys (score: when they expire), dropped with the tag.
 * Every invalidation is also published on CHANNEL as JSON `{"tags": [...]}` (or `{"all": true}`).
 */
export const RESPONSE_CACHE_PREFIX = 'response-cache:';
export const RESPONSE_CACHE_CHANNEL = 'response-cache:invalidations';

/** The tag of every answer read from subgraph `name` (its name in the supergraph), and of its writes. */
export function subgraphTag(name: string): string {
  return `subgraph:${name}`;
}

/** Drops the entries of the given tags (ARGV[4…]; none: everything) atomically, then publishes ARGV[3] on ARGV[2]. */
export const INVALIDATE_SCRIPT = `
local p = ARGV[1]
local seq = redis.call('INCR', p .. 'seq')
local function drop(set)
  local keys = redis.call('ZRANGE', set, 0, -1)
  for i = 1, #keys, 500 do redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys))) end
  redis.call('DEL', set)
end
if #ARGV == 3 then
  local now = redis.call('TIME')
  redis.call('SET', p .. 'epoch', now[1] .. '.' .. now[2] .. '-' .. seq)
else
  for i = 4, #ARGV do
    redis.call('SET', p .. 'inv:' .. ARGV[i], seq)
    drop(p .. 'tag:' .. ARGV[i])
  end
end
drop(p .. 'untagged')
redis.call('PUBLISH', ARGV[2], ARGV[3])
return seq
`;

/** The arguments of INVALIDATE_SCRIPT for `tags` (undefined: everything). */
export function invalidationArguments(tags: readonly string[] | undefined): string[] {
  const message = JSON.stringify(tags === undefined ? { all: true } : { tags });
  return [RESPONSE_CACHE_PREFIX, RESPONSE_CACHE_CHANNEL, message, ...(tags ?? [])];
}
