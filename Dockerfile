# One image for the whole stack: the gateway by default, any subgraph or the seed via the command
#   docker build -t csr-federation .
#   docker run -p 4000:4000 -e GATEWAY_SIGNING_KEY -e AUTH_JWT_PUBLIC_KEY -e SUBGRAPH_URL_GROUP=http://… csr-federation   (gateway)
#   docker run -e MONGODB_URI=mongodb://… -e PORT=4003 -e GATEWAY_PUBLIC_KEYS -e AUTH_JWT_PUBLIC_KEY csr-federation node --import tsx subgraphs/main.ts india
#   docker run -e MONGODB_URI=mongodb://… csr-federation node --import tsx scripts/seed.ts
# docker-compose.yml runs MongoDB, every subgraph (the group and one per subsidiary folder), the seed and the gateway together.
# No key is baked into the image (.dockerignore keeps .env and .cache/ out): `npm run -s keys`
# prints them, and each container gets only its role's (docs/security.md).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that editing the code does not reinstall them. `npm ci` runs the postinstall
# (patch-package applies patches/ to node_modules; it is a dev dependency, so the install is full),
# then the dev tools are pruned: tsx runs the TypeScript directly at run time.
# MONGOMS_DISABLE_POSTINSTALL: the in-memory MongoDB of the tests would download a mongod.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN MONGOMS_DISABLE_POSTINSTALL=1 npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund \
  && npm cache clean --force

COPY . .

# Listen on every interface inside the container (the servers default to 127.0.0.1).
ENV HOST=0.0.0.0
# Commands run `node --import tsx …`: the server is the container's process itself, so SIGTERM from
# `docker stop` reaches it and it drains and exits 0 (through npx or the tsx CLI, a wrapper process
# sits in between, and npx does not pass the signal on).
ENV PATH=/app/node_modules/.bin:$PATH
USER node
EXPOSE 4000

CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
