# One image for the whole stack: the gateway by default, any subgraph or the seed via the command
#   docker build -t csr-federation .
#   docker run -p 4000:4000 -e GATEWAY_SIGNING_KEY -e AUTH_JWT_PUBLIC_KEY -e SUBGRAPH_URL_GROUP=http://… csr-federation   (gateway)
#   docker run -e MONGODB_URI=mongodb://… -e PORT=4003 -e GATEWAY_PUBLIC_KEYS -e AUTH_JWT_PUBLIC_KEY csr-federation node dist/subgraphs/main.js india
#   docker run -e MONGODB_URI=mongodb://… csr-federation node dist/scripts/seed.js
# docker-compose.yml runs MongoDB, every subgraph (the group and one per subsidiary folder), the seed and the gateway together.
# No key is baked into the image (.dockerignore keeps .env and .cache/ out): `npm run -s keys`
# prints them, and each container gets only its role's (docs/security.md).

# --- build: every dependency, the compiled JavaScript (dist/, web/dist/), then the dev tools pruned
FROM node:24-bookworm-slim AS build

WORKDIR /app

# Dependencies first, so that editing the code does not reinstall them. The install's own build
# (postinstall: patch-package, then npm run build) needs the sources, which are not here yet: the
# scripts are skipped, patch-package applies patches/ now and the build runs once the code is copied.
# (esbuild's own install script only speeds up its command line; its platform binary is an optional
# dependency npm ci installs. MONGOMS_DISABLE_POSTINSTALL: no mongod download for the tests' server.)
COPY package.json package-lock.json ./
COPY patches ./patches
RUN MONGOMS_DISABLE_POSTINSTALL=1 npm ci --ignore-scripts --no-audit --no-fund \
  && npx patch-package --error-on-fail

COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && npm cache clean --force

# --- runtime: the current LTS Node, the pruned dependencies and the built code, no build tools
FROM node:24-bookworm-slim

WORKDIR /app
COPY --from=build /app /app

# Listen on every interface inside the container (the servers default to 127.0.0.1).
ENV HOST=0.0.0.0
# Commands run `node dist/…`, plain JavaScript: the server is the container's process itself, so
# SIGTERM from `docker stop` reaches it and it drains and exits 0 (through npm or npx, a wrapper
# process sits in between, and npx does not pass the signal on).
USER node
EXPOSE 4000

CMD ["node", "dist/gateway/src/main.js"]
