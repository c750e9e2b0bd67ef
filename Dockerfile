# One image for the whole stack: the gateway by default, any subgraph or the seed via the command
#   docker build -t csr-federation .
#   docker run -p 4000:4000 -e SUBGRAPH_URL_GROUP=http://… csr-federation          (gateway)
#   docker run -e MONGODB_URI=mongodb://… -e PORT=4003 csr-federation tsx subgraphs/main.ts india
#   docker run -e MONGODB_URI=mongodb://… csr-federation tsx scripts/seed.ts
# docker-compose.yml runs MongoDB, the five subgraphs, the seed and the gateway together.
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
# Commands run `tsx` directly, not `npx tsx`: npx does not pass SIGTERM on to the program it
# starts, so `docker stop` would kill the server without its graceful shutdown (and leave tsx
# orphaned where npx is not PID 1). tsx itself relays the signal to the node process it runs.
ENV PATH=/app/node_modules/.bin:$PATH
USER node
EXPOSE 4000

CMD ["tsx", "gateway/src/main.ts"]
